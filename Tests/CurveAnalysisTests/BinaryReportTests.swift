import CurveAnalysis
import Foundation
import Testing

/// The run report's binary-classification charts, best-epoch marks and the two-class confusion
/// matrix's room for its title (issue 19).
@Suite("report: ROC, precision-recall, calibration, the best epoch")
struct BinaryReportTests {
    // 3 positives, 3 negatives: positives outrank negatives in 8 of 9 pairs.
    let scores = BinaryScores(
        split: "test", positive: "M", probabilities: [0.9, 0.8, 0.7, 0.6, 0.55, 0.4],
        positives: [true, true, false, true, false, false])

    @Test("AUC is the rank statistic, AP scikit-learn's average precision")
    func areas() throws {
        let auc: Double = try #require(scores.rocAUC)
        #expect(abs(auc - 8.0 / 9.0) < 1e-12)
        // Precision 1 at recall 1/3 and 2/3, 3/4 at recall 1.
        let precision: Double = try #require(scores.averagePrecision)
        let expected: Double = 2.75 / 3
        #expect(abs(precision - expected) < 1e-12)
        // Ties count half: all probabilities equal gives 0.5.
        let tied = BinaryScores(
            split: "test", positive: "M", probabilities: [0.5, 0.5, 0.5, 0.5],
            positives: [true, false, true, false])
        #expect(tied.rocAUC == 0.5)
        let oneClass = BinaryScores(
            split: "test", positive: "M", probabilities: [0.2, 0.9], positives: [true, true])
        #expect(oneClass.rocAUC == nil && oneClass.charts().isEmpty)
    }

    @Test("the report draws the three charts and marks the best epoch; all SVG well formed")
    func reportCharts() throws {
        var record = SyntheticRecords.healthy()
        record.bestEpoch = 21
        var report = RunReport(title: "binary", record: record)
        report.evaluation = .confusionMatrix(classNames: ["B", "M"], counts: [[40, 2], [3, 21]])
        report.evaluationTitle = "Confusion matrix, test split (66 rows)"
        report.binaryScores = scores
        let html = report.html()
        for title in ["ROC (M), AUC 0.889", "Precision-recall (M), AP 0.917", "Calibration (M)"] {
            #expect(html.contains(title), "\(title)")
        }
        #expect(html.contains("best epoch 21"))
        for svg in svgElements(html) { #expect(xmlError(svg) == nil) }
        // Two classes: the matrix is at least as wide as its title.
        let chart = ConfusionMatrixChart(
            classNames: ["B", "M"], counts: [[40, 2], [3, 21]],
            title: "Confusion matrix, test split (66 rows)")
        let svg = chart.svg()
        let width = try #require(
            svg.range(of: #"width="([0-9.]+)""#, options: .regularExpression).map {
                Double(svg[$0].dropFirst(7).dropLast()) ?? 0
            })
        #expect(width >= 8 * Double(chart.title.count))
    }
}
