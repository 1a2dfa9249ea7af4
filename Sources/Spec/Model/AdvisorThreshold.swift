/// One proposed threshold of `AdvisorSettings`: its `advisor:` key, the property it sets, its
/// range, the rule that reads it and a one-line doc. The one list every stage reads: the schema
/// (validation, JSON Schema, docs), the decoder, the advisor's tables and the generator.
public struct AdvisorThreshold: Sendable {
    /// The property a threshold sets: whole numbers or real numbers.
    public enum Property: Sendable {
        case integer(WritableKeyPath<AdvisorSettings, Int> & Sendable)
        case number(WritableKeyPath<AdvisorSettings, Double> & Sendable)
    }

    /// The key under `advisor:` (`capacity_alpha`).
    public let key: String
    /// The property it sets.
    public let property: Property
    /// Smallest allowed value.
    public let minimum: Double
    /// Whether `minimum` itself is excluded.
    public let minimumIsExclusive: Bool
    /// Largest allowed value, if any.
    public let maximum: Double?
    /// The rulebook ID that reads it.
    public let ruleID: String
    /// One line: what it controls.
    public let doc: String

    /// The value in `settings`, as a Double.
    public func value(in settings: AdvisorSettings) -> Double {
        switch property {
        case .integer(let path): Double(settings[keyPath: path])
        case .number(let path): settings[keyPath: path]
        }
    }

    /// The rulebook's default.
    public var defaultValue: Double { value(in: AdvisorSettings()) }

    /// Whether `settings` differs from the default here.
    public func isOverridden(in settings: AdvisorSettings) -> Bool {
        value(in: settings) != defaultValue
    }
}

extension AdvisorSettings {
    private static func integer(
        _ key: String, _ path: WritableKeyPath<AdvisorSettings, Int> & Sendable,
        atLeast: Double = 1, atMost: Int? = nil,
        _ rule: String, _ doc: String
    ) -> AdvisorThreshold {
        AdvisorThreshold(
            key: key, property: .integer(path), minimum: atLeast, minimumIsExclusive: false,
            maximum: atMost.map(Double.init), ruleID: rule, doc: doc)
    }

    private static func number(
        _ key: String, _ path: WritableKeyPath<AdvisorSettings, Double> & Sendable,
        minimum: Double, exclusive: Bool = false, maximum: Double? = nil, _ rule: String,
        _ doc: String
    ) -> AdvisorThreshold {
        AdvisorThreshold(
            key: key, property: .number(path), minimum: minimum, minimumIsExclusive: exclusive,
            maximum: maximum, ruleID: rule, doc: doc)
    }

    /// Every proposed threshold, in declaration order.
    public static let thresholds: [AdvisorThreshold] = [
        number(
            "capacity_alpha", \.capacityAlpha, minimum: 2, maximum: 10, "SIZE-CAPACITY",
            "alpha in Ns / (alpha * (Ni + No)), 2..10."),
        integer(
            "depth_high_inputs", \.depthHighInputs, "DEPTH-HIGH",
            "inputs above this count as many dimensions (DEPTH-LOW up to it)."),
        integer(
            "depth_three_layers_up_to", \.depthThreeLayersUpTo, "DEPTH-HIGH",
            "inputs up to this get 3 hidden layers."),
        integer(
            "depth_four_layers_up_to", \.depthFourLayersUpTo, "DEPTH-HIGH",
            "inputs up to this get 4 hidden layers (5 beyond)."),
        number(
            "linear_r2_margin", \.linearR2Margin, minimum: 0, "DEPTH-LINEAR",
            "a cross-validated ridge R² within this of the same with random ReLU features "
                + "counts as linear."),
        number(
            "signal_min_lift", \.signalMinimumLift, minimum: 0, "DEPTH-NO-SIGNAL",
            "a cross-validated linear model lifting the score less than this above the trivial "
                + "prediction gets no hidden layer."),
        integer(
            "width_floor", \.widthFloor, atLeast: 0, atMost: SpecLimits.width, "SIZE-FLOOR",
            "the rules' hidden widths are at least this (0: no floor)."),
        integer(
            "ensemble_members", \.ensembleMembers, atLeast: 1, atMost: SpecLimits.ensembleMembers,
            "ENSEMBLE-SMALL-DATA", "members averaged when training.ensemble is auto."),
        integer(
            "ensemble_row_budget", \.ensembleRowBudget, "ENSEMBLE-SMALL-DATA",
            "members x training rows at most this: as many members as it holds, up to "
                + "ensemble_members (one network when a single one exceeds it)."),
        integer(
            "swish_from_layers", \.swishFromLayers, "ACT-HIDDEN-DEEP",
            "Swish from this many hidden layers."),
        integer(
            "batch_norm_from_layers", \.batchNormFromLayers, "BN-DEEP",
            "batch normalisation from this many hidden layers."),
        integer(
            "small_data_rows", \.smallDataRows, "BATCH-SMALL-DATA",
            "batch 32 below this many training rows."),
        integer(
            "batch256_rows", \.batch256Rows, "BATCH-LARGE-DATA", "batch 256 from this many rows."),
        integer(
            "batch512_rows", \.batch512Rows, "BATCH-LARGE-DATA", "batch 512 from this many rows."),
        integer(
            "minimum_batch", \.minimumBatch, atMost: SpecLimits.batchSize, "BATCH-NOT-TOO-SMALL",
            "the smallest batch the advisor picks."),
        number(
            "batch_memory_mib", \.batchMemoryMiB, minimum: 0, exclusive: true, "BATCH-MEMORY",
            "memory budget of one batch's activations and gradients, in MiB."),
        number(
            "memory_budget_mib", \.memoryBudgetMiB, minimum: 0, exclusive: true, "BATCH-MEMORY",
            "memory budget of training (parameters, gradients, optimizer state, one batch), in "
                + "MiB; at most 80% of the machine's memory."),
        integer(
            "target_steps", \.targetSteps, atMost: 1_000_000_000, "EPOCHS-BY-SIZE",
            "optimizer steps to aim at."),
        integer(
            "minimum_epochs", \.minimumEpochs, atMost: SpecLimits.epochs, "EPOCHS-BY-SIZE",
            "fewest epochs."),
        integer(
            "maximum_epochs", \.maximumEpochs, atMost: SpecLimits.epochs, "EPOCHS-BY-SIZE",
            "most epochs."),
        number(
            "dropout_parameter_ratio", \.dropoutParameterRatio, minimum: 0, exclusive: true,
            "REG-DROPOUT", "dropout when parameters exceed this multiple of Ns."),
        integer(
            "early_stopping_patience", \.earlyStoppingPatience, atMost: SpecLimits.epochs,
            "EARLY-STOP",
            "patience in epochs."),
        integer(
            "patience_min_steps", \.patienceMinimumSteps, atLeast: 0, atMost: SpecLimits.epochs,
            "EARLY-STOP-STEPS",
            "patience of at least this many optimizer steps (at most 5x the patience)."),
        number(
            "early_stopping_min_delta", \.earlyStoppingMinDelta, minimum: 0, "EARLY-STOP",
            "minimum improvement of validation loss."),
        number(
            "prune_fraction", \.pruneFraction, minimum: 0, maximum: 1, "SIZE-PRUNE",
            "a unit is dead below this fraction of its layer's median weight norm."),
        integer(
            "one_hot_max_levels", \.oneHotMaxLevels, atLeast: 2, atMost: 1_000, "ENC-ONEHOT-MAX",
            "a category with at most this many levels is one-hot encoded, above it embedded."),
        integer(
            "rare_level_min_count", \.rareLevelMinimumCount, atMost: 1_000_000, "ENC-RARE-OTHER",
            "levels of an embedded category on fewer training rows share one 'other' level."),
        integer(
            "embedding_max_dimension", \.embeddingMaxDimension, atMost: 4_096, "ENC-EMBED-SIZE",
            "the largest embedding dimension (fastai: 600)."),
    ]

    /// The threshold with this `advisor:` key.
    public static func threshold(named key: String) -> AdvisorThreshold? {
        thresholds.first { $0.key == key }
    }
}
