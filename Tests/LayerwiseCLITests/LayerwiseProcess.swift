import Foundation
import TestSupport

/// The built `layerwise` binary, beside this test bundle in the build folder.
let binary: URL = {
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var folder = executable.deletingLastPathComponent()
    // On Linux the bundle is an executable file `LayerwisePackageTests.xctest` in the
    // products folder; elsewhere it is a folder inside it.
    while !FileManager.default.isExecutableFile(
        atPath: folder.appendingPathComponent("layerwise").path),
        folder.pathComponents.count > 1
    {
        folder = folder.deletingLastPathComponent()
    }
    return folder.appendingPathComponent("layerwise")
}()

/// The repository's root folder.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A finished `layerwise` process: exit status and both outputs.
struct Outcome {
    var status: Int32
    var output: String
    var errors: String
}

/// Starts `layerwise arguments...` in `folder`; `wait()` collects it.
final class Run {
    let process = Process()
    let output = Pipe()
    let errors = Pipe()

    init(_ arguments: [String], in folder: URL) throws {
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    func wait() -> Outcome {
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
            errors: String(decoding: err, as: UTF8.self))
    }
}

/// Runs `layerwise arguments...` in `folder` to its end.
func layerwise(_ arguments: String..., in folder: URL) throws -> Outcome {
    try Run(arguments, in: folder).wait()
}

/// A new temporary folder holding iris.csv and iris.yaml (30 epochs).
func scratch() throws -> URL {
    let url = try ScratchFolders.make("cli")
    try FileManager.default.copyItem(
        at: repository.appendingPathComponent("Specs/data/iris.csv"),
        to: url.appendingPathComponent("iris.csv"))
    try "name: iris\ndata: {path: iris.csv, target: species}\ntraining: {epochs: 30}\n".write(
        to: url.appendingPathComponent("iris.yaml"), atomically: true, encoding: .utf8)
    return url
}

/// Copies `Specs/data/<name>` into `folder`.
func copyData(_ name: String, to folder: URL) throws {
    try FileManager.default.copyItem(
        at: repository.appendingPathComponent("Specs/data/\(name)"),
        to: folder.appendingPathComponent(name))
}

/// Writes `long.yaml` in `folder`: iris for `epochs` epochs without early stopping, tuned
/// without pruning, so every trial is long enough to be caught running. Standardised numbers:
/// with ENC-NUMERIC-PLE's bins iris is a linear model, whose trials can end between two looks.
func writeLongSpec(epochs: Int, in folder: URL) throws {
    try """
    name: iris
    data: {path: iris.csv, target: species, numeric_encoding: standard}
    training: {epochs: \(epochs), early_stopping: false}
    tune: {pruning: false}
    """.write(
        to: folder.appendingPathComponent("long.yaml"), atomically: true, encoding: .utf8)
}
