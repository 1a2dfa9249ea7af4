import Engine
import Foundation

/// One evaluation's scores by name, as data: each split's scores in a run's `metrics.json` and
/// the `metrics` of `layerwise evaluate --format json`.
///
/// Classification fills the classification fields, regression the regression ones; the others
/// are nil and left out of the JSON. On the wire the keys are snake_case (`macro_f1`,
/// `confusion_matrix`, `r2`): see `encoder()`.
public struct MetricsSummary: Codable, Equatable, Sendable {
    /// Classification: the fraction of rows predicted right.
    public var accuracy: Double?
    /// Classification: the mean per-class precision.
    public var macroPrecision: Double?
    /// Classification: the mean per-class recall.
    public var macroRecall: Double?
    /// Classification: the mean per-class F1.
    public var macroF1: Double?
    /// Two classes: the area under the ROC curve (nil when a class is absent from the rows).
    public var rocAuc: Double?
    /// Classification: the class labels, in the order of every per-class list.
    public var classLabels: [String]?
    /// Classification: each class's precision (0 when no row is predicted as it).
    public var precisionPerClass: [Double]?
    /// Classification: each class's recall (0 when no row has it).
    public var recallPerClass: [Double]?
    /// Classification: each class's F1, the harmonic mean of its precision and recall.
    public var f1PerClass: [Double]?
    /// Classification: row counts, `confusion_matrix[actual][predicted]`.
    public var confusionMatrix: [[Int]]?
    /// Regression: the coefficient of determination R².
    public var r2: Double?
    /// Regression: the mean squared error, in the target's units squared.
    public var mse: Double?
    /// Regression: the root of `mse`, in the target's units.
    public var rmse: Double?
    /// Regression: the mean absolute error, in the target's units.
    public var mae: Double?

    /// The named scores of `metrics`.
    /// - Parameters:
    ///   - metrics: classification or regression metrics.
    ///   - labels: the class labels (nil leaves `classLabels` out).
    public init(_ metrics: Metrics, labels: [String]?) {
        switch metrics {
        case .classification(let scores):
            accuracy = scores.accuracy
            macroPrecision = scores.macroPrecision
            macroRecall = scores.macroRecall
            macroF1 = scores.macroF1
            rocAuc = scores.rocAUC
            classLabels = labels
            precisionPerClass = scores.precision
            recallPerClass = scores.recall
            f1PerClass = scores.f1
            confusionMatrix = scores.confusion
        case .regression(let scores):
            r2 = scores.rSquared
            mse = scores.meanSquaredError
            rmse = scores.meanSquaredError.squareRoot()
            mae = scores.meanAbsoluteError
        }
    }

    /// The encoder of scores as JSON: pretty-printed, sorted snake_case keys, slashes as they
    /// are, and a non-finite number as the string `nan`, `inf` or `-inf`.
    public static func encoder() -> JSONEncoder {
        let encoder = Checkpoint.jsonEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    /// The decoder of what `encoder()` wrote.
    public static func decoder() -> JSONDecoder {
        let decoder = Checkpoint.jsonDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
