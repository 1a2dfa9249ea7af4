/// `training:` — optimizer, rates, batches, stopping, regularisation. Each `auto` is resolved by
/// the advisor.
public struct TrainingSection: Sendable, Equatable {
    /// Loss function; `auto` follows ACT-OUTPUT-*.
    public var loss: Setting<LossFunction> = .auto
    /// Optimizer and its parameters; `auto` is OPT-DEFAULT (Adam).
    public var optimizer: Setting<OptimizerConfig> = .auto
    /// Learning rate; `auto` runs the range test (LR-RANGE-TEST) before training.
    public var learningRate: Setting<Double> = .auto
    /// Rows per optimizer step (BATCH-*).
    public var batchSize: Setting<Int> = .auto
    /// Maximum passes over the training rows (EPOCHS-BY-SIZE); early stopping may end sooner.
    public var epochs: Setting<Int> = .auto
    /// Early stopping on validation loss (EARLY-STOP); `.fixed(nil)` turns it off.
    public var earlyStopping: Setting<EarlyStoppingConfig?> = .auto
    /// L1 or L2 weight penalty (REG-*); `.fixed(.none)` for none.
    public var regularization: Setting<Regularization> = .auto
    /// Decoupled weight decay (AdamW) or, for other optimizers, added to the gradient.
    public var weightDecay: Setting<Double> = .auto
    /// Gradient clipping (CLIP-DEFAULTS); `.fixed(.none)` for none.
    public var gradientClipping: Setting<GradientClipping> = .auto
    /// Learning-rate schedule, optionally with linear warmup.
    public var schedule: Setting<ScheduleConfig> = .auto
    /// Class weights for an imbalanced target (classification only).
    public var classWeights: Setting<ClassWeights> = .auto
    /// Shuffle the training rows every epoch (SHUFFLE-ALWAYS). Default true.
    public var shuffle: Bool = true
    /// Seed of every random draw (split, initialisation, shuffling, dropout). Default 42.
    public var seed: UInt64 = 42
    /// Members of the model, averaged (ENSEMBLE-SMALL-DATA); 1 is a single network.
    public var ensemble: Setting<Int> = .auto

    public init() {}
}

/// Loss functions of the engine.
public enum LossFunction: Sendable, Equatable {
    /// Softmax cross-entropy from logits (multiclass).
    case crossEntropy
    /// Binary cross-entropy from one logit.
    case binaryCrossEntropy
    /// Mean squared error.
    case mse
    /// Mean absolute error.
    case mae
    /// Huber loss with threshold `delta` (default 1.0): robust to outliers.
    case huber(delta: Double)

    /// The name used in specs.
    public var name: String {
        switch self {
        case .crossEntropy: "cross_entropy"
        case .binaryCrossEntropy: "binary_cross_entropy"
        case .mse: "mse"
        case .mae: "mae"
        case .huber: "huber"
        }
    }
}

/// An optimizer with its parameters (defaults are PyTorch's, as in the rulebook).
public enum OptimizerConfig: Sendable, Equatable {
    /// SGD; `momentum` 0 for plain SGD (OPT-MOMENTUM suggests 0.9), optional Nesterov.
    case sgd(momentum: Double, nesterov: Bool)
    /// Adam (OPT-DEFAULT): betas 0.9 / 0.999, epsilon 1e-8.
    case adam(beta1: Double, beta2: Double, epsilon: Double)
    /// AdamW: Adam with decoupled weight decay (`training.weight_decay`, PyTorch default 0.01).
    case adamw(beta1: Double, beta2: Double, epsilon: Double)
    /// RMSprop: smoothing `alpha` 0.99, epsilon 1e-8, momentum 0.
    case rmsprop(alpha: Double, epsilon: Double, momentum: Double)
    /// Adagrad: epsilon 1e-10, initial accumulator 0.
    case adagrad(epsilon: Double, initialAccumulator: Double)

    /// The name used in specs.
    public var name: String {
        switch self {
        case .sgd: "sgd"
        case .adam: "adam"
        case .adamw: "adamw"
        case .rmsprop: "rmsprop"
        case .adagrad: "adagrad"
        }
    }

    /// Every optimizer with PyTorch's default parameters.
    public static let defaults: [OptimizerConfig] = [
        .sgd(momentum: 0, nesterov: false), .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8),
        .adamw(beta1: 0.9, beta2: 0.999, epsilon: 1e-8),
        .rmsprop(alpha: 0.99, epsilon: 1e-8, momentum: 0),
        .adagrad(epsilon: 1e-10, initialAccumulator: 0),
    ]
}

/// `training.early_stopping:` — stop when validation loss stops improving (EARLY-STOP).
public struct EarlyStoppingConfig: Sendable, Equatable {
    /// Epochs without improvement before stopping. Default 10.
    public var patience: Int = 10
    /// Smallest decrease of validation loss that counts as improvement. Default 1e-4.
    public var minDelta: Double = 1e-4
    /// Restore the weights of the best epoch at the end. Default true.
    public var restoreBest: Bool = true

    public init(patience: Int = 10, minDelta: Double = 1e-4, restoreBest: Bool = true) {
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBest = restoreBest
    }
}

/// A weight penalty and an optional max-norm constraint: L1 or L2, never both (REG-L1-XOR-L2).
public struct Regularization: Sendable, Equatable {
    /// The penalty on weights (biases are not penalised).
    public var penalty: Penalty
    /// Max-norm constraint on each unit's incoming weights; nil for none.
    public var maxNorm: Double?

    /// L1 (REG-L1-RANGE) or L2 (REG-L2-RANGE) strength, or none.
    public enum Penalty: Sendable, Equatable {
        case none
        case l1(Double)
        case l2(Double)
    }

    /// No penalty, no constraint.
    public static let none = Regularization(penalty: .none, maxNorm: nil)

    public init(penalty: Penalty, maxNorm: Double? = nil) {
        self.penalty = penalty
        self.maxNorm = maxNorm
    }
}

/// Gradient clipping with Keras semantics (CLIP-DEFAULTS).
public enum GradientClipping: Sendable, Equatable {
    case none
    /// Rescale each parameter tensor's gradient to norm <= the value.
    case clipNorm(Double)
    /// Rescale all gradients together to global norm <= the value.
    case globalClipNorm(Double)
    /// Clamp each gradient element to [-value, value].
    case clipValue(Double)
}

/// A learning-rate schedule over epochs, with optional linear warmup.
public struct ScheduleConfig: Sendable, Equatable {
    /// The schedule's shape.
    public var kind: Kind
    /// Epochs of linear warmup from 0 to the base rate before the schedule starts. Default 0.
    public var warmupEpochs: Int = 0

    public enum Kind: Sendable, Equatable {
        case constant
        /// Multiply by `gamma` every `stepSize` epochs.
        case step(stepSize: Int, gamma: Double)
        /// Multiply by `gamma` every epoch.
        case exponential(gamma: Double)
        /// Cosine annealing to `minimumRate` over the run.
        case cosine(minimumRate: Double)
        /// Reduce on plateau of validation loss (Keras/PyTorch defaults: factor 0.1,
        /// patience 10, min_delta 1e-4).
        case plateau(factor: Double, patience: Int, minDelta: Double)
        /// One-cycle (Smith): up to `maxRate` for `pctStart` of the run, then down.
        case oneCycle(maxRate: Double, pctStart: Double)

        /// The name used in specs.
        public var name: String {
            switch self {
            case .constant: "constant"
            case .step: "step"
            case .exponential: "exponential"
            case .cosine: "cosine"
            case .plateau: "plateau"
            case .oneCycle: "one_cycle"
            }
        }
    }

    /// A constant rate, no warmup.
    public static let constant = ScheduleConfig(kind: .constant)

    public init(kind: Kind, warmupEpochs: Int = 0) {
        self.kind = kind
        self.warmupEpochs = warmupEpochs
    }
}

/// Class weights for the loss.
public enum ClassWeights: Sendable, Equatable {
    /// Every class weighs 1.
    case none
    /// Weights inversely proportional to class frequency (n_samples / (C * count)).
    case balanced
    /// Weights by class label.
    case explicit([String: Double])
}
