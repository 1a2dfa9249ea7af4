import Spec

/// What the user asked of the data: the plain value the spec's `data:` section maps to.
///
/// Every field has the default the spec language documents, so `DataOptions(path:target:)` is a
/// complete description for `layerwise profile data.csv --target COL`.
public struct DataOptions: Sendable, Equatable, Codable {
    /// The CSV file to read.
    public var path: String
    /// The column to predict.
    public var target: String
    /// The input columns, listed explicitly; `nil` uses every column that is not excluded.
    public var features: [String]?
    /// Columns to drop.
    public var ignore: [String]
    /// Columns forced to be categorical (one-hot encoded) whatever their values look like.
    public var categorical: [String]
    /// Field values read as missing (compared after trimming spaces). Default: empty, `NA`,
    /// `N/A`, `NaN`, `null`, `?`.
    public var missingMarkers: [String]
    /// The field delimiter; `nil` detects comma, semicolon or tab from the header line.
    public var delimiter: UInt8?
    /// Fraction of the rows held out for validation (default 0.15).
    public var validationFraction: Double
    /// Fraction of the rows held out for the final test (default 0.15).
    public var testFraction: Double
    /// Stratify the split by class; `nil` means yes for classification (default).
    public var stratify: Bool?
    /// Seed of every random draw of the data layer (split, shuffles, probe).
    public var seed: UInt64
    /// A column that identifies rows (kept out of the inputs, named in predictions).
    public var idColumn: String?
    /// The task, or `auto` to let the target column decide (strings or few distinct integers:
    /// classification; other numbers: regression): the spec's `task`.
    public var task: Setting<TaskKind>
    /// How categories are encoded by their number of levels (ENC-ONEHOT-MAX, ENC-RARE-OTHER,
    /// ENC-EMBED-SIZE): the spec's `advisor:` thresholds, else the rulebook's defaults.
    public var categoryPolicy = CategoryPolicy()
    /// A regression target's transform (ENC-TARGET-LOG; default `auto`).
    public var targetTransform: Setting<TargetTransform> = .auto
    /// How number inputs are encoded (ENC-NUMERIC-PLE; default `auto`).
    public var numericEncoding: Setting<NumericEncoding> = .auto
    /// Indicators of number columns equal on a row (ENC-NUMERIC-EQUAL; default `auto`).
    public var equalityIndicators: Setting<Bool> = .auto
    /// DEPTH-NO-SIGNAL's minimum lift (`advisor.signal_min_lift`, default 0.05): a
    /// classification probe measures the random features only when the linear model lifts
    /// less than this, where they can change the verdict.
    public var signalMinimumLift = AdvisorSettings().signalMinimumLift

    /// The markers read as missing when the spec does not list its own.
    public static let defaultMissingMarkers = ["", "NA", "N/A", "NaN", "null", "?"]

    /// Options for `path` predicting `target`, with every other choice at its default.
    /// - Parameters:
    ///   - path: the CSV file.
    ///   - target: the column to predict.
    ///   - features: explicit input columns (default `nil`: all usable columns).
    ///   - ignore: columns to drop (default none).
    ///   - categorical: columns forced categorical (default none).
    ///   - missingMarkers: values read as missing (default `defaultMissingMarkers`).
    ///   - delimiter: field delimiter byte (default `nil`: detect).
    ///   - validationFraction: validation share (default 0.15).
    ///   - testFraction: test share (default 0.15).
    ///   - stratify: stratify by class (default `nil`: yes for classification).
    ///   - seed: seed of the split and shuffles (default 42).
    ///   - idColumn: a row identifier column (default none).
    ///   - task: the task (default `.auto`).
    public init(
        path: String, target: String, features: [String]? = nil, ignore: [String] = [],
        categorical: [String] = [], missingMarkers: [String] = DataOptions.defaultMissingMarkers,
        delimiter: UInt8? = nil, validationFraction: Double = 0.15, testFraction: Double = 0.15,
        stratify: Bool? = nil, seed: UInt64 = 42, idColumn: String? = nil,
        task: Setting<TaskKind> = .auto
    ) {
        self.path = path
        self.target = target
        self.features = features
        self.ignore = ignore
        self.categorical = categorical
        self.missingMarkers = missingMarkers
        self.delimiter = delimiter
        self.validationFraction = validationFraction
        self.testFraction = testFraction
        self.stratify = stratify
        self.seed = seed
        self.idColumn = idColumn
        self.task = task
    }

    /// The options that only concern reading a CSV (used again when an encoding is reapplied).
    public var csvFormat: CSVFormat {
        CSVFormat(delimiter: delimiter, missingMarkers: missingMarkers)
    }
}

/// How to read a CSV file: the delimiter (or detection) and the missing-value markers.
public struct CSVFormat: Sendable, Equatable, Codable {
    /// The delimiter byte; `nil` detects comma, semicolon or tab from the header line.
    public var delimiter: UInt8?
    /// Field values read as missing, compared after trimming spaces.
    public var missingMarkers: [String]

    /// A format with the given delimiter (default: detect) and markers (default: the standard
    /// list, see `DataOptions.defaultMissingMarkers`).
    public init(
        delimiter: UInt8? = nil, missingMarkers: [String] = DataOptions.defaultMissingMarkers
    ) {
        self.delimiter = delimiter
        self.missingMarkers = missingMarkers
    }
}
