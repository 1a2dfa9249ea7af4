import Dataset
import Engine

/// Scores of a model on one split, in the target's own units.
public struct SplitScore: Sendable, Equatable, Codable {
    /// Rows scored.
    public var rows: Int
    /// The training loss on these rows (on the standardised target for regression).
    public var loss: Double
    /// Accuracy, macro precision/recall/F1, AUC and confusion matrix; or MSE, MAE and R² in
    /// the target's units.
    public var metrics: Metrics

    /// The headline number: accuracy, or R².
    public var headline: Double {
        switch metrics {
        case .classification(let scores): scores.accuracy
        case .regression(let scores): scores.rSquared
        }
    }
}

/// Computes split scores for a trained model.
public enum Scoring {
    /// Scores `model` on `rows` (which carry targets).
    /// - Parameters:
    ///   - trainer: evaluates the loss (and classification metrics).
    ///   - rows: an encoded split with targets.
    ///   - target: the target encoding, to map regression predictions back to their units.
    ///   - predict: the outputs the metrics are of, when not the trainer's model's (an
    ///     ensemble's average; the loss stays the trainer's model's). Default nil.
    public static func score(
        trainer: Trainer, rows: EncodedRows, target: TargetEncoding,
        predict: ((Matrix) throws -> Matrix)? = nil
    ) throws
        -> SplitScore
    {
        let evaluation = try trainer.evaluate(
            inputs: rows.inputMatrix, targets: rows.engineTargets)
        // Metrics from the outputs in the target's terms (regression in its own units; R² is
        // unchanged by the scaling), the same path `evaluate` takes for a saved model.
        let outputs = Predictor.interpret(
            try predict?(rows.inputMatrix) ?? trainer.model.predict(rows.inputMatrix),
            target: target)
        return SplitScore(
            rows: rows.rowCount, loss: evaluation.loss,
            metrics: try Evaluation.metrics(outputs: outputs, rows: rows, target: target))
    }
}
