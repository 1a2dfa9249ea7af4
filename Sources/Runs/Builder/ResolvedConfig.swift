import Spec

/// A complete config with nothing left `auto`: what ``NetworkBuilder`` and the trainer take.
///
/// Made from a ``NetworkSpec`` (the advisor's config, or a generated file) in one place, which
/// names the first key still `auto`; past it nothing asks whether a choice is resolved.
public struct ResolvedConfig: Sendable, Equatable {
    /// The config as written: what the run folder saves.
    public let spec: NetworkSpec
    /// Every layer, input to output (`model.layers`).
    public let layers: [LayerConfig]
    public let loss: LossFunction
    public let optimizer: OptimizerConfig
    /// The base rate; nil for `auto`, which the range test resolves (LR-RANGE-TEST): the one
    /// setting a complete config may leave open.
    public let learningRate: Double?
    public let batchSize: Int
    public let epochs: Int
    /// Nil: off.
    public let earlyStopping: EarlyStoppingConfig?
    public let regularization: Regularization
    public let weightDecay: Double
    public let gradientClipping: GradientClipping
    public let schedule: ScheduleConfig
    public let classWeights: ClassWeights
    public let shuffle: Bool
    public let seed: UInt64

    /// - Parameter config: a complete config. The penalty, weight decay, clipping and class
    ///   weights may be `auto`, meaning off (no advisor runs here to decide them).
    /// - Throws: `BuildError.unresolved` naming the first key still `auto` (in config order).
    public init(_ config: NetworkSpec) throws(BuildError) {
        let training = config.training
        func fixed<Value>(_ setting: Setting<Value>, _ key: SpecKey) throws(BuildError) -> Value {
            guard let value = setting.value else { throw .unresolved(keyPath: key.path) }
            return value
        }
        guard let layers = config.model.layers, !layers.isEmpty else {
            throw .unresolved(keyPath: SpecKey.layers.path)
        }
        spec = config
        self.layers = layers
        loss = try fixed(training.loss, .loss)
        optimizer = try fixed(training.optimizer, .optimizer)
        learningRate = training.learningRate.value
        batchSize = try fixed(training.batchSize, .batchSize)
        epochs = try fixed(training.epochs, .epochs)
        earlyStopping = try fixed(training.earlyStopping, .earlyStopping)
        regularization = training.regularization.value ?? .none
        weightDecay = training.weightDecay.value ?? 0
        gradientClipping = training.gradientClipping.value ?? .none
        schedule = try fixed(training.schedule, .schedule)
        classWeights = training.classWeights.value ?? .none
        shuffle = training.shuffle
        seed = training.seed
    }
}
