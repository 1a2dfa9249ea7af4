import Foundation

/// A problem with a run folder, and what to do.
public enum RunError: Error, CustomStringConvertible, Equatable {
    /// The path is not a Layerwise run folder.
    case notARun(path: String, reason: String)
    /// The run folder cannot be created.
    case cannotCreate(path: String, reason: String)
    /// The data file differs from the one the run trained on.
    case dataChanged(path: String, detail: String)
    /// The run cannot continue.
    case cannotResume(path: String, reason: String)

    public var description: String {
        switch self {
        case .notARun(let path, let reason):
            "error: \(path) is not a Layerwise run folder: \(reason)\n"
                + "  hint: pass a folder written by `layerwise train` (runs/<name>-<time>/)"
        case .cannotCreate(let path, let reason):
            "error: cannot create the run folder \(path): \(reason)\n"
                + "  hint: choose another folder with --out, or check the permissions"
        case .dataChanged(let path, let detail):
            "error: \(path): the data differs from the data the run trained on: \(detail)\n"
                + "  hint: resume needs the same CSV; start a new run for new data"
        case .cannotResume(let path, let reason):
            "error: cannot resume \(path): \(reason)"
        }
    }
}

/// A run's folder: `runs/<name>-<timestamp>/` with the resolved config, the history, the
/// metrics, the model, the last checkpoint and the report.
public struct RunFolder: Sendable, Equatable {
    /// The folder.
    public let path: String

    /// The complete config the run trained (YAML, `layerwise train` accepts it).
    public var configPath: String { path + "/config.yaml" }
    /// One row per epoch: losses, metrics, learning rate, gradient statistics.
    public var historyPath: String { path + "/history.csv" }
    /// Final train / validation / test scores and the chosen epoch.
    public var metricsPath: String { path + "/metrics.json" }
    /// The trained model (safetensors).
    public var modelPath: String { path + "/model.safetensors" }
    /// The last complete epoch's trainer state (safetensors).
    public var checkpointPath: String { path + "/checkpoint.safetensors" }
    /// The self-contained HTML report.
    public var reportPath: String { path + "/report.html" }
    /// The learning-rate range test's curve, when one ran.
    public var rangeTestPath: String { path + "/lr-range-test.svg" }
    /// What the diagnostics read (`RunRecordFile`): the training record, the range test, the
    /// held-out evaluation; rewritten after every epoch and at the end.
    public var recordPath: String { path + "/record.json" }
    /// How the run started (`RunManifest`): the original spec (path and text), the template,
    /// the design with the rules behind it.
    public var manifestPath: String { path + "/run.json" }

    /// An existing run folder.
    /// - Throws: `RunError.notARun` when it lacks a config, or a model, a checkpoint and a
    ///   record (a run that diverged in its first epoch has only the record).
    public init(existing path: String) throws(RunError) {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: trimmed, isDirectory: &isFolder),
            isFolder.boolValue
        else { throw .notARun(path: path, reason: "no such folder") }
        self.path = trimmed
        guard FileManager.default.fileExists(atPath: configPath) else {
            throw .notARun(path: path, reason: "it has no config.yaml")
        }
        guard
            FileManager.default.fileExists(atPath: modelPath)
                || FileManager.default.fileExists(atPath: checkpointPath)
                || FileManager.default.fileExists(atPath: recordPath)
        else {
            throw .notARun(
                path: path, reason: "it has no model.safetensors, checkpoint or record.json")
        }
    }

    private init(created path: String) { self.path = path }

    /// Creates a new run folder.
    /// - Parameters:
    ///   - name: the spec's name (`iris`).
    ///   - explicit: a folder the user chose (`--out`); must not hold a run already.
    ///   - parent: where named runs go (default `runs`).
    ///   - date: the timestamp in the name (default now).
    public static func create(
        name: String, explicit: String? = nil, parent: String = "runs", date: Date = Date()
    ) throws(RunError) -> RunFolder {
        let manager = FileManager.default
        var path: String
        if let explicit {
            path = explicit
            if manager.fileExists(atPath: explicit + "/config.yaml") {
                throw .cannotCreate(
                    path: explicit,
                    reason: "it holds a run already (config.yaml); use --resume to continue it")
            }
        } else {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyyMMdd-HHmmss"
            let safeName = String(
                name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
            path = parent + "/" + safeName + "-" + formatter.string(from: date)
            var suffix = 2
            while manager.fileExists(atPath: path) {
                path = parent + "/" + safeName + "-" + formatter.string(from: date) + "-\(suffix)"
                suffix += 1
            }
        }
        do {
            try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate(path: path, reason: error.localizedDescription)
        }
        guard manager.isWritableFile(atPath: path) else {
            throw .cannotCreate(path: path, reason: "the folder is not writable")
        }
        return RunFolder(created: path)
    }
}
