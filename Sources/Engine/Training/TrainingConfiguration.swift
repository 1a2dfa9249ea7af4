/// Early stopping on the monitored loss (validation loss, else training loss), Keras semantics:
/// an epoch improves when its loss is below the best minus `minDelta`; training stops after
/// `patience` epochs without improvement. Rule EARLY-STOP (patience 10, min_delta 1e-4, best
/// weights restored).
public struct EarlyStopping: Codable, Equatable, Sendable {
    /// Epochs without improvement before stopping (default 10).
    public var patience: Int
    /// The least decrease that counts as an improvement (default 1e-4).
    public var minDelta: Double
    /// Restore the best epoch's weights when training ends (default true). Unlike Keras, this
    /// also happens when the run completes its epochs after a later, worse epoch.
    public var restoreBestWeights: Bool

    /// Early stopping.
    /// - Parameters:
    ///   - patience: epochs without improvement (default 10).
    ///   - minDelta: least improvement (default 1e-4).
    ///   - restoreBestWeights: restore the best weights at the end (default true).
    public init(patience: Int = 10, minDelta: Double = 1e-4, restoreBestWeights: Bool = true) {
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBestWeights = restoreBestWeights
    }
}

/// Everything a `Trainer` needs besides the model and the data, as a value.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    /// Epochs to train (the schedules' length), > 0.
    public var epochs: Int
    /// The loss. Cross-entropy losses fuse a trailing softmax / sigmoid layer of the model.
    public var loss: Loss
    /// One weight per class (classification only), or nil.
    public var classWeights: [Float]?
    /// Optimizer, base learning rate, penalty and clipping.
    public var optimizer: OptimizerDescription
    /// The learning-rate schedule (default constant).
    public var schedule: LearningRateSchedule
    /// Early stopping, or nil (default) for none.
    public var earlyStopping: EarlyStopping?
    /// Rows per forward pass when evaluating (default 1024).
    public var evaluationBatchSize: Int

    /// A configuration.
    /// - Parameters:
    ///   - epochs: epochs to train.
    ///   - loss: the loss.
    ///   - classWeights: per-class weights (default nil).
    ///   - optimizer: the optimizer (default Adam, lr 1e-3: OPT-DEFAULT).
    ///   - schedule: the schedule (default constant).
    ///   - earlyStopping: early stopping (default nil).
    ///   - evaluationBatchSize: rows per evaluation pass (default 1024).
    public init(
        epochs: Int, loss: Loss, classWeights: [Float]? = nil,
        optimizer: OptimizerDescription = OptimizerDescription(),
        schedule: LearningRateSchedule = LearningRateSchedule(),
        earlyStopping: EarlyStopping? = nil, evaluationBatchSize: Int = 1024
    ) {
        self.epochs = epochs
        self.loss = loss
        self.classWeights = classWeights
        self.optimizer = optimizer
        self.schedule = schedule
        self.earlyStopping = earlyStopping
        self.evaluationBatchSize = evaluationBatchSize
    }
}

/// Held-out data, evaluated after every epoch.
public struct ValidationSet: Sendable, Equatable {
    /// `rows x inputWidth`.
    public var inputs: Matrix
    /// One target per row.
    public var targets: Targets

    /// A validation set.
    public init(inputs: Matrix, targets: Targets) {
        self.inputs = inputs
        self.targets = targets
    }
}

/// Why a `fit` call returned.
public enum StopReason: Codable, Equatable, Sendable {
    /// All configured epochs ran.
    case completed
    /// The epoch given as `untilEpoch` was reached: a pause, resumable exactly.
    case paused
    /// Early stopping: no improvement for `patience` epochs; `bestEpoch` is 0-based.
    case earlyStopped(bestEpoch: Int)
    /// `StopRequest.request()` was called (checked between steps).
    case stopRequested
    /// The loss or the gradient became NaN or infinite (DIAG-NONFINITE); no update was applied
    /// from that batch.
    case nonFinite(epoch: Int, step: Int, what: String)

    /// A one-line reason for people.
    public var explanation: String {
        switch self {
        case .completed: return "completed all epochs"
        case .paused: return "paused at the requested epoch"
        case .earlyStopped(let best):
            return "early stopping: no improvement since epoch \(best + 1)"
        case .stopRequested: return "stopped on request"
        case .nonFinite(let epoch, let step, let what):
            return "stopped: the \(what) became NaN or infinite at epoch \(epoch + 1), step "
                + "\(step + 1) (DIAG-NONFINITE: clip gradients, lower the learning rate, check "
                + "inputs for NaN)"
        }
    }
}
