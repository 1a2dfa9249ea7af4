import Spec

/// Every threshold the DIAG-* detectors and SIZE-PRUNE use, in one configurable place.
///
/// The rulebook marks all of these **proposed**: no source fixes them. Defaults are the
/// rulebook's numbers; where the rulebook leaves a value open ("by a margin", "most steps",
/// "steadily") the default is ours and says so. The factors at the end size the spec edits the
/// findings propose.
public struct CurveThresholds: Codable, Sendable, Equatable {
    // MARK: Signals

    /// EMA smoothing factor for per-step signals, bias-corrected. Default 0.98.
    public var emaBeta: Double = 0.98
    /// The window is this fraction of the points at the end of a curve. Default 0.10.
    public var windowFraction: Double = 0.10
    /// The window holds at least this many points. Default 5.
    public var windowMinimum: Int = 5
    /// Per-step losses are used (EMA-smoothed) instead of per-epoch means when at least this many
    /// are recorded; a 0.98 EMA lags by about 50 points, so short series use the epoch means.
    /// Default 200 (ours).
    public var minimumStepsForStepSignals: Int = 200

    // MARK: DIAG-EXPLODING

    /// Loss jumps above this multiple of its running minimum. Default 4.
    public var explodingLossFactor: Double = 4
    /// A layer's gradient norm above this multiple of its running median. Default 10.
    public var explodingGradientFactor: Double = 10
    /// The global gradient norm counted as large. Default 1.0.
    public var largeGradientNorm: Double = 1.0
    /// "Most steps": the fraction of steps with a large gradient norm that fires. Default 0.5
    /// (ours: more than half).
    public var largeGradientFraction: Double = 0.5
    /// Running medians need this many earlier values before a spike counts. Default 3 (ours).
    public var explodingMinimumHistory: Int = 3
    /// Large gradient norms count only while the updates are not negligible: the median
    /// update-to-weight ratio of the last epoch at least this. Large gradients with tiny steps
    /// mean a rate far too low (DIAG-FLAT), not an explosion. Default 1e-4 (ours; Karpathy's
    /// healthy ratio is about 1e-3).
    public var explodingMinimumUpdateRatio: Double = 1e-4

    // MARK: DIAG-VANISHING

    /// First-layer / last-layer gradient-norm ratio below this. Default 1e-3.
    public var vanishingRatio: Double = 1e-3
    /// Any layer's gradient norm below this. Default 1e-7.
    public var vanishingFloor: Double = 1e-7

    // MARK: DIAG-DEAD-RELU

    /// Warning when more than this fraction of a ReLU layer's units never fire. Default 0.10.
    public var deadReLUWarning: Double = 0.10
    /// Error from this fraction. Default 0.40.
    public var deadReLUError: Double = 0.40

    // MARK: DIAG-OSCILLATING

    /// Coefficient of variation of the detrended window above this. Default 0.1.
    public var oscillationVariation: Double = 0.1
    /// ...together with a drop between the window's halves under this fraction. Default 0.01.
    public var oscillationMaximumDrop: Double = 0.01
    /// Or sign changes of the step-to-step difference in more than this fraction. Default 0.6.
    public var oscillationSignChanges: Double = 0.6
    /// Sign changes only count when the mean absolute change is at least this fraction of the
    /// window's mean loss; ignores noise on a converged plateau. Default 0.02 (ours).
    public var oscillationMinimumAmplitude: Double = 0.02

    // MARK: DIAG-SLOW

    /// Total drop in the first half of training under this fraction. Default 0.20.
    public var slowFirstHalfDrop: Double = 0.20
    /// "Still falling steadily": at least this fraction of epoch-to-epoch changes are decreases.
    /// Default 0.8 (ours).
    public var slowSteadyFraction: Double = 0.8

    // MARK: DIAG-NOT-CONVERGED

    /// Still improving more than this fraction across the window at the last epoch.
    /// Default 0.01.
    public var notConvergedImprovement: Double = 0.01

    // MARK: DIAG-FLAT

    /// Checked from this fraction of the steps on. Default 0.05.
    public var flatAfterFraction: Double = 0.05
    /// Loss within this fraction of its first value. Default 0.01.
    public var flatTolerance: Double = 0.01

    // MARK: DIAG-OVERFIT

    /// Validation loss above this multiple of its minimum... Default 1.05.
    public var overfitFactor: Double = 1.05
    /// ...and above its minimum by this many standard errors of a mean over the validation
    /// rows, taking per-row losses to spread about as widely as their mean (cross-entropy's
    /// usual case): the factor is at least `1 + overfitStandardErrors / sqrt(rows)`. 23 rows
    /// (iris's 15%) need a 42% rise, 400 rows 10%; from 1,600 rows the 5% above decides.
    /// Default 2 (ours).
    public var overfitStandardErrors: Double = 2
    /// ...for this many evaluations or more. Default 3.
    public var overfitEvaluations: Int = 3
    /// DIAG-OVERFIT: the epochs after the validation minimum it reads (EARLY-STOP's proposed
    /// patience), so a longer patience (EARLY-STOP-STEPS) does not by itself make a run look
    /// overfitted: the tail it adds is what early stopping cuts off. Without early stopping the
    /// whole curve is read. Default 10.
    public var overfitWindow: Int = 10

    // MARK: DIAG-UNDERFIT

    /// Training score no better than the trivial baseline plus this margin (accuracy or R²
    /// points). Default 0.05 (ours).
    public var underfitMargin: Double = 0.05
    /// "High" training loss: at least this fraction of the trivial baseline's loss. Default 0.9
    /// (ours).
    public var underfitLossFraction: Double = 0.9

    // MARK: DIAG-INITIAL-LOSS

    /// Relative gap between the first-batch loss and ln C above this. Default 1.5 (ours; the
    /// rulebook proposes 0.5): Glorot-initialised softmax outputs on standardised inputs start
    /// with logits of standard deviation 1 to 1.5, a first loss of ln C + var / 2, which is a
    /// relative gap of 0.5 to 1.1 for three classes on perfectly healthy runs. 1.5 still
    /// catches what the rule is for: mislabelled targets and broken initialisations, whose
    /// first loss is several times ln C.
    public var initialLossGap: Double = 1.5

    // MARK: DIAG-CONTRADICTION

    /// A class's recall stays 0 for this many evaluations or more. Default 3.
    public var zeroRecallEvaluations: Int = 3

    // MARK: SIZE-PRUNE

    /// A unit is dead when its incoming and outgoing norms are below this fraction of the
    /// layer's medians. Default 0.01 (the spec's `advisor.prune_fraction`).
    public var pruneFraction: Double = 0.01

    // MARK: Sizes of the proposed edits

    /// Divide the learning rate by this when it is too high. Default 3.
    public var learningRateDecrease: Double = 3
    /// Multiply the learning rate by this when training is slow. Default 3.
    public var learningRateIncrease: Double = 3
    /// Multiply the learning rate by this when the loss is flat (rate far too low). Default 10.
    public var flatLearningRateIncrease: Double = 10
    /// Multiply the epochs by this when not converged. Default 2.
    public var epochMultiplier: Double = 2
    /// The clipnorm to add (CLIP-DEFAULTS). Default 1.0.
    public var clipNorm: Double = 1.0
    /// The dropout rate to add against overfitting (REG-DROPOUT range 0.1...0.5). Default 0.2.
    public var dropoutRate: Double = 0.2
    /// The L2 strength to add against overfitting (REG-L2-RANGE). Default 1e-4.
    public var l2Strength: Double = 1e-4
    /// Multiply hidden widths by this when underfitting. Default 2.
    public var widthMultiplier: Double = 2

    /// The rulebook's defaults.
    public init() {}

    /// The defaults, with the spec's `advisor:` overrides that concern diagnostics
    /// (`prune_fraction`).
    public init(spec: NetworkSpec) {
        self.init()
        pruneFraction = spec.advisor.pruneFraction
    }

    /// The number of points at the end of a curve of `count` points that form the window:
    /// `max(windowMinimum, ceil(windowFraction * count))`, at most `count`.
    public func windowLength(count: Int) -> Int {
        let fractional = Int((windowFraction * Double(count)).rounded(.up))
        return min(count, max(windowMinimum, fractional))
    }
}
