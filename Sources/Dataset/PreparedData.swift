import Random

/// A dataset ready for training: the table, its typing, the split, the fitted encoding and the
/// three encoded splits.
public struct PreparedData: Sendable {
    /// The options it was prepared with.
    public var options: DataOptions
    /// The table as read (forced categorical columns stored as text).
    public var table: DataTable
    /// Column types, roles and the task.
    public var schema: DataSchema
    /// The rows of each split.
    public var split: DataSplit
    /// The encoding, fitted on the training split.
    public var encoding: DataEncoding
    /// Encoded training rows.
    public var training: EncodedRows
    /// Encoded validation rows.
    public var validation: EncodedRows
    /// Encoded test rows.
    public var test: EncodedRows
    /// The generator after the split: continue from it for shuffles (same seed, same run).
    public var generator: SeededGenerator
    /// Notes for the user (e.g. categories seen only in validation).
    public var warnings: [String]

    /// Reads, types, splits and encodes the data described by `options`.
    ///
    /// Steps: `CSVReader.read`, `ColumnTyper.type`, `DataSplit.make` (seeded, stratified for
    /// classification unless `stratify` is false), `DataEncoding.fit` on the training rows, then
    /// the encoding of each split.
    /// - Throws: `DataError`, located where the file is at fault.
    public static func load(_ options: DataOptions) throws -> PreparedData {
        try checkFractions(options)
        let read = try CSVReader.read(path: options.path, format: options.csvFormat)
        let (schema, table) = try ColumnTyper.type(read, options: options)
        var generator = SeededGenerator(seed: options.seed)
        let split = DataSplit.make(
            table: table, schema: schema, validationFraction: options.validationFraction,
            testFraction: options.testFraction,
            stratify: options.stratify ?? (schema.task == .classification),
            generator: &generator)
        if split.training.isEmpty {
            throw DataError(
                .tooFewRows, path: options.path,
                message: "no row is left for training (\(table.rowCount) rows, "
                    + "\(split.droppedMissingTarget) without a target)",
                hint: "add rows, or lower data.split.validation and data.split.test")
        }
        let encoding = DataEncoding.fit(
            table: table, schema: schema, trainingRows: split.training,
            format: options.csvFormat)
        var warnings = schema.warnings
        let (training, _) = try encoding.encode(table, rows: split.training)
        let (validation, validationWarnings) = try encoding.encode(table, rows: split.validation)
        let (test, testWarnings) = try encoding.encode(table, rows: split.test)
        warnings += validationWarnings.map { "validation split: " + $0 }
        warnings += testWarnings.map { "test split: " + $0 }
        if split.droppedMissingTarget > 0 {
            warnings.append(
                "\(split.droppedMissingTarget) row(s) without a target value were left out")
        }
        return PreparedData(
            options: options, table: table, schema: schema, split: split, encoding: encoding,
            training: training, validation: validation, test: test, generator: generator,
            warnings: warnings)
    }

    private static func checkFractions(_ options: DataOptions) throws {
        let v = options.validationFraction
        let t = options.testFraction
        guard v >= 0, t >= 0, v < 1, t < 1, v + t < 1 else {
            throw DataError(
                .invalidOptions, path: options.path,
                message: "split fractions validation \(v) and test \(t) must each be in [0, 1) "
                    + "and sum to less than 1",
                hint: "e.g. data.split: {validation: 0.15, test: 0.15}")
        }
    }
}
