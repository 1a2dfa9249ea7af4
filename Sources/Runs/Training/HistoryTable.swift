import Dataset
import Engine

/// `history.csv`: one row per epoch — losses, validation metrics, learning rate, time, and
/// per-layer gradient norms, weight norms, update/weight ratios and dead-unit fractions (the
/// diagnostics' inputs).
public enum HistoryTable {
    /// The CSV text of a history.
    /// - Parameters:
    ///   - history: the trainer's history.
    ///   - task: the target encoding (picks the metric columns).
    public static func csv(_ history: TrainingHistory, task: TargetEncoding) -> String {
        let isRegression: Bool
        if case .regression = task { isRegression = true } else { isRegression = false }
        let metricColumns =
            isRegression
            ? ["val_r2", "val_mse_standardised", "val_mae_standardised"]
            : ["val_accuracy", "val_macro_f1"]
        let weights = history.epochs.first?.parameters.filter { $0.name.hasSuffix(".weight") } ?? []
        let deadLayers = history.epochs.first?.deadUnits.map(\.layer) ?? []
        var header =
            ["epoch", "train_loss", "val_loss"] + metricColumns + ["learning_rate", "seconds"]
        for parameter in weights {
            header += [
                "grad_norm[\(parameter.name)]", "weight_norm[\(parameter.name)]",
                "update_ratio[\(parameter.name)]",
            ]
        }
        header += deadLayers.map { "dead_fraction[layers.\($0)]" }
        var lines = [header.joined(separator: ",")]
        for record in history.epochs {
            var row = [
                String(record.epoch + 1), number(record.trainingLoss),
                record.validationLoss.map(number) ?? "",
            ]
            switch record.validationMetrics {
            case .classification(let scores)?:
                row += [number(scores.accuracy), number(scores.macroF1)]
            case .regression(let scores)?:
                row += [
                    number(scores.rSquared), number(scores.meanSquaredError),
                    number(scores.meanAbsoluteError),
                ]
            case nil:
                row += metricColumns.map { _ in "" }
            }
            row += [number(Double(record.learningRate)), number(record.seconds)]
            for parameter in weights {
                let statistics = record.parameters.first { $0.name == parameter.name }
                row += [
                    statistics.map { number($0.gradientNormMean) } ?? "",
                    statistics.map { number($0.weightNorm) } ?? "",
                    statistics.map { number($0.updateRatioMean) } ?? "",
                ]
            }
            for layer in deadLayers {
                row.append(
                    record.deadUnits.first { $0.layer == layer }.map { number($0.fraction) } ?? "")
            }
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : (value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"))
    }
}
