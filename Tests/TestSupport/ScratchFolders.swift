import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Temporary folders for tests, all under one folder of the test process
/// (`$TMPDIR/layerwise-scratch-<pid>/`), which is removed when the process exits: a test run
/// used to leave about 270 folders behind. `LAYERWISE_KEEP_TEST_FILES=1` keeps them, to look
/// at after a failure.
public enum ScratchFolders {
    /// The process's folder; created, with the removal at exit registered, on first use.
    public static let root: URL = {
        removeFoldersOfDeadProcesses()
        try? FileManager.default.createDirectory(
            at: processFolder, withIntermediateDirectories: true)
        if ProcessInfo.processInfo.environment["LAYERWISE_KEEP_TEST_FILES"] == nil {
            // A C function pointer captures nothing: it names the folder again through the type.
            atexit { try? FileManager.default.removeItem(at: ScratchFolders.processFolder) }
        }
        return processFolder
    }()

    /// Removes the folders of test processes that died without their `atexit` (a crash, a
    /// kill): a process whose pid no longer exists left its folder behind.
    public static func removeFoldersOfDeadProcesses() {
        let temporary = FileManager.default.temporaryDirectory
        let prefix = "layerwise-scratch-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), pid != getpid(),
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
        }
    }

    /// `$TMPDIR/layerwise-scratch-<pid>`.
    private static var processFolder: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent(
            "layerwise-scratch-\(getpid())")
    }

    /// A new empty folder, `<root>/<prefix>-<UUID>`.
    public static func make(_ prefix: String) throws -> URL {
        let url = root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
