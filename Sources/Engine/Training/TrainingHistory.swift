import Random

/// Per-epoch statistics of one trainable tensor, for the diagnostics (DIAG-EXPLODING,
/// DIAG-VANISHING).
public struct ParameterStatistics: Codable, Equatable, Sendable {
    /// Tensor name, `layers.0.weight`.
    public var name: String
    /// Layer index.
    public var layer: Int
    /// Mean over the epoch's steps of the gradient norm (with penalty, before clipping).
    public var gradientNormMean: Double
    /// Largest gradient norm of the epoch.
    public var gradientNormMax: Double
    /// Weight norm at the end of the epoch.
    public var weightNorm: Double
    /// Mean over steps of `||update|| / ||weights||`.
    public var updateRatioMean: Double
}

/// Dead units of one layer over an epoch (DIAG-DEAD-RELU).
public struct DeadUnitStatistics: Codable, Equatable, Sendable {
    /// Layer index (a ReLU layer).
    public var layer: Int
    /// Fraction of its units never active during the epoch.
    public var fraction: Double
}

/// What one epoch did.
public struct EpochRecord: Codable, Equatable, Sendable {
    /// 0-based epoch index.
    public var epoch: Int
    /// Mean training loss over the epoch's rows (data loss, without penalty).
    public var trainingLoss: Double
    /// Validation loss, when there is a validation set.
    public var validationLoss: Double?
    /// Validation metrics, when there is a validation set.
    public var validationMetrics: Metrics?
    /// The learning rate of the epoch's last step.
    public var learningRate: Float
    /// Loss of every step, in order.
    public var stepLosses: [Float]
    /// Global gradient norm of every step, in order.
    public var stepGradientNorms: [Float]
    /// Per trainable tensor.
    public var parameters: [ParameterStatistics]
    /// Per ReLU layer.
    public var deadUnits: [DeadUnitStatistics]
    /// Whether every weight is finite at the end of the epoch.
    public var weightsFinite: Bool
    /// Wall-clock seconds of the epoch (training and validation).
    public var seconds: Double
}

/// Everything recorded during training.
public struct TrainingHistory: Codable, Equatable, Sendable {
    /// One record per completed epoch.
    public var epochs: [EpochRecord] = []
    /// The loss of the very first batch, before any update (DIAG-INITIAL-LOSS).
    public var firstBatchLoss: Double?
    /// 0-based epoch with the best monitored loss.
    public var bestEpoch: Int?

    /// An empty history.
    public init() {}
}

/// What `Trainer.fit` returns.
public struct TrainingOutcome: Sendable, Equatable {
    /// Why training stopped.
    public var reason: StopReason
    /// The history so far.
    public var history: TrainingHistory
    /// Whether the best epoch's weights were restored.
    public var restoredBestWeights: Bool
}

/// One step's report in the event stream.
public struct StepReport: Sendable, Equatable {
    /// 0-based epoch.
    public var epoch: Int
    /// 0-based step within the epoch.
    public var stepInEpoch: Int
    /// Steps in the epoch.
    public var stepsPerEpoch: Int
    /// 0-based step over the whole run.
    public var globalStep: Int
    /// This step's loss.
    public var loss: Float
    /// This step's learning rate.
    public var learningRate: Float
}

/// A training event, for a CLI drawing progress.
public enum TrainingEvent: Sendable {
    /// A step ended.
    case stepEnded(StepReport)
    /// An epoch ended (validation done).
    case epochEnded(EpochRecord)
}

/// A trainer's complete state at an epoch boundary: importing it into a fresh trainer with the
/// same model description and configuration continues bit-identically.
public struct TrainerState: Codable, Equatable, Sendable {
    /// Format version of this value (1).
    public var version = 1
    /// The model's description.
    public var modelDescription: ModelDescription
    /// The training configuration.
    public var configuration: TrainingConfiguration
    /// Completed epochs.
    public var epoch: Int
    /// Optimizer steps taken.
    public var step: Int
    /// All model tensors.
    public var model: [NamedTensor]
    /// Optimizer state.
    public var optimizer: OptimizerState
    /// Schedule state.
    public var schedule: ScheduleState
    /// The dropout generator.
    public var dropoutGenerator: SeededGenerator
    /// Best monitored loss so far.
    public var bestLoss: Double?
    /// Epochs since the best.
    public var epochsWithoutImprovement: Int
    /// Model tensors of the best epoch (when restoring best weights).
    public var bestModel: [NamedTensor]?
    /// History.
    public var history: TrainingHistory
    /// Set once training has ended for good (not by a pause).
    public var finished: StopReason?
}
