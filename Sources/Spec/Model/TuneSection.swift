/// `tune:` — what `layerwise tune` searches and how it scores trials. `train` ignores it.
public struct TuneSection: Sendable, Equatable {
    /// Trials the study ends at (trial 0 is the zero-trial design). Default 20.
    public var trials: Int = 20
    /// Stop starting trials after this many seconds (`10m`, `90s`, `2h`); nil: no limit.
    public var timeout: Double? = nil
    /// The validation score a trial is ranked by; `auto`: accuracy (classification) or R²
    /// (regression).
    public var metric: Setting<TuneMetric> = .auto
    /// Whether lower or higher is better; `auto`: the metric's own (loss, rmse and mae lower).
    public var direction: Setting<TuneDirection> = .auto
    /// Stratified k-fold cross-validation of every trial on the non-test rows; nil: the spec's
    /// validation split.
    public var folds: Int? = nil
    /// Successive halving (ASHA) on the validation loss each epoch. Default true.
    public var pruning: Bool = true
    /// Ranges that replace the advisor's, by spec key path (`training.learning_rate`).
    public var space: [String: SpaceOverride] = [:]

    public init() {}

    /// The keys `tune.space` may name: the keys tune searches when they are `auto`.
    public static let tunableKeys = [
        "data.numeric_encoding", "model.hidden_layers", "model.neurons", "model.activation",
        "model.batch_norm",
        "model.dropout", "training.learning_rate", "training.batch_size",
        "training.regularization.l2",
    ]
}

/// A validation score `tune` ranks trials by.
public enum TuneMetric: String, Sendable, Equatable, CaseIterable {
    case loss, accuracy
    case macroF1 = "macro_f1"
    case r2, rmse, mae

    /// The direction in which the metric improves.
    public var naturalDirection: TuneDirection {
        switch self {
        case .loss, .rmse, .mae: .minimize
        case .accuracy, .macroF1, .r2: .maximize
        }
    }

    /// Whether the metric exists for the task.
    public func applies(to task: TaskKind) -> Bool {
        switch self {
        case .loss: true
        case .accuracy, .macroF1: task == .classification
        case .r2, .rmse, .mae: task == .regression
        }
    }
}

/// Lower or higher is better.
public enum TuneDirection: String, Sendable, Equatable, CaseIterable {
    case minimize, maximize
}

/// A range of `tune.space` that replaces the advisor's.
public enum SpaceOverride: Sendable, Equatable {
    /// Numbers from `low` to `high`, on a log scale when `log` (nil: the key's usual scale).
    case range(low: Double, high: Double, log: Bool?)
    /// One of these values (YAML scalars as written: `relu`, `64`, `true`).
    case choices([String])
}
