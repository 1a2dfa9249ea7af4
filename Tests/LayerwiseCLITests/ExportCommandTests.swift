import Foundation
import TestSupport
import Testing

private let hasOnnxRuntime = PythonModules.hasOnnxRuntime

/// `layerwise export RUN --format onnx` as a user runs it, the file run in onnxruntime.
@Suite("export to ONNX on the command line")
struct ExportCommandTests {
    @Test(
        "each bundled dataset: onnxruntime on the raw columns equals `layerwise predict`",
        arguments: [
            ("iris.csv", "species", ""),  // classes, numbers
            ("penguins.csv", "species", ""),  // missing values, text categories
            // island embedded (3 levels > 2): a text category's codes looked up by Gather
            ("penguins.csv", "species", "advisor: {one_hot_max_levels: 2}\n"),
            ("breast_cancer.csv", "diagnosis", ""),  // two classes: one sigmoid output
            ("diabetes.csv", "progression", ""),  // regression, a numeric-coded category
            // a log target (ENC-TARGET-LOG), batch norm, PReLU and dropout
            (
                "diabetes.csv", "progression",
                "  target_transform: log\nmodel: {batch_norm: true, activation: prelu, "
                    + "dropout: 0.2}\n"
            ),
        ])
    func matchesPredict(file: String, target: String, extra: String) throws {
        guard hasOnnxRuntime else {
            try Test.cancel(
                "needs python3 with numpy, onnx and onnxruntime (.ci/run installs them)")
        }
        let folder = try scratch()
        if file != "iris.csv" { try copyData(file, to: folder) }  // scratch() copies iris
        let spec =
            "name: export\ndata:\n  path: \(file)\n  target: \(target)\n\(extra)"
            + "training: {epochs: 8}\n"
        try spec.write(
            to: folder.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let trained = try layerwise("train", "spec.yaml", "--out", "run", "--quiet", in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        let exported = try layerwise(
            "export", "run", "--format", "onnx", "-o", "model.onnx", in: folder)
        #expect(exported.status == 0, "\(exported.errors)")
        let predicted = try layerwise("predict", "run", file, "-o", "predictions.csv", in: folder)
        #expect(predicted.status == 0, "\(predicted.errors)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", repository.appendingPathComponent("Scripts/check_onnx_model.py").path,
            "model.onnx", file, "predictions.csv",
        ]
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(
            decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(file) \(extra): \(output)")
    }

    @Test("export needs -o; an existing file is kept without --force; a missing run is located")
    func badArguments() throws {
        let folder = try scratch()
        let noOutput = try layerwise("export", "run", in: folder)
        #expect(noOutput.status != 0)
        #expect(noOutput.errors.contains("--output"), "\(noOutput.errors)")
        try "keep".write(
            to: folder.appendingPathComponent("model.onnx"), atomically: true, encoding: .utf8)
        let exists = try layerwise("export", "run", "-o", "model.onnx", in: folder)
        #expect(exists.status != 0)
        #expect(exists.errors.contains("pass --force"), "\(exists.errors)")
        #expect(
            try String(contentsOf: folder.appendingPathComponent("model.onnx"), encoding: .utf8)
                == "keep")
        let missing = try layerwise("export", "nowhere", "-o", "m.onnx", in: folder)
        #expect(missing.status != 0)
        #expect(missing.errors.contains("nowhere"), "\(missing.errors)")
        #expect(
            !FileManager.default.fileExists(atPath: folder.appendingPathComponent("m.onnx").path))
    }

    @Test("a date column is refused with the column, the rule and the fix; nothing written")
    func dateColumn() throws {
        let folder = try scratch()
        var lines = ["day,x,y"]
        for i in 0..<60 {
            let day = String(format: "2024-%02d-%02d", i % 12 + 1, i % 28 + 1)
            lines.append("\(day),\(i % 7),\(i % 3 == 0 ? "a" : "b")")
        }
        try (lines.joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent("days.csv"), atomically: true, encoding: .utf8)
        try "name: days\ndata: {path: days.csv, target: y}\ntraining: {epochs: 3}\n".write(
            to: folder.appendingPathComponent("days.yaml"), atomically: true, encoding: .utf8)
        let trained = try layerwise("train", "days.yaml", "--out", "run", "--quiet", in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        let exported = try layerwise("export", "run", "-o", "m.onnx", in: folder)
        #expect(exported.status != 0)
        #expect(exported.errors.contains("column 'day'"), "\(exported.errors)")
        #expect(exported.errors.contains("ENC-DATE-PARTS"), "\(exported.errors)")
        #expect(
            !FileManager.default.fileExists(atPath: folder.appendingPathComponent("m.onnx").path))
    }
}
