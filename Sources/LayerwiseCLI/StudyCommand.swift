import ArgumentParser
import Foundation
import Tune
import TuneSearch
import TuneStorage

/// `layerwise study DIR|URL [--study NAME] [--format text|json] [--write-best FILE]
/// [--report FILE]`: the trials of a study folder or of a study on a PostgreSQL server, and its
/// best config and report written from any machine.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "List the trials of a tune study (a folder, or a PostgreSQL server's).",
        discussion: """
            `--write-best FILE` writes the best trial's complete config (as tune's best.yaml) \
            and `--report FILE` the study's report.html, from any machine that has the spec \
            and its data (--spec, default: the path the study was made from).
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(
        help: ArgumentHelp(
            "A study folder written by `layerwise tune`, or the postgresql:// URL of its "
                + "server.", valueName: "dir|url"))
    var folder: String

    @Option(
        help: ArgumentHelp(
            "The study's name on the server (default: its only study).", valueName: "name"))
    var study: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(
        name: .customLong("write-best"),
        help: ArgumentHelp("Write the best trial's complete config here.", valueName: "file"))
    var writeBest: String?

    @Option(help: ArgumentHelp("Write the study's report.html here.", valueName: "file"))
    var report: String?

    @Option(
        help: ArgumentHelp(
            "The spec the study was made from, on this machine (for --write-best and "
                + "--report; default: the stored path).", valueName: "spec"))
    var spec: String?

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        let isURL = PostgreSQLLocation.isURL(folder)
        if study != nil, !isURL {
            throw ValidationError("--study names a study on a server: give its postgresql:// URL")
        }
        if isURL {
            do { _ = try PostgreSQLLocation(folder) } catch { throw ValidationError("\(error)") }
        }
        if spec != nil, writeBest == nil, report == nil {
            throw ValidationError("--spec is for --write-best and --report")
        }
    }

    func run() throws {
        try reportingErrors {
            var server: (location: PostgreSQLLocation, study: String?)?
            let (storage, definition): (any StudyStorage, StudyDefinition)
            if PostgreSQLLocation.isURL(folder) {
                let location = try PostgreSQLLocation(folder)
                let name = try study ?? Self.onlyStudy(on: location)
                (storage, definition) = try TuneStudy.existing(on: location, study: name)
                server = (location, name)
            } else {
                (storage, definition) = try TuneStudy.existing(in: folder)
            }
            let trials = try storage.trials()
            let best = TuneStudy.best(of: trials, direction: definition.direction)
            if writeBest != nil || report != nil {
                var request = TuneRequest(workers: 1, server: server)
                request.outputsOnly = true
                let attached = try TuneStudy(
                    specPath: spec ?? definition.specPath, folder: folder,
                    catalog: try options.templateCatalog(), request: request)
                if let writeBest {
                    guard let best else {
                        throw TuneError.noCompleteTrial(study: storage.location)
                    }
                    try attached.writeBestConfig(of: best, to: writeBest)
                    FileHandle.standardError.write(Data("Wrote \(writeBest)\n".utf8))
                }
                if let report {
                    try attached.writeReport(
                        trials: trials, testScore: try attached.testScore(of: best), to: report)
                    FileHandle.standardError.write(Data("Wrote \(report)\n".utf8))
                }
            }
            switch format {
            case .json: print(try Self.json(definition, trials, best: best))
            case .text: print(Self.text(definition, trials, best: best))
            }
        }
    }

    /// The one study of the database, when `--study` is not given.
    static func onlyStudy(on location: PostgreSQLLocation) throws -> String {
        let names = try PostgreSQLStudyStorage.studyNames(on: location)
        guard names.count == 1 else {
            throw TuneError.noServerStudy(server: "\(location)", study: nil, known: names)
        }
        return names[0]
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
            let errorKey = TuneStudy.standardErrorAttribute
            if let error = trial.attributes[errorKey].flatMap(Double.init) {
                object[errorKey] = error
            }
            if let error = trial.attributes["error"] { object["error"] = error }
            return object
        }
        let document: [String: Any] = [
            "study": definition.name, "spec": definition.specPath, "metric": definition.metric,
            "direction": definition.direction.rawValue, "target_trials": definition.targetTrials,
            "trials": trials.map(trialObject),
            "best": best.map(trialObject) as Any? ?? NSNull(),
            // The highest-scoring trial: `best` unless TUNE-ONE-SE kept trial 0.
            "highest": TuneStudy.highest(of: trials, direction: definition.direction)
                .map(trialObject) as Any? ?? NSNull(),
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
            if let note = TuneStudy.selectionNote(trials, direction: definition.direction) {
                lines.append("  " + note)
            }
        }
        return lines.joined(separator: "\n")
    }
}
