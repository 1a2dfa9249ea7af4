import Engine
import Foundation
import Testing

@testable import Runs

/// Issue 15: one evaluation for a person and as data (`layerwise evaluate --format json`).
@Suite struct EvaluationReportTests {
    static let classification = EvaluationReport(
        runFolder: "runs/a", dataPath: "new.csv", source: .file, rows: 4,
        metrics: .classification(
            ClassificationMetrics(predicted: [0, 1, 1, 1], actual: [0, 1, 0, 1], classCount: 2)),
        labels: ["no", "yes"], warnings: ["1 of 5 rows have no target value"])

    @Test func textIsWhatEvaluatePrinted() {
        let report = Self.classification
        #expect(
            report.text
                == "new.csv: 4 rows\n" + Evaluation.text(report.metrics, labels: ["no", "yes"])
                + "\n")
        var split = report
        split.source = .testSplit
        #expect(split.text.hasPrefix("runs/a: test split, 4 rows\naccuracy 0.7500"))
    }

    @Test func jsonNamesEveryScoreAndReadsBack() throws {
        let json = try Self.classification.json()
        #expect(json.contains("\"macro_f1\" : "))
        #expect(json.contains("\"source\" : \"file\""))
        #expect(json.contains("\"task\" : \"classification\""))
        #expect(!json.contains("\"r2\""))
        let document = try EvaluationDocument.decode(json)
        #expect(document == Self.classification.document)
        #expect(document.metrics.accuracy == 0.75)
        #expect(document.metrics.classLabels == ["no", "yes"])
        #expect(document.metrics.precisionPerClass == [1, 2.0 / 3])
        #expect(document.metrics.recallPerClass == [0.5, 1])
        #expect(document.metrics.f1PerClass?[0] == 2 * 0.5 / 1.5)
        #expect(document.metrics.confusionMatrix == [[1, 1], [0, 2]])
        #expect(document.warnings == ["1 of 5 rows have no target value"])
    }

    @Test func unnamedClassesAreNumberedAndNonFiniteScoresAreStrings() throws {
        var report = Self.classification
        report.labels = nil
        #expect(report.document.metrics.classLabels == ["0", "1"])
        let nan = Matrix(rows: 2, columns: 1, values: [.nan, 1])
        report.metrics = .regression(
            RegressionMetrics(
                predictions: nan, targets: Matrix(rows: 2, columns: 1, values: [0, 1])))
        let json = try report.json()
        #expect(json.contains("\"mse\" : \"nan\""))
        let document = try EvaluationDocument.decode(json)
        #expect(document.task == .regression)
        #expect(document.metrics.mse?.isNaN == true)
        #expect(document.metrics.classLabels == nil)
    }
}
