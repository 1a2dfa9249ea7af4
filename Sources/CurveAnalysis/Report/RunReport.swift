import Foundation
import Spec

/// The run report (`report.html`), rendered from plain values: self-contained HTML with inline
/// CSS and SVG, no scripts, no network.
///
/// Sections: the scores, the findings, the design with the rules behind it, the inputs (each
/// column's encoding and the rules that chose it), training and validation loss and metric
/// curves, the learning rate, per-layer gradient norms, the range-test curve when one ran, and
/// the confusion matrix or predicted-vs-actual plot.
public struct RunReport: Sendable {
    /// One line of the design summary: a setting, its value, and the rule that chose it.
    public struct DesignRow: Sendable, Equatable {
        /// The setting (`hidden widths`).
        public var setting: String
        /// Its value (`[16, 8]`).
        public var value: String
        /// The rule IDs or reason behind it (`SIZE-GEOMETRIC, SIZE-TAPER`).
        public var rule: String

        /// Creates a row.
        public init(_ setting: String, _ value: String, rule: String = "") {
            self.setting = setting
            self.value = value
            self.rule = rule
        }
    }

    /// A final score (`test accuracy`, 0.967).
    public struct Score: Sendable, Equatable {
        /// What was scored.
        public var name: String
        /// The score.
        public var value: Double

        /// Creates a score.
        public init(_ name: String, _ value: Double) {
            self.name = name
            self.value = value
        }
    }

    /// How the model did on held-out rows.
    public enum Evaluation: Sendable {
        /// Classification: `counts[actual][predicted]`.
        case confusionMatrix(classNames: [String], counts: [[Int]])
        /// Regression: predictions and targets, row by row.
        case regression(predicted: [Double], actual: [Double])
    }

    /// The report's heading (the run's name).
    public var title: String
    /// A line under the title (run folder, date, spec).
    public var subtitle: String = ""
    /// Final scores, shown first.
    public var scores: [Score] = []
    /// The design summary as rows.
    public var designRows: [DesignRow] = []
    /// The design summary as preformatted text (the recommend block), shown under the rows.
    public var designText: String?
    /// The input columns and their encodings, in input order; the section is left out when
    /// empty.
    public var inputRows: [InputRow] = []
    /// The run's history and statistics.
    public var record: TrainingRecord
    /// The range test, when one ran.
    public var rangeTest: RangeTestResult?
    /// The evaluation plot's data.
    public var evaluation: Evaluation?
    /// The evaluation plot's title (`Confusion matrix, test split (24 rows)`); nil for the
    /// chart's default.
    public var evaluationTitle: String?
    /// The diagnostics' findings.
    public var findings: [Finding] = []
    /// A binary classifier's held-out probabilities, for the ROC, precision-recall and
    /// calibration charts; nil otherwise.
    public var binaryScores: BinaryScores?

    /// Creates a report of `record` titled `title`; fill the other parts as available.
    public init(title: String, record: TrainingRecord) {
        self.title = title
        self.record = record
    }

    /// The whole report as one HTML document.
    public func html() -> String {
        var body = "<header><h1>\(xmlEscaped(title))</h1>"
        if !subtitle.isEmpty { body += "<p class=\"sub\">\(xmlEscaped(subtitle))</p>" }
        body += "</header>\n"
        if !scores.isEmpty {
            body += "<section class=\"scores\">"
            for score in scores {
                body +=
                    "<div class=\"score\"><div class=\"value\">\(NumberText.significant(score.value))</div>"
                body += "<div class=\"name\">\(xmlEscaped(score.name))</div></div>"
            }
            body += "</section>\n"
        }
        body += findingsSection()
        body += designSection()
        body += inputsSection()
        body += "<h2>Training</h2>\n<div class=\"grid\">\n"
        for chart in trainingCharts() { body += "<figure>\(chart.svg())</figure>\n" }
        body += "</div>\n"
        if let rangeTest {
            body += "<h2>Learning-rate range test</h2>\n<div class=\"grid\"><figure>"
            body += rangeTest.chart().svg() + "</figure>"
            body += "<pre class=\"summary\">\(xmlEscaped(rangeTest.summary))</pre></div>\n"
        }
        if let evaluation {
            body += "<h2>Evaluation</h2>\n<div class=\"grid\"><figure class=\"natural\">"
            switch evaluation {
            case .confusionMatrix(let names, let counts):
                var chart = ConfusionMatrixChart(classNames: names, counts: counts)
                if let evaluationTitle { chart.title = evaluationTitle }
                body += chart.svg()
            case .regression(let predicted, let actual):
                body += predictedVersusActualChart(
                    predicted: predicted, actual: actual,
                    title: evaluationTitle ?? "Predicted vs actual"
                ).svg()
            }
            for chart in binaryScores?.charts() ?? [] {
                body += "</figure><figure class=\"natural\">" + chart.svg()
            }
            body += "</figure></div>\n"
        }
        return htmlDocument(
            title: "\(title): Layerwise report", css: Self.css, body: body,
            footer: "Layerwise run report. Rules: the Layerwise rulebook.")
    }

    private func findingsSection() -> String {
        var html = "<h2>Findings</h2>\n"
        guard !findings.isEmpty else {
            return html
                + "<p class=\"healthy\">No diagnostic rule fired: the run looks healthy.</p>\n"
        }
        for finding in findings {
            html += "<div class=\"finding \(finding.severity.rawValue)\">"
            html += "<div class=\"head\"><span class=\"badge\">\(finding.severity.rawValue)</span> "
            html += "<code>\(xmlEscaped(finding.ruleID))</code> \(xmlEscaped(finding.title))</div>"
            if !finding.evidence.isEmpty {
                html += "<ul class=\"evidence\">"
                for item in finding.evidence { html += "<li>\(xmlEscaped(item.description))</li>" }
                html += "</ul>"
            }
            html += "<p>\(xmlEscaped(finding.recommendation))</p>"
            if !finding.edits.isEmpty {
                html += "<pre class=\"edits\">"
                html += finding.edits.map { xmlEscaped($0.description) }.joined(separator: "\n")
                html += "</pre>"
            }
            html += "</div>\n"
        }
        return html
    }

    private func designSection() -> String {
        guard !designRows.isEmpty || designText != nil else { return "" }
        var html = "<h2>Design</h2>\n"
        if !designRows.isEmpty {
            html += "<table class=\"design\"><thead><tr><th>setting</th><th>value</th><th>rule</th>"
            html += "</tr></thead><tbody>"
            for row in designRows {
                html += "<tr><td>\(xmlEscaped(row.setting))</td><td><code>\(xmlEscaped(row.value))"
                html += "</code></td><td>\(xmlEscaped(row.rule))</td></tr>"
            }
            html += "</tbody></table>\n"
        }
        if let designText { html += "<pre class=\"design\">\(xmlEscaped(designText))</pre>\n" }
        return html
    }

    /// Loss, metric, learning rate and per-layer gradient norms, each when recorded.
    func trainingCharts() -> [LineChart] {
        var charts: [LineChart] = []
        var lossSeries = [LineChart.Series("training", values: record.trainLoss)]
        if !record.validationLoss.isEmpty {
            lossSeries.append(.init("validation", values: record.validationLoss))
        }
        var loss = LineChart(title: "Loss", xLabel: "epoch", yLabel: "loss", series: lossSeries)
        loss.markers = bestEpochMarker(on: record.validationLoss)
        charts.append(loss)
        if !record.trainMetric.isEmpty || !record.validationMetric.isEmpty {
            var series: [LineChart.Series] = []
            if !record.trainMetric.isEmpty {
                series.append(.init("training", values: record.trainMetric))
            }
            if !record.validationMetric.isEmpty {
                series.append(.init("validation", values: record.validationMetric))
            }
            if let baseline = record.trivialBaselineScore, record.epochsRun > 0 {
                series.append(
                    .init(
                        "trivial baseline",
                        points: [
                            ChartPoint(1, baseline), ChartPoint(Double(record.epochsRun), baseline),
                        ],
                        color: "#7F7F7F", style: .dashed))
            }
            let name = record.metricName == "r2" ? "R²" : record.metricName
            let title = record.metricName == "r2" ? "R²" : name.capitalized
            var metric = LineChart(title: title, xLabel: "epoch", yLabel: name, series: series)
            metric.markers = bestEpochMarker(on: record.validationMetric)
            charts.append(metric)
        }
        if !record.learningRate.isEmpty {
            var chart = LineChart(
                title: "Learning rate", xLabel: "epoch", yLabel: "learning rate",
                series: [.init("learning rate", values: record.learningRate, color: "#009E73")])
            let rates = record.learningRate.filter { $0 > 0 && $0.isFinite }
            if let low = rates.min(), let high = rates.max(), high / low > 20 { chart.logY = true }
            charts.append(chart)
        }
        let gradientLayers = record.layers.filter { !$0.gradientNorm.isEmpty }
        if !gradientLayers.isEmpty {
            var chart = LineChart(
                title: "Gradient norm per layer", xLabel: "epoch", yLabel: "gradient norm (log)",
                series: gradientLayers.map { .init($0.name, values: $0.gradientNorm) })
            chart.logY = true
            charts.append(chart)
        }
        return charts
    }

    /// "best epoch N" at the kept epoch's validation value, when known.
    func bestEpochMarker(on values: [Double]) -> [LineChart.Marker] {
        guard let best = record.bestEpoch, best >= 1, best <= values.count,
            values[best - 1].isFinite
        else { return [] }
        return [
            LineChart.Marker(
                ChartPoint(Double(best), values[best - 1]), label: "best epoch \(best)")
        ]
    }

    static let css = """
        body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;\
        max-width:1340px;padding:24px 32px;color:#222;background:#fafafa;line-height:1.45}
        h1{margin:0 0 4px;font-size:26px}h2{margin:28px 0 10px;font-size:19px;\
        border-bottom:1px solid #ddd;padding-bottom:4px}
        .sub{color:#666;margin:0}
        .scores{display:flex;gap:14px;margin:18px 0;flex-wrap:wrap}
        .score{background:#fff;border:1px solid #ddd;border-radius:8px;padding:10px 18px;min-width:120px}
        .score .value{font-size:24px;font-weight:600}.score .name{color:#666;font-size:13px}
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:16px}
        figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:8px;padding:8px;\
        overflow-x:auto}
        figure svg{width:100%;height:auto;display:block}
        figure.natural svg{width:auto;max-width:100%;margin:0 auto}
        .finding{background:#fff;border:1px solid #ddd;border-left:6px solid #888;border-radius:6px;\
        padding:10px 14px;margin:10px 0}
        .finding.error{border-left-color:#c0392b}.finding.warning{border-left-color:#e69f00}\
        .finding.info{border-left-color:#0072b2}
        .finding .head{font-weight:600}
        .badge{display:inline-block;font-size:11px;text-transform:uppercase;letter-spacing:.04em;\
        padding:1px 7px;border-radius:9px;color:#fff;background:#888;vertical-align:1px}
        .error .badge{background:#c0392b}.warning .badge{background:#b77b00}.info .badge{background:#0072b2}
        .evidence{margin:6px 0;padding-left:20px;color:#444;font-size:14px}
        .finding p{margin:6px 0}
        pre{background:#f1f3f5;border-radius:6px;padding:8px 12px;overflow-x:auto;font-size:13px;margin:6px 0}
        pre.summary,pre.design{align-self:start;white-space:pre-wrap}
        code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
        table.design{border-collapse:collapse;background:#fff;font-size:14px}
        table.design th,table.design td{border:1px solid #ddd;padding:5px 12px;text-align:left}
        table.design th{background:#f1f3f5}
        table.design td.number{text-align:right}
        p.inputs{margin:6px 0}
        .healthy{color:#1e7b34;font-weight:600}
        footer{margin-top:32px;color:#888;font-size:12px}
        """
}

/// A self-contained HTML page (the run and study reports): `title` escaped, `css` and `body`
/// as given (already HTML), `footer` escaped.
public func htmlDocument(title: String, css: String, body: String, footer: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(xmlEscaped(title))</title>
    <style>\(css)</style>
    </head>
    <body>
    \(body)<footer>\(xmlEscaped(footer))</footer>
    </body>
    </html>

    """
}
