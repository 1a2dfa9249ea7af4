/// A loaded spec (spec language version 1): a user's partial spec or a complete network config.
///
/// One schema serves both: in a user's spec most choices may be `auto` (or absent); in the
/// complete config that `layerwise generate` writes nothing is `auto` (except
/// `training.learning_rate`, which the range test resolves) and `model.layers` lists every layer.
public struct NetworkSpec: Sendable, Equatable {
    /// Spec language version; only 1 exists.
    public var version: Int = 1
    /// The experiment's name: names the run folder. Default: the spec file's base name.
    public var name: String
    /// The file this spec was loaded from (as the user named it), or nil when built in code.
    public var sourcePath: String?
    /// Where the data is and how to read and split it.
    public var data: DataSection
    /// classification or regression; `auto` lets the target column decide.
    public var task: Setting<TaskKind> = .auto
    /// The network's shape.
    public var model: ModelSection = ModelSection()
    /// How to train it.
    public var training: TrainingSection = TrainingSection()
    /// Overrides of the advisor's proposed thresholds.
    public var advisor: AdvisorSettings = AdvisorSettings()
    /// What `layerwise tune` searches (ignored by `train`).
    public var tune: TuneSection = TuneSection()
    /// Where each key the user wrote stands, by dotted key path (`model.hidden_layers`,
    /// `model.layers[2].dense.units`). Lets later stages point at the user's text.
    public var locations: [String: SourceLocation] = [:]

    public init(name: String, data: DataSection) {
        self.name = name
        self.data = data
    }

    /// The location of the value at `keyPath`, if the user wrote it.
    public func location(of keyPath: String) -> SourceLocation? { locations[keyPath] }

    // Locations are provenance, not content: two specs that say the same are equal.
    public static func == (lhs: NetworkSpec, rhs: NetworkSpec) -> Bool {
        lhs.version == rhs.version && lhs.name == rhs.name && lhs.data == rhs.data
            && lhs.task == rhs.task && lhs.model == rhs.model && lhs.training == rhs.training
            && lhs.advisor == rhs.advisor && lhs.tune == rhs.tune
    }
}

/// What to predict.
public enum TaskKind: String, Sendable, Equatable, Codable, CaseIterable {
    case classification
    case regression
}

/// A regression target's transform for training (ENC-TARGET-LOG).
public enum TargetTransform: String, Sendable, Equatable, Codable, CaseIterable {
    /// The target as it is (standardised).
    case none
    /// Its natural log (standardised); predictions are `exp`, times Duan's smearing factor.
    case log

    /// ENC-TARGET-LOG: `auto` takes the log above this skewness (proposed: 1, a "highly
    /// skewed" distribution by the usual rule of thumb).
    public static let logSkewnessThreshold = 1.0
}

/// How number input columns are encoded (ENC-NUMERIC-PLE).
public enum NumericEncoding: String, Sendable, Equatable, Codable, CaseIterable {
    /// Standardised: `(x - mean) / sd` of the training split.
    case standard
    /// Standardised, and beside it the piecewise-linear encoding over the column's training
    /// quantile bins (Gorishniy et al. 2022).
    case piecewiseLinear = "piecewise_linear"

    /// ENC-NUMERIC-PLE: bins per column, at the training quantiles k / 8 (repeated edges
    /// merged; a column with fewer than two bins stays standardised).
    public static let bins = 8
}

/// The number encoding the data layer chose (ENC-NUMERIC-PLE), with the evidence: the
/// cross-validated score of a ridge model on the training split with standardised inputs
/// only and with the bins beside them.
public struct NumericEncodingChoice: Sendable, Equatable, Codable {
    /// The encoding used.
    public var encoding: NumericEncoding
    /// Number columns that have bins under `piecewise_linear` (two or more distinct quantile
    /// edges apart); 0 means the choice could not matter.
    public var binnableColumns: Int
    /// The ridge model's mean score over the folds with standardised inputs (R² for
    /// regression, accuracy for classification); nil when the probe did not run.
    public var standardScore: Double?
    /// The same with the bins beside them (nil when no column has bins to try, or the spec
    /// fixes `standard`).
    public var binnedScore: Double?
    /// The score of predicting without the inputs, on the same rows: the majority class's
    /// share (classification) or 0 (regression, R² of the mean). DEPTH-NO-SIGNAL compares the
    /// linear score with it.
    public var trivialScore: Double? = nil
    /// Regression: the ridge model of the encoding used with random ReLU features of the
    /// standardised inputs beside it (DEPTH-LINEAR: do interactions and bends a network could
    /// learn add anything?); nil for classification, or when not measured.
    public var nonlinearScore: Double? = nil
    /// Why the probe did not run, when it did not (fixed in the spec, no binnable column,
    /// too wide, too few rows).
    public var note: String?
    /// ENC-NUMERIC-EQUAL's choice: nil when no pair of number columns is equal often enough
    /// to try (or the spec turns the indicators off).
    public var equalities: EqualityChoice? = nil

    /// The rule's ID.
    public static let rule = "ENC-NUMERIC-PLE"

    /// The choice and its evidence in a line, for the config's comment and `recommend`.
    public var why: String {
        if note == nil, let standard = standardScore, let binned = binnedScore {
            let scores =
                "ridge \(Self.folds)-fold score \(NumberText.evidence(binned)) with bins, "
                + "\(NumberText.evidence(standard)) without"
            return encoding == .piecewiseLinear
                ? "\(scores): bins on \(binnableColumns) number column"
                    + (binnableColumns == 1 ? "" : "s")
                : "\(scores): standardised numbers"
        }
        return (note ?? "not measured") + ": "
            + (encoding == .piecewiseLinear
                ? "bins on every number column" : "standardised numbers")
    }

    /// Folds of the probe's cross-validation (`NumericEncodingRule.folds`).
    public static let folds = 5

    public init(
        encoding: NumericEncoding, binnableColumns: Int, standardScore: Double? = nil,
        binnedScore: Double? = nil, trivialScore: Double? = nil, note: String? = nil
    ) {
        self.encoding = encoding
        self.binnableColumns = binnableColumns
        self.standardScore = standardScore
        self.binnedScore = binnedScore
        self.trivialScore = trivialScore
        self.note = note
    }

    /// The cross-validated ridge score of the encoding used (with bins when it has them, and
    /// the equality indicators when they stay); nil when the probe did not run.
    public var linearScore: Double? {
        if let equalities, equalities.kept, let score = equalities.withScore { return score }
        return encoding == .piecewiseLinear && binnableColumns > 0 ? binnedScore : standardScore
    }
}

/// ENC-NUMERIC-EQUAL's choice: the pairs of number columns found equal far more often than
/// chance, whether their indicators stay, and the ridge probe's evidence.
public struct EqualityChoice: Sendable, Equatable, Codable {
    /// The indicators tried, as `a == b`, most frequent first.
    public var pairs: [String]
    /// Whether they are inputs of the network.
    public var kept: Bool
    /// The ridge model's cross-validated score with the encoding chosen for the numbers and
    /// the indicators beside it; nil when the probe did not run.
    public var withScore: Double?
    /// The same without the indicators.
    public var withoutScore: Double?
    /// The standard error of the gain (with minus without) over the folds: the indicators
    /// stay under `auto` when the gain is above it.
    public var gainStandardError: Double?
    /// Why the probe did not decide, when it did not (set in the spec, probe not run).
    public var note: String?

    /// The rule's ID.
    public static let rule = "ENC-NUMERIC-EQUAL"

    public init(
        pairs: [String], kept: Bool, withScore: Double? = nil, withoutScore: Double? = nil,
        gainStandardError: Double? = nil, note: String? = nil
    ) {
        self.pairs = pairs
        self.kept = kept
        self.withScore = withScore
        self.withoutScore = withoutScore
        self.gainStandardError = gainStandardError
        self.note = note
    }

    /// The choice and its evidence in a line, for the config's comment and `recommend`.
    public var why: String {
        let listed =
            pairs.prefix(3).joined(separator: ", ") + (pairs.count > 3 ? ", ..." : "")
        let what =
            kept
            ? "\(pairs.count) indicator\(pairs.count == 1 ? "" : "s") (\(listed))"
            : "no indicators (\(pairs.count) pair\(pairs.count == 1 ? "" : "s") tried: \(listed))"
        if note == nil, let with = withScore, let without = withoutScore {
            let error = gainStandardError.map {
                " (standard error " + NumberText.evidence($0) + ")"
            }
            return "ridge \(NumericEncodingChoice.folds)-fold score "
                + "\(NumberText.evidence(with)) with, \(NumberText.evidence(without)) without"
                + (error ?? "") + ": " + what
        }
        return (note ?? "not measured") + ": " + what
    }
}

/// The transform the data layer chose for a regression target (ENC-TARGET-LOG), with the
/// training values' skewness that decided it (nil when it cannot be computed).
public struct TargetTransformChoice: Sendable, Equatable, Codable {
    public var transform: TargetTransform
    public var skewness: Double?

    public init(transform: TargetTransform, skewness: Double?) {
        self.transform = transform
        self.skewness = skewness
    }
}

/// `data:` — the CSV, its target, which columns to use, and the split.
public struct DataSection: Sendable, Equatable {
    /// The CSV path as written in the spec (relative to the spec file's folder).
    public var path: String
    /// `path` resolved against the spec file's folder.
    public var resolvedPath: String
    /// The column to predict.
    public var target: String
    /// Input columns, listed explicitly; nil means every column but the target and `ignore`.
    public var features: [String]?
    /// Columns to drop.
    public var ignore: [String] = []
    /// Columns forced to be categorical (e.g. integer-coded categories).
    public var categorical: [String] = []
    /// A column that identifies rows: excluded from the inputs, copied into predictions.
    public var idColumn: String?
    /// Field delimiter; nil detects comma, semicolon or tab.
    public var delimiter: Character?
    /// Field texts that mean "missing".
    public var missingValues: [String] = DataSection.defaultMissingValues
    /// The train / validation / test split.
    public var split: SplitSection = SplitSection()
    /// How a regression target is transformed for training (ENC-TARGET-LOG); `auto` takes
    /// the log of a positive, right-skewed target.
    public var targetTransform: Setting<TargetTransform> = .auto
    /// How number inputs are encoded (ENC-NUMERIC-PLE); `auto` adds piecewise-linear bins
    /// when a linear model on the training split cross-validates better with them.
    public var numericEncoding: Setting<NumericEncoding> = .auto
    /// Whether pairs of number columns that are often exactly equal get a 0/1 column "equal on
    /// this row" (ENC-NUMERIC-EQUAL); `auto` keeps them when a linear model on the training
    /// split cross-validates better with them, by more than the gain's standard error.
    public var equalityIndicators: Setting<Bool> = .auto

    /// The default missing-value markers.
    public static let defaultMissingValues = ["", "NA", "N/A", "NaN", "null", "?"]

    public init(path: String, resolvedPath: String, target: String) {
        self.path = path
        self.resolvedPath = resolvedPath
        self.target = target
    }
}

/// `data.split:` — fractions of the rows held out, and whether classes keep their proportions.
public struct SplitSection: Sendable, Equatable {
    /// Fraction of rows for validation (early stopping, diagnostics). Default 0.15.
    public var validation: Double = 0.15
    /// Fraction of rows for the final test score. Default 0.15.
    public var test: Double = 0.15
    /// Keep class proportions in every split (classification only). Default `auto`: yes for
    /// classification.
    public var stratify: Setting<Bool> = .auto

    public init() {}
}
