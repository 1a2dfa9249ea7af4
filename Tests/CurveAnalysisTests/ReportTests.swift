import Foundation
import Testing

@testable import CurveAnalysis

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Parses `text` as XML; the parser's error, or nil when well-formed.
func xmlError(_ text: String) -> String? {
    let parser = XMLParser(data: Data(text.utf8))
    return parser.parse() ? nil : String(describing: parser.parserError)
}

/// Every `<svg ...>...</svg>` element in an HTML document.
func svgElements(_ html: String) -> [String] {
    var elements: [String] = []
    var rest = html[...]
    while let start = rest.range(of: "<svg "),
        let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex)
    {
        elements.append(String(rest[start.lowerBound..<end.upperBound]))
        rest = rest[end.upperBound...]
    }
    return elements
}

enum SyntheticReport {
    /// A report of a synthetic overfitting run with a range test, findings and a confusion matrix.
    static func make() -> RunReport {
        var record = SyntheticRecords.healthy()
        record.validationLoss = (0..<60).map { (epoch: Int) -> Double in
            let offset = Double(epoch) - 20
            return 0.3 + 0.0015 * offset * offset
        }
        record.learningRate = (0..<60).map {
            0.01 * 0.5 * (1 + cos(Double.pi * Double($0) / 60)) + 1e-4
        }
        let bowl = QuadraticBowl(curvatures: (1...10).map(Double.init), noise: 0.05)
        let rangeTest = LearningRateRangeTest().run(step: bowl.step)
        var report = RunReport(title: "iris <overfit & co>", record: record)
        report.subtitle = "runs/iris-20261125-150000 · Specs/iris.yaml · seed 42"
        report.scores = [
            .init("test accuracy", 0.933), .init("validation accuracy", 0.956), .init("epochs", 60),
        ]
        report.designRows = [
            .init("hidden layers", "2", rule: "DEPTH-LOW"),
            .init("hidden widths", "[16, 8]", rule: "SIZE-GEOMETRIC, SIZE-TAPER"),
            .init("activation", "relu", rule: "ACT-HIDDEN-DEFAULT"),
            .init("optimizer", "adam, lr 0.01", rule: "OPT-DEFAULT, LR-RANGE-TEST"),
        ]
        report.designText =
            "input 4 -> dense 16 relu -> dense 8 relu -> dense 3 softmax  (227 parameters)"
        report.rangeTest = rangeTest
        report.evaluation = .confusionMatrix(
            classNames: ["setosa", "versicolor", "virginica"],
            counts: [[8, 0, 0], [0, 6, 1], [0, 2, 6]])
        report.findings = diagnose(record, spec: SyntheticRecords.spec())
        return report
    }
}

@Suite("Charts and the run report")
struct ReportTests {
    @Test func niceTicks() {
        let axis = ChartAxis(covering: [0.13, 0.97])
        #expect(axis.ticks.count == 6)
        #expect(zip(axis.ticks, [0, 0.2, 0.4, 0.6, 0.8, 1.0]).allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(axis.lower == 0 && abs(axis.upper - 1) < 1e-12)
        let log = ChartAxis(covering: [3e-7, 4.2], logarithmic: true)
        #expect(log.lower == 1e-7 && log.upper == 10)
        #expect(log.ticks.first == 1e-7 && log.ticks.last == 10)
        #expect(log.label(1e-4) == "1e-4" && log.label(0.1) == "0.1")
        let flat = ChartAxis(covering: [2, 2])
        #expect(flat.lower < 2 && flat.upper > 2)
    }

    @Test func lineChartIsWellFormedXML() {
        var chart = LineChart(
            title: "Loss <train & val>", xLabel: "epoch", yLabel: "loss",
            series: [
                .init("train", values: [1, 0.5, .nan, 0.3, 0.2]),
                .init("val \"quoted\"", values: [1.1, 0.6, 0.5, .infinity, 0.4], style: .dashed),
                .init("dots", values: [0.9, 0.8], style: .points),
            ])
        chart.markers = [.init(ChartPoint(2, 0.5), label: "here & now")]
        let svg = chart.svg()
        #expect(xmlError(svg) == nil)
        #expect(svg.contains("Loss &lt;train &amp; val&gt;"))
        // The NaN splits the training curve in two runs: a polyline and a lone point.
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 3)
        #expect(!svg.contains("nan") && !svg.contains("inf"))
    }

    @Test func logChartsSkipNonPositiveValues() {
        var chart = LineChart(
            title: "g", xLabel: "x", yLabel: "y",
            series: [
                .init("g", points: [ChartPoint(1e-7, 1), ChartPoint(0, 2), ChartPoint(1, 0.5)])
            ])
        chart.logX = true
        let svg = chart.svg()
        #expect(xmlError(svg) == nil)
        #expect(svg.contains(">1e-7<"))
    }

    @Test func confusionMatrixAndScatterAreWellFormed() {
        let matrix = ConfusionMatrixChart(
            classNames: ["a<b", "c"], counts: [[5, 1], [0, 7]]
        ).svg()
        #expect(xmlError(matrix) == nil)
        #expect(matrix.contains(">7</text>") && matrix.contains("a&lt;b"))
        let scatter = predictedVersusActualChart(
            predicted: [1, 2.2, 2.9, .nan], actual: [1.1, 2, 3, 4]
        ).svg()
        #expect(xmlError(scatter) == nil)
        #expect(scatter.components(separatedBy: "<circle").count - 1 == 3)
    }

    @Test func terminalPlotHasFixedSizeAndMarker() throws {
        let bowl = QuadraticBowl(curvatures: (1...10).map(Double.init), noise: 0.05)
        let result = LearningRateRangeTest().run(step: bowl.step)
        let plot = LearningRateRangeTest.terminalPlot(result, width: 50, height: 12)
        let lines = plot.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 12 + 3)
        for line in lines.prefix(12) { #expect(line.count <= 9 + 2 + 50) }
        #expect(plot.contains("◆"))
        #expect(plot.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
        #expect(lines[13].contains("1e-7") || lines[13].contains("1e-6"))
        #expect(lines[14].contains("learning rate"))
    }

    @Test func reportIsSelfContainedAndWellFormed() throws {
        let html = SyntheticReport.make().html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<link") && !html.contains("@import") && !html.contains("url("))
        let withoutNamespace = html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
        #expect(!withoutNamespace.contains("http://") && !withoutNamespace.contains("https://"))
        let svgs = svgElements(html)
        // Loss, accuracy, learning rate, gradient norms, range test, confusion matrix.
        #expect(svgs.count == 6)
        for svg in svgs { #expect(xmlError(svg) == nil) }
        #expect(html.contains("iris &lt;overfit &amp; co&gt;"))
        #expect(html.contains("DIAG-OVERFIT"))
        #expect(html.contains("model.dropout: (absent) -&gt; 0.2"))
        #expect(html.contains("SIZE-GEOMETRIC, SIZE-TAPER"))
        #expect(html.contains("Learning-rate range test"))
        // The page structure balances too: parse the body's tags.
        let body = try #require(html.range(of: "<body>")).lowerBound
        let end = try #require(html.range(of: "</body>")).upperBound
        #expect(xmlError(String(html[body..<end])) == nil)

        // `Scripts/screenshot-report.sh` sets this to render the report with Chromium.
        if let path = ProcessInfo.processInfo.environment["LAYERWISE_REPORT_OUT"] {
            try html.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    @Test func inputsSectionListsEveryColumnAndEscapesTheData() throws {
        var report = RunReport(title: "inputs", record: SyntheticRecords.healthy())
        #expect(!report.html().contains("<h2>Inputs</h2>"))
        report.inputRows = [
            .init(
                column: "<b>&\"x'", encoding: "embedding", inputs: 13, parameters: 41 * 13,
                detail: "40 levels + 'other'", rule: "ENC-ONEHOT-MAX: 40 > 16 levels"),
            .init(
                column: "island", encoding: "one-hot", inputs: 2,
                detail: "2 levels: '<i>Dream</i>', 'Torgersen & co'",
                rule: "ENC-ONEHOT-MAX: 2 <= 16 levels"),
            .init(column: "bill_mm", encoding: "standardised", inputs: 1, detail: "mean 43.9"),
        ]
        let html = report.html()
        let start = try #require(html.range(of: "<h2>Inputs</h2>")).lowerBound
        let end = try #require(html.range(of: "<h2>Training</h2>")).lowerBound
        let section = String(html[start..<end])
        #expect(section.contains("3 input columns: Ni = 16 network inputs"))
        #expect(section.contains("1 embedding table with 533 trained parameters"))
        #expect(section.contains("<code>&lt;b&gt;&amp;&quot;x&#39;</code>"))
        #expect(section.contains("<td class=\"number\">533</td>"))
        #expect(
            section.contains("&#39;&lt;i&gt;Dream&lt;/i&gt;&#39;, &#39;Torgersen &amp; co&#39;"))
        #expect(section.contains("ENC-ONEHOT-MAX: 40 &gt; 16 levels"))
        // Nothing from the data reaches the page unescaped, and the section parses.
        #expect(!html.contains("<b>&") && !html.contains("<i>Dream"))
        #expect(section.components(separatedBy: "<tr>").count - 1 == 1 + 3)
        #expect(xmlError("<div>" + section + "</div>") == nil)
    }

    @Test func healthyReportSaysSo() {
        var report = RunReport(title: "healthy", record: SyntheticRecords.healthy())
        report.findings = diagnose(report.record)
        report.evaluation = .regression(predicted: [1, 2, 3], actual: [1.1, 1.9, 3.2])
        let html = report.html()
        #expect(html.contains("No diagnostic rule fired"))
        #expect(html.contains("Predicted vs actual"))
    }
}
