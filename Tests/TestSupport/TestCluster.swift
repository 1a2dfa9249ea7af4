import Foundation

/// The tests' PostgreSQL clusters, through `Scripts/test-postgres.sh` (shared by the storage
/// and the command-line tests).
public enum TestCluster {
    /// The shared test server's URL (`LAYERWISE_TEST_POSTGRES`; `.ci/run` sets it from
    /// `Scripts/test-postgres.sh start`); nil without one.
    public static let url = ProcessInfo.processInfo.environment["LAYERWISE_TEST_POSTGRES"]

    /// `Scripts/test-postgres.sh`.
    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/test-postgres.sh").path

    /// Whether private clusters can be made here (a shared server runs, so the binaries do).
    public static var canStartPrivate: Bool {
        url != nil && FileManager.default.isExecutableFile(atPath: script)
    }

    /// Why a call of the script failed.
    public struct ScriptFailed: Error, CustomStringConvertible {
        public let arguments: [String]
        public let status: Int32
        public var description: String {
            "Scripts/test-postgres.sh \(arguments.joined(separator: " ")) exited \(status)"
        }
    }

    /// Runs `Scripts/test-postgres.sh arguments...` and returns its output. The output goes
    /// to a file, not a pipe: the server it starts keeps the descriptor open, so a pipe would
    /// never reach its end.
    @discardableResult
    public static func control(_ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = arguments
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("layerwise-pg-control-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: file, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: file) }
        guard let output = FileHandle(forWritingAtPath: file) else {
            throw ScriptFailed(arguments: arguments, status: -1)
        }
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try output.close()
        guard process.terminationStatus == 0 else {
            throw ScriptFailed(arguments: arguments, status: process.terminationStatus)
        }
        return String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self)
    }

    /// A private cluster on a random loopback port for `body` (which may stop and start it
    /// with `control("stop"|"start", folder, port)`), stopped and removed afterwards.
    /// - Parameter body: gets the cluster's URL, its folder and its port.
    public static func withPrivate<T>(
        _ body: (_ url: String, _ folder: String, _ port: String) throws -> T
    ) throws -> T {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("layerwise-pg-private-\(UUID().uuidString)").path
        let port = String(56_000 + Int.random(in: 0..<4_000))
        let started = try control("start", folder, port)
        defer {
            _ = try? control("stop", folder)
            try? FileManager.default.removeItem(atPath: folder)
        }
        guard
            let line = started.split(separator: "\n").first(where: {
                $0.contains("LAYERWISE_TEST_POSTGRES=")
            }), let url = line.split(separator: "=", maxSplits: 1).last
        else { throw ScriptFailed(arguments: ["start", folder, port], status: 0) }
        return try body(String(url), folder, port)
    }
}
