import CurveAnalysis
import TuneSearch
import TuneStorage

/// The study report (`study.html` of `layerwise tune`), rendered from plain values:
/// self-contained HTML with inline CSS and SVG, no scripts, no network; every text from the
/// study (its name, keys, choices, rules, workers, errors) is escaped.
///
/// Sections: the summary (study, spec, metric and direction, trials by state, the best value
/// and trial, the test score); the value by trial with the best so far; parallel coordinates;
/// the value against each parameter; each parameter's importance (see `ImportanceResult`);
/// the rules against the search (whether the best trial kept each rule's value, see
/// `RuleVerdict`); and every trial in a table.
public struct StudyReport: Sendable {
    /// The best trial's score on the test split (`test accuracy`, 0.967): the run report's
    /// score type.
    public typealias TestScore = RunReport.Score

    /// The study: its name, spec, metric, direction and space.
    public var study: StudyDefinition
    /// Every trial, any state.
    public var trials: [TrialRecord]
    /// The best complete trial's number; nil when none is complete.
    public var bestTrial: Int?
    /// The best trial's test score, when it was evaluated.
    public var testScore: TestScore?
    /// The zero-trial design in one line (trial 0: the advisor's values).
    public var zeroTrialSummary: String?
    /// Why the reported trial is not the highest-scoring one (TUNE-ONE-SE); nil when it is.
    public var selectionNote: String?

    /// A report of `study` and its `trials`; each argument sets the property of the same name.
    public init(
        study: StudyDefinition, trials: [TrialRecord], bestTrial: Int?,
        testScore: TestScore? = nil, zeroTrialSummary: String? = nil,
        selectionNote: String? = nil
    ) {
        self.study = study
        self.trials = trials
        self.bestTrial = bestTrial
        self.testScore = testScore
        self.zeroTrialSummary = zeroTrialSummary
        self.selectionNote = selectionNote
    }

    /// The whole report as one HTML document.
    public func html() -> String {
        let ordered = trials.sorted { $0.number < $1.number }
        let scored = ScoredTrial.scored(ordered)
        let best = ordered.first { $0.number == bestTrial }
        // Only a scored trial is highlighted in the charts.
        let bestScored = scored.contains { $0.number == bestTrial } ? bestTrial : nil
        var body = summarySection(ordered, best: best)
        body += historySection(ordered, scored: scored, best: bestScored)
        body += parallelSection(scored, best: bestScored)
        body += slicesSection(scored, best: bestScored)
        body += importanceSection(scored)
        body += rulesSection(best: best)
        body += trialsSection(ordered)
        return htmlDocument(
            title: "\(study.name): Layerwise study report", css: Self.css, body: body,
            footer: "Layerwise study report. Rules: the Layerwise rulebook.")
    }

    private var parameters: [SearchParameter] { study.space.parameters }

    private func summarySection(_ ordered: [TrialRecord], best: TrialRecord?) -> String {
        var html = "<header id=\"summary\"><h1>\(xmlEscaped(study.name))</h1>"
        let digest = String(study.specDigest.prefix(12))
        html += "<p class=\"sub\">spec <code>\(xmlEscaped(study.specPath))</code>"
        if !digest.isEmpty { html += " (digest <code>\(xmlEscaped(digest))</code>)" }
        html += " · metric <strong>\(xmlEscaped(study.metric))</strong>, "
        html += "\(study.direction == .maximize ? "maximized" : "minimized")"
        html += " · \(parameters.count) tuned key\(parameters.count == 1 ? "" : "s")</p>"
        html += "</header>\n<section class=\"scores\">"
        if let best, let value = best.value, value.isFinite {
            html += card(compactNumber(value), "best \(study.metric), trial \(best.number)")
        } else {
            html += card("—", "best \(study.metric): no complete trial yet")
        }
        if let testScore {
            html += card(compactNumber(testScore.value), testScore.name + " (best trial)")
        }
        let finished = ordered.filter(\.state.isFinished).count
        html += card("\(finished) / \(study.targetTrials)", "trials finished / target")
        html += "</section>\n<p class=\"states\">"
        html += TrialState.allCases.map { state in
            let count = ordered.filter { $0.state == state }.count
            return "<span class=\"state \(state.rawValue)\">\(count) \(state.rawValue)</span>"
        }.joined(separator: " ")
        html += "</p>\n"
        if let selectionNote {
            html += "<p class=\"zero\">Reported: trial \(best?.number ?? 0), because "
            html += "\(xmlEscaped(selectionNote)).</p>\n"
        }
        if let zeroTrialSummary {
            html += "<p class=\"zero\">Zero-trial design (trial 0, the rules' values): "
            html += "<code>\(xmlEscaped(zeroTrialSummary))</code></p>\n"
        }
        return html
    }

    private func card(_ value: String, _ name: String) -> String {
        "<div class=\"score\"><div class=\"value\">\(xmlEscaped(value))</div>"
            + "<div class=\"name\">\(xmlEscaped(name))</div></div>"
    }

    /// Complete trials as blue dots, pruned ones (their last value) as grey dots, the best so
    /// far as a step line; failed trials have no value and are counted in a note.
    private func historySection(
        _ ordered: [TrialRecord], scored: [ScoredTrial], best: Int?
    ) -> String {
        var html = "<section id=\"history\"><h2>Value by trial and best so far</h2>\n"
        let pruned = ordered.compactMap { record -> ChartPoint? in
            guard record.state == .pruned, let value = record.value, value.isFinite else {
                return nil
            }
            return ChartPoint(Double(record.number), value)
        }
        guard !scored.isEmpty else {
            return html
                + "<p class=\"note\">No complete trial yet: nothing to plot.</p></section>\n"
        }
        var steps: [ChartPoint] = []
        for (trial, value) in bestSoFar(scored, direction: study.direction) {
            if let last = steps.last, last.y != value {
                steps.append(ChartPoint(Double(trial), last.y))
            }
            steps.append(ChartPoint(Double(trial), value))
        }
        let lastNumber = max(scored.last!.number, ordered.last?.number ?? 0)
        if let last = steps.last, Double(lastNumber) > last.x {
            steps.append(ChartPoint(Double(lastNumber), last.y))
        }
        var series: [LineChart.Series] = [
            .init(
                "complete", points: scored.map { ChartPoint(Double($0.number), $0.value) },
                color: "#0072B2", style: .points)
        ]
        if !pruned.isEmpty {
            series.append(
                .init("pruned (last value)", points: pruned, color: "#999999", style: .points))
        }
        series.append(.init("best so far", points: steps, color: bestTrialColor))
        var chart = LineChart(
            title: "\(study.metric) by trial", xLabel: "trial", yLabel: study.metric,
            series: series)
        chart.width = 960
        chart.height = 340
        if let best, let trial = scored.first(where: { $0.number == best }) {
            chart.markers = [
                .init(ChartPoint(Double(best), trial.value), label: "best: trial \(best)")
            ]
        }
        html += "<figure class=\"wide\">\(chart.svg())</figure>\n"
        var notes: [String] = []
        let failed = ordered.filter { $0.state == .failed }.count
        if failed > 0 {
            notes.append("\(failed) failed trial\(failed == 1 ? " has" : "s have") no value")
        }
        let unscored = ordered.filter { record in
            record.state == .complete && !(record.value?.isFinite ?? false)
        }.count
        if unscored > 0 {
            notes.append(
                "\(unscored) complete trial\(unscored == 1 ? " has" : "s have") no finite value")
        }
        let prunedWithout = ordered.filter { $0.state == .pruned }.count - pruned.count
        if prunedWithout > 0 {
            notes.append(
                "\(prunedWithout) pruned trial\(prunedWithout == 1 ? " has" : "s have") no value")
        }
        if !notes.isEmpty {
            html += "<p class=\"note\">Not plotted: \(notes.joined(separator: "; ")).</p>\n"
        }
        return html + "</section>\n"
    }

    private func parallelSection(_ scored: [ScoredTrial], best: Int?) -> String {
        var html = "<section id=\"parallel\"><h2>Parallel coordinates</h2>\n"
        guard !scored.isEmpty else {
            return html + "<p class=\"note\">No complete trial yet.</p></section>\n"
        }
        guard !parameters.isEmpty else {
            return html + "<p class=\"note\">The space has no parameters.</p></section>\n"
        }
        html += "<p class=\"note\">One line per complete trial, coloured by its value (dark is "
        html += "better); the best trial in orange. Log domains on log axes.</p>\n"
        let chart = ParallelCoordinatesChart(
            parameters: parameters, trials: scored, best: best, metric: study.metric,
            direction: study.direction)
        return html + "<figure class=\"wide\">\(chart.svg())</figure></section>\n"
    }

    private func slicesSection(_ scored: [ScoredTrial], best: Int?) -> String {
        var html = "<section id=\"slices\"><h2>Value against each parameter</h2>\n"
        guard !scored.isEmpty, !parameters.isEmpty else {
            let reason = scored.isEmpty ? "No complete trial yet." : "The space has no parameters."
            return html + "<p class=\"note\">\(reason)</p></section>\n"
        }
        html += "<div class=\"small-multiples\">\n"
        for parameter in parameters {
            let chart = ParameterScatterChart(
                parameter: parameter, trials: scored, best: best, metric: study.metric)
            html += "<figure>\(chart.svg())</figure>\n"
        }
        return html + "</div></section>\n"
    }

    private func importanceSection(_ scored: [ScoredTrial]) -> String {
        var html = "<section id=\"importance\"><h2>Parameter importance</h2>\n"
        switch ImportanceResult(space: study.space, trials: scored) {
        case .notEnoughTrials(let reason):
            html += "<p class=\"note\">No importance: \(xmlEscaped(reason)).</p>\n"
        case .ranked(let rows):
            html += "<p class=\"note\">The share of the complete trials' variance in "
            html += "\(xmlEscaped(study.metric)) each parameter explains alone (η², reals and "
            html += "integers in up to \(ImportanceResult.binCount) quantile bins), normalised to "
            html += "sum to 100%. One parameter at a time: interactions are not seen.</p>\n"
            if rows.allSatisfy({ $0.share == 0 }) {
                html += "<p class=\"note\">No parameter explains any of the variance.</p>\n"
            }
            html += "<figure class=\"natural\">\(ImportanceChart(rows: rows).svg())</figure>\n"
        }
        return html + "</section>\n"
    }

    private func rulesSection(best: TrialRecord?) -> String {
        var html = "<section id=\"rules\"><h2>Rules against search</h2>\n"
        guard !parameters.isEmpty else {
            return html + "<p class=\"note\">The space has no parameters.</p></section>\n"
        }
        html += "<p class=\"note\">Whether the best trial kept each rule's value (trial 0's): "
        html += "choices and integers when equal; reals within a factor of 2 on log domains, "
        html += "within 10% of the range on linear ones.</p>\n"
        html += "<table class=\"rules\"><thead><tr><th>key</th><th>rule value</th>"
        html += "<th>best trial\(best.map { " (\($0.number))" } ?? "")</th><th>rule</th>"
        html += "<th>verdict</th></tr></thead><tbody>"
        for parameter in parameters {
            let bestValue = best?.assignment[parameter.name]
            let verdict = RuleVerdict(parameter: parameter, best: bestValue)
            html += "<tr><td><code>\(xmlEscaped(parameter.name))</code></td>"
            html += "<td class=\"number\">\(xmlEscaped(compactText(parameter.zeroTrial)))</td>"
            let bestText = bestValue.map { xmlEscaped(compactText($0)) } ?? "—"
            html += "<td class=\"number\">\(bestText)</td>"
            html += "<td>\(xmlEscaped(parameter.rule))</td>"
            html += "<td class=\"verdict \(verdict.rawValue)\">"
            html += verdict == .unknown ? "—" : verdict.rawValue
            html += "</td></tr>"
        }
        return html + "</tbody></table></section>\n"
    }

    private func trialsSection(_ ordered: [TrialRecord]) -> String {
        var html = "<section id=\"trials\"><h2>Trials</h2>\n"
        guard !ordered.isEmpty else {
            return html + "<p class=\"note\">No trial yet.</p></section>\n"
        }
        html += "<div class=\"table-wrap\"><table class=\"trials\"><thead><tr><th>#</th>"
        html += "<th>state</th>"
        for parameter in parameters { html += "<th>\(xmlEscaped(parameter.name))</th>" }
        html += "<th>\(xmlEscaped(study.metric))</th><th>epochs</th><th>seconds</th>"
        html += "<th>worker</th></tr></thead><tbody>"
        for record in ordered {
            html += record.number == bestTrial ? "<tr class=\"best\">" : "<tr>"
            html += "<td class=\"number\">\(record.number)</td>"
            let error = record.attributes["error"].map { " title=\"\(xmlEscaped($0))\"" } ?? ""
            html += "<td class=\"state \(record.state.rawValue)\"\(error)>\(record.state.rawValue)"
            html += "</td>"
            for parameter in parameters {
                let value = record.assignment[parameter.name].map(compactText) ?? ""
                html += "<td class=\"number\">\(xmlEscaped(value))</td>"
            }
            html += "<td class=\"number\">\(record.value.map(compactNumber) ?? "")</td>"
            html += "<td class=\"number\">\(record.epochs.map(String.init) ?? "")</td>"
            html += "<td class=\"number\">\(record.seconds.map(compactNumber) ?? "")</td>"
            html += "<td>\(xmlEscaped(record.worker ?? ""))</td></tr>"
        }
        return html + "</tbody></table></div></section>\n"
    }

    static let css = """
        body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;\
        max-width:1340px;padding:24px 32px;color:#222;background:#fafafa;line-height:1.45}
        h1{margin:0 0 4px;font-size:26px}h2{margin:28px 0 10px;font-size:19px;\
        border-bottom:1px solid #ddd;padding-bottom:4px}
        .sub{color:#666;margin:0}
        .scores{display:flex;gap:14px;margin:18px 0 10px;flex-wrap:wrap}
        .score{background:#fff;border:1px solid #ddd;border-radius:8px;padding:10px 18px;\
        min-width:120px}
        .score .value{font-size:24px;font-weight:600}.score .name{color:#666;font-size:13px}
        .states{margin:6px 0}
        span.state{display:inline-block;font-size:13px;padding:1px 9px;border-radius:9px;\
        background:#eef1f4;margin-right:4px}
        span.state.complete{background:#dcefe2}span.state.pruned{background:#eee}\
        span.state.failed{background:#f6dcd8}span.state.running{background:#dceaf6}
        td.state.failed{color:#c0392b}td.state.pruned{color:#777}td.state.running{color:#0072b2}
        .zero{margin:6px 0}
        .note{color:#555;font-size:14px;margin:6px 0}
        figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:8px;padding:8px;\
        overflow-x:auto}
        figure svg{width:100%;height:auto;display:block}
        figure.natural svg{width:auto;max-width:100%}
        .small-multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));\
        gap:12px}
        code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
        table{border-collapse:collapse;background:#fff;font-size:14px}
        th,td{border:1px solid #ddd;padding:4px 10px;text-align:left}
        th{background:#f1f3f5}
        td.number{text-align:right;font-variant-numeric:tabular-nums}
        .table-wrap{overflow-x:auto}
        table.trials{font-size:13px}
        tr.best td{background:#fff1e6;font-weight:600}
        td.verdict.held{color:#1e7b34;font-weight:600}td.verdict.changed{color:#b35900;\
        font-weight:600}
        footer{margin-top:32px;color:#888;font-size:12px}
        """
}
