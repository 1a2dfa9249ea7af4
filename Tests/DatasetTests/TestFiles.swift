import Foundation
import TestSupport

/// Writes test files into a fresh temporary directory (never the repo).
struct TestFiles {
    let directory: String

    init() {
        directory =
            (try? ScratchFolders.make("dataset").path)
            ?? FileManager.default.temporaryDirectory.path + "/layerwise-dataset-"
            + UUID().uuidString
    }

    /// Writes `text` to `name` and returns the path.
    func write(_ name: String, _ text: String) -> String {
        write(name, bytes: Array(text.utf8))
    }

    /// Writes raw bytes to `name` and returns the path.
    func write(_ name: String, bytes: [UInt8]) -> String {
        let path = directory + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }
}

/// The repo copy of a bundled dataset.
func repoData(_ name: String) -> String {
    let here = URL(fileURLWithPath: #filePath)
    return here.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Specs/data/\(name)").path
}
