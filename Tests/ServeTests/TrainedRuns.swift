import Dataset
import Foundation
import Generator
import Runs
import TestSupport

/// The repository's root folder.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A new temporary folder.
func temporaryFolder() throws -> URL {
    try ScratchFolders.make("serve")
}

/// Trains `spec` (YAML, `data.path` relative to `folder`) for a few epochs into `folder/run`.
func trainedRun(_ spec: String, in folder: URL) throws -> RunFolder {
    let specFile = folder.appendingPathComponent("spec.yaml")
    try spec.write(to: specFile, atomically: true, encoding: .utf8)
    let plan = try DesignPlan(specPath: specFile.path, catalog: try TemplateCatalog())
    let run = try RunFolder.create(
        name: "serve", explicit: folder.appendingPathComponent("run").path)
    _ = try TrainingSession.begin(plan: plan, in: run).run(in: run)
    return run
}

/// A trained run of a bundled dataset (`Specs/data/<file>`), with `extra` spec lines.
func trainedRun(file: String, target: String, extra: String = "") throws -> (RunFolder, URL) {
    let folder = try temporaryFolder()
    try FileManager.default.copyItem(
        at: repository.appendingPathComponent("Specs/data/\(file)"),
        to: folder.appendingPathComponent(file))
    let spec =
        "name: serve\ndata:\n  path: \(file)\n  target: \(target)\n\(extra)"
        + "training: {epochs: 6, ensemble: 1}\n"
    return (try trainedRun(spec, in: folder), folder)
}

/// The runs the tests share, trained once.
enum SharedRuns {
    /// With piecewise-linear bins (ENC-NUMERIC-PLE): the served rows go through the edges.
    static let iris = Result {
        try trainedRun(
            file: "iris.csv", target: "species", extra: "  numeric_encoding: piecewise_linear\n")
    }
    /// Text categories (island one-hot, sex binary), missing values, an id column (`row`).
    static let penguins = Result { () throws -> (RunFolder, URL) in
        let folder = try temporaryFolder()
        let text = try String(
            contentsOf: repository.appendingPathComponent("Specs/data/penguins.csv"),
            encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[0] = "row," + lines[0]
        for index in 1..<lines.count where !lines[index].isEmpty {
            lines[index] = "p\(index)," + lines[index]
        }
        try lines.joined(separator: "\n").write(
            to: folder.appendingPathComponent("penguins.csv"), atomically: true, encoding: .utf8)
        let spec = """
            name: serve
            data:
              path: penguins.csv
              target: species
              id_column: row
              ignore: [year]
              categorical: [island, sex]
              missing_values: ["", NA]
            training: {epochs: 6, ensemble: 2}

            """
        return (try trainedRun(spec, in: folder), folder)
    }
    static let diabetes = Result {
        try trainedRun(
            file: "diabetes.csv", target: "progression",
            extra: "  categorical: [sex]\n  target_transform: log\n")
    }
}

/// What `layerwise predict` writes for `csv` (a CSV text with the model's columns), as rows of
/// fields keyed by the header.
func predictorRows(_ folder: RunFolder, csv: String) throws -> [[String: String]] {
    let file = try temporaryFolder().appendingPathComponent("rows.csv")
    try csv.write(to: file, atomically: true, encoding: .utf8)
    let predictor = try Predictor(runFolder: folder)
    let table = try CSVReader.read(path: file.path, format: predictor.artifact.encoding.format)
    let text = try predictor.csv(for: table).text
    let lines = text.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
    return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
}

extension SharedRuns {
    /// A datetime column (`when`, some missing) beside a number: dates as ISO strings.
    static let dates = Result { () throws -> (RunFolder, URL) in
        let folder = try temporaryFolder()
        let stamp = DateFormatter()
        stamp.locale = Locale(identifier: "en_US_POSIX")
        stamp.timeZone = TimeZone(identifier: "UTC")
        stamp.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
        var lines = ["when,x,y"]
        for i in 0..<200 {
            let instant = Date(timeIntervalSince1970: 1_300_000_000 + Double(i) * 190_000)
            let when = i % 17 == 3 ? "" : stamp.string(from: instant)
            lines.append("\(when),\(i % 5),\(i % 3 == 0 ? "a" : "b")")
        }
        try (lines.joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent("dates.csv"), atomically: true, encoding: .utf8)
        let spec = "name: serve\ndata: {path: dates.csv, target: y}\ntraining: {epochs: 4}\n"
        return (try trainedRun(spec, in: folder), folder)
    }

    /// Equality indicators (ENC-NUMERIC-EQUAL): the price paid is one option's price.
    static let paid = Result { () throws -> (RunFolder, URL) in
        let folder = try temporaryFolder()
        var lines = ["paid,pa,pb,y"]
        for i in 0..<200 {
            let pa = Double(10 + (i * 37) % 90) + 0.25
            let pb = Double(10 + (i * 53) % 90) + 0.5
            let choice = (i * 7 + i / 3) % 2
            lines.append("\(choice == 0 ? pa : pb),\(pa),\(pb),\(choice == 0 ? "a" : "b")")
        }
        try (lines.joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent("paid.csv"), atomically: true, encoding: .utf8)
        let spec =
            "name: serve\ndata: {path: paid.csv, target: y, equality_indicators: true}\n"
            + "training: {epochs: 4}\n"
        return (try trainedRun(spec, in: folder), folder)
    }
}
