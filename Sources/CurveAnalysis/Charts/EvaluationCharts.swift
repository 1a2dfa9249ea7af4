import Spec

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
        // Wide enough for the title (about 8 px a character at 14 px): two classes are narrow.
        let width = max(left + cell * Double(count) + 16, 24 + 8 * Double(title.count))
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

/// A binary classifier's held-out scores: the probability of the positive class (the second
/// label) and whether each row is positive; drawn as ROC, precision-recall and calibration
/// charts.
public struct BinaryScores: Sendable, Equatable, Codable {
    /// The split scored (`test`).
    public var split: String
    /// The positive class's label.
    public var positive: String
    /// P(positive) per row.
    public var probabilities: [Double]
    /// Whether each row is positive.
    public var positives: [Bool]

    public init(split: String, positive: String, probabilities: [Double], positives: [Bool]) {
        self.split = split
        self.positive = positive
        self.probabilities = probabilities
        self.positives = positives
    }

    /// The rows by falling probability, ties kept together: (threshold, true positives, false
    /// positives) after each distinct threshold.
    func sweep() -> [(threshold: Double, truePositives: Int, falsePositives: Int)] {
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        var points: [(Double, Int, Int)] = []
        var tp = 0
        var fp = 0
        for (k, row) in order.enumerated() {
            if positives[row] { tp += 1 } else { fp += 1 }
            let next = k + 1 < order.count ? probabilities[order[k + 1]] : -.infinity
            if next != probabilities[row] { points.append((probabilities[row], tp, fp)) }
        }
        return points
    }

    /// Area under the ROC curve (trapezoids; ties count half, as the rank statistic does).
    public var rocAUC: Double? {
        let p = positives.filter { $0 }.count
        let n = positives.count - p
        guard p > 0, n > 0 else { return nil }
        var area = 0.0
        var (lastTP, lastFP) = (0, 0)
        for point in sweep() {
            area += Double(point.falsePositives - lastFP) * Double(point.truePositives + lastTP) / 2
            (lastTP, lastFP) = (point.truePositives, point.falsePositives)
        }
        return area / Double(p * n)
    }

    /// Average precision: precision at each threshold weighted by the recall it adds
    /// (scikit-learn's `average_precision_score`).
    public var averagePrecision: Double? {
        let p = positives.filter { $0 }.count
        guard p > 0 else { return nil }
        var sum = 0.0
        var lastTP = 0
        for point in sweep() {
            let precision =
                Double(point.truePositives)
                / Double(point.truePositives + point.falsePositives)
            sum += precision * Double(point.truePositives - lastTP) / Double(p)
            lastTP = point.truePositives
        }
        return sum
    }

    /// ROC, precision-recall and calibration (10 equal-width bins) charts.
    public func charts() -> [LineChart] {
        let p = positives.filter { $0 }.count
        let n = positives.count - p
        guard p > 0, n > 0 else { return [] }
        let points = sweep()
        let roc = LineChart(
            title: "ROC (\(positive)), AUC \(NumberText.significant(rocAUC ?? .nan))",
            xLabel: "false positive rate", yLabel: "true positive rate",
            series: [
                .init(
                    "model",
                    points: [ChartPoint(0, 0)]
                        + points.map {
                            ChartPoint(
                                Double($0.falsePositives) / Double(n),
                                Double($0.truePositives) / Double(p))
                        }),
                .init(
                    "chance", points: [ChartPoint(0, 0), ChartPoint(1, 1)], color: "#7F7F7F",
                    style: .dashed),
            ])
        let rate = Double(p) / Double(positives.count)
        let precisionRecall = LineChart(
            title: "Precision-recall (\(positive)), AP "
                + "\(NumberText.significant(averagePrecision ?? .nan))",
            xLabel: "recall", yLabel: "precision",
            series: [
                .init(
                    "model",
                    points: points.map {
                        ChartPoint(
                            Double($0.truePositives) / Double(p),
                            Double($0.truePositives)
                                / Double($0.truePositives + $0.falsePositives))
                    }),
                .init(
                    "positive rate", points: [ChartPoint(0, rate), ChartPoint(1, rate)],
                    color: "#7F7F7F", style: .dashed),
            ])
        var bins = [(sum: Double, positives: Int, count: Int)](
            repeating: (0, 0, 0), count: 10)
        for (probability, positive) in zip(probabilities, positives) {
            let bin = min(9, max(0, Int(probability * 10)))
            bins[bin].sum += probability
            bins[bin].count += 1
            if positive { bins[bin].positives += 1 }
        }
        let calibration = LineChart(
            title: "Calibration (\(positive)), 10 bins", xLabel: "mean predicted probability",
            yLabel: "observed fraction positive",
            series: [
                .init(
                    "model",
                    points: bins.filter { $0.count > 0 }.map {
                        ChartPoint(
                            $0.sum / Double($0.count), Double($0.positives) / Double($0.count))
                    }, style: .line),
                .init(
                    "perfectly calibrated", points: [ChartPoint(0, 0), ChartPoint(1, 1)],
                    color: "#7F7F7F", style: .dashed),
            ])
        return [roc, precisionRecall, calibration].map { chart in
            var sized = chart
            sized.width = 420
            sized.height = 380
            return sized
        }
    }
}
