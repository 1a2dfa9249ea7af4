/// A point of a chart series, in data units.
public struct ChartPoint: Sendable, Equatable, Codable {
    /// Horizontal value.
    public var x: Double
    /// Vertical value.
    public var y: Double

    /// Creates a point.
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// A self-contained SVG line (and scatter) chart: nice-tick axes, optional log scales, several
/// series with a legend, and labelled markers. No scripts, no external fonts.
public struct LineChart: Sendable {
    /// One named series.
    public struct Series: Sendable {
        /// How a series is drawn.
        public enum Style: Sendable, Equatable {
            /// A polyline (broken at non-finite points).
            case line
            /// A dashed polyline.
            case dashed
            /// A dot per point.
            case points
        }

        /// Legend name.
        public var name: String
        /// The points; non-finite ones (and non-positive ones on a log axis) are skipped.
        public var points: [ChartPoint]
        /// CSS colour; nil takes the palette colour of the series' position.
        public var color: String?
        /// Drawing style. Default `.line`.
        public var style: Style

        /// Creates a series.
        public init(
            _ name: String, points: [ChartPoint], color: String? = nil, style: Style = .line
        ) {
            self.name = name
            self.points = points
            self.color = color
            self.style = style
        }

        /// A series over 1-based indices (epochs): `(i + 1, values[i])`.
        public init(_ name: String, values: [Double], color: String? = nil, style: Style = .line) {
            self.init(
                name, points: values.enumerated().map { ChartPoint(Double($0 + 1), $1) },
                color: color, style: style)
        }
    }

    /// A highlighted point with a label (a suggested learning rate).
    public struct Marker: Sendable {
        /// Where, in data units.
        public var point: ChartPoint
        /// The label beside it.
        public var label: String

        /// Creates a marker.
        public init(_ point: ChartPoint, label: String) {
            self.point = point
            self.label = label
        }
    }

    /// Title above the plot.
    public var title: String
    /// Horizontal axis label.
    public var xLabel: String
    /// Vertical axis label.
    public var yLabel: String
    /// The series, drawn in order.
    public var series: [Series]
    /// Markers, drawn on top.
    public var markers: [Marker] = []
    /// Log10 horizontal axis. Default false.
    public var logX = false
    /// Log10 vertical axis. Default false.
    public var logY = false
    /// Fix the vertical range (values outside are clamped to the edge); nil fits the data.
    public var yRange: ClosedRange<Double>?
    /// Width in pixels. Default 640.
    public var width: Double = 640
    /// Height in pixels. Default 320.
    public var height: Double = 320

    /// Creates a chart.
    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// The chart as one `<svg>` element (valid XML).
    public func svg() -> String {
        let left = 64.0
        let right = 16.0
        let top = 52.0
        let bottom = 46.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let allX = series.flatMap { $0.points.map(\.x) } + markers.map(\.point.x)
        var allY = series.flatMap { $0.points.map(\.y) } + markers.map(\.point.y)
        if let yRange { allY = [yRange.lowerBound, yRange.upperBound] }
        let xAxis = ChartAxis(covering: allX, logarithmic: logX)
        let yAxis = ChartAxis(covering: allY, logarithmic: logY)
        func px(_ x: Double) -> Double { left + xAxis.fraction(x) * plotWidth }
        func py(_ y: Double) -> Double {
            let fraction = min(1, max(0, yAxis.fraction(y)))
            return top + (1 - fraction) * plotHeight
        }
        func usable(_ point: ChartPoint) -> Bool {
            point.x.isFinite && point.y.isFinite && (!logX || point.x > 0) && (!logY || point.y > 0)
        }

        var svg = svgDocumentStart(width: width, height: height, title: title)
        svg += "<text x=\"\(svgNumber(left))\" y=\"18\" font-size=\"14\" font-weight=\"600\" "
        svg += "fill=\"#222\">\(xmlEscaped(title))</text>\n"
        // Legend: one row under the title.
        var legendX = left
        for (index, entry) in series.enumerated() {
            let color = entry.color ?? chartPalette[index % chartPalette.count]
            svg += "<rect x=\"\(svgNumber(legendX))\" y=\"28\" width=\"14\" height=\"4\" "
            svg += "fill=\"\(color)\"/>\n"
            svg += "<text x=\"\(svgNumber(legendX + 18))\" y=\"34\" fill=\"#333\">"
            svg += "\(xmlEscaped(entry.name))</text>\n"
            legendX += 26 + Double(entry.name.count) * 6.2
        }
        // Grid and ticks.
        for tick in yAxis.ticks {
            let y = py(tick)
            svg += "<line x1=\"\(svgNumber(left))\" y1=\"\(svgNumber(y))\" "
            svg +=
                "x2=\"\(svgNumber(left + plotWidth))\" y2=\"\(svgNumber(y))\" stroke=\"#e6e6e6\"/>\n"
            svg +=
                "<text x=\"\(svgNumber(left - 6))\" y=\"\(svgNumber(y + 4))\" text-anchor=\"end\" "
            svg += "fill=\"#555\">\(xmlEscaped(yAxis.label(tick)))</text>\n"
        }
        for tick in xAxis.ticks {
            let x = px(tick)
            svg += "<line x1=\"\(svgNumber(x))\" y1=\"\(svgNumber(top))\" x2=\"\(svgNumber(x))\" "
            svg += "y2=\"\(svgNumber(top + plotHeight))\" stroke=\"#eeeeee\"/>\n"
            svg += "<text x=\"\(svgNumber(x))\" y=\"\(svgNumber(top + plotHeight + 16))\" "
            svg += "text-anchor=\"middle\" fill=\"#555\">\(xmlEscaped(xAxis.label(tick)))</text>\n"
        }
        svg +=
            "<rect x=\"\(svgNumber(left))\" y=\"\(svgNumber(top))\" width=\"\(svgNumber(plotWidth))\" "
        svg += "height=\"\(svgNumber(plotHeight))\" fill=\"none\" stroke=\"#999\"/>\n"
        svg += "<text x=\"\(svgNumber(left + plotWidth / 2))\" y=\"\(svgNumber(height - 8))\" "
        svg += "text-anchor=\"middle\" fill=\"#333\">\(xmlEscaped(xLabel))</text>\n"
        let yMid = top + plotHeight / 2
        svg += "<text x=\"14\" y=\"\(svgNumber(yMid))\" text-anchor=\"middle\" fill=\"#333\" "
        svg += "transform=\"rotate(-90 14 \(svgNumber(yMid)))\">\(xmlEscaped(yLabel))</text>\n"
        // Series.
        for (index, entry) in series.enumerated() {
            let color = entry.color ?? chartPalette[index % chartPalette.count]
            switch entry.style {
            case .points:
                for point in entry.points where usable(point) {
                    svg +=
                        "<circle cx=\"\(svgNumber(px(point.x)))\" cy=\"\(svgNumber(py(point.y)))\" "
                    svg += "r=\"2.5\" fill=\"\(color)\" fill-opacity=\"0.7\"/>\n"
                }
            case .line, .dashed:
                var runs: [[ChartPoint]] = [[]]
                for point in entry.points {
                    if usable(point) { runs[runs.count - 1].append(point) } else { runs.append([]) }
                }
                let dash = entry.style == .dashed ? " stroke-dasharray=\"5 4\"" : ""
                for run in runs where !run.isEmpty {
                    if run.count == 1 {
                        svg += "<circle cx=\"\(svgNumber(px(run[0].x)))\" "
                        svg += "cy=\"\(svgNumber(py(run[0].y)))\" r=\"2\" fill=\"\(color)\"/>\n"
                        continue
                    }
                    let coordinates = run.map { "\(svgNumber(px($0.x))),\(svgNumber(py($0.y)))" }
                    svg +=
                        "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\"\(dash) "
                    svg += "points=\"\(coordinates.joined(separator: " "))\"/>\n"
                }
            }
        }
        for marker in markers where usable(marker.point) {
            let x = px(marker.point.x)
            let y = py(marker.point.y)
            svg += "<line x1=\"\(svgNumber(x))\" y1=\"\(svgNumber(top))\" x2=\"\(svgNumber(x))\" "
            svg +=
                "y2=\"\(svgNumber(top + plotHeight))\" stroke=\"#D55E00\" stroke-dasharray=\"3 3\"/>\n"
            svg += "<circle cx=\"\(svgNumber(x))\" cy=\"\(svgNumber(y))\" r=\"5\" fill=\"#D55E00\" "
            svg += "stroke=\"#fff\" stroke-width=\"1.5\"/>\n"
            let anchorEnd = x > left + plotWidth * 0.7
            svg +=
                "<text x=\"\(svgNumber(anchorEnd ? x - 8 : x + 8))\" y=\"\(svgNumber(max(top + 12, y - 8)))\" "
            svg +=
                "text-anchor=\"\(anchorEnd ? "end" : "start")\" fill=\"#D55E00\" font-weight=\"600\">"
            svg += "\(xmlEscaped(marker.label))</text>\n"
        }
        svg += "</svg>"
        return svg
    }
}
