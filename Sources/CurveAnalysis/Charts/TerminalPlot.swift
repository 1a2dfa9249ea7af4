import Foundation
import Spec

/// A line plot in Unicode braille for the terminal (`layerwise lr-find`): each character cell
/// holds 2 x 4 dots; y labels on the left, x labels under the axis, markers as `◆`.
public struct TerminalPlot: Sendable {
    /// The curve.
    public var points: [ChartPoint]
    /// Points to mark (a suggested rate), drawn as `◆`.
    public var markers: [ChartPoint] = []
    /// Log10 horizontal axis. Default false.
    public var logX = false
    /// Fix the vertical range (values outside are clamped); nil fits the data.
    public var yRange: ClosedRange<Double>?
    /// Plot width in characters (without labels). Default 60.
    public var width = 60
    /// Plot height in characters. Default 15.
    public var height = 15
    /// Horizontal axis label.
    public var xLabel = ""

    /// Creates a plot of `points`.
    public init(points: [ChartPoint], logX: Bool = false, xLabel: String = "") {
        self.points = points
        self.logX = logX
        self.xLabel = xLabel
    }

    /// The plot as lines of text (no trailing newline), `height + 2` lines plus the x label.
    public func render() -> String {
        let usable = points.filter { $0.x.isFinite && $0.y.isFinite && (!logX || $0.x > 0) }
        let xAxis = ChartAxis(covering: usable.map(\.x) + markers.map(\.x), logarithmic: logX)
        var yValues = usable.map(\.y)
        if let yRange { yValues = [yRange.lowerBound, yRange.upperBound] }
        let low = yValues.min() ?? 0
        var high = yValues.max() ?? 1
        if high - low < 1e-12 { high = low + 1 }
        let dotsWide = width * 2
        let dotsHigh = height * 4
        var cells = [[UInt8]](repeating: [UInt8](repeating: 0, count: width), count: height)
        func dot(_ x: Int, _ y: Int) {
            guard x >= 0, x < dotsWide, y >= 0, y < dotsHigh else { return }
            // Braille dot bits by (column, row) inside a cell.
            let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
            cells[y / 4][x / 2] |= bits[x % 2][y % 4]
        }
        func position(_ point: ChartPoint) -> (Int, Int) {
            let fx = min(1, max(0, xAxis.fraction(point.x)))
            let fy = min(1, max(0, (point.y - low) / (high - low)))
            return (
                Int((fx * Double(dotsWide - 1)).rounded()),
                Int(((1 - fy) * Double(dotsHigh - 1)).rounded())
            )
        }
        var previous: (Int, Int)?
        for point in usable {
            let current = position(point)
            if let (x0, y0) = previous {
                // Bresenham between consecutive points.
                let (x1, y1) = current
                let dx = abs(x1 - x0)
                let dy = -abs(y1 - y0)
                let sx = x0 < x1 ? 1 : -1
                let sy = y0 < y1 ? 1 : -1
                var error = dx + dy
                var (x, y) = (x0, y0)
                while true {
                    dot(x, y)
                    if x == x1 && y == y1 { break }
                    let doubled = 2 * error
                    if doubled >= dy {
                        error += dy
                        x += sx
                    }
                    if doubled <= dx {
                        error += dx
                        y += sy
                    }
                }
            } else {
                dot(current.0, current.1)
            }
            previous = current
        }
        var text = cells.map { row in
            row.map { Character(Unicode.Scalar(0x2800 + UInt32($0)) ?? " ") }
        }
        for marker in markers where marker.x.isFinite && marker.y.isFinite {
            let (x, y) = position(marker)
            text[y / 4][x / 2] = "◆"
        }
        let labelWidth = 9
        func pad(_ label: String) -> String {
            String(repeating: " ", count: max(0, labelWidth - label.count)) + label
        }
        var lines: [String] = []
        for (row, characters) in text.enumerated() {
            let value = high - (high - low) * Double(row) / Double(max(1, height - 1))
            let labelled = row == 0 || row == height - 1 || row == height / 2
            lines.append(
                (labelled ? pad(NumberText.significant(value)) + " ┤" : pad("") + " │")
                    + String(characters))
        }
        lines.append(pad("") + " └" + String(repeating: "─", count: width))
        let leftLabel = xAxis.label(xAxis.lower)
        let middleValue =
            logX
            ? ChartPoint(xAxis.lower * (xAxis.upper / xAxis.lower).squareRoot(), 0).x
            : (xAxis.lower + xAxis.upper) / 2
        let middleLabel = xAxis.label(middleValue)
        let rightLabel = xAxis.label(xAxis.upper)
        var axisLine = [Character](repeating: " ", count: labelWidth + 2 + width + 4)
        func place(_ label: String, at column: Int) {
            let start = max(0, min(axisLine.count - label.count, column))
            for (offset, character) in label.enumerated() { axisLine[start + offset] = character }
        }
        place(leftLabel, at: labelWidth + 2)
        place(middleLabel, at: labelWidth + 2 + width / 2 - middleLabel.count / 2)
        place(rightLabel, at: labelWidth + 2 + width - rightLabel.count)
        lines.append(String(axisLine).trimmingWhitespace.isEmpty ? "" : String(axisLine))
        if !xLabel.isEmpty {
            lines.append(
                String(repeating: " ", count: labelWidth + 2 + max(0, width / 2 - xLabel.count / 2))
                    + xLabel)
        }
        return lines.map { line in
            var trimmed = line
            while trimmed.hasSuffix(" ") { trimmed.removeLast() }
            return trimmed
        }.joined(separator: "\n")
    }
}

extension LearningRateRangeTest {
    /// The range test's smoothed loss against the rate, for the terminal, with the suggestion
    /// marked. Shows the used (trimmed) points; the vertical range stops at 1.5x the first used
    /// loss so the divergence does not flatten the valley.
    public static func terminalPlot(
        _ result: RangeTestResult, width: Int = 60, height: Int = 15
    )
        -> String
    {
        var plot = TerminalPlot(
            points: result.plotPoints, logX: true, xLabel: "learning rate (log scale)")
        plot.width = width
        plot.height = height
        plot.yRange = result.plotYRange(includingRaw: false)
        if let marker = result.suggestionPoint { plot.markers = [marker] }
        return plot.render()
    }
}

extension RangeTestResult {
    /// The smoothed curve over the used points (all smoothed points when too few were used).
    public var plotPoints: [ChartPoint] {
        let range = usedRange.count >= 2 ? usedRange : 0..<smoothedLosses.count
        return range.map { ChartPoint(learningRates[$0], smoothedLosses[$0]) }
    }

    /// A vertical range that keeps the valley readable: from the lowest smoothed (and, when
    /// `includingRaw`, raw) loss of the used points, capped at 1.5x the first smoothed point.
    public func plotYRange(includingRaw: Bool) -> ClosedRange<Double>? {
        let values = plotPoints.map(\.y).filter(\.isFinite)
        let range = usedRange.count >= 2 ? usedRange : 0..<smoothedLosses.count
        let raw =
            includingRaw
            ? range.filter { $0 < losses.count }.map { losses[$0] }.filter(\.isFinite) : []
        guard let smoothedLow = values.min(), let first = values.first, let high = values.max()
        else {
            return nil
        }
        let low = min(smoothedLow, raw.min() ?? smoothedLow)
        let cap = min(max(high, raw.max() ?? high), max(first, smoothedLow) * 1.5)
        return cap > low ? low...cap : nil
    }

    /// The suggested rate on the smoothed curve (the nearest recorded rate).
    public var suggestionPoint: ChartPoint? {
        guard let suggestion, !smoothedLosses.isEmpty else { return nil }
        let index = smoothedLosses.indices.min {
            abs(log10(learningRates[$0] / suggestion)) < abs(log10(learningRates[$1] / suggestion))
        }
        return index.map { ChartPoint(learningRates[$0], smoothedLosses[$0]) }
    }

    /// The SVG chart of the sweep: raw and smoothed loss against the rate (log scale), with the
    /// valley suggestion marked.
    public func chart(width: Double = 640, height: Double = 320) -> LineChart {
        let raw = learningRates.indices.filter { $0 < losses.count }.map {
            ChartPoint(learningRates[$0], losses[$0])
        }
        var chart = LineChart(
            title: "Learning-rate range test (LR-RANGE-TEST)", xLabel: "learning rate (log scale)",
            yLabel: "loss",
            series: [
                .init("loss", points: raw, color: "#9ecae1"),
                .init("smoothed (EMA 0.98)", points: plotPoints, color: "#0072B2"),
            ])
        chart.logX = true
        chart.yRange = plotYRange(includingRaw: true)
        chart.width = width
        chart.height = height
        if let point = suggestionPoint, let suggestion {
            chart.markers = [.init(point, label: "valley \(NumberText.significant(suggestion))")]
        }
        return chart
    }
}
