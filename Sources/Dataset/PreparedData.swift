import Random
import Spec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
    /// How number inputs were encoded and why (ENC-NUMERIC-PLE); nil for data prepared
    /// without the rule.
    public var numericEncoding: NumericEncodingChoice? = nil

    /// Reads, types, splits and encodes the data described by `options`.
    ///
    /// Steps: `CSVReader.read`, `ColumnTyper.type`, `DataSplit.make` (seeded, stratified for
    /// classification unless `stratify` is false), `DataEncoding.fit` on the training rows, then
    /// the encoding of each split.
    /// - Throws: `DataError`, located where the file is at fault.
    public static func load(_ options: DataOptions) throws -> PreparedData {
        try load(options, encodedSizeLimit: encodedSizeLimit)
    }

    /// `load(_:)` with the limit on the encoded splits' bytes given (tests: a small file stands
    /// in for a huge one).
    static func load(_ options: DataOptions, encodedSizeLimit: Int) throws -> PreparedData {
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
        if options.targetTransform == .fixed(.log), schema.task == .regression,
            case .numbers(let values) = table.columns[schema.targetIndex].data,
            let row = split.training.first(where: { values[$0] <= 0 })
        {
            let place = table.rowStart(row, format: options.csvFormat)
            throw DataError(
                .invalidOptions, path: options.path, location: place?.location,
                sourceLine: place?.line, columnName: options.target,
                message: "data.target_transform is `log`, but the target '\(options.target)' is "
                    + "\(values[row]) here: a log needs values above 0",
                hint: "use data.target_transform: none (or auto: the log only for a positive "
                    + "target)")
        }
        // ENC-NUMERIC-PLE: the bins are fitted unless the spec rules them out; the rule
        // keeps them when a ridge model cross-validates better with them.
        // ENC-NUMERIC-EQUAL: the same for the indicators of columns often equal.
        let (encoding, numericChoice) = try NumericEncodingRule.choose(
            options.numericEncoding, equalities: options.equalityIndicators,
            binned: DataEncoding.fit(
                table: table, schema: schema, trainingRows: split.training,
                format: options.csvFormat, categories: options.categoryPolicy,
                targetTransform: options.targetTransform,
                numericBins: options.numericEncoding == .fixed(.standard)
                    ? nil : NumericEncoding.bins,
                equalityIndicators: options.equalityIndicators != .fixed(false)),
            table: table, trainingRows: split.training, seed: options.seed,
            signalMinimumLift: options.signalMinimumLift)
        try checkEncodedSize(
            encoding, table: table,
            rows: split.training.count + split.validation.count + split.test.count,
            limit: encodedSizeLimit)
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
            warnings: warnings, numericEncoding: numericChoice)
    }

    /// Most bytes the encoded splits (rows x inputs `Float`s) may take together: half of what
    /// the process may use, the machine's memory or a lower address-space limit (`ulimit -v`).
    static var encodedSizeLimit: Int {
        var available = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0
            && limit.rlim_cur != rlim_t.max
        {
            available = min(available, Int(clamping: limit.rlim_cur))
        }
        return available / 2
    }

    /// Refuses, before allocating, an encoding whose matrix cannot fit in memory: a column with
    /// a category per row or so (an id, a timestamp, a column that turns from numbers to text
    /// halfway down the file) one-hot encoded. The message names the widest columns, located
    /// at their header field, instead of the allocation failing.
    private static func checkEncodedSize(
        _ encoding: DataEncoding, table: DataTable, rows: Int, limit: Int
    ) throws {
        let width = encoding.inputWidth
        let bytes = rows.multipliedReportingOverflow(by: width * MemoryLayout<Float>.size)
        guard bytes.overflow || bytes.partialValue > limit else { return }
        let wide = encoding.features.filter { $0.width > 1 }
        let widest = (wide.isEmpty ? encoding.features : wide).sorted { $0.width > $1.width }
            .prefix(3)
        let listed = widest.map { "'\($0.name)' \($0.width)" }.joined(separator: ", ")
        let first = widest.first.flatMap { feature in
            table.columns.first { $0.name == feature.name }
        }
        func gigabytes(_ value: Int) -> String {
            NumberText.fixed(Double(value) / 1e9, digits: 1) + " GB"
        }
        let size = bytes.overflow ? "more than 9e18 bytes" : gigabytes(bytes.partialValue)
        throw DataError(
            .encodingTooLarge, path: table.path,
            location: first.map {
                SourceLocation(file: table.path, line: 1, column: $0.headerColumn)
            }, sourceLine: table.headerLine, columnName: first?.name,
            message: "the encoded inputs would take \(size) (\(rows) rows x \(width) inputs), "
                + "more than half of the memory available (\(gigabytes(2 * limit))); widest "
                + "columns (inputs): \(listed)",
            hint: "a column with thousands of categories (an id, a timestamp, numbers that turn "
                + "to text partway down the file) is one input per category: list it in "
                + "data.ignore, or clean it")
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
