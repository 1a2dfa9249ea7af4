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
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("layerwise-scratch-\(getpid())")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        if ProcessInfo.processInfo.environment["LAYERWISE_KEEP_TEST_FILES"] == nil {
            atexit {
                let root = FileManager.default.temporaryDirectory
                    .appendingPathComponent("layerwise-scratch-\(getpid())")
                try? FileManager.default.removeItem(at: root)
            }
        }
        return root
    }()

    /// A new empty folder, `<root>/<prefix>-<UUID>`.
    public static func make(_ prefix: String) throws -> URL {
        let url = root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
