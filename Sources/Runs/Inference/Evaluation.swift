import Dataset
import Engine
import Foundation
import Spec

/// Scores a saved model on labelled rows: the run's own test split, or a new labelled file.
public enum Evaluation {
    /// Metrics of `predictor`'s model on a labelled table (the target column must be present).
    /// Rows without a target value (or with a class the model does not know) are left out, with
    /// a warning that counts them, as `train` does.
    /// - Returns: the metrics in the target's units, the rows scored and the warnings.
    /// - Throws: `DataError` when the target column is absent or no row has a target.
    public static func metrics(
        of predictor: Predictor, on table: DataTable
    ) throws -> (
        metrics: Metrics, rows: Int, warnings: [String]
    ) {
        let target = predictor.artifact.encoding.target
        guard table.columnIndex(named: target.name) != nil else {
            throw DataError(
                .missingColumns, path: table.path,
                location: table.headerStart, sourceLine: table.headerLine,
                message: "the file has no target column '\(target.name)' to score against",
                hint: "evaluate needs labelled rows; use `layerwise predict` for unlabelled ones")
        }
        let (outputs, rows, encodingWarnings) = try predictor.outputs(for: table)
        var warnings = encodingWarnings
        let labelled = labelledRows(rows, target: target)
        if labelled.isEmpty {
            throw DataError(
                .targetAllMissing, path: table.path, location: table.headerStart,
                sourceLine: table.headerLine,
                message:
                    "no row has a value in the target column '\(target.name)' to score against",
                hint: "evaluate needs labelled rows; use `layerwise predict` for unlabelled ones")
        }
        let left = rows.rowCount - labelled.count
        if left > 0 {
            let what: String =
                switch target {
                case .regression, .logRegression: "no target value"
                case .classes: "no target value or a class the model was not trained on"
                }
            warnings.append(
                "\(left) of \(rows.rowCount) rows have \(what) in '\(target.name)' and were "
                    + "left out of the scores")
        }
        return (
            try metrics(outputs: outputs, rows: rows, target: target), labelled.count, warnings
        )
    }

    /// The rows that carry a usable target: a known class, or a finite value.
    static func labelledRows(_ rows: EncodedRows, target: TargetEncoding) -> [Int] {
        switch target {
        case .classes:
            return (0..<rows.rowCount).filter { (rows.classIndices?[$0] ?? -1) >= 0 }
        case .regression, .logRegression:
            return (0..<rows.rowCount).filter { rows.targets?[$0].isFinite ?? false }
        }
    }

    /// Metrics of model outputs (probabilities, or values in target units) against the
    /// encoded rows' targets; rows whose class is missing or unknown are skipped.
    public static func metrics(
        outputs: Matrix, rows: EncodedRows, target: TargetEncoding
    ) throws
        -> Metrics
    {
        switch target {
        case .classes(_, let labels):
            var predicted: [Int] = []
            var actual: [Int] = []
            var positive: [Float] = []
            for row in 0..<outputs.rows {
                let label = Int(rows.classIndices?[row] ?? -1)
                guard label >= 0 else { continue }
                predicted.append(Predictor.predictedClass(outputs, row: row))
                actual.append(label)
                positive.append(outputs[row, outputs.columns - 1])
            }
            return .classification(
                ClassificationMetrics(
                    predicted: predicted, actual: actual, classCount: labels.count,
                    positiveScores: labels.count == 2 ? positive : nil))
        case .regression, .logRegression:
            // Rows without a target value are not scored (a NaN would make every metric NaN).
            let labelled = labelledRows(rows, target: target)
            let values = rows.targets ?? []
            let actual = Matrix(
                rows: labelled.count, columns: 1,
                values: labelled.map { target.actual(values[$0]) })
            let predicted = Matrix(
                rows: labelled.count, columns: outputs.columns,
                values: labelled.flatMap { row in (0..<outputs.columns).map { outputs[row, $0] } })
            return .regression(RegressionMetrics(predictions: predicted, targets: actual))
        }
    }

    /// A person's summary of metrics: the headline scores and, for classification, the
    /// confusion matrix with class labels.
    public static func text(_ metrics: Metrics, labels: [String]?) -> String {
        switch metrics {
        case .classification(let scores):
            var lines = [
                String(
                    format:
                        "accuracy %.4f   macro precision %.4f   macro recall %.4f   macro F1 %.4f",
                    scores.accuracy, scores.macroPrecision, scores.macroRecall, scores.macroF1)
            ]
            if let auc = scores.rocAUC { lines.append(String(format: "ROC AUC %.4f", auc)) }
            let names = labels ?? scores.confusion.indices.map(String.init)
            let width = max(names.map(\.count).max() ?? 1, 6)
            lines.append("confusion matrix (rows: actual, columns: predicted)")
            func pad(_ text: String) -> String {
                String(repeating: " ", count: max(0, width - text.count)) + text
            }
            lines.append(pad("") + "  " + names.map(pad).joined(separator: " "))
            for (index, row) in scores.confusion.enumerated() {
                lines.append(
                    pad(names[index]) + "  " + row.map { pad(String($0)) }.joined(separator: " "))
            }
            return lines.joined(separator: "\n")
        case .regression(let scores):
            return scores.summaryText
        }
    }
}

extension RegressionMetrics {
    /// The scores as `train` and `evaluate` both print them, in the target's units:
    /// `R² 0.4901  MAE 42.4  RMSE 52.72`.
    public var summaryText: String {
        "R² \(String(format: "%.4f", rSquared))  MAE "
            + String(format: "%.4g", meanAbsoluteError) + "  RMSE "
            + String(format: "%.4g", meanSquaredError.squareRoot())
    }
}
