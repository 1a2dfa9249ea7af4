import Foundation
import Testing

/// `evaluate --format json`'s document, decoded as a script would (keys as documented).
private struct EvaluationJSON: Decodable {
    struct Metrics: Decodable {
        var accuracy: Double?
        var macro_precision: Double?
        var macro_recall: Double?
        var macro_f1: Double?
        var roc_auc: Double?
        var class_labels: [String]?
        var precision_per_class: [Double]?
        var recall_per_class: [Double]?
        var f1_per_class: [Double]?
        var confusion_matrix: [[Int]]?
        var r2: Double?
        var mse: Double?
        var rmse: Double?
        var mae: Double?
    }
    var run: String
    var data: String
    var source: String
    var task: String
    var rows: Int
    var metrics: Metrics
    var warnings: [String]
}

/// The words of a text line that follow `name` ("accuracy 0.9167   macro F1 ..." -> "0.9167").
private func value(after name: String, in line: Substring) -> String? {
    guard let range = line.range(of: name + " ") else { return nil }
    return line[range.upperBound...].split(separator: " ").first.map(String.init)
}

/// Issue 15: `layerwise evaluate --format json`, the scores as data.
@Suite("layerwise evaluate --format json")
struct EvaluateJSONTests {
    @Test func testSplitScoresAreTheTextsNumbers() throws {
        let folder = try scratch()
        let trained = try layerwise("train", "iris.yaml", "--out", "run", "--quiet", in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        let text = try layerwise("evaluate", "run", in: folder)
        let json = try layerwise("evaluate", "run", "--format", "json", in: folder)
        #expect(text.status == 0 && json.status == 0, "\(text.errors)\(json.errors)")
        #expect(json.errors.isEmpty)

        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(
            Set(object.keys) == ["run", "data", "source", "task", "rows", "metrics", "warnings"])
        let document = try JSONDecoder().decode(EvaluationJSON.self, from: Data(json.output.utf8))
        #expect(document.run == "run")
        #expect(document.data.hasSuffix("iris.csv"))
        #expect(document.source == "test_split")
        #expect(document.task == "classification")
        #expect(document.warnings.isEmpty)

        let lines = text.output.split(separator: "\n")
        #expect(lines[0] == "run: test split, \(document.rows) rows")
        let metrics = document.metrics
        let scores = [
            ("accuracy", metrics.accuracy), ("macro precision", metrics.macro_precision),
            ("macro recall", metrics.macro_recall), ("macro F1", metrics.macro_f1),
        ]
        for (name, number) in scores {
            let shown = try #require(value(after: name, in: lines[1]), "\(name)")
            #expect(String(format: "%.4f", try #require(number)) == shown, "\(name)")
        }
        #expect(metrics.roc_auc == nil && !text.output.contains("ROC AUC"))
        // The confusion matrix: the text's header row of labels, then one row per class.
        let labels = try #require(metrics.class_labels)
        #expect(labels == ["setosa", "versicolor", "virginica"])
        #expect(lines[3].split(separator: " ").map(String.init) == labels)
        let matrix = lines[4...].map { $0.split(separator: " ").dropFirst().compactMap { Int($0) } }
        #expect(metrics.confusion_matrix == matrix)
        #expect(matrix.joined().reduce(0, +) == document.rows)
        // Per class: recall is the diagonal over the row, F1 the harmonic mean.
        let recall = try #require(metrics.recall_per_class)
        let precision = try #require(metrics.precision_per_class)
        let f1 = try #require(metrics.f1_per_class)
        for c in labels.indices {
            let actual = matrix[c].reduce(0, +)
            #expect(recall[c] == (actual > 0 ? Double(matrix[c][c]) / Double(actual) : 0))
            let sum = precision[c] + recall[c]
            #expect(abs(f1[c] - (sum > 0 ? 2 * precision[c] * recall[c] / sum : 0)) < 1e-12)
        }
        #expect(metrics.r2 == nil && metrics.mse == nil)
    }

    @Test func regressionScoresAreTheTextsNumbersInTargetUnits() throws {
        let folder = try scratch()
        try copyData("diabetes.csv", to: folder)
        try """
        name: diabetes
        data: {path: diabetes.csv, target: progression}
        task: regression
        training: {epochs: 5}
        """.write(
            to: folder.appendingPathComponent("diabetes.yaml"), atomically: true, encoding: .utf8)
        let trained = try layerwise(
            "train", "diabetes.yaml", "--out", "run", "--quiet", in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        let text = try layerwise("evaluate", "run", in: folder)
        let json = try layerwise("evaluate", "run", "--format", "json", in: folder)
        #expect(text.status == 0 && json.status == 0, "\(text.errors)\(json.errors)")
        let document = try JSONDecoder().decode(EvaluationJSON.self, from: Data(json.output.utf8))
        #expect(document.task == "regression")
        let lines = text.output.split(separator: "\n")
        #expect(lines[0] == "run: test split, \(document.rows) rows")
        let metrics = document.metrics
        let r2 = try #require(metrics.r2)
        let mse = try #require(metrics.mse)
        let mae = try #require(metrics.mae)
        // The text line is train's: R², MAE and RMSE (issue 19).
        #expect(value(after: "R²", in: lines[1]) == String(format: "%.4f", r2))
        #expect(value(after: "MAE", in: lines[1]) == String(format: "%.4g", mae))
        #expect(value(after: "RMSE", in: lines[1]) == String(format: "%.4g", mse.squareRoot()))
        #expect(metrics.rmse == mse.squareRoot())
        // In target units: disease progression runs from 25 to 346; a standardised error
        // would be near 1.
        #expect(mae > 5)
        #expect(metrics.accuracy == nil && metrics.confusion_matrix == nil)
    }

    /// A log target's model carries the smearing factor fitted after training, which the data
    /// alone does not give: `evaluate RUN` (and `train --resume`) must still see the same data.
    @Test("a log-target run: evaluate RUN scores its test split, resume accepts its CSV")
    func logTargetRunEvaluatesWithoutData() throws {
        let folder = try scratch()
        try copyData("diabetes.csv", to: folder)
        try """
        name: diabetes
        data: {path: diabetes.csv, target: progression, target_transform: log}
        task: regression
        training: {epochs: 4, early_stopping: false}
        """.write(
            to: folder.appendingPathComponent("diabetes.yaml"), atomically: true, encoding: .utf8)
        let trained = try layerwise(
            "train", "diabetes.yaml", "--out", "run", "--quiet", in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        let json = try layerwise("evaluate", "run", "--format", "json", in: folder)
        #expect(json.status == 0, "\(json.errors)")
        let document = try JSONDecoder().decode(EvaluationJSON.self, from: Data(json.output.utf8))
        #expect(document.source == "test_split")
        let r2 = try #require(document.metrics.r2)
        #expect(r2.isFinite && r2 > 0, "\(r2)")
        // The run goes on from its checkpoint with the same CSV.
        let resumed = try layerwise("train", "--resume", "run", "--quiet", in: folder)
        #expect(resumed.status == 0, "\(resumed.errors)")
        // A changed CSV is still refused, with a hint that fits evaluate.
        let lines = try String(
            contentsOf: folder.appendingPathComponent("diabetes.csv"), encoding: .utf8
        ).split(separator: "\n", omittingEmptySubsequences: false)
        try (lines.dropLast(40).joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent("diabetes.csv"), atomically: true, encoding: .utf8)
        let changed = try layerwise("evaluate", "run", in: folder)
        #expect(changed.status != 0)
        #expect(changed.errors.contains("the data differs"), "\(changed.errors)")
        #expect(changed.errors.contains("layerwise evaluate RUN DATA.csv"), "\(changed.errors)")
    }

    @Test func aNewFilesWarningsAreAList() throws {
        let folder = try scratch()
        try copyData("penguins.csv", to: folder)
        try """
        name: penguins
        data:
          path: penguins.csv
          target: species
          ignore: [year]
          categorical: [island, sex]
          missing_values: ["", NA]
        training: {epochs: 3}
        """.write(
            to: folder.appendingPathComponent("penguins.yaml"), atomically: true, encoding: .utf8)
        let trained = try layerwise(
            "train", "penguins.yaml", "--out", "run", "--quiet", in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        // Five rows from an island never seen in training, three without a species.
        let rows = try String(
            contentsOf: folder.appendingPathComponent("penguins.csv"), encoding: .utf8
        ).split(separator: "\n")
        let new =
            [String(rows[0])]
            + rows[1...5].map { $0.replacingOccurrences(of: "Torgersen", with: "Atlantis") }
            + rows[6...8].map { String($0.drop { $0 != "," }) }
        try (new.joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent("new.csv"), atomically: true, encoding: .utf8)

        let text = try layerwise("evaluate", "run", "new.csv", in: folder)
        let json = try layerwise("evaluate", "run", "new.csv", "--format", "json", in: folder)
        #expect(text.status == 0 && json.status == 0, "\(text.errors)\(json.errors)")
        let document = try JSONDecoder().decode(EvaluationJSON.self, from: Data(json.output.utf8))
        #expect(document.source == "file" && document.data == "new.csv" && document.rows == 5)
        #expect(text.output.hasPrefix("new.csv: 5 rows\n"))
        // The warnings the text prints on standard error, as a list; still on standard error.
        let printed = text.errors.split(separator: "\n").map {
            String($0.dropFirst("warning: new.csv: ".count))
        }
        #expect(document.warnings == printed)
        #expect(json.errors == text.errors)
        #expect(document.warnings.contains { $0.contains("'Atlantis'") })
        #expect(document.warnings.contains { $0.hasPrefix("3 of 8 rows have no target value") })
    }

    @Test func aBadFormatOrRunIsAClearError() throws {
        let folder = try scratch()
        let format = try layerwise("evaluate", "run", "--format", "yaml", in: folder)
        #expect(format.status != 0)
        #expect(format.output.isEmpty)
        #expect(
            format.errors.contains(
                "The value 'yaml' is invalid for '--format <format>'. Please provide one of "
                    + "'text' and 'json'."), "\(format.errors)")
        // Errors stay on standard error with a non-zero status, also with --format json.
        let missing = try layerwise("evaluate", "nowhere", "--format", "json", in: folder)
        #expect(missing.status != 0)
        #expect(missing.output.isEmpty)
        #expect(missing.errors.contains("nowhere"), "\(missing.errors)")
    }
}
