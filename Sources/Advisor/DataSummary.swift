import Spec

/// What the advisor needs to know about the data: the rulebook's symbols and the linear probe.
///
/// A plain value so the advisor does not depend on how the data layer profiles a CSV: the
/// caller maps its profile to this. Symbols follow the rulebook: `Ns` training rows, `Ni`
/// encoded inputs (one-hot columns counted), `No` outputs (classes for multiclass, 1 for binary
/// and for single-target regression).
public struct DataSummary: Sendable, Equatable, Codable {
    /// Classification or regression.
    public var task: TaskKind
    /// `Ns`: rows in the training split.
    public var trainingRows: Int
    /// `Ni`: input width after encoding (one-hot columns and missing-value indicators counted).
    public var inputs: Int
    /// `No`: output width (classes for multiclass, 1 for binary and regression).
    public var outputs: Int
    /// Training rows per class label (classification); empty for regression.
    public var classCounts: [String: Int]
    /// The linear model fitted on the training split (DEPTH-LINEAR).
    public var linearProbe: LinearProbeSummary
    /// Inputs that are scaled numeric columns.
    public var numericInputs: Int
    /// Inputs that are one-hot columns of categorical features.
    public var oneHotInputs: Int
    /// Inputs from the learned embeddings of categories above ENC-ONEHOT-MAX: the sum of their
    /// dimensions (ENC-EMBED-SIZE).
    public var embeddedInputs: Int
    /// Floats in the embedding tables (levels x dimension, summed): trained parameters outside
    /// the layers, counted in the design's parameters and its memory (BATCH-MEMORY).
    public var embeddingParameters: Int
    /// Whether any input column had missing values.
    public var hasMissingValues: Bool
    /// The regression target's transform as the data layer chose it (ENC-TARGET-LOG) and its
    /// training values' skewness; nil for classification or when unknown.
    public var targetTransform: TargetTransformChoice? = nil
    /// How the data layer encoded number inputs (ENC-NUMERIC-PLE) and its probe's scores; nil
    /// when unknown.
    public var numericEncoding: NumericEncodingChoice? = nil

    /// A summary of the data.
    /// - Parameters:
    ///   - task: classification or regression.
    ///   - trainingRows: `Ns`, >= 1.
    ///   - inputs: `Ni`, >= 1.
    ///   - outputs: `No`, >= 1.
    ///   - classCounts: training rows per class label (default empty: regression).
    ///   - linearProbe: the linear probe's results (default: unknown).
    ///   - numericInputs: numeric inputs (default: all of `inputs`).
    ///   - oneHotInputs: one-hot inputs (default 0).
    ///   - embeddedInputs: embedding inputs (default 0).
    ///   - embeddingParameters: floats in the embedding tables (default 0).
    ///   - hasMissingValues: whether inputs had missing values (default false).
    public init(
        task: TaskKind, trainingRows: Int, inputs: Int, outputs: Int,
        classCounts: [String: Int] = [:], linearProbe: LinearProbeSummary = LinearProbeSummary(),
        numericInputs: Int? = nil, oneHotInputs: Int = 0, embeddedInputs: Int = 0,
        embeddingParameters: Int = 0, hasMissingValues: Bool = false
    ) {
        self.task = task
        self.trainingRows = trainingRows
        self.inputs = inputs
        self.outputs = outputs
        self.classCounts = classCounts
        self.linearProbe = linearProbe
        self.numericInputs = numericInputs ?? max(0, inputs - oneHotInputs - embeddedInputs)
        self.oneHotInputs = oneHotInputs
        self.embeddedInputs = embeddedInputs
        self.embeddingParameters = embeddingParameters
        self.hasMissingValues = hasMissingValues
    }

    /// Majority over minority class count (1 when balanced); nil for regression or one class.
    public var imbalanceRatio: Double? {
        guard let most = classCounts.values.max(), let least = classCounts.values.min(),
            classCounts.count >= 2, least > 0
        else { return nil }
        return Double(most) / Double(least)
    }
}

/// The linear probe of DEPTH-LINEAR: a logistic or least-squares model on the training split.
public struct LinearProbeSummary: Sendable, Equatable, Codable {
    /// Classification: the linear model's accuracy on the training split, 0...1; nil if unknown.
    public var trainingAccuracy: Double?
    /// Classification: whether the training split is linearly separable (accuracy 100%).
    public var separable: Bool
    /// Regression: the ridge model's cross-validated R² on the training split (ENC-NUMERIC-PLE's
    /// probe, the encoding used); nil if unknown.
    public var linearR2: Double?
    /// Regression: the same model with random ReLU features of the inputs beside them
    /// (DEPTH-LINEAR); nil when not measured.
    public var nonlinearR2: Double?

    /// A probe result; every field defaults to "unknown" (nil, not separable).
    public init(
        trainingAccuracy: Double? = nil, separable: Bool? = nil,
        linearR2: Double? = nil, nonlinearR2: Double? = nil
    ) {
        self.trainingAccuracy = trainingAccuracy
        self.separable = separable ?? (trainingAccuracy.map { $0 >= 1.0 } ?? false)
        self.linearR2 = linearR2
        self.nonlinearR2 = nonlinearR2
    }
}
