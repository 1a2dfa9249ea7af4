/// Classification scores: accuracy, macro precision / recall / F1, the confusion matrix, and
/// ROC AUC for binary problems.
///
/// Macro averages run over the classes that occur in the targets or the predictions
/// (scikit-learn's default); a class with no predicted (or no actual) rows has precision (or
/// recall) 0, scikit-learn's `zero_division=0`. F1 is the mean of per-class F1 scores.
public struct ClassificationMetrics: Codable, Equatable, Sendable {
    /// Fraction of rows predicted right.
    public var accuracy: Double
    /// Mean per-class precision.
    public var macroPrecision: Double
    /// Mean per-class recall.
    public var macroRecall: Double
    /// Mean per-class F1.
    public var macroF1: Double
    /// Precision of each class (0 ..< classCount).
    public var precision: [Double]
    /// Recall of each class (DIAG-CONTRADICTION watches for a class stuck at 0).
    public var recall: [Double]
    /// `confusion[actual][predicted]` row counts.
    public var confusion: [[Int]]
    /// Area under the ROC curve for two classes (ties counted half), nil otherwise or when a
    /// class is absent from the targets.
    public var rocAUC: Double?

    /// Each class's F1, the harmonic mean of its precision and recall (0 when both are 0).
    public var f1: [Double] { Self.f1(precision: precision, recall: recall) }

    private static func f1(precision: [Double], recall: [Double]) -> [Double] {
        zip(precision, recall).map { precision, recall in
            let sum = precision + recall
            return sum > 0 ? 2 * precision * recall / sum : 0
        }
    }

    /// Metrics from predicted classes.
    /// - Parameters:
    ///   - predicted: predicted class per row.
    ///   - actual: true class per row (same count).
    ///   - classCount: number of classes; labels are in `0 ..< classCount`.
    ///   - positiveScores: for two classes, a score per row increasing with the chance of
    ///     class 1 (a logit or probability), for ROC AUC; nil (default) to skip it.
    public init(predicted: [Int], actual: [Int], classCount: Int, positiveScores: [Float]? = nil) {
        precondition(predicted.count == actual.count, "Predictions and targets differ in count")
        var confusion = [[Int]](
            repeating: [Int](repeating: 0, count: classCount), count: classCount)
        var correct = 0
        for (p, a) in zip(predicted, actual) {
            confusion[a][p] += 1
            if p == a { correct += 1 }
        }
        var precision = [Double](repeating: 0, count: classCount)
        var recall = [Double](repeating: 0, count: classCount)
        var present: [Int] = []
        for c in 0..<classCount {
            let truePositive = confusion[c][c]
            let predictedCount = (0..<classCount).reduce(0) { $0 + confusion[$1][c] }
            let actualCount = confusion[c].reduce(0, +)
            if predictedCount > 0 || actualCount > 0 { present.append(c) }
            precision[c] = predictedCount > 0 ? Double(truePositive) / Double(predictedCount) : 0
            recall[c] = actualCount > 0 ? Double(truePositive) / Double(actualCount) : 0
        }
        let divisor = Double(max(present.count, 1))
        accuracy = actual.isEmpty ? 0 : Double(correct) / Double(actual.count)
        macroPrecision = present.reduce(0) { $0 + precision[$1] } / divisor
        macroRecall = present.reduce(0) { $0 + recall[$1] } / divisor
        self.precision = precision
        self.recall = recall
        let f1 = Self.f1(precision: precision, recall: recall)
        macroF1 = present.reduce(0) { $0 + f1[$1] } / divisor
        self.confusion = confusion
        if classCount == 2, let positiveScores {
            rocAUC = rocAreaUnderCurve(scores: positiveScores, labels: actual)
        } else {
            rocAUC = nil
        }
    }

    /// Metrics from a model's outputs: one column (binary; class 1 when the output exceeds
    /// `threshold`) or one column per class (argmax, first maximum on ties).
    /// - Parameters:
    ///   - outputs: logits or probabilities, `rows x width`.
    ///   - labels: true classes.
    ///   - threshold: the one-column decision threshold (default 0, for logits; use 0.5 for
    ///     probabilities).
    public init(outputs: Matrix, labels: [Int], threshold: Float = 0) {
        let width = outputs.columns
        var predicted = [Int](repeating: 0, count: outputs.rows)
        var scores: [Float]? = nil
        if width == 1 {
            scores = outputs.storage
            for row in 0..<outputs.rows {
                predicted[row] = outputs.storage[row] > threshold ? 1 : 0
            }
        } else {
            for row in 0..<outputs.rows {
                var best = 0
                for j in 1..<width where outputs[row, j] > outputs[row, best] { best = j }
                predicted[row] = best
            }
            if width == 2 {
                // Monotone in the probability of class 1 for logits and probabilities alike.
                scores = (0..<outputs.rows).map { outputs[$0, 1] - outputs[$0, 0] }
            }
        }
        self.init(
            predicted: predicted, actual: labels, classCount: max(width, 2),
            positiveScores: scores)
    }
}

/// ROC AUC by the rank-sum (Mann-Whitney) formula, average ranks for ties; nil when either
/// class is absent.
/// - Parameters:
///   - scores: a score per row, higher meaning class 1.
///   - labels: 0 or 1 per row.
public func rocAreaUnderCurve(scores: [Float], labels: [Int]) -> Double? {
    let positives = labels.filter { $0 == 1 }.count
    let negatives = labels.count - positives
    guard positives > 0, negatives > 0 else { return nil }
    // (score, label) pairs sorted in place: an index sort through a closure was most of an
    // epoch's validation cost on small data. Ties share their average rank, so their order
    // within a tie does not matter.
    var ranked = zip(scores, labels).map { (score: $0, positive: $1 == 1) }
    ranked.sort { $0.score < $1.score }
    var rankSum: Double = 0
    var start = 0
    while start < ranked.count {
        var end = start
        while end + 1 < ranked.count && ranked[end + 1].score == ranked[start].score { end += 1 }
        let averageRank = Double(start + end) / 2 + 1
        for k in start...end where ranked[k].positive { rankSum += averageRank }
        start = end + 1
    }
    let p = Double(positives)
    return (rankSum - p * (p + 1) / 2) / (p * Double(negatives))
}

/// Regression scores over all output columns: MSE and MAE over every element, R² the mean of
/// the per-column R² (scikit-learn's `uniform_average`).
public struct RegressionMetrics: Codable, Equatable, Sendable {
    /// Mean squared error.
    public var meanSquaredError: Double
    /// Mean absolute error.
    public var meanAbsoluteError: Double
    /// Coefficient of determination, `1 - SS_res / SS_tot` per column, averaged; a constant
    /// target column scores 1 when predicted exactly, else 0 (scikit-learn).
    public var rSquared: Double

    /// Metrics of `predictions` against `targets` (same shape).
    public init(predictions: Matrix, targets: Matrix) {
        precondition(
            predictions.rows == targets.rows && predictions.columns == targets.columns,
            "Predictions and targets differ in shape")
        let rows = targets.rows
        let columns = targets.columns
        var squared: Double = 0
        var absolute: Double = 0
        var r2Sum: Double = 0
        for column in 0..<columns {
            var mean: Double = 0
            for row in 0..<rows { mean += Double(targets[row, column]) }
            mean /= Double(max(rows, 1))
            var residual: Double = 0
            var total: Double = 0
            for row in 0..<rows {
                let t = Double(targets[row, column])
                let d = Double(predictions[row, column]) - t
                residual += d * d
                absolute += abs(d)
                total += (t - mean) * (t - mean)
            }
            squared += residual
            r2Sum += total > 0 ? 1 - residual / total : (residual == 0 ? 1 : 0)
        }
        let count = Double(max(rows * columns, 1))
        meanSquaredError = squared / count
        meanAbsoluteError = absolute / count
        rSquared = r2Sum / Double(max(columns, 1))
    }
}

/// The metrics of one evaluation: classification or regression.
public enum Metrics: Codable, Equatable, Sendable {
    /// Classification metrics.
    case classification(ClassificationMetrics)
    /// Regression metrics.
    case regression(RegressionMetrics)
}
