/// A confusion matrix as a self-contained SVG heat map: rows are the actual classes, columns the
/// predicted ones; each cell shows its count, shaded by the row's share (recall on the diagonal).
public struct ConfusionMatrixChart: Sendable {
    /// Class labels, in row/column order.
    public var classNames: [String]
    /// `counts[actual][predicted]`.
    public var counts: [[Int]]
    /// Title above the matrix.
    public var title: String

    /// Creates a chart; `counts` is square with one row per class.
    public init(classNames: [String], counts: [[Int]], title: String = "Confusion matrix") {
        self.classNames = classNames
        self.counts = counts
        self.title = title
    }

    /// The matrix as one `<svg>` element (valid XML).
    public func svg() -> String {
        let count = counts.count
        let labelWidth = Double(min(140, 24 + 7 * (classNames.map(\.count).max() ?? 4)))
        let cell = count <= 4 ? 64.0 : count <= 10 ? 44.0 : 28.0
        let top = 56.0
        let left = labelWidth + 22
        let width = left + cell * Double(count) + 16
        let height = top + cell * Double(count) + 20
        func name(_ index: Int) -> String {
            index < classNames.count ? classNames[index] : String(index)
        }
        var svg = svgDocumentStart(width: width, height: height, title: title)
        svg += "<text x=\"8\" y=\"18\" font-size=\"14\" font-weight=\"600\" fill=\"#222\">"
        svg += "\(xmlEscaped(title))</text>\n"
        svg += "<text x=\"\(svgNumber(left + cell * Double(count) / 2))\" y=\"34\" "
        svg += "text-anchor=\"middle\" fill=\"#333\">predicted</text>\n"
        svg += "<text x=\"12\" y=\"\(svgNumber(top + cell * Double(count) / 2))\" fill=\"#333\" "
        svg += "text-anchor=\"middle\" transform=\"rotate(-90 12 "
        svg += "\(svgNumber(top + cell * Double(count) / 2)))\">actual</text>\n"
        for column in 0..<count {
            svg += "<text x=\"\(svgNumber(left + cell * (Double(column) + 0.5)))\" "
            svg += "y=\"\(svgNumber(top - 6))\" text-anchor=\"middle\" fill=\"#333\">"
            svg += "\(xmlEscaped(name(column)))</text>\n"
        }
        for (row, values) in counts.enumerated() {
            let total = max(1, values.reduce(0, +))
            let y = top + cell * Double(row)
            svg += "<text x=\"\(svgNumber(left - 6))\" y=\"\(svgNumber(y + cell / 2 + 4))\" "
            svg += "text-anchor=\"end\" fill=\"#333\">\(xmlEscaped(name(row)))</text>\n"
            for (column, value) in values.enumerated() {
                let share = Double(value) / Double(total)
                let x = left + cell * Double(column)
                let color = row == column ? "0,114,178" : "213,94,0"
                svg +=
                    "<rect x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" width=\"\(svgNumber(cell))\" "
                svg += "height=\"\(svgNumber(cell))\" fill=\"rgb(\(color))\" "
                svg += "fill-opacity=\"\(svgNumber(0.08 + 0.85 * share))\" stroke=\"#fff\"/>\n"
                svg +=
                    "<text x=\"\(svgNumber(x + cell / 2))\" y=\"\(svgNumber(y + cell / 2 + 4))\" "
                svg +=
                    "text-anchor=\"middle\" fill=\"\(share > 0.55 ? "#fff" : "#222")\">\(value)</text>\n"
            }
        }
        svg += "</svg>"
        return svg
    }
}

/// Predicted against actual values (regression) as a scatter chart with the identity line.
public func predictedVersusActualChart(
    predicted: [Double], actual: [Double], title: String = "Predicted vs actual"
) -> LineChart {
    let pairs = zip(actual, predicted).map { ChartPoint($0, $1) }
        .filter { $0.x.isFinite && $0.y.isFinite }
    let low = pairs.map { min($0.x, $0.y) }.min() ?? 0
    let high = pairs.map { max($0.x, $0.y) }.max() ?? 1
    var chart = LineChart(
        title: title, xLabel: "actual", yLabel: "predicted",
        series: [
            .init("rows", points: pairs, style: .points),
            .init(
                "predicted = actual", points: [ChartPoint(low, low), ChartPoint(high, high)],
                color: "#7F7F7F", style: .dashed),
        ])
    chart.width = 420
    chart.height = 380
    return chart
}
