/// `advisor:` — the rulebook's **proposed** thresholds, in one place, each overridable from the
/// spec. No source fixes these numbers; they are starting values.
public struct AdvisorSettings: Sendable, Equatable {
    /// SIZE-CAPACITY: alpha in Ns / (alpha * (Ni + No)), 2...10. Default 2 (the upper bound).
    public var capacityAlpha: Double = 2
    /// DEPTH-LOW / DEPTH-HIGH: inputs above this count as "many dimensions". Default 32.
    public var depthHighInputs: Int = 32
    /// DEPTH-HIGH: inputs up to this get 3 hidden layers. Default 128.
    public var depthThreeLayersUpTo: Int = 128
    /// DEPTH-HIGH: inputs up to this get 4 hidden layers (5 beyond). Default 512.
    public var depthFourLayersUpTo: Int = 512
    /// DEPTH-LINEAR (regression): a cross-validated ridge R² within this of the same model's
    /// with random ReLU features counts as linear. Default 0.
    public var linearR2Margin: Double = 0
    /// DEPTH-NO-SIGNAL: a cross-validated linear model lifting the score less than this
    /// above the trivial prediction (accuracy points as a fraction, or R²) gets no hidden
    /// layer. Default 0.05, calibrated on the quality suite (`Benchmarks/quality-results.md`).
    public var signalMinimumLift: Double = 0.05
    /// SIZE-FLOOR: the rules' hidden widths are at least this; 0 turns it off. Default 128,
    /// calibrated on the quality suite (`Benchmarks/quality-results.md`).
    public var widthFloor: Int = 128
    /// ENSEMBLE-SMALL-DATA: average this many members when `auto`. Default 5, calibrated on
    /// the quality suite (`Benchmarks/quality-results.md`).
    public var ensembleMembers: Int = 5
    /// ENSEMBLE-SMALL-DATA: members x training rows at most this (the cost grows with the
    /// rows; the variance averaging removes shrinks). Default 100,000, BATCH-LARGE-DATA's
    /// threshold: an ensemble passes over no more rows than one network on large data.
    public var ensembleRowBudget: Int = 100_000
    /// ACT-HIDDEN-DEEP: Swish from this many hidden layers. Default 6.
    public var swishFromLayers: Int = 6
    /// BN-DEEP: batch normalisation from this many hidden layers. Default 3.
    public var batchNormFromLayers: Int = 3
    /// BATCH-SMALL-DATA: batch 32 below this many training rows. Default 10,000.
    public var smallDataRows: Int = 10_000
    /// BATCH-LARGE-DATA: batch 256 from this many rows. Default 100,000.
    public var batch256Rows: Int = 100_000
    /// BATCH-LARGE-DATA: batch 512 from this many rows. Default 1,000,000.
    public var batch512Rows: Int = 1_000_000
    /// BATCH-NOT-TOO-SMALL: the smallest batch the advisor picks. Default 8.
    public var minimumBatch: Int = 8
    /// BATCH-MEMORY: memory budget for one batch's activations and gradients, in MiB. Default 1024.
    public var batchMemoryMiB: Double = 1024
    /// BATCH-MEMORY: memory budget of the whole training state (parameters, gradients,
    /// optimizer state, the best epoch's copy, one batch's activations), in MiB; never above
    /// 80% of the machine's memory. Default 8192.
    public var memoryBudgetMiB: Double = 8192
    /// EPOCHS-BY-SIZE: optimizer steps to aim at. Default 20,000.
    public var targetSteps: Int = 20_000
    /// EPOCHS-BY-SIZE: fewest epochs. Default 10.
    public var minimumEpochs: Int = 10
    /// EPOCHS-BY-SIZE: most epochs. Default 500.
    public var maximumEpochs: Int = 500
    /// REG-DROPOUT: dropout when parameters exceed this multiple of Ns. Default 1.
    public var dropoutParameterRatio: Double = 1
    /// EARLY-STOP: patience in epochs. Default 10.
    public var earlyStoppingPatience: Int = 10
    /// EARLY-STOP-STEPS: patience of at least this many optimizer steps (at most 5x
    /// `earlyStoppingPatience` epochs); 0 turns it off. Default 500, calibrated on the quality
    /// suite (`Benchmarks/quality-results.md`).
    public var patienceMinimumSteps: Int = 500
    /// EARLY-STOP: minimum improvement of validation loss. Default 1e-4.
    public var earlyStoppingMinDelta: Double = 1e-4
    /// SIZE-PRUNE: a unit is dead below this fraction of its layer's median weight norm.
    /// Default 0.01.
    public var pruneFraction: Double = 0.01
    /// ENC-ONEHOT-MAX: a category with at most this many training levels is one-hot encoded;
    /// above it, a learned embedding (ENC-EMBED-SIZE).
    public var oneHotMaxLevels: Int = 16
    /// ENC-RARE-OTHER: levels of an embedded category seen on fewer training rows than this
    /// share one "other" level (which also takes levels unseen in training).
    public var rareLevelMinimumCount: Int = 10
    /// ENC-EMBED-SIZE: the largest embedding dimension (fastai's 600).
    public var embeddingMaxDimension: Int = 600

    public init() {}
}
