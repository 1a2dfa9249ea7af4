import Foundation
import Spec

/// Why `tune` cannot start or go on, located, with the fix.
public enum TuneError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The spec fixes every key tune searches.
    case emptySpace(spec: String)
    /// The metric does not exist for the task (`accuracy` on regression).
    case metricForTask(spec: String, metric: String, task: String)
    /// `--resume DIR` on a folder without a study.
    case noStudy(folder: String)
    /// `study URL --study NAME` on a database without that study (nil: no name given, and
    /// the database has not exactly one).
    case noServerStudy(server: String, study: String?, known: [String])
    /// `study --write-best` before any trial completed.
    case noCompleteTrial(study: String)
    /// `--out DIR` holds something that is not this spec's study.
    case folderInUse(folder: String)
    /// No validation rows and no `tune.cv`: nothing to score trials on.
    case noValidation(spec: String)
    /// The folder's study was made from another spec.
    case otherSpec(folder: String, storedSpec: String)
    /// Every trial so far failed: the last error.
    case allTrialsFailed(count: Int, lastError: String)
    /// `tune.space` names `data.numeric_encoding`, and the data has no number column to bin
    /// (ENC-NUMERIC-PLE): both values would train the same inputs. `at`: the key's place.
    case nothingToBin(at: String)

    public var description: String {
        switch self {
        case .emptySpace(let spec):
            return
                "\(spec): error: nothing to tune: the spec fixes every key tune searches "
                + "(\(TuneSection.tunableKeys.joined(separator: ", ")))\n"
                + "  help: set some of them to `auto`, or use `layerwise train` for this design"
        case .metricForTask(let spec, let metric, let task):
            return
                "\(spec): error: tune.metric `\(metric)` is not a \(task) metric\n"
                + "  help: use "
                + TuneMetric.allCases.filter {
                    $0.applies(to: TaskKind(rawValue: task) ?? .regression)
                }
                .map { "`\($0.rawValue)`" }.joined(separator: ", ") + ", or `auto`"
        case .noStudy(let folder):
            return
                "\(folder): error: no study here (no study.sqlite)\n"
                + "  help: start one with `layerwise tune SPEC --out \(folder)`"
        case .noServerStudy(let server, let study, let known):
            let what =
                study.map { "no study '\($0)' in this database" }
                ?? (known.isEmpty
                    ? "no study in this database yet"
                    : "\(known.count) studies in this database: which one?")
            return
                "\(server): error: \(what)\n"
                + "  help: "
                + (known.isEmpty
                    ? "start one with `layerwise tune SPEC --storage \(server) --study "
                        + "\(study ?? "NAME")`"
                    : "its studies are "
                        + known.prefix(20).map { "'\($0)'" }
                        .joined(separator: ", ")
                        + (known.count > 20 ? " and \(known.count - 20) more" : "")
                        + "; give one with --study NAME")
        case .noCompleteTrial(let study):
            return
                "\(study): error: no trial has completed yet: there is no best config to write\n"
                + "  help: wait for the study's first complete trial, or run "
                + "`layerwise study` without --write-best"
        case .folderInUse(let folder):
            return
                "\(folder): error: the folder exists and holds no study of this spec\n"
                + "  help: give a new --out folder, or `--resume \(folder)` for its study"
        case .noValidation(let spec):
            return
                "\(spec): error: tune scores trials on validation rows, and this spec has none "
                + "(data.split.validation is 0)\n"
                + "  help: set `data.split.validation: 0.2`, or `tune: {cv: 5}` to cross-validate"
        case .otherSpec(let folder, let storedSpec):
            return
                "\(folder): error: the study here was made from another spec (\(storedSpec), or "
                + "that file has changed since)\n"
                + "  help: give a new --out folder (or --study name), or tune \(storedSpec) as it "
                + "was"
        case .nothingToBin(let place):
            return
                "\(place): error: tune.space.data.numeric_encoding: the data has no number "
                + "column with two or more quantile bins, so both encodings train the same "
                + "inputs and there is nothing to search\n"
                + "  help: remove `data.numeric_encoding` from `tune.space`"
        case .allTrialsFailed(let count, let lastError):
            return
                "error: all \(count) trials failed; the last: \(lastError)\n"
                + "  help: `layerwise train` the spec to see the error on its own"
        }
    }
}
