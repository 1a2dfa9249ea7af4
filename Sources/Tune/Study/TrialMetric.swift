import Dataset
import Engine
import Foundation
import Runs
import Spec

extension TuneMetric {
    /// The metric's value in a split's scores; nil when the split does not have it.
    public func value(in score: SplitScore) -> Double? {
        switch (self, score.metrics) {
        case (.loss, _): return score.loss
        case (.accuracy, .classification(let scores)): return scores.accuracy
        case (.macroF1, .classification(let scores)): return scores.macroF1
        case (.r2, .regression(let scores)): return scores.rSquared
        case (.rmse, .regression(let scores)): return scores.meanSquaredError.squareRoot()
        case (.mae, .regression(let scores)): return scores.meanAbsoluteError
        default: return nil
        }
    }

    /// The metric `auto` means for a task: accuracy or R².
    public static func automatic(for task: TaskKind) -> TuneMetric {
        task == .classification ? .accuracy : .r2
    }
}

/// The noise of a trial's validation score, for TUNE-ONE-SE: the standard error of the
/// metric's value on the rows it was measured on, from each row's share of it.
public enum MetricNoise {
    /// The standard error of `metric`'s `value` on `rows`; nil when fewer than 2 rows count.
    ///
    /// Accuracy and macro F1: a share's, `√(p (1 - p) / (n + 4))` with `p = (k + 2) / (n + 4)`
    /// (Agresti-Coull; macro F1, which no per-row term sums to, as if a share). MAE: the
    /// standard deviation of the rows' |error| over √n. R²: that of the squared errors, over
    /// √n and the rows' target variance (`1 - MSE / Var(y)` with the variance held fixed).
    /// RMSE: the MSE's, by the delta method (÷ 2 RMSE). Loss: the relative spread of the rows'
    /// cross-entropy (classification) or squared error (regression) applied to `value`.
    /// - Parameters:
    ///   - outputs: the model's outputs in the target's terms (`Predictor.interpret`).
    ///   - rows: the encoded rows with their targets.
    ///   - target: the target's encoding.
    public static func standardError(
        of metric: TuneMetric, value: Double, outputs: Matrix, rows: EncodedRows,
        target: TargetEncoding
    ) -> Double? {
        var terms: [Double] = []
        var actual: [Double] = []
        switch target {
        case .classes:
            for row in 0..<outputs.rows {
                let label = Int(rows.classIndices?[row] ?? -1)
                guard label >= 0, label < outputs.columns else { continue }
                switch metric {
                case .loss:
                    terms.append(-Foundation.log(max(Double(outputs[row, label]), 1e-7)))
                default:
                    terms.append(Predictor.predictedClass(outputs, row: row) == label ? 1 : 0)
                }
            }
        case .regression, .logRegression:
            let values = rows.targets ?? []
            for row in 0..<min(outputs.rows, values.count) where values[row].isFinite {
                let truth = Double(target.actual(values[row]))
                let error = Double(outputs[row, 0]) - truth
                actual.append(truth)
                // The loss is on the standardised target: the same squared errors, scaled.
                terms.append(metric == .mae ? abs(error) : error * error)
            }
        }
        let n = Double(terms.count)
        guard terms.count >= 2 else { return nil }
        let mean = terms.reduce(0, +) / n
        let deviation = (terms.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1))
            .squareRoot()
        let meanError = deviation / n.squareRoot()
        switch metric {
        case .accuracy, .macroF1:
            // A share, with Agresti and Coull's (1998) two successes and two failures added:
            // a trial right on all 55 rows is not certain to be, and its error is not 0.
            let share = metric == .accuracy ? mean : min(max(value, 0), 1)
            let adjusted = (share * n + 2) / (n + 4)
            return (adjusted * (1 - adjusted) / (n + 4)).squareRoot()
        case .mae: return meanError
        case .rmse:
            let root = mean.squareRoot()
            return root > 0 ? meanError / (2 * root) : 0
        case .r2:
            let center = actual.reduce(0, +) / Double(actual.count)
            let variance =
                actual.map { ($0 - center) * ($0 - center) }.reduce(0, +) / Double(actual.count)
            return variance > 0 ? meanError / variance : nil
        case .loss:
            return mean > 0 ? abs(value) * meanError / mean : 0
        }
    }
}
