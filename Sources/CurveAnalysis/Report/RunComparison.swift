import Foundation
import Spec

/// `compare.html`: several runs on one page (issue 19): their scores side by side, their
/// designs as one table with the settings that differ first, and their curves overlaid
/// (validation loss, training loss, validation metric, learning rate). Self-contained, like
/// the run report.
public struct RunComparison: Sendable {
    /// One run as the page shows it.
    public struct Run: Sendable {
        /// The run's name in legends and column heads (its folder's name).
        public var name: String
        /// Its history.
        public var record: TrainingRecord
        /// Its final scores (`test accuracy`, ...).
        public var scores: [RunReport.Score]
        /// Its design: setting (key path) to value.
        public var design: [RunReport.DesignRow]

        public init(
            name: String, record: TrainingRecord, scores: [RunReport.Score],
            design: [RunReport.DesignRow]
        ) {
            self.name = name
            self.record = record
            self.scores = scores
            self.design = design
        }
    }

    /// The runs, in the order given.
    public var runs: [Run]

    public init(runs: [Run]) { self.runs = runs }

    /// Score names in first-seen order.
    var scoreNames: [String] {
        var names: [String] = []
        for run in runs {
            for score in run.scores where !names.contains(score.name) { names.append(score.name) }
        }
        return names
    }

    /// The design's settings, those whose values differ between the runs first.
    var designSettings: (differing: [String], same: [String]) {
        var settings: [String] = []
        for run in runs {
            for row in run.design where !settings.contains(row.setting) {
                settings.append(row.setting)
            }
        }
        let differing = settings.filter { setting in
            Set(runs.map { run in run.design.first { $0.setting == setting }?.value ?? "" }).count
                > 1
        }
        return (differing, settings.filter { !differing.contains($0) })
    }

    /// The overlaid curves: one series per run.
    func charts() -> [LineChart] {
        func chart(
            _ title: String, _ label: String, _ values: (TrainingRecord) -> [Double]
        )
            -> LineChart?
        {
            let series = runs.compactMap { run -> LineChart.Series? in
                let points = values(run.record)
                return points.isEmpty ? nil : LineChart.Series(run.name, values: points)
            }
            return series.isEmpty
                ? nil : LineChart(title: title, xLabel: "epoch", yLabel: label, series: series)
        }
        let metric = runs.first?.record.metricName == "r2" ? "R²" : "accuracy"
        var rate = chart("Learning rate", "learning rate") { $0.learningRate }
        let rates = runs.flatMap(\.record.learningRate).filter { $0 > 0 && $0.isFinite }
        if let low = rates.min(), let high = rates.max(), high / low > 20 { rate?.logY = true }
        return [
            chart("Validation loss", "loss") { $0.validationLoss },
            chart("Training loss", "loss") { $0.trainLoss },
            chart("Validation \(metric)", metric) { $0.validationMetric },
            rate,
        ].compactMap { $0 }
    }

    /// The page.
    public func html() -> String {
        var body = "<header><h1>Comparing \(runs.count) runs</h1>"
        body += "<p class=\"sub\">" + runs.map { xmlEscaped($0.name) }.joined(separator: " · ")
        body += "</p></header>\n"
        let head =
            "<tr><th></th>" + runs.map { "<th>\(xmlEscaped($0.name))</th>" }.joined() + "</tr>"
        body += "<h2>Scores</h2>\n<table class=\"design\">\(head)"
        for name in scoreNames {
            let values = runs.map { run in run.scores.first { $0.name == name }?.value }
            // The best of each row in bold: lower for errors and losses, higher otherwise.
            let lowerIsBetter = ["MAE", "RMSE", "MSE", "loss"].contains { name.contains($0) }
            let finite = values.compactMap { $0 }.filter(\.isFinite)
            let best = lowerIsBetter ? finite.min() : finite.max()
            body += "<tr><td>\(xmlEscaped(name))</td>"
            for value in values {
                let text = value.map(NumberText.significant) ?? "–"
                body +=
                    value != nil && value == best && runs.count > 1
                    ? "<td class=\"number\"><b>\(text)</b></td>"
                    : "<td class=\"number\">\(text)</td>"
            }
            body += "</tr>"
        }
        body += "</table>\n"
        body += "<h2>Training</h2>\n<div class=\"grid\">\n"
        for chart in charts() { body += "<figure>\(chart.svg())</figure>\n" }
        body += "</div>\n"
        let (differing, same) = designSettings
        body += "<h2>Design</h2>\n"
        body +=
            differing.isEmpty
            ? "<p>The designs are the same.</p>\n"
            : "<p>\(differing.count) setting\(differing.count == 1 ? "" : "s") differ; "
                + "the rule that chose each value is under it.</p>\n"
        body += "<table class=\"design\">\(head)"
        for (settings, marked) in [(differing, true), (same, false)] {
            for setting in settings {
                body +=
                    "<tr\(marked ? " class=\"differs\"" : "")><td><code>\(xmlEscaped(setting))</code></td>"
                for run in runs {
                    let row = run.design.first { $0.setting == setting }
                    body += "<td><code>\(xmlEscaped(row?.value ?? "–"))</code>"
                    if marked, let rule = row?.rule, !rule.isEmpty {
                        body += "<br><span class=\"rule\">\(xmlEscaped(rule))</span>"
                    }
                    body += "</td>"
                }
                body += "</tr>"
            }
        }
        body += "</table>\n"
        return htmlDocument(
            title: "Layerwise: comparing " + runs.map(\.name).joined(separator: ", "),
            css: RunReport.css
                + "\ntr.differs td{background:#fff8e6}\n.rule{color:#666;font-size:12px}",
            body: body, footer: "Layerwise run comparison.")
    }
}
