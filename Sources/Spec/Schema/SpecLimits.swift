/// The largest sizes a spec may ask for: far above any tabular network a CPU trains, and small
/// enough that no size arithmetic overflows and nothing is allocated before the design's memory
/// is checked against the budget (BATCH-MEMORY). `docs/spec.md` states them with each key.
public enum SpecLimits {
    /// Units of one layer (`model.neurons`, `dense.units`): 65,536.
    public static let width = 65_536
    /// Hidden layers (`model.hidden_layers`, entries of `model.neurons`): 64.
    public static let hiddenLayers = 64
    /// Entries of `model.layers` (a hidden layer is up to four: dense, batch norm, activation,
    /// dropout): 512.
    public static let layers = 512
    /// Pieces of a maxout unit: 16.
    public static let maxoutPieces = 16
    /// Members of an ensemble (`training.ensemble`): 20. Each is a full network in memory
    /// and in the model file.
    public static let ensembleMembers = 20
    /// Rows per optimizer step: 1,048,576.
    public static let batchSize = 1 << 20
    /// Epochs, and any count of epochs (patience, warmup, step size): 1,000,000.
    public static let epochs = 1_000_000
    /// Trials of one study (`tune.trials`, `--trials`): 10,000.
    public static let tuneTrials = 10_000
    /// Folds of `tune.cv`: 2 to 20.
    public static let tuneFolds = 20
    /// Seconds of `tune.timeout` / `--timeout`: 30 days.
    public static let tuneTimeoutSeconds = 30.0 * 24 * 3600
}
