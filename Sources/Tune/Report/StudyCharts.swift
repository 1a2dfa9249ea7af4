// The study report's own SVG charts: parallel coordinates, value against one parameter, and
// importance bars. The value-by-trial chart is CurveAnalysis's LineChart.

import CurveAnalysis
import Foundation
import TuneSearch

/// One parameter's axis: its domain's range (log for log domains) with nice ticks, or its
/// choices evenly spaced.
struct ParameterAxis: Sendable {
    enum Scale: Sendable {
        /// A numeric axis over the domain and every observed value.
        case numeric(ChartAxis)
        /// The choices (and any observed name not among them), each at the middle of its slot.
        case categories([String])
    }

    /// The scale.
    var scale: Scale

    /// The axis of `parameter`, covering its domain and `observed`.
    init(parameter: SearchParameter, observed: [ParameterValue]) {
        switch parameter.domain {
        case .choice(let names):
            var all = names
            for value in observed where !all.contains(value.description) {
                all.append(value.description)
            }
            scale = .categories(all)
        case .real(let low, let high, let log):
            scale = .numeric(Self.numericAxis([low, high], observed: observed, log: log))
        case .integer(let low, let high, let log):
            scale = .numeric(
                Self.numericAxis([Double(low), Double(high)], observed: observed, log: log))
        }
    }

    private static func numericAxis(
        _ bounds: [Double], observed: [ParameterValue], log: Bool
    ) -> ChartAxis {
        let numbers = bounds + observed.compactMap(\.number)
        // A log domain must be positive; a malformed one falls back to linear.
        let positive = numbers.filter { $0.isFinite }.allSatisfy { $0 > 0 }
        return ChartAxis(covering: numbers, logarithmic: log && positive, targetTicks: 4)
    }

    /// Where `value` falls, 0 at the bottom (left) and 1 at the top (right), clamped; nil when
    /// the trial has no value for the key or it cannot be placed.
    func fraction(_ value: ParameterValue?) -> Double? {
        guard let value else { return nil }
        switch scale {
        case .numeric(let axis):
            guard let number = value.number, number.isFinite,
                !axis.logarithmic || number > 0
            else { return nil }
            let fraction = axis.fraction(number)
            return fraction.isFinite ? min(1, max(0, fraction)) : nil
        case .categories(let names):
            guard let index = names.firstIndex(of: value.description) else { return nil }
            return (Double(index) + 0.5) / Double(names.count)
        }
    }

    /// The tick marks: where (0...1) and their labels.
    var ticks: [(fraction: Double, label: String)] {
        switch scale {
        case .numeric(let axis):
            return axis.ticks.map { tick in
                let label = axis.logarithmic ? axis.label(tick) : compactNumber(tick)
                return (min(1, max(0, axis.fraction(tick))), label)
            }
        case .categories(let names):
            return names.enumerated().map { index, name in
                ((Double(index) + 0.5) / Double(names.count), name)
            }
        }
    }

    /// Whether the axis is categorical.
    var isCategorical: Bool {
        if case .categories = scale { return true }
        return false
    }
}

/// Colours a trial by its value: light for the worst, dark blue for the best (whichever
/// direction is better), so good trials stand out from the crowd.
struct ValueColorScale: Sendable {
    /// The lowest and highest value coloured.
    var low: Double
    var high: Double
    /// Which end is better.
    var direction: Direction

    /// Light grey-blue, mid blue, navy.
    static let stops: [(Double, Double, Double)] = [(190, 201, 215), (107, 174, 214), (8, 48, 107)]

    /// How good `value` is: 0 at the worst, 1 at the best; 1 when every value is the same.
    func goodness(_ value: Double) -> Double {
        guard high > low else { return 1 }
        let fraction = min(1, max(0, (value - low) / (high - low)))
        return direction == .maximize ? fraction : 1 - fraction
    }

    /// The CSS colour of `value`.
    func color(_ value: Double) -> String { Self.color(goodness: goodness(value)) }

    /// The CSS colour at `goodness` (0...1).
    static func color(goodness: Double) -> String {
        let position = min(1, max(0, goodness)) * Double(stops.count - 1)
        let index = min(stops.count - 2, Int(position))
        let t = position - Double(index)
        let (a, b) = (stops[index], stops[index + 1])
        func channel(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * t).rounded()) }
        return "rgb(\(channel(a.0, b.0)),\(channel(a.1, b.1)),\(channel(a.2, b.2)))"
    }
}

/// The best trial's highlight colour (Okabe-Ito vermillion).
let bestTrialColor = "#D55E00"

/// Parallel coordinates: one vertical axis per parameter and one for the value, one polyline
/// (`class="trial-line"`) per scored trial coloured by its value, the best trial on top in
/// the highlight colour, and a colour legend at the right.
struct ParallelCoordinatesChart: Sendable {
    var parameters: [SearchParameter]
    var trials: [ScoredTrial]
    var best: Int?
    var metric: String
    var direction: Direction

    func svg() -> String {
        let axes = parameters.map { parameter in
            ParameterAxis(
                parameter: parameter,
                observed: trials.compactMap { $0.assignment[parameter.name] })
        }
        let values = trials.map(\.value)
        let valueAxis = ChartAxis(covering: values, targetTicks: 4)
        let colors = ValueColorScale(
            low: values.min() ?? 0, high: values.max() ?? 1, direction: direction)
        let axisCount = axes.count + 1
        let left = 64.0
        let right = 130.0
        let top = 84.0
        let bottom = 24.0
        let width = max(720, 150 * Double(axisCount) + left + right - 150)
        let height = 400.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        func axisX(_ index: Int) -> Double {
            axisCount == 1
                ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(axisCount - 1)
        }
        func y(_ fraction: Double) -> Double { top + (1 - fraction) * plotHeight }
        let title = "Parallel coordinates (\(trials.count) complete trials)"
        var svg = svgDocumentStart(width: width, height: height, title: title)
        svg += svgText(
            title, x: 8, y: 18, attributes: "font-size=\"14\" font-weight=\"600\" fill=\"#222\"")

        // Trials first, worst to best so the good ones are on top; the best one last.
        let order = trials.indices.sorted { a, b in
            if trials[a].number == best { return false }
            if trials[b].number == best { return true }
            return colors.goodness(trials[a].value) < colors.goodness(trials[b].value)
        }
        for index in order {
            let trial = trials[index]
            var points: [String] = []
            for (axisIndex, parameter) in parameters.enumerated() {
                guard let fraction = axes[axisIndex].fraction(trial.assignment[parameter.name])
                else { continue }
                points.append("\(svgNumber(axisX(axisIndex))),\(svgNumber(y(fraction)))")
            }
            let valueFraction = min(1, max(0, valueAxis.fraction(trial.value)))
            points.append("\(svgNumber(axisX(axisCount - 1))),\(svgNumber(y(valueFraction)))")
            let isBest = trial.number == best
            let stroke = isBest ? bestTrialColor : colors.color(trial.value)
            svg += "<polyline class=\"trial-line\(isBest ? " best" : "")\" fill=\"none\" "
            svg += "stroke=\"\(stroke)\" stroke-width=\"\(isBest ? "3" : "1.4")\" "
            svg += "stroke-opacity=\"\(isBest ? "1" : "0.85")\" "
            svg += "points=\"\(points.joined(separator: " "))\">"
            svg += "<title>trial \(trial.number): \(xmlEscaped(metric)) "
            svg += "\(compactNumber(trial.value))\(isBest ? " (best)" : "")</title></polyline>\n"
        }

        // Axes on top of the lines, with a white halo behind the labels.
        let halo = "paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\" fill=\"#444\""
        for (axisIndex, parameter) in parameters.enumerated() {
            svg += axisSVG(
                x: axisX(axisIndex), top: top, plotHeight: plotHeight, name: parameter.name,
                scaleNote: scaleNote(parameter.domain), ticks: axes[axisIndex].ticks, halo: halo)
        }
        let valueTicks = valueAxis.ticks.map { tick in
            (min(1, max(0, valueAxis.fraction(tick))), compactNumber(tick))
        }
        svg += axisSVG(
            x: axisX(axisCount - 1), top: top, plotHeight: plotHeight, name: metric,
            scaleNote: direction == .maximize ? "higher is better" : "lower is better",
            ticks: valueTicks, halo: halo, bold: true)

        // The legend: a colour bar from worst (bottom) to best (top), and the best trial.
        let legendX = width - right + 50
        let barTop = top + 24
        let barHeight = plotHeight - 80
        let steps = 24
        svg += svgText("value", x: legendX, y: top + 10, attributes: "fill=\"#333\"")
        for step in 0..<steps {
            let goodness = 1 - Double(step) / Double(steps - 1)
            svg += "<rect x=\"\(svgNumber(legendX))\" "
            svg += "y=\"\(svgNumber(barTop + barHeight * Double(step) / Double(steps)))\" "
            svg += "width=\"14\" height=\"\(svgNumber(barHeight / Double(steps) + 0.5))\" "
            svg += "fill=\"\(ValueColorScale.color(goodness: goodness))\"/>\n"
        }
        let bestValue = direction == .maximize ? values.max() : values.min()
        let worstValue = direction == .maximize ? values.min() : values.max()
        svg += svgText(
            bestValue.map(compactNumber) ?? "", x: legendX + 18, y: barTop + 9,
            attributes: "fill=\"#333\"")
        svg += svgText(
            worstValue.map(compactNumber) ?? "", x: legendX + 18, y: barTop + barHeight,
            attributes: "fill=\"#333\"")
        svg += svgText("best", x: legendX + 18, y: barTop + 21, attributes: "fill=\"#888\"")
        svg += svgText(
            "worst", x: legendX + 18, y: barTop + barHeight - 12, attributes: "fill=\"#888\"")
        if let best {
            let legendY = barTop + barHeight + 22
            svg += svgLine(
                legendX, legendY, legendX + 14, legendY, stroke: bestTrialColor,
                attributes: "stroke-width=\"3\"")
            svg += svgText(
                "best", x: legendX + 18, y: legendY + 4, attributes: "fill=\"\(bestTrialColor)\"")
            svg += svgText(
                "trial \(best)", x: legendX + 18, y: legendY + 18,
                attributes: "fill=\"\(bestTrialColor)\"")
        }
        svg += "</svg>"
        return svg
    }

    private func scaleNote(_ domain: ParameterDomain) -> String {
        switch domain {
        case .real(_, _, let log), .integer(_, _, let log): return log ? "log" : ""
        case .choice: return ""
        }
    }

    /// A vertical axis: its name above (the key path's last part bold, the rest over it),
    /// the line, and its ticks.
    private func axisSVG(
        x: Double, top: Double, plotHeight: Double, name: String, scaleNote: String,
        ticks: [(fraction: Double, label: String)], halo: String, bold: Bool = false
    ) -> String {
        var svg = ""
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        let last = parts.last.map(String.init) ?? name
        let prefix = parts.dropLast().joined(separator: ".")
        if !prefix.isEmpty {
            svg += svgText(
                prefix + ".", x: x, y: top - 46, anchor: "middle", attributes: "fill=\"#777\"")
        }
        svg += svgText(
            last, x: x, y: top - 32, anchor: "middle",
            attributes: "font-weight=\"600\" fill=\"\(bold ? "#000" : "#222")\"")
        if !scaleNote.isEmpty {
            svg += svgText(
                scaleNote, x: x, y: top - 18, anchor: "middle", attributes: "fill=\"#888\"")
        }
        svg += svgLine(
            x, top, x, top + plotHeight, stroke: "#555", attributes: "stroke-width=\"1.2\"")
        for tick in ticks {
            let tickY = top + (1 - tick.fraction) * plotHeight
            svg += svgLine(x - 4, tickY, x, tickY, stroke: "#555")
            svg += svgText(tick.label, x: x - 6, y: tickY + 4, anchor: "end", attributes: halo)
        }
        return svg
    }
}

/// The value against one parameter: one dot per scored trial (a log x axis for a log domain,
/// a column per choice), the best trial in the highlight colour.
struct ParameterScatterChart: Sendable {
    var parameter: SearchParameter
    var trials: [ScoredTrial]
    var best: Int?
    var metric: String

    func svg() -> String {
        let axis = ParameterAxis(
            parameter: parameter, observed: trials.compactMap { $0.assignment[parameter.name] })
        let valueAxis = ChartAxis(covering: trials.map(\.value), targetTicks: 4)
        let width = 340.0
        let height = 250.0
        let left = 54.0
        let right = 14.0
        let top = 30.0
        let bottom = 42.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        func px(_ fraction: Double) -> Double { left + fraction * plotWidth }
        func py(_ value: Double) -> Double {
            top + (1 - min(1, max(0, valueAxis.fraction(value)))) * plotHeight
        }
        var svg = svgDocumentStart(
            width: width, height: height, title: "\(metric) by \(parameter.name)")
        svg += svgText(
            parameter.name, x: 8, y: 18,
            attributes: "font-size=\"13\" font-weight=\"600\" fill=\"#222\"")
        for tick in valueAxis.ticks {
            let y = py(tick)
            svg += svgLine(left, y, left + plotWidth, y, stroke: "#e6e6e6")
            svg += svgText(
                compactNumber(tick), x: left - 6, y: y + 4, anchor: "end",
                attributes: "fill=\"#555\"")
        }
        let ticks = axis.ticks
        // Long category names would overlap: shorten them when the columns are narrow.
        let slot = plotWidth / Double(max(1, ticks.count))
        for tick in ticks {
            let x = px(tick.fraction)
            if !axis.isCategorical {
                svg += svgLine(x, top, x, top + plotHeight, stroke: "#eeeeee")
            }
            let maxCharacters = max(3, Int(slot / 6.2))
            let label =
                tick.label.count > maxCharacters
                ? String(tick.label.prefix(maxCharacters - 1)) + "…" : tick.label
            svg += svgText(
                label, x: x, y: top + plotHeight + 15, anchor: "middle",
                attributes: "fill=\"#555\"")
        }
        svg += "<rect x=\"\(svgNumber(left))\" y=\"\(svgNumber(top))\" "
        svg += "width=\"\(svgNumber(plotWidth))\" height=\"\(svgNumber(plotHeight))\" "
        svg += "fill=\"none\" stroke=\"#999\"/>\n"
        let xLabel: String
        switch parameter.domain {
        case .real(_, _, let log), .integer(_, _, let log):
            xLabel = log ? "value (log scale)" : "value"
        case .choice: xLabel = "choice"
        }
        svg += svgText(
            xLabel, x: left + plotWidth / 2, y: height - 8, anchor: "middle",
            attributes: "fill=\"#333\"")
        let middle = top + plotHeight / 2
        svg += svgText(
            metric, x: 12, y: middle, anchor: "middle",
            attributes: "fill=\"#333\" transform=\"rotate(-90 12 \(svgNumber(middle)))\"")
        // The best trial last, on top.
        let ordered = trials.filter { $0.number != best } + trials.filter { $0.number == best }
        for trial in ordered {
            guard let fraction = axis.fraction(trial.assignment[parameter.name]) else { continue }
            let isBest = trial.number == best
            svg += "<circle class=\"trial-dot\" cx=\"\(svgNumber(px(fraction)))\" "
            svg += "cy=\"\(svgNumber(py(trial.value)))\" r=\"\(isBest ? "5" : "3")\" "
            svg +=
                isBest
                ? "fill=\"\(bestTrialColor)\" stroke=\"#fff\" stroke-width=\"1.5\""
                : "fill=\"#0072B2\" fill-opacity=\"0.65\""
            let shown = trial.assignment[parameter.name].map(compactText) ?? ""
            svg += "><title>trial \(trial.number): \(xmlEscaped(shown)), "
            svg += "\(xmlEscaped(metric)) \(compactNumber(trial.value))</title></circle>\n"
        }
        svg += "</svg>"
        return svg
    }
}

/// Importance as horizontal bars, most important first, each labelled with its share and η².
struct ImportanceChart: Sendable {
    var rows: [ParameterImportance]

    func svg() -> String {
        let longest = rows.map(\.name.count).max() ?? 8
        let labelWidth = min(280, 16 + 6.6 * Double(longest))
        let rowHeight = 26.0
        let top = 12.0
        let width = 720.0
        let barSpace = width - labelWidth - 150
        let height = top + rowHeight * Double(rows.count) + 10
        var svg = svgDocumentStart(width: width, height: height, title: "Parameter importance")
        for (index, row) in rows.enumerated() {
            let y = top + rowHeight * Double(index)
            svg += svgText(
                row.name, x: labelWidth - 8, y: y + 16, anchor: "end",
                attributes: "font-size=\"12\" fill=\"#222\"")
            let barWidth = max(1, barSpace * row.share)
            svg += "<rect class=\"importance-bar\" x=\"\(svgNumber(labelWidth))\" "
            svg += "y=\"\(svgNumber(y + 4))\" width=\"\(svgNumber(barWidth))\" height=\"16\" "
            svg += "fill=\"\(index == 0 && row.share > 0 ? "#0072B2" : "#56B4E9")\"/>\n"
            let percent = Int((row.share * 100).rounded())
            svg += svgText(
                "\(percent)%  (η² \(String(format: "%.2f", row.explained)))",
                x: labelWidth + barWidth + 8, y: y + 16, attributes: "fill=\"#333\"")
        }
        svg += "</svg>"
        return svg
    }
}
