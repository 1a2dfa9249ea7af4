import ArgumentParser
import Foundation
import Tune
import TuneSearch
import TuneStorage

/// `layerwise study DIR [--format text|json]`: the trials of a study folder.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "List the trials of a tune study folder (text or JSON).")

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: ArgumentHelp("A study folder written by `layerwise tune`.", valueName: "dir"))
    var folder: String

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        try reportingErrors {
            let (storage, definition) = try TuneStudy.existing(in: folder)
            let trials = try storage.trials()
            let best = TuneStudy.best(of: trials, direction: definition.direction)
            switch format {
            case .json: print(try Self.json(definition, trials, best: best))
            case .text: print(Self.text(definition, trials, best: best))
            }
        }
    }

    static func json(
        _ definition: StudyDefinition, _ trials: [TrialRecord], best: TrialRecord?
    ) throws -> String {
        func number(_ value: Double?) -> Any {
            guard let value, value.isFinite else { return NSNull() }
            return value
        }
        func params(_ assignment: Assignment) -> [String: Any] {
            assignment.mapValues { value -> Any in
                switch value {
                case .real(let number): number
                case .integer(let number): number
                case .choice(let name): name
                }
            }
        }
        func trialObject(_ trial: TrialRecord) -> [String: Any] {
            var object: [String: Any] = [
                "number": trial.number, "state": trial.state.rawValue,
                "value": number(trial.value), "params": params(trial.assignment),
                "worker": trial.worker as Any? ?? NSNull(),
                "epochs": trial.epochs as Any? ?? NSNull(),
                "seconds": number(trial.seconds),
            ]
            if let spread = trial.attributes["value_std"].flatMap(Double.init) {
                object["value_std"] = spread
            }
            if let error = trial.attributes["error"] { object["error"] = error }
            return object
        }
        let document: [String: Any] = [
            "study": definition.name, "spec": definition.specPath, "metric": definition.metric,
            "direction": definition.direction.rawValue, "target_trials": definition.targetTrials,
            "trials": trials.map(trialObject),
            "best": best.map(trialObject) as Any? ?? NSNull(),
        ]
        let data = try JSONSerialization.data(
            withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static func text(
        _ definition: StudyDefinition, _ trials: [TrialRecord], best: TrialRecord?
    ) -> String {
        let names = definition.space.parameters.map(\.name)
        var lines = [
            "Study \(definition.name) (\(definition.specPath)): \(trials.count) of "
                + "\(definition.targetTrials) trials, \(definition.direction.rawValue) "
                + definition.metric
        ]
        let header = ["#", "state", "value"] + names.map(StudyProgress.shortName)
        var rows = [header]
        for trial in trials {
            rows.append(
                [
                    String(trial.number), trial.state.rawValue,
                    trial.value.map { String(format: "%.4f", $0) } ?? "-",
                ]
                    + names.map { trial.assignment[$0].map(compactText) ?? "-" })
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(
                row.enumerated().map {
                    $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0)
                }
                .joined(separator: "  "))
        }
        if let best {
            lines.append(
                "Best: trial \(best.number), \(definition.metric) "
                    + String(format: "%.4f", best.value ?? .nan))
        }
        return lines.joined(separator: "\n")
    }
}
