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
