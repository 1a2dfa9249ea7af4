import Foundation
import Spec

/// Applying a fitted encoding: to rows of the training table, or to a new file at predict time.
extension DataEncoding {
    /// Encodes `rows` of `table` (which must hold every feature column; the target is optional).
    /// - Parameters:
    ///   - table: a table read with this encoding's format.
    ///   - rows: the table rows to encode, in output order.
    /// - Returns: the encoded rows, and warnings (unseen categories, missing values where the
    ///   training split had none), one line per column.
    /// - Throws: `DataError.missingColumns` naming every absent input column; stray strings in a
    ///   number column.
    public func encode(_ table: DataTable, rows: [Int]) throws -> (EncodedRows, [String]) {
        var seen = Set<String>()
        let needed = features.flatMap(\.sourceColumns).filter { seen.insert($0).inserted }
        let missingNames = needed.filter { table.columnIndex(named: $0) == nil }
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
            guard let j = table.columnIndex(named: feature.sourceColumns[0]) else { continue }
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
            case .logRegression(_, let mean, let deviation, _):
                // A value <= 0 has no log: NaN, as a missing target (new files only; the
                // training rows were all positive).
                if case .numbers(let values) = column.data {
                    encoded.targets = rows.map {
                        values[$0] > 0
                            ? Float((Foundation.log(Double(values[$0])) - mean) / deviation) : .nan
                    }
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
        case .number(let median, let mean, let deviation, let indicator, let edges):
            guard case .numbers(let values) = column.data else { return warnings }
            let scale = Float(1 / deviation)
            let shift = Float(mean)
            let edges = edges ?? []
            let scales = PiecewiseLinearBins.scales(edges)
            let indicatorOffset = 1 + scales.count
            var missing = 0
            values.withUnsafeBufferPointer { values in
                edges.withUnsafeBufferPointer { edges in
                    scales.withUnsafeBufferPointer { scales in
                        for (k, row) in rows.enumerated() {
                            let base = k * width + offset
                            var value = values[row]
                            if value.isNaN {
                                value = median
                                missing += 1
                                if indicator { output[base + indicatorOffset] = 1 }
                            }
                            output[base] = (value - shift) * scale
                            PiecewiseLinearBins.encode(
                                value, edges: edges, scales: scales, into: output, at: base + 1)
                        }
                    }
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
        case .equality(_, let second):
            // `column` is the first; NaN is never equal, so a missing value gives 0.
            guard case .numbers(let x) = column.data,
                let j = table.columnIndex(named: second),
                case .numbers(let y) = table.columns[j].data
            else { return warnings }
            for (k, row) in rows.enumerated() where x[row] == y[row] {
                output[k * width + offset] = 1
            }
        case .oneHot(let levels, let missingLevel):
            let (missing, unseen, unseenValues) = scanCategories(
                column, levels: levels, rows: rows
            ) { k, index in
                let base = k * width + offset
                if index >= 0 {
                    output[base + Int(index)] = 1
                } else if index == -1, missingLevel {
                    output[base + levels.count] = 1
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
            let other = Float(levels.count)
            let missingCode = missingLevel ? Float(levels.count + 1) : other
            let (missing, others, otherValues) = scanCategories(
                column, levels: levels, rows: rows
            ) { k, index in
                output[k * width + offset] =
                    index >= 0 ? Float(index) : index == -1 ? missingCode : other
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
    /// Walks `rows` of a category column, calling `write(k, index)` for the `k`-th row with its
    /// level's index (`-1` missing, `-2` not a training level); counts the missing and unseen
    /// rows and keeps the first three unseen texts for the warning.
    private func scanCategories(
        _ column: TableColumn, levels: [String], rows: [Int], write: (Int, Int32) -> Void
    ) -> (missing: Int, unseen: Int, examples: [String]) {
        let lookup = levelLookup(column, levels: levels)
        var missing = 0
        var unseen = 0
        var examples: [String] = []
        for (k, row) in rows.enumerated() {
            let index = lookup(row)
            write(k, index)
            if index == -1 {
                missing += 1
            } else if index < -1 {
                unseen += 1
                let value = column.text(row: row)
                if examples.count < 3, !examples.contains(value) { examples.append(value) }
            }
        }
        return (missing, unseen, examples)
    }

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
