import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
    /// Another process holds the run folder's lock (it is training there).
    case busy(path: String, holder: String?)
    /// The folder holds files that are not a run's.
    case notEmpty(path: String, entries: [String])

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
                + "  hint: a run reads again the CSV it trained on (to resume, or to evaluate "
                + "without DATA); for new data give it to `layerwise evaluate RUN DATA.csv`, or "
                + "start a new run"
        case .cannotResume(let path, let reason):
            "error: cannot resume \(path): \(reason)"
        case .busy(let path, let holder):
            "error: \(path) is in use by another layerwise process"
                + (holder.map { " (pid \($0))" } ?? "") + "; nothing written\n"
                + "  hint: wait for it to finish, or choose another folder with --out"
        case .notEmpty(let path, let entries):
            "error: \(path) is not empty and not a Layerwise run: it holds "
                + entries.prefix(3).map { "`\($0)`" }.joined(separator: ", ")
                + (entries.count > 3 ? " and \(entries.count - 3) more" : "")
                + "; nothing written\n"
                + "  hint: choose a new or empty folder with --out"
        }
    }
}

/// A run's folder: `runs/<name>-<timestamp>/` with the resolved config, the history, the
/// metrics, the model, the last checkpoint and the report.
public struct RunFolder: Sendable, Equatable {
    /// The folder.
    public let path: String
    /// The exclusive lock a writing process holds for the whole run (nil for readers).
    let lock: RunLock?

    public static func == (lhs: RunFolder, rhs: RunFolder) -> Bool { lhs.path == rhs.path }

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
    /// The lock file: `flock`ed by the process training in the folder.
    public var lockPath: String { path + "/run.lock" }

    /// Whether a run started here and no epoch finished: its config is written but there is no
    /// checkpoint (killed or stopped during the first epoch). `--resume` trains it from the
    /// start.
    public var isUnstarted: Bool {
        FileManager.default.fileExists(atPath: configPath)
            && !FileManager.default.fileExists(atPath: checkpointPath)
    }

    /// An existing run folder.
    /// - Throws: `RunError.notARun` when it lacks a config, or a model, a checkpoint and a
    ///   record (a run that diverged in its first epoch has only the record).
    public init(existing path: String) throws(RunError) {
        let trimmed = Self.trimmed(path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: trimmed, isDirectory: &isFolder),
            isFolder.boolValue
        else { throw .notARun(path: path, reason: "no such folder") }
        self.path = trimmed
        lock = nil
        guard FileManager.default.fileExists(atPath: configPath) else {
            throw .notARun(path: path, reason: "it has no config.yaml")
        }
        guard
            FileManager.default.fileExists(atPath: modelPath)
                || FileManager.default.fileExists(atPath: checkpointPath)
                || FileManager.default.fileExists(atPath: recordPath)
                || FileManager.default.fileExists(atPath: manifestPath)
        else {
            throw .notARun(
                path: path,
                reason: "it has no model.safetensors, checkpoint, record.json or run.json")
        }
    }

    /// A folder at `path`, locked or not; nothing is checked.
    private init(path: String, lock: RunLock?) {
        self.path = path
        self.lock = lock
    }

    /// `path` without a trailing slash (`runs/a/` names the folder `runs/a`).
    private static func trimmed(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// An existing run, locked for writing (`train --resume`): stale temporary files of a
    /// killed process are removed.
    /// - Throws: `RunError.notARun`, or `.busy` when another process trains there.
    public static func reopen(_ path: String) throws(RunError) -> RunFolder {
        let existing = try RunFolder(existing: path)
        let folder = RunFolder(path: existing.path, lock: try RunLock(existing))
        folder.removeStaleTemporaryFiles()
        return folder
    }

    /// Removes the temporary files a killed writer left (`AtomicFile.isTemporaryName`);
    /// called with the lock held, so no live writer of this folder owns them.
    func removeStaleTemporaryFiles() {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for entry in entries where AtomicFile.isTemporaryName(entry) {
            unlink(path + "/" + entry)
        }
    }

    /// Checks that `explicit` (`--out`) can hold a new run, before any work is done; `create`
    /// checks again with the lock held (`lockHeld`).
    /// - Throws: `.busy` when a process trains there, `.cannotCreate` when it holds a run,
    ///   `.notEmpty` when it holds other files.
    public static func checkAvailable(_ explicit: String, lockHeld: Bool = false) throws(RunError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: explicit, isDirectory: &isFolder) else {
            return
        }
        guard isFolder.boolValue else {
            throw .cannotCreate(path: explicit, reason: "it is a file, not a folder")
        }
        let folder = RunFolder(path: trimmed(explicit), lock: nil)
        // A run in progress has no checkpoint yet either: say it is busy, not stopped.
        if !lockHeld, FileManager.default.fileExists(atPath: folder.lockPath) {
            _ = try RunLock(folder, writingPID: false)
        }
        if FileManager.default.fileExists(atPath: folder.configPath) {
            throw .cannotCreate(
                path: explicit,
                reason: folder.isUnstarted
                    ? "it holds a run that stopped before its first epoch ended; "
                        + "`layerwise train --resume \(explicit)` trains it from the start"
                    : "it holds a run already (config.yaml); use --resume to continue it")
        }
        // What a run writes before its config (the lock, the range-test chart) or a killed
        // writer's temporary files do not make the folder someone else's.
        let ours = Set(
            [folder.lockPath, folder.rangeTestPath].map { ($0 as NSString).lastPathComponent })
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { !ours.contains($0) && !AtomicFile.isTemporaryName($0) }
            .sorted()
        if !entries.isEmpty { throw .notEmpty(path: explicit, entries: entries) }
    }

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
            path = trimmed(explicit)
            try checkAvailable(explicit)
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
        // Lock first, then look again: a second process that got here at the same moment is
        // refused, and one that comes after the first has written finds its run.
        let unlocked = RunFolder(path: path, lock: nil)
        let lock = try RunLock(unlocked)
        if explicit != nil { try checkAvailable(path, lockHeld: true) }
        let folder = RunFolder(path: path, lock: lock)
        folder.removeStaleTemporaryFiles()
        return folder
    }
}

/// An exclusive `flock` on a run folder's lock file, held from creation (or `--resume`) to the
/// end of the process: a second writer is refused. The kernel releases it when the process
/// ends however it ends (kill -9 included), so a stale lock file locks nothing.
final class RunLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock of `folder` (`writingPID`: record this process as the holder; false to
    /// only test that nobody holds it, releasing it at once).
    /// - Throws: `RunError.busy` naming the holder's pid when another process has it.
    init(_ run: RunFolder, writingPID: Bool = true) throws(RunError) {
        let folder = run.path
        let fd = open(run.lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .cannotCreate(path: folder, reason: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            let holder = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
            throw .busy(
                path: folder,
                holder: holder?.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        if writingPID {
            let pid = Array("\(getpid())\n".utf8)
            _ = ftruncate(fd, 0)
            _ = pwrite(fd, pid, pid.count, 0)
        }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
