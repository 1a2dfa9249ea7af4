/// Which optimizer, as a description value (what a config names), with PyTorch's defaults and
/// formulas (rule OPT-DEFAULT: Adam; OPT-MOMENTUM: SGD with momentum 0.9 when chosen, set by
/// the caller). `makeOptimizer()` gives the `Optimizer` that applies it.
public enum UpdateRule: Codable, Equatable, Sendable {
    /// SGD: `buf = momentum buf + (1 - dampening) g` (buf = g on the first step); the step is
    /// `g + momentum buf` with Nesterov, else `buf`. Defaults: momentum 0, dampening 0, no
    /// Nesterov. Sutskever et al. 2013.
    case sgd(momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false)
    /// Adam, betas 0.9/0.999, eps 1e-8 (PyTorch). Kingma and Ba 2015.
    case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)
    /// AdamW: Adam with decoupled weight decay `w *= 1 - lr * decay` before the step
    /// (default decay 0.01, PyTorch; applied to every trainable tensor, as PyTorch does with a
    /// single parameter group). Loshchilov and Hutter 2019.
    case adamW(
        beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01)
    /// RMSprop: `sq = alpha sq + (1 - alpha) g^2`, step `g / (sqrt(sq) + eps)` (centered:
    /// subtract the squared mean gradient), optional momentum. Defaults alpha 0.99, eps 1e-8,
    /// momentum 0, not centered (PyTorch). Hinton, Coursera lecture 6e, 2012.
    case rmsprop(
        alpha: Float = 0.99, epsilon: Float = 1e-8, momentum: Float = 0, centered: Bool = false)
    /// Adagrad: `sum += g^2`, step `lr / (1 + (t-1) decay) * g / (sqrt(sum) + eps)`. Defaults
    /// eps 1e-10, initial accumulator 0, learning-rate decay 0 (PyTorch). Duchi et al. 2011.
    case adagrad(
        epsilon: Float = 1e-10, initialAccumulator: Float = 0, learningRateDecay: Float = 0)

    /// PyTorch's default learning rate for this rule: 1e-3 for SGD, Adam and AdamW; 1e-2 for
    /// RMSprop and Adagrad.
    public var defaultLearningRate: Float {
        switch self {
        case .sgd, .adam, .adamW: return 1e-3
        case .rmsprop, .adagrad: return 1e-2
        }
    }

    /// Names of the per-parameter state tensors (PyTorch's names).
    public var slotNames: [String] { makeOptimizer().slotNames }

    /// The optimizer this rule describes (`SGD`, `Adam`, `AdamW`, `RMSprop` or `Adagrad`).
    public func makeOptimizer() -> any Optimizer {
        switch self {
        case .sgd(let momentum, let dampening, let nesterov):
            return SGD(momentum: momentum, dampening: dampening, nesterov: nesterov)
        case .adam(let beta1, let beta2, let epsilon):
            return Adam(beta1: beta1, beta2: beta2, epsilon: epsilon)
        case .adamW(let beta1, let beta2, let epsilon, let weightDecay):
            return AdamW(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        case .rmsprop(let alpha, let epsilon, let momentum, let centered):
            return RMSprop(alpha: alpha, epsilon: epsilon, momentum: momentum, centered: centered)
        case .adagrad(let epsilon, let initialAccumulator, let learningRateDecay):
            return Adagrad(
                epsilon: epsilon, initialAccumulator: initialAccumulator,
                learningRateDecay: learningRateDecay)
        }
    }
}

/// A weight penalty added to the loss (Keras `kernel_regularizer`): it applies to penalised
/// tensors only (Dense weights, not biases). Rules REG-L1-RANGE, REG-L2-RANGE, REG-L1-XOR-L2.
public enum Penalty: Codable, Equatable, Sendable {
    /// No penalty.
    case none
    /// `lambda * sum |w|`; gradient `lambda * sign(w)`.
    case l1(Float)
    /// `lambda * sum w^2`; gradient `2 lambda w` (Keras `l2`, not PyTorch `weight_decay`).
    case l2(Float)
}

/// Gradient clipping with Keras semantics (rule CLIP-DEFAULTS), applied after the penalty and
/// before the update rule.
public enum Clipping: Codable, Equatable, Sendable {
    /// No clipping.
    case none
    /// Keras `clipnorm`: each tensor's gradient `g * c / max(||g||, c)`.
    case norm(Float)
    /// Keras `global_clipnorm`: every gradient `g * c / max(global norm, c)`.
    case globalNorm(Float)
    /// Keras `clipvalue`: each element clamped to `[-c, c]`.
    case value(Float)
}

/// Everything that configures an optimizer, as a value.
public struct OptimizerDescription: Codable, Equatable, Sendable {
    /// The update rule and its hyperparameters.
    public var rule: UpdateRule
    /// The base learning rate (a schedule scales it).
    public var learningRate: Float
    /// L1 or L2 penalty (default none).
    public var penalty: Penalty
    /// Gradient clipping (default none).
    public var clipping: Clipping

    /// A description.
    /// - Parameters:
    ///   - rule: the update rule (default Adam with PyTorch defaults, OPT-DEFAULT).
    ///   - learningRate: base rate (default: the rule's PyTorch default).
    ///   - penalty: weight penalty (default none).
    ///   - clipping: gradient clipping (default none).
    public init(
        rule: UpdateRule = .adam(), learningRate: Float? = nil, penalty: Penalty = .none,
        clipping: Clipping = .none
    ) {
        self.rule = rule
        self.learningRate = learningRate ?? rule.defaultLearningRate
        self.penalty = penalty
        self.clipping = clipping
    }
}

/// An optimizer's saved state: the step count and every slot tensor, named
/// `layers.0.weight.exp_avg` and so on.
public struct OptimizerState: Codable, Equatable, Sendable {
    /// Steps taken.
    public var step: Int
    /// Slot tensors.
    public var tensors: [NamedTensor]
}
