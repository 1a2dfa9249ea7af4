import Engine
import Spec

/// A complete config that the engine cannot build, and which key to change.
public enum BuildError: Error, CustomStringConvertible, Equatable {
    /// A choice is still `auto`: the advisor resolves it first.
    case unresolved(keyPath: String)
    /// A value the engine cannot use here.
    case unsupported(keyPath: String, message: String)

    public var description: String {
        switch self {
        case .unresolved(let keyPath):
            "error: \(keyPath): still `auto` in a config that should be complete\n"
                + "  hint: run the spec through the advisor (`layerwise generate`) first"
        case .unsupported(let keyPath, let message):
            "error: \(keyPath): \(message)"
        }
    }
}

/// Instantiates a complete network config (the advisor's or a generated file) in the engine.
///
/// The config's `model.layers` map one to one onto the engine's layers; the `training:`
/// section onto its loss, optimizer, schedule, clipping, penalties and early stopping.
public struct NetworkBuilder: Sendable {
    /// The complete config.
    public let config: ResolvedConfig
    /// Input width after encoding: columns of the encoded rows (an embedded category's code
    /// is one column).
    public let inputWidth: Int
    /// The embedded code columns of the input (ENC-EMBED-SIZE); empty for numeric inputs only.
    public let embeddings: [EmbeddingInput]

    /// - Parameters:
    ///   - config: a complete config (`learning_rate` may be open, resolved by the range test).
    ///   - inputWidth: the encoded input width.
    ///   - embeddings: the embedded code columns (default none: `inputWidth` is Ni).
    public init(config: ResolvedConfig, inputWidth: Int, embeddings: [EmbeddingInput] = []) {
        self.config = config
        self.inputWidth = inputWidth
        self.embeddings = embeddings
    }

    /// The engine's model description: every layer of `model.layers`, in order.
    ///
    /// `training.regularization.max_norm` applies to each dense layer without its own
    /// `max_norm` (OVERFIT-RECIPE-MLP).
    public func modelDescription() -> ModelDescription {
        let sharedMaxNorm = config.regularization.maxNorm
        let described = config.layers.map { layer -> LayerDescription in
            switch layer {
            case .dense(let dense):
                .dense(
                    units: dense.units, initializer: Self.initializer(dense.initializer),
                    useBias: dense.bias, maxNorm: (dense.maxNorm ?? sharedMaxNorm).map(Float.init))
            case .batchNorm(let momentum, let epsilon):
                .batchNorm(momentum: Float(momentum), epsilon: Float(epsilon))
            case .activation(let function):
                .activation(Self.activation(function))
            case .dropout(let rate):
                .dropout(rate: Float(rate))
            }
        }
        return ModelDescription(inputWidth: inputWidth, embeddings: embeddings, layers: described)
    }

    /// The engine's training configuration.
    /// - Parameters:
    ///   - learningRate: the rate to use (the config's, or the range test's when it is `auto`).
    ///   - stepsPerEpoch: optimizer steps in one epoch (for warmup).
    ///   - classWeights: per-class loss weights by class index, or nil.
    public func trainingConfiguration(
        learningRate: Double, stepsPerEpoch: Int, classWeights: [Float]?
    ) throws(BuildError) -> TrainingConfiguration {
        let early = config.earlyStopping.map { stopping in
            EarlyStopping(
                patience: stopping.patience, minDelta: stopping.minDelta,
                restoreBestWeights: stopping.restoreBest)
        }
        return TrainingConfiguration(
            epochs: config.epochs, loss: Self.loss(config.loss), classWeights: classWeights,
            optimizer: try optimizer(learningRate: learningRate),
            schedule: schedule(stepsPerEpoch: stepsPerEpoch), earlyStopping: early)
    }

    /// The optimizer: update rule, rate, penalty and clipping.
    public func optimizer(learningRate: Double) throws(BuildError) -> OptimizerDescription {
        let optimizer = config.optimizer
        let weightDecay = Float(config.weightDecay)
        let rule: UpdateRule
        switch optimizer {
        case .sgd(let momentum, let nesterov):
            rule = .sgd(momentum: Float(momentum), nesterov: nesterov)
        case .adam(let beta1, let beta2, let epsilon):
            rule = .adam(beta1: Float(beta1), beta2: Float(beta2), epsilon: Float(epsilon))
        case .adamw(let beta1, let beta2, let epsilon):
            rule = .adamW(
                beta1: Float(beta1), beta2: Float(beta2), epsilon: Float(epsilon),
                weightDecay: weightDecay)
        case .rmsprop(let alpha, let epsilon, let momentum):
            rule = .rmsprop(alpha: Float(alpha), epsilon: Float(epsilon), momentum: Float(momentum))
        case .adagrad(let epsilon, let initialAccumulator):
            rule = .adagrad(epsilon: Float(epsilon), initialAccumulator: Float(initialAccumulator))
        }
        var penalty: Penalty
        switch config.regularization.penalty {
        case .none: penalty = .none
        case .l1(let lambda): penalty = .l1(Float(lambda))
        case .l2(let lambda): penalty = .l2(Float(lambda))
        }
        // Outside AdamW, weight decay is PyTorch's: `decay * w` added to the gradient, the
        // gradient of an L2 penalty of decay / 2.
        if weightDecay > 0, optimizer.name != "adamw" {
            guard case .none = penalty else {
                throw .unsupported(
                    keyPath: SpecKey.weightDecay.path,
                    message:
                        "weight decay with \(optimizer.name) is an L2 penalty, and "
                        + "`training.regularization` sets one already; keep one of them "
                        + "(REG-L1-XOR-L2), or use adamw for decoupled decay")
            }
            penalty = .l2(weightDecay / 2)
        }
        let clipping: Clipping
        switch config.gradientClipping {
        case .none: clipping = .none
        case .clipNorm(let value): clipping = .norm(Float(value))
        case .globalClipNorm(let value): clipping = .globalNorm(Float(value))
        case .clipValue(let value): clipping = .value(Float(value))
        }
        return OptimizerDescription(
            rule: rule, learningRate: Float(learningRate), penalty: penalty, clipping: clipping)
    }

    /// The learning-rate schedule, warmup in steps.
    public func schedule(stepsPerEpoch: Int) -> LearningRateSchedule {
        let schedule = config.schedule
        let kind: ScheduleKind =
            switch schedule.kind {
            case .constant: .constant
            case .step(let stepSize, let gamma): .step(every: stepSize, factor: Float(gamma))
            case .exponential(let gamma): .exponential(factor: Float(gamma))
            case .cosine(let minimumRate): .cosine(minimumRate: Float(minimumRate))
            case .plateau(let factor, let patience, let minDelta):
                .reduceOnPlateau(
                    factor: Float(factor), patience: patience, minDelta: Float(minDelta))
            case .oneCycle(let maxRate, let pctStart):
                .oneCycle(maximumRate: Float(maxRate), warmupFraction: Float(pctStart))
            }
        return LearningRateSchedule(kind, warmupSteps: schedule.warmupEpochs * stepsPerEpoch)
    }

    /// The engine's initialiser for a spec initialiser.
    static func initializer(_ initializer: Spec.Initializer) -> Engine.Initializer {
        switch initializer {
        case .heNormal: .heNormal
        case .heUniform: .heUniform
        case .glorotNormal: .glorotNormal
        case .glorotUniform: .glorotUniform
        case .lecunNormal: .lecunNormal
        case .lecunUniform: .lecunUniform
        }
    }

    /// The engine's activation for a spec activation (`linear` is the identity).
    static func activation(_ function: ActivationFunction) -> Activation {
        switch function {
        case .relu: .relu
        case .leakyReLU(let slope): .leakyReLU(slope: Float(slope))
        case .prelu(let slope): .prelu(initialSlope: Float(slope))
        case .elu(let alpha): .elu(alpha: Float(alpha))
        case .selu: .selu
        case .tanh: .tanh
        case .sigmoid: .sigmoid
        case .swish: .swish
        case .gelu: .gelu
        case .maxout(let pieces): .maxout(pieces: pieces)
        case .softmax: .softmax
        case .linear: .identity
        }
    }

    /// The engine's loss for a spec loss.
    static func loss(_ loss: LossFunction) -> Loss {
        switch loss {
        case .crossEntropy: .softmaxCrossEntropy
        case .binaryCrossEntropy: .binaryCrossEntropy
        case .mse: .meanSquaredError
        case .mae: .meanAbsoluteError
        case .huber(let delta): .huber(delta: Float(delta))
        }
    }
}
