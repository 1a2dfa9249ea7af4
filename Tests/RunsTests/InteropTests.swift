import Dataset
import Foundation
import Testing

@testable import Runs

/// Whether `python3` with numpy and safetensors is on this machine (CI installs them).
let pythonWithSafeTensors: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import numpy, safetensors"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    } catch {
        return false
    }
}()

/// The model file is plain safetensors: Python loads it with `safetensors` and numpy, rebuilds
/// the encoding and network from the metadata, and gets Layerwise's predictions.
@Suite(.enabled(if: pythonWithSafeTensors, "needs python3 with numpy and safetensors"))
struct SafeTensorsInteropTests {
    @Test(arguments: ["penguins", "breast_cancer"])
    func pythonReproducesThePredictions(_ name: String) throws {
        let (session, folder, _) = try startRun(Repository.spec(name))
        _ = try session.run(in: folder)
        try checkInPython(
            folder, data: Repository.root.appendingPathComponent("Specs/data/\(name).csv").path)
    }

    /// A log target (ENC-TARGET-LOG) of an ensemble: exp and the smearing factor in Python.
    @Test func pythonReproducesALogTargetsPredictions() throws {
        let (_, folder, specPath) = try trainSpec(
            """
            name: prices
            data: {path: prices.csv, target: price}
            training: {ensemble: 2, learning_rate: 0.003, epochs: 20}
            """, files: ["prices.csv": LogTargetTests.prices()])
        #expect(try ModelArtifact.read(from: folder.modelPath).encoding.target.isLog)
        try checkInPython(
            folder,
            data: URL(fileURLWithPath: specPath).deletingLastPathComponent()
                .appendingPathComponent("prices.csv").path)
    }

    /// Piecewise-linear bins (ENC-NUMERIC-PLE) on numbers with missing values: the edges are
    /// in the model file's encoding, and Python rebuilds the bins from them.
    @Test func pythonReproducesPiecewiseLinearBins() throws {
        let data = Repository.root.appendingPathComponent("Specs/data/penguins.csv").path
        let (_, folder, _) = try trainSpec(
            """
            name: bins
            data: {path: '\(data)', target: species, numeric_encoding: piecewise_linear}
            training: {ensemble: 1, epochs: 10}
            """)
        let encoding = try ModelArtifact.read(from: folder.modelPath).encoding
        #expect(encoding.features.contains { $0.binEdges != nil })
        try checkInPython(folder, data: data)
    }

    /// Layerwise's predictions of `data`, checked by the Python script from the file alone.
    func checkInPython(_ folder: RunFolder, data: String) throws {
        let artifact = try ModelArtifact.read(from: folder.modelPath)
        let table = try CSVReader.read(path: data, format: artifact.encoding.format)
        let predictions = folder.path + "/predictions.csv"
        try AtomicFile.write(
            try Predictor(artifact: artifact).csv(for: table).text, to: predictions)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3",
            Repository.root.appendingPathComponent("Scripts/check_model_interop.py").path,
            folder.path, data, predictions,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        let text = String(
            decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("\(table.rowCount) of \(table.rowCount) predictions agree"))
    }
}
