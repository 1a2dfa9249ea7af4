import Advisor
import Foundation
import Runs
import Spec
import TuneSearch
import TuneStorage

/// The files a study folder holds beside its database: `trials.csv`, `best.yaml`, the best
/// trial's run (`best-trial-N/`, trained as `train` would, ensemble and all, and scored on the
/// test split once) and `report.html`. Each is written atomically.
extension TuneStudy {
    /// `trials.csv`'s path.
    public var trialsPath: String { folder + "/trials.csv" }
    /// `best.yaml`'s path.
    public var bestConfigPath: String { folder + "/best.yaml" }
    /// `report.html`'s path.
    public var reportPath: String { folder + "/report.html" }

    /// One row per trial: number, state, each parameter, value (its spread across folds and its
    /// standard error, TUNE-ONE-SE's), epochs, seconds, worker.
    public static func trialsCSV(_ trials: [TrialRecord], space: SearchSpace) -> String {
        let names = space.parameters.map(\.name)
        var lines = [
            (["number", "state"] + names + [
                "value", "value_std", standardErrorAttribute, "epochs", "seconds", "worker",
            ])
            .joined(separator: ",")
        ]
        for trial in trials {
            var fields = [String(trial.number), trial.state.rawValue]
            fields += names.map { trial.assignment[$0].map { "\($0)" } ?? "" }
            fields.append(trial.value.map { String($0) } ?? "")
            fields.append(trial.attributes["value_std"] ?? "")
            fields.append(trial.attributes[standardErrorAttribute] ?? "")
            fields.append(trial.epochs.map(String.init) ?? "")
            fields.append(trial.seconds.map { String(format: "%.3f", $0) } ?? "")
            fields.append(trial.worker ?? "")
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// What the study's end wrote.
    public struct Outputs: Sendable {
        /// The best trial; nil when none completed.
        public var best: TrialRecord?
        /// The best trial's run folder.
        public var bestRun: String?
        /// Its test score (the study's headline metric name and value); nil without test rows.
        public var testScore: (name: String, value: Double)?
    }

    /// Writes `trials.csv`, `best.yaml`, the best trial's run and `report.html`.
    /// - Parameter trainBest: train the best trial's run (once per best trial) and score its
    ///   test split. Default true.
    public func writeOutputs(trials: [TrialRecord], trainBest: Bool = true) throws -> Outputs {
        try AtomicFile.write(Self.trialsCSV(trials, space: space), to: trialsPath)
        var outputs = Outputs()
        let best = Self.best(of: trials, direction: definition.direction)
        outputs.best = best
        if let best {
            let design = try writeBestConfig(of: best, to: bestConfigPath)
            if trainBest {
                let run = folder + "/best-trial-\(best.number)"
                let done =
                    try storage.attribute("best_test_trial") == String(best.number)
                    && FileManager.default.fileExists(atPath: run + "/metrics.json")
                if !done {
                    try? FileManager.default.removeItem(atPath: run)
                    let runFolder = try RunFolder.create(
                        name: design.loaded.spec.name, explicit: run)
                    let session = try TrainingSession.prepare(plan: design)
                    try session.start(plan: design, in: runFolder)
                    let result = try session.run(in: runFolder)
                    let value = result.scores["test"].flatMap { metric.value(in: $0) }
                    try storage.setAttribute("best_test_score", value.map { String($0) } ?? "")
                    try storage.setAttribute("best_test_trial", String(best.number))
                }
                outputs.bestRun = run
            }
        }
        outputs.testScore = try testScore(of: best)
        try writeReport(trials: trials, testScore: outputs.testScore, to: reportPath)
        return outputs
    }

    /// Writes the complete config of `best` (`best.yaml`) to `path`, atomically, replacing it.
    /// - Returns: its design.
    @discardableResult
    public func writeBestConfig(of best: TrialRecord, to path: String) throws -> DesignPlan {
        let design = try self.design(for: best.assignment, ensemble: nil)
        let generated = try design.generate(outputPath: path)
        try DesignPlan.write(generated, to: path, overwrite: true)
        return design
    }

    /// The best trial's test score, when a `tune` trained it.
    public func testScore(of best: TrialRecord?) throws -> (name: String, value: Double)? {
        guard let best, try storage.attribute("best_test_trial") == String(best.number),
            let text = try storage.attribute("best_test_score"), let value = Double(text)
        else { return nil }
        return (metric.rawValue, value)
    }

    /// Writes `report.html` of `trials` to `path`, atomically.
    public func writeReport(
        trials: [TrialRecord], testScore: (name: String, value: Double)?, to path: String
    ) throws {
        let best = Self.best(of: trials, direction: definition.direction)
        let report = StudyReport(
            study: definition, trials: trials, bestTrial: best?.number,
            testScore: testScore.map { StudyReport.TestScore("test \($0.name)", $0.value) },
            zeroTrialSummary: TextReport.compact(plan.recommendation).split(separator: "\n")
                .first.map(String.init),
            selectionNote: Self.selectionNote(trials, direction: definition.direction))
        try AtomicFile.write(report.html(), to: path)
    }
}
