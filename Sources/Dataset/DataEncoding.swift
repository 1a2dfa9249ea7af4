import Spec

/// The fitted encoding of a dataset: how to turn a CSV's columns into network inputs and
/// targets. Fitted on the training split only (no leakage); a `Codable` value saved with the
/// model and reapplied to new files with `apply(toFile:)`.
public struct DataEncoding: Sendable, Equatable, Codable {
    /// The input columns, in order.
    public var features: [FeatureEncoding]
    /// The target.
    public var target: TargetEncoding
    /// How the training file was read (delimiter, missing markers).
    public var format: CSVFormat

    /// Encoded input width: columns of the encoded rows (an embedded column is one code).
    public var inputWidth: Int { features.reduce(0) { $0 + $1.width } }
    /// `Ni` for the sizing rules: the columns the network's first layer sees, each embedded
    /// column counted by its dimension (ENC-EMBED-SIZE). Equal to `inputWidth` without
    /// embedded columns.
    public var networkInputWidth: Int { features.reduce(0) { $0 + $1.networkWidth } }
    /// Floats in the embedding tables of the embedded columns (levels x dimension, summed).
    public var embeddingParameters: Int {
        features.reduce(0) { total, feature in
            total + (feature.embeddingLevels ?? 0) * feature.networkWidth
        }
    }
    /// The names of the encoded inputs, in order.
    public var inputNames: [String] { features.flatMap(\.encodedNames) }

    /// Fits the encoding on `trainingRows` of `table`.
    /// - Parameters:
    ///   - table: the table, typed (`ColumnTyper.type`).
    ///   - schema: the column types and the task.
    ///   - trainingRows: the training split's table rows: every statistic comes from these.
    ///   - format: how the table was read, kept for reapplying.
    ///   - categories: one-hot or embedding by the number of levels (default: the rulebook's
    ///     thresholds, ENC-ONEHOT-MAX, ENC-RARE-OTHER, ENC-EMBED-SIZE).
    public static func fit(
        table: DataTable, schema: DataSchema, trainingRows: [Int], format: CSVFormat,
        categories: CategoryPolicy = CategoryPolicy()
    ) -> DataEncoding {
        var features: [FeatureEncoding] = []
        // Number columns first, each on its own (one sort per column): on both cores when the
        // split is large. Results go by position, so the order does not depend on scheduling.
        let featureIndices = schema.featureIndices
        let numberPositions = featureIndices.indices.filter { position in
            let j = featureIndices[position]
            return table.columns[j].isNumeric && schema.columns[j].kind == .number
        }
        var numbers = [FeatureEncoding?](repeating: nil, count: featureIndices.count)
        numbers.withUnsafeMutableBufferPointer { buffer in
            let numbers = SharedPointer(buffer)
            TwoCores.forEach(
                numberPositions.count,
                parallel: trainingRows.count * numberPositions.count >= TwoCores.minimumWork
            ) { k in
                let position = numberPositions[k]
                let column = table.columns[featureIndices[position]]
                if case .numbers(let values) = column.data {
                    numbers[position] = fitNumber(column.name, values, trainingRows)
                }
            }
        }
        for (position, j) in featureIndices.enumerated() {
            let column = table.columns[j]
            let typing = schema.columns[j]
            if let number = numbers[position] {
                features.append(number)
                continue
            }
            if typing.kind == .date || typing.kind == .datetime {
                features.append(
                    FeatureEncoding(
                        name: column.name,
                        method: .dateParts(DatePartsEncoding.fit(column, rows: trainingRows))))
                continue
            }
            switch column.data {
            default:
                let (levels, counts, missing) = trainingLevels(column, trainingRows)
                let present = levels.indices.filter { counts[$0] > 0 }.map { levels[$0] }
                if typing.kind == .binary {
                    let sorted = sortLevels(present, numeric: column.isNumeric)
                    features.append(
                        FeatureEncoding(
                            name: column.name,
                            method: .binary(levels: sorted, missingIndicator: missing > 0)))
                } else if present.count > categories.oneHotMaxLevels,
                    counts.filter({ $0 >= max(1, categories.rareLevelMinimumCount) }).count >= 2
                {
                    // ENC-ONEHOT-MAX; an embedding needs two levels with enough rows to learn
                    // (ENC-RARE-OTHER), else it would see one level: one-hot then, as before.
                    features.append(
                        fitEmbedding(
                            column, levels: levels, counts: counts, missing: missing,
                            policy: categories))
                } else {
                    features.append(
                        FeatureEncoding(
                            name: column.name,
                            method: .oneHot(
                                levels: sortLevels(present, numeric: column.isNumeric),
                                missingLevel: missing > 0)))
                }
            }
        }
        let targetColumn = table.columns[schema.targetIndex]
        let target: TargetEncoding
        switch (schema.task, targetColumn.data) {
        case (.regression, .numbers(let values)):
            var sum = 0.0
            var count = 0
            for row in trainingRows where !values[row].isNaN {
                sum += Double(values[row])
                count += 1
            }
            let mean = count > 0 ? sum / Double(count) : 0
            var squares = 0.0
            for row in trainingRows where !values[row].isNaN {
                let d = Double(values[row]) - mean
                squares += d * d
            }
            let deviation = count > 0 ? (squares / Double(count)).squareRoot() : 1
            target = .regression(
                name: targetColumn.name, mean: mean,
                standardDeviation: deviation > 0 ? deviation : 1)
        default:
            // Class names come from every labelled row: naming the classes leaks nothing, and a
            // class absent from the training split must still have an index.
            let (levels, counts, _) = trainingLevels(targetColumn, Array(0..<table.rowCount))
            let present = levels.indices.filter { counts[$0] > 0 }.map { levels[$0] }
            target = .classes(
                name: targetColumn.name,
                labels: sortLevels(present, numeric: targetColumn.isNumeric))
        }
        return DataEncoding(features: features, target: target, format: format)
    }

    private static func fitNumber(
        _ name: String, _ values: [Float], _ rows: [Int]
    )
        -> FeatureEncoding
    {
        var present: [Float] = []
        present.reserveCapacity(rows.count)
        values.withUnsafeBufferPointer { values in
            for row in rows where !values[row].isNaN { present.append(values[row]) }
        }
        let missing = rows.count - present.count
        // Ascending order (linear-time radix sort, same array as `sorted()`): the median, and
        // the sums below keep their order, so the statistics stay bit for bit the same.
        present = FloatSorting.sorted(present)
        let median: Float
        if present.isEmpty {
            median = 0
        } else if present.count % 2 == 1 {
            median = present[present.count / 2]
        } else {
            median = Float(
                (Double(present[present.count / 2 - 1]) + Double(present[present.count / 2])) / 2)
        }
        var sum = 0.0
        for value in present { sum += Double(value) }
        sum += Double(missing) * Double(median)
        let count = Double(max(1, rows.count))
        let mean = sum / count
        var squares = 0.0
        for value in present {
            let d = Double(value) - mean
            squares += d * d
        }
        squares += Double(missing) * (Double(median) - mean) * (Double(median) - mean)
        let deviation = (squares / count).squareRoot()
        return FeatureEncoding(
            name: name,
            method: .number(
                median: median, mean: mean, standardDeviation: deviation > 0 ? deviation : 1,
                missingIndicator: missing > 0))
    }

    /// ENC-RARE-OTHER and ENC-EMBED-SIZE: the levels kept (on at least the minimum of training
    /// rows), how many go to "other", and the dimension of the table.
    private static func fitEmbedding(
        _ column: TableColumn, levels: [String], counts: [Int], missing: Int,
        policy: CategoryPolicy
    ) -> FeatureEncoding {
        let minimum = max(1, policy.rareLevelMinimumCount)
        let kept = levels.indices.filter { counts[$0] >= minimum }.map { levels[$0] }
        let rare = levels.indices.filter { counts[$0] > 0 && counts[$0] < minimum }.count
        let rows = kept.count + 1 + (missing > 0 ? 1 : 0)
        return FeatureEncoding(
            name: column.name,
            method: .embedding(
                levels: sortLevels(kept, numeric: column.isNumeric), rareLevels: rare,
                missingLevel: missing > 0,
                dimension: FeatureEncoding.embeddingDimension(
                    levels: rows, maximum: max(1, policy.embeddingMaxDimension))))
    }

    /// The column's values as text levels, with their counts over `rows` and the missing count.
    private static func trainingLevels(
        _ column: TableColumn, _ rows: [Int]
    )
        -> (levels: [String], counts: [Int], missing: Int)
    {
        switch column.data {
        case .text(let codes, let levels):
            var counts = [Int](repeating: 0, count: levels.count)
            var missing = 0
            for row in rows {
                let code = codes[row]
                if code < 0 { missing += 1 } else { counts[Int(code)] += 1 }
            }
            return (levels, counts, missing)
        case .numbers(let values):
            var index: [Float: Int] = [:]
            var levels: [String] = []
            var counts: [Int] = []
            var missing = 0
            for row in rows {
                let value = values[row]
                if value.isNaN {
                    missing += 1
                    continue
                }
                if let k = index[value] {
                    counts[k] += 1
                } else {
                    index[value] = levels.count
                    levels.append(NumberText.shortest(value))
                    counts.append(1)
                }
            }
            return (levels, counts, missing)
        }
    }

    /// Levels in numeric order when they are all numbers, else in text order.
    private static func sortLevels(_ levels: [String], numeric: Bool) -> [String] {
        if numeric || levels.allSatisfy({ parseDecimal($0) != nil }) {
            return levels.sorted { (parseDecimal($0) ?? 0) < (parseDecimal($1) ?? 0) }
        }
        return levels.sorted()
    }

    /// Encodes `rows` of `table` (which must hold every feature column; the target is optional).
    /// - Parameters:
    ///   - table: a table read with this encoding's format.
    ///   - rows: the table rows to encode, in output order.
    /// - Returns: the encoded rows, and warnings (unseen categories, missing values where the
    ///   training split had none), one line per column.
    /// - Throws: `DataError.missingColumns` naming every absent input column; stray strings in a
    ///   number column.
    public func encode(_ table: DataTable, rows: [Int]) throws -> (EncodedRows, [String]) {
        let missingNames = features.map(\.name).filter { table.columnIndex(named: $0) == nil }
        if !missingNames.isEmpty {
            var hint =
                "the file's columns are: "
                + table.columnNames.prefix(30).joined(separator: ", ")
            let suggestions = missingNames.compactMap { name in
                closestName(to: name, in: table.columnNames).map { "'\(name)' -> '\($0)'" }
            }
            if !suggestions.isEmpty {
                hint = "did you mean " + suggestions.joined(separator: ", ") + "? " + hint
            }
            throw DataError(
                .missingColumns, path: table.path,
                location: table.headerStart, sourceLine: table.headerLine,
                message: "the model needs column\(missingNames.count == 1 ? "" : "s") "
                    + missingNames.map { "'\($0)'" }.joined(separator: ", ")
                    + ", which the file does not have",
                hint: hint)
        }
        let width = inputWidth
        var output = [Float](repeating: 0, count: rows.count * width)
        var warnings: [String] = []
        var offset = 0
        for feature in features {
            guard let j = table.columnIndex(named: feature.name) else { continue }
            let column = table.columns[j]
            let columnWarnings = try output.withUnsafeMutableBufferPointer { buffer in
                try encodeColumn(
                    feature, column, table: table, rows: rows, into: buffer,
                    offset: offset, width: width)
            }
            warnings += columnWarnings
            offset += feature.width
        }
        var encoded = EncodedRows(
            rowCount: rows.count, featureCount: width, features: output, sourceRows: rows)
        if let j = table.columnIndex(named: target.name) {
            let column = table.columns[j]
            switch target {
            case .classes(_, let labels):
                let lookup = levelLookup(column, levels: labels)
                encoded.classIndices = rows.map { lookup($0) }
                let unknown = encoded.classIndices?.filter { $0 < 0 }.count ?? 0
                if unknown > 0 {
                    warnings.append(
                        "target '\(target.name)': \(unknown) row(s) with a missing or unknown "
                            + "class (index -1)")
                }
            case .regression(_, let mean, let deviation):
                if case .numbers(let values) = column.data {
                    encoded.targets = rows.map { Float((Double(values[$0]) - mean) / deviation) }
                }
            }
        }
        return (encoded, warnings)
    }

    /// Reads a new CSV file and encodes all its rows with this encoding (extra columns are
    /// ignored; a missing input column is an error naming it).
    /// - Parameter path: the CSV file.
    /// - Returns: the encoded rows and the warnings.
    public func apply(toFile path: String) throws -> (EncodedRows, [String]) {
        try apply(to: CSVReader.read(path: path, format: format))
    }

    /// Encodes every row of a table read from a new file (see `apply(toFile:)`).
    /// - Parameter table: a table read with this encoding's `format`.
    /// - Returns: the encoded rows and the warnings.
    public func apply(to table: DataTable) throws -> (EncodedRows, [String]) {
        try encode(prepared(table), rows: Array(0..<table.rowCount))
    }

    /// The table with number features converted from text when a new file stored them as text,
    /// and a stray-strings error when a number feature holds text.
    private func prepared(_ table: DataTable) throws -> DataTable {
        var table = table
        for feature in features {
            guard case .number = feature.method, let j = table.columnIndex(named: feature.name)
            else { continue }
            var column = table.columns[j]
            if case .text = column.data {
                column = ColumnTyper.numericReading(of: column) ?? column
            }
            if case .text(let codes, let levels) = column.data {
                // Mostly text: every non-missing string is a stray.
                var values = [Float](repeating: .nan, count: codes.count)
                var strays: [StrayValue] = []
                for (row, code) in codes.enumerated() where code >= 0 {
                    if let value = parseDecimal(levels[Int(code)]) {
                        values[row] = Float(value)
                    } else {
                        strays.append(StrayValue(row: row, text: levels[Int(code)]))
                    }
                }
                column.data = .numbers(values)
                column.strays = strays
            }
            table.columns[j] = column
            if !column.strays.isEmpty {
                var options = DataOptions(path: table.path, target: target.name)
                options.missingMarkers = format.missingMarkers
                options.delimiter = format.delimiter
                throw ColumnTyper.strayError(
                    column, index: j, table: table,
                    options: options)
            }
        }
        return table
    }

    private func encodeColumn(
        _ feature: FeatureEncoding, _ column: TableColumn, table: DataTable, rows: [Int],
        into output: UnsafeMutableBufferPointer<Float>, offset: Int, width: Int
    ) throws -> [String] {
        var warnings: [String] = []
        switch feature.method {
        case .number(let median, let mean, let deviation, let indicator):
            guard case .numbers(let values) = column.data else { return warnings }
            let scale = Float(1 / deviation)
            let shift = Float(mean)
            var missing = 0
            values.withUnsafeBufferPointer { values in
                for (k, row) in rows.enumerated() {
                    let base = k * width + offset
                    var value = values[row]
                    if value.isNaN {
                        value = median
                        missing += 1
                        if indicator { output[base + 1] = 1 }
                    }
                    output[base] = (value - shift) * scale
                }
            }
            if missing > 0 && !indicator {
                warnings.append(
                    "column '\(feature.name)': \(missing) missing value(s), filled with the "
                        + "training median \(median) (the training split had none)")
            }
        case .binary(let levels, let indicator):
            let lookup = levelLookup(column, levels: levels)
            var unseen = 0
            var missing = 0
            for (k, row) in rows.enumerated() {
                let base = k * width + offset
                let index = lookup(row)
                if index == 1 { output[base] = 1 }
                if index == -1 {
                    missing += 1
                    if indicator { output[base + 1] = 1 }
                }
                if index == -2 { unseen += 1 }
            }
            if unseen > 0 {
                warnings.append(
                    "column '\(feature.name)': \(unseen) row(s) with a value other than "
                        + levels.map { "'\($0)'" }.joined(separator: "/") + ", encoded as 0")
            }
            if missing > 0 && !indicator {
                warnings.append(
                    "column '\(feature.name)': \(missing) missing value(s), encoded as 0 (the "
                        + "training split had none)")
            }
        case .dateParts(let encoding):
            warnings += encoding.encode(
                feature.name, column, rows: rows, into: output, offset: offset, width: width)
        case .oneHot(let levels, let missingLevel):
            let lookup = levelLookup(column, levels: levels)
            var unseen = 0
            var unseenValues: [String] = []
            var missing = 0
            for (k, row) in rows.enumerated() {
                let base = k * width + offset
                let index = lookup(row)
                if index >= 0 {
                    output[base + Int(index)] = 1
                } else if index == -1 {
                    missing += 1
                    if missingLevel { output[base + levels.count] = 1 }
                } else {
                    unseen += 1
                    let value = column.text(row: row)
                    if unseenValues.count < 3, !unseenValues.contains(value) {
                        unseenValues.append(value)
                    }
                }
            }
            if unseen > 0 {
                warnings.append(
                    "column '\(feature.name)': \(unseen) row(s) with a category not seen in "
                        + "training ("
                        + unseenValues.map { "'\($0)'" }.joined(separator: ", ")
                        + "), encoded as all zeros")
            }
            if missing > 0 && !missingLevel {
                warnings.append(
                    "column '\(feature.name)': \(missing) missing value(s) (none in training), "
                        + "encoded as all zeros")
            }
        case .embedding(let levels, _, let missingLevel, _):
            let lookup = levelLookup(column, levels: levels)
            let other = Float(levels.count)
            let missingCode = missingLevel ? Float(levels.count + 1) : other
            var others = 0
            var otherValues: [String] = []
            var missing = 0
            for (k, row) in rows.enumerated() {
                let base = k * width + offset
                let index = lookup(row)
                if index >= 0 {
                    output[base] = Float(index)
                } else if index == -1 {
                    missing += 1
                    output[base] = missingCode
                } else {
                    others += 1
                    output[base] = other
                    let value = column.text(row: row)
                    if otherValues.count < 3, !otherValues.contains(value) {
                        otherValues.append(value)
                    }
                }
            }
            if others > 0 {
                warnings.append(
                    "column '\(feature.name)': \(others) row(s) with a category rare in or absent "
                        + "from training ("
                        + otherValues.map { "'\($0)'" }.joined(separator: ", ")
                        + "), encoded as the 'other' level (ENC-RARE-OTHER)")
            }
            if missing > 0 && !missingLevel {
                warnings.append(
                    "column '\(feature.name)': \(missing) missing value(s) (none in training), "
                        + "encoded as the 'other' level")
            }
        }
        return warnings
    }

    /// Maps a row of `column` to the index of its value in `levels`; -1 missing, -2 unseen.
    private func levelLookup(_ column: TableColumn, levels: [String]) -> (Int) -> Int32 {
        var index: [String: Int32] = [:]
        for (k, level) in levels.enumerated() { index[level] = Int32(k) }
        var numeric: [Float: Int32] = [:]
        for (k, level) in levels.enumerated() {
            if let value = parseDecimal(level) { numeric[Float(value)] = Int32(k) }
        }
        switch column.data {
        case .text(let codes, let columnLevels):
            let map = columnLevels.map { level -> Int32 in
                if let k = index[level] { return k }
                if let value = parseDecimal(level), let k = numeric[Float(value)] { return k }
                return -2
            }
            return { row in codes[row] < 0 ? -1 : map[Int(codes[row])] }
        case .numbers(let values):
            let strays = Dictionary(column.strays.map { ($0.row, $0.text) }) { a, _ in a }
            return { row in
                let value = values[row]
                if value.isNaN {
                    if let text = strays[row] { return index[text] ?? -2 }
                    return -1
                }
                return numeric[value] ?? index[NumberText.shortest(value)] ?? -2
            }
        }
    }
}
