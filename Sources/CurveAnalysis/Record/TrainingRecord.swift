import Foundation
import Spec

/// Everything the diagnostics read about one training run, as plain numbers.
///
/// The training loop fills it (one entry per epoch in every per-epoch array, in epoch order);
/// the detectors (`diagnose(_:spec:thresholds:)`) and the report read it. It is `Codable` so a run
/// folder can keep it beside `history.csv`. Losses may be NaN or infinite (that is what
/// DIAG-NONFINITE looks for): encode with a `JSONEncoder` whose
/// `nonConformingFloatEncodingStrategy` is `.convertToString(...)`, as
/// `TrainingRecord.jsonEncoder()` does.
public struct TrainingRecord: Codable, Sendable, Equatable {
    /// Classification or regression.
    public var task: TaskKind
    /// Number of classes (classification; 2 for binary), nil for regression.
    public var classCount: Int?
    /// Class labels in output order (classification), for the confusion matrix and recall.
    public var classNames: [String]
    /// The metric's name: `accuracy` for classification, `r2` for regression.
    public var metricName: String

    /// Epochs the spec asked for (the maximum).
    public var epochsPlanned: Int
    /// Whether early stopping ended the run before `epochsPlanned`.
    public var stoppedEarly: Bool

    /// Mean training loss per epoch.
    public var trainLoss: [Double]
    /// Validation loss per epoch (one evaluation per epoch); empty without a validation split.
    public var validationLoss: [Double]
    /// Training metric per epoch (accuracy, or R²).
    public var trainMetric: [Double]
    /// Loss on the training split measured after each epoch in inference mode (no dropout, the
    /// same rows every time): the training curve without mini-batch noise. Empty when not
    /// measured; detectors prefer it to `trainLoss` when it has one entry per epoch.
    public var trainEvaluationLoss: [Double] = []
    /// Validation metric per epoch (accuracy, or R²); empty without a validation split.
    public var validationMetric: [Double]
    /// Learning rate per epoch (the rate in force at the epoch's last step).
    public var learningRate: [Double]
    /// Mini-batch training loss of every optimizer step, in order; nil when not recorded.
    public var stepLosses: [Double]?
    /// Loss of the very first mini-batch, before any update (DIAG-INITIAL-LOSS).
    public var firstBatchLoss: Double?
    /// Global gradient norm (all trainable tensors together) of every optimizer step, in order;
    /// nil when not recorded (DIAG-EXPLODING's "above 1.0 for most steps").
    public var globalStepGradientNorm: [Double]?

    /// Per trainable layer statistics, from the input side to the output layer.
    public var layers: [LayerRecord]
    /// Non-finite values the training loop saw in weights or gradients (losses are checked
    /// directly from the loss arrays).
    public var nonFiniteEvents: [NonFiniteEvent]

    /// Recall of each class at each evaluation (`[evaluation][class]`), classification only;
    /// evaluations are the per-epoch validation passes (or training passes without validation).
    public var classRecall: [[Double]]
    /// The trivial baseline's score on the training split, in the metric's units: majority-class
    /// accuracy for classification, R² of the mean predictor (0) for regression.
    public var trivialBaselineScore: Double?
    /// The trivial baseline's loss on the training split: cross-entropy of the class prior, or
    /// the variance of the (scaled) target for squared error. Nil when unknown.
    public var trivialBaselineLoss: Double?
    /// The largest dropout rate in the network that ran (0 without dropout), so findings do not
    /// propose dropout the run already had; nil when unknown (records before it was kept).
    public var largestDropout: Double?
    /// The L2 strength the run used (the spec's, or the advisor's for `auto`), 0 without an
    /// L2 penalty, so a proposal against overfitting is stronger than it; nil when unknown
    /// (records before it was kept).
    public var l2Strength: Double?
    /// The epoch (1-based) with the best validation loss, whose weights early stopping keeps;
    /// nil when unknown. The report marks it on the curves.
    public var bestEpoch: Int?
    /// Rows in the validation split, so DIAG-OVERFIT can tell a rise from the noise of a mean
    /// over that many rows; nil when unknown (records before it was kept).
    public var validationRows: Int?
    /// Whether the run clipped its gradients (the spec's clipping, or CLIP-DEFAULTS' for
    /// `auto`), so findings do not propose the clipping it already had; nil when unknown
    /// (records before it was kept).
    public var clippedGradients: Bool?
    /// How far a cross-validated linear model lifts the score above the trivial prediction on
    /// the training split (DEPTH-NO-SIGNAL's lift), and the rule's verdict that the data is
    /// signal-free, so DIAG-UNDERFIT does not ask for capacity where there is nothing to
    /// learn; nil when unknown (the probe did not run, or records before they were kept).
    public var signalLift: Double?
    public var signalFree: Bool?

    /// Creates a record; every series defaults to empty.
    public init(
        task: TaskKind, classCount: Int? = nil, classNames: [String] = [],
        metricName: String? = nil,
        epochsPlanned: Int, stoppedEarly: Bool = false, trainLoss: [Double],
        validationLoss: [Double] = [], trainMetric: [Double] = [], validationMetric: [Double] = [],
        learningRate: [Double] = [], stepLosses: [Double]? = nil, firstBatchLoss: Double? = nil,
        globalStepGradientNorm: [Double]? = nil, layers: [LayerRecord] = [],
        nonFiniteEvents: [NonFiniteEvent] = [],
        classRecall: [[Double]] = [], trivialBaselineScore: Double? = nil,
        trivialBaselineLoss: Double? = nil
    ) {
        self.task = task
        self.classCount = classCount
        self.classNames = classNames
        self.metricName = metricName ?? (task == .classification ? "accuracy" : "r2")
        self.epochsPlanned = epochsPlanned
        self.stoppedEarly = stoppedEarly
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.trainMetric = trainMetric
        self.validationMetric = validationMetric
        self.learningRate = learningRate
        self.stepLosses = stepLosses
        self.firstBatchLoss = firstBatchLoss
        self.globalStepGradientNorm = globalStepGradientNorm
        self.layers = layers
        self.nonFiniteEvents = nonFiniteEvents
        self.classRecall = classRecall
        self.trivialBaselineScore = trivialBaselineScore
        self.trivialBaselineLoss = trivialBaselineLoss
    }

    /// Epochs actually run (the length of `trainLoss`).
    public var epochsRun: Int { trainLoss.count }

    /// The hidden layers (every layer but the last), which SIZE-PRUNE may shrink.
    public var hiddenLayers: ArraySlice<LayerRecord> { layers.dropLast() }
}

/// One trainable (dense) layer's statistics over the run.
public struct LayerRecord: Codable, Sendable, Equatable {
    /// Display name (`dense_1`, `output`).
    public var name: String
    /// Output width (units).
    public var units: Int
    /// The activation after this layer, by spec name (`relu`, `sigmoid`, `softmax`, ...).
    public var activation: String
    /// Index of this layer's `dense` entry in an explicit `model.layers` list, if the network was
    /// given as one; lets findings edit `model.layers[i].dense.units`.
    public var specLayerIndex: Int?
    /// L2 norm of the weight gradient per epoch (mean over the epoch's steps).
    public var gradientNorm: [Double]
    /// L2 norm of the weight gradient at every step; nil when not recorded.
    public var stepGradientNorm: [Double]?
    /// L2 norm of the weights at the end of each epoch.
    public var weightNorm: [Double]
    /// Update-to-weight ratio per epoch: ||lr * update|| / ||W|| (mean over steps).
    public var updateRatio: [Double]
    /// Fraction of this layer's units never active (output <= 0) over each epoch; nil for
    /// activations outside the ReLU family's hard zero (DIAG-DEAD-RELU).
    public var deadUnitFraction: [Double]?
    /// At the end of training: each unit's incoming weight-vector norm (SIZE-PRUNE).
    public var incomingUnitNorms: [Double]?
    /// At the end of training: each unit's outgoing weight-vector norm (the next layer's column).
    public var outgoingUnitNorms: [Double]?

    /// Creates a layer record; every series defaults to empty.
    public init(
        name: String, units: Int, activation: String, specLayerIndex: Int? = nil,
        gradientNorm: [Double] = [], stepGradientNorm: [Double]? = nil, weightNorm: [Double] = [],
        updateRatio: [Double] = [], deadUnitFraction: [Double]? = nil,
        incomingUnitNorms: [Double]? = nil, outgoingUnitNorms: [Double]? = nil
    ) {
        self.name = name
        self.units = units
        self.activation = activation
        self.specLayerIndex = specLayerIndex
        self.gradientNorm = gradientNorm
        self.stepGradientNorm = stepGradientNorm
        self.weightNorm = weightNorm
        self.updateRatio = updateRatio
        self.deadUnitFraction = deadUnitFraction
        self.incomingUnitNorms = incomingUnitNorms
        self.outgoingUnitNorms = outgoingUnitNorms
    }
}

/// A NaN or infinity the training loop met in a weight or gradient tensor.
public struct NonFiniteEvent: Codable, Sendable, Equatable {
    /// Which quantity went non-finite.
    public enum Quantity: String, Codable, Sendable, Equatable {
        case loss
        case weights
        case gradients
        case inputs
    }

    /// The quantity.
    public var quantity: Quantity
    /// 0-based epoch.
    public var epoch: Int
    /// 0-based global step, when known.
    public var step: Int?
    /// The layer's name, when the quantity belongs to one.
    public var layer: String?

    /// Creates an event.
    public init(quantity: Quantity, epoch: Int, step: Int? = nil, layer: String? = nil) {
        self.quantity = quantity
        self.epoch = epoch
        self.step = step
        self.layer = layer
    }
}

extension TrainingRecord {
    /// A JSON encoder that writes NaN and infinities as the strings `"nan"`, `"inf"`, `"-inf"`.
    public static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The decoder matching `jsonEncoder()`.
    public static func jsonDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
