import Foundation
import TestSupport
import Testing

@Suite("test support: scratch folders of dead test processes")
struct ScratchFolderTests {
    /// The pid of a process that ran and has exited, or of one still running.
    static func process(running: Bool) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = [running ? "30" : "0"]
        try process.run()
        if !running { process.waitUntilExit() }
        return process
    }

    @Test("a dead process's folder is removed, a live one's kept")
    func deadProcessFoldersGo() throws {
        let temporary = FileManager.default.temporaryDirectory
        let dead = try Self.process(running: false)
        let alive = try Self.process(running: true)
        defer { alive.terminate() }
        let deadFolder = temporary.appendingPathComponent(
            "layerwise-scratch-\(dead.processIdentifier)/left")
        let liveFolder = temporary.appendingPathComponent(
            "layerwise-scratch-\(alive.processIdentifier)/busy")
        for folder in [deadFolder, liveFolder] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(at: liveFolder.deletingLastPathComponent()) }
        ScratchFolders.removeFoldersOfDeadProcesses()
        #expect(
            !FileManager.default.fileExists(atPath: deadFolder.deletingLastPathComponent().path))
        #expect(FileManager.default.fileExists(atPath: liveFolder.path))
        // This process's own folder stays.
        #expect(FileManager.default.fileExists(atPath: ScratchFolders.root.path))
    }
}
