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
            // piecewise-linear bins (ENC-NUMERIC-PLE) of numbers with missing values
            ("penguins.csv", "species", "  numeric_encoding: piecewise_linear\n"),
            // a log target (ENC-TARGET-LOG), batch norm, PReLU and dropout
            (
                "diabetes.csv", "progression",
                "  target_transform: log\nmodel: {batch_norm: true, activation: prelu, "
                    + "dropout: 0.2}\n"
            ),
        ])
    func matchesPredict(file: String, target: String, extra: String) throws {
        try requireOnnxRuntime()
        let folder = try scratch()
        if file != "iris.csv" { try copyData(file, to: folder) }  // scratch() copies iris
        let spec =
            "name: export\ndata:\n  path: \(file)\n  target: \(target)\n\(extra)"
            + "training: {epochs: 8}\n"
        try spec.write(
            to: folder.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let trained = try layerwise("train", "spec.yaml", "--out", "run", "--quiet", in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        try expectExportMatchesPredict(data: file, in: folder, "\(file) \(extra)")
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

    @Test("equality indicators (ENC-NUMERIC-EQUAL): Equal of two inputs in the graph = `predict`")
    func equalityIndicators() throws {
        try requireOnnxRuntime()
        let folder = try scratch()
        // The price paid is the chosen option's price; some prices and options are missing.
        var lines = ["paid,pa,pb,y"]
        for i in 0..<300 {
            let pa = Double(10 + (i * 37) % 90) + 0.25
            let pb = Double(10 + (i * 53) % 90) + 0.5
            let choice = (i * 7 + i / 3) % 2
            let paid = i % 17 == 3 ? "" : String(choice == 0 ? pa : pb)
            let b = i % 23 == 4 ? "NA" : String(pb)
            lines.append("\(paid),\(pa),\(b),\(choice == 0 ? "a" : "b")")
        }
        try (lines.joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent("paid.csv"), atomically: true, encoding: .utf8)
        try """
        name: paid
        data: {path: paid.csv, target: y, equality_indicators: true}
        training: {epochs: 5}

        """.write(
            to: folder.appendingPathComponent("paid.yaml"), atomically: true, encoding: .utf8)
        let trained = try layerwise("train", "paid.yaml", "--out", "run", "--quiet", in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        let config = try String(
            contentsOf: folder.appendingPathComponent("run/config.yaml"), encoding: .utf8)
        #expect(config.contains("equality_indicators: true"))
        try expectExportMatchesPredict(data: "paid.csv", in: folder)
    }

    @Test("date and datetime columns: their parts computed in the graph equal `predict`")
    func dateColumns() throws {
        try requireOnnxRuntime()
        let folder = try scratch()
        let stamp = DateFormatter()
        stamp.locale = Locale(identifier: "en_US_POSIX")
        stamp.timeZone = TimeZone(identifier: "UTC")
        stamp.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
        let day = DateFormatter()
        day.locale = stamp.locale
        day.timeZone = stamp.timeZone
        day.dateFormat = "yyyy-MM-dd"
        // Before and after 1970 (negative seconds), across leap days (1968, 2000), a zone
        // offset, missing values.
        let start = Date(timeIntervalSince1970: -86_400 * 1_050 + 5 * 3600 + 1800)
        var lines = ["when,day,x,y"]
        for i in 0..<400 {
            let instant = start.addingTimeInterval(Double(i) * (3 * 86_400 + 7 * 3600 + 13 * 60))
            var when = i % 23 == 5 ? "" : stamp.string(from: instant)
            if i % 31 == 7 {
                when = stamp.string(from: instant.addingTimeInterval(7200))
                    .replacingOccurrences(of: "Z", with: "+02:00")
            }
            let date = day.string(
                from: Date(timeIntervalSince1970: 915_321_600 + Double(i) * 17 * 86_400))
            let month = Calendar(identifier: .gregorian).component(.month, from: instant)
            lines.append("\(when),\(date),\(i % 7),\(month % 2 == 0 || i % 7 == 3 ? "a" : "b")")
        }
        try (lines.joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent("days.csv"), atomically: true, encoding: .utf8)
        try "name: days\ndata: {path: days.csv, target: y}\ntraining: {epochs: 5}\n".write(
            to: folder.appendingPathComponent("days.yaml"), atomically: true, encoding: .utf8)
        let trained = try layerwise("train", "days.yaml", "--out", "run", "--quiet", in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        try expectExportMatchesPredict(data: "days.csv", in: folder)
    }
}

/// Cancels the test when python3 lacks numpy, onnx or onnxruntime.
private func requireOnnxRuntime() throws {
    guard hasOnnxRuntime else {
        try Test.cancel("needs python3 with numpy, onnx and onnxruntime (.ci/run installs them)")
    }
}

/// Exports the run in `folder/run` to ONNX, predicts `data` with `layerwise predict`, and
/// expects each step to succeed and onnxruntime's outputs on the raw columns to equal
/// `predict`'s.
/// - Parameters:
///   - data: the CSV in `folder`.
///   - folder: holds `run/`.
///   - context: added to the check's failure message.
private func expectExportMatchesPredict(
    data: String, in folder: URL, _ context: String = ""
) throws {
    let exported = try layerwise("export", "run", "--format", "onnx", "-o", "m.onnx", in: folder)
    #expect(exported.status == 0, "\(exported.errors)")
    let predicted = try layerwise("predict", "run", data, "-o", "p.csv", in: folder)
    #expect(predicted.status == 0, "\(predicted.errors)")
    let check = try checkInOnnxRuntime("m.onnx", data, "p.csv", in: folder)
    #expect(check.status == 0, "\(context) \(check.output)")
}

/// Runs Scripts/check_onnx_model.py on a model, its data and `predict`'s output.
func checkInOnnxRuntime(
    _ model: String, _ data: String, _ predictions: String, in folder: URL
) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        "python3", repository.appendingPathComponent("Scripts/check_onnx_model.py").path,
        model, data, predictions,
    ]
    process.currentDirectoryURL = folder
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
}
