import Spec

/// Decides column types and the task from a table and the user's options.
public enum ColumnTyper {
    /// Most distinct integer labels for an `auto` target to count as classes.
    public static let maxClassesForIntegerTarget = 20

    /// Types every column of `table` under `options`.
    ///
    /// Rules: user choices first (`ignore`, `features`, `categorical`, the id column); then
    /// all-missing or one-valued columns are constants; two values are binary; strings that are
    /// (nearly all) ISO dates or datetimes are `date`/`datetime` (ENC-DATE-PARTS; the few that
    /// are not become missing, with a warning); strings unique or nearly unique per row are
    /// identifiers, long wordy ones free text, the rest categories; numbers that are unique
    /// ascending integers (or named like an id), or from 100 rows on a gapless range of
    /// distinct integers in any order (row numbers of a shuffled file), are identifiers, the
    /// rest numbers. A number column with a few strings is an error (say which rows) unless it
    /// is listed in `categorical`; with many it is text, with a warning. The target decides
    /// `task: auto`. Warnings go to `DataSchema.warnings`.
    /// - Returns: the schema, and the table with forced or mostly-text columns stored as text.
    /// - Throws: `DataError` for unknown column names, stray strings, a one-class target, a
    ///   non-numeric regression target, or no usable input.
    public static func type(
        _ table: DataTable, options: DataOptions
    ) throws -> (schema: DataSchema, table: DataTable) {
        var table = table
        let names = table.columnNames
        for (role, list) in [
            ("data.ignore", options.ignore), ("data.categorical", options.categorical),
            ("data.features", options.features ?? []),
            ("data.id", options.idColumn.map { [$0] } ?? []),
        ] {
            for name in list where !names.contains(name) {
                throw table.unknownColumnError(name, role: role)
            }
        }
        guard let targetIndex = table.columnIndex(named: options.target) else {
            throw table.unknownColumnError(options.target, role: "target")
        }
        if options.features?.contains(options.target) == true {
            throw DataError(
                .invalidOptions, path: table.path, columnName: options.target,
                message: "the target '\(options.target)' is also listed in data.features",
                hint: "remove it from data.features: a model cannot take its answer as input")
        }
        let forced = Set(options.categorical)
        var typings: [ColumnTyping] = []
        var warnings: [String] = []
        var task = TaskKind.regression
        for j in table.columns.indices {
            var column = table.columns[j]
            let isTarget = j == targetIndex
            let userExcluded: String? =
                isTarget
                ? nil
                : options.ignore.contains(column.name)
                    ? "ignored by data.ignore"
                    : column.name == options.idColumn
                        ? "the row identifier (data.id)"
                        : options.features.map {
                            $0.contains(column.name) ? nil : "not in data.features"
                        }
                            ?? nil
            // Mixed columns: mostly text becomes text; mostly numbers with a few strings is an
            // error for a column that is used, unless forced categorical.
            if case .text = column.data, let numeric = numericReading(of: column) {
                column = numeric
            }
            if !column.strays.isEmpty {
                if forced.contains(column.name) {
                    column = column.asText()
                } else if !isStrayNumeric(column) {
                    // Numbers in the first rows, then text (a type that changes halfway): too
                    // many texts to be strays, so the whole column is text; say so, with where
                    // the text starts, since a number column was probably meant.
                    let first = column.strays[0]
                    let numbers = table.rowCount - column.missingCount - column.strays.count
                    // No number at all: the first rows were only empty (the reader had nothing to
                    // go on), nothing changed type.
                    if userExcluded == nil && numbers > 0 {
                        warnings.append(
                            "column '\(column.name)' holds \(numbers) numbers and "
                                + "\(column.strays.count) texts (the first '\(first.text)' at "
                                + fieldPlace(table, options, row: first.row, column: j)
                                + "): read as text; clean the texts to use it as a number")
                    }
                    column = column.asText()
                } else if userExcluded == nil
                    && !(isTarget && options.task == .fixed(.classification))
                {
                    throw strayError(column, index: j, table: table, options: options)
                } else {
                    column = column.asText()
                }
            }
            if isTarget && options.task == .fixed(.classification) { column = column.asText() }
            if forced.contains(column.name) && !isTarget { column = column.asText() }
            var dateTyping: ColumnTyping?
            if !isTarget && !forced.contains(column.name) {
                var dateWarnings: [String] = []
                dateTyping = readDates(
                    &column, index: j, table: table, options: options, warnings: &dateWarnings)
                // An excluded column's unreadable dates are not the user's concern.
                if userExcluded == nil { warnings += dateWarnings }
            }
            table.columns[j] = column
            var typing =
                dateTyping
                ?? describe(column, rows: table.rowCount, forced: forced.contains(column.name))
            let present = table.rowCount - column.missingCount
            if [.category, .binary, .integerCategory].contains(typing.kind),
                column.trimmedCount > 0 && column.trimmedCount < present
            {
                // Some values had spaces around them and others not: spellings that differed
                // only by spaces became one category. Spaces on every value are just the
                // file's style (`a, b, c`), not worth a warning.
                warnings.append(
                    "column '\(column.name)': \(column.trimmedCount) of \(present) values had "
                        + "leading or trailing spaces, trimmed (values differing only by "
                        + "spaces are one category)")
            }
            if isTarget {
                task = try targetTask(
                    &typing, column: column, options: options, table: table,
                    index: j)
                typing.role = .target
            } else if let userExcluded {
                typing.role = .excluded
                typing.reason = userExcluded + "; " + typing.reason
            }
            typings.append(typing)
        }
        let schema = DataSchema(
            columns: typings, targetIndex: targetIndex, task: task, warnings: warnings)
        if schema.featureIndices.isEmpty {
            throw DataError(
                .noFeatures, path: table.path,
                message: "no column is left as an input: "
                    + typings.filter { $0.role == .excluded }.map { "\($0.name) (\($0.reason))" }
                    .joined(separator: "; "),
                hint: "list input columns in data.features, or remove them from data.ignore")
        }
        return (schema, table)
    }

    /// The type and reason of a column from its values alone; `role` is feature or excluded.
    static func describe(_ column: TableColumn, rows: Int, forced: Bool) -> ColumnTyping {
        var typing = ColumnTyping(
            name: column.name, kind: .number, role: .feature, reason: "",
            missingCount: column.missingCount, distinctCount: 0)
        let present = rows - column.missingCount
        switch column.data {
        case .numbers(let values):
            let summary = NumberSummary(values)
            typing.distinctCount = summary.distinct
            if summary.present == 0 {
                (typing.kind, typing.role) = (.constant, .excluded)
                typing.reason = "every value is missing"
            } else if summary.distinct == 1 {
                (typing.kind, typing.role) = (.constant, .excluded)
                typing.reason = "one value only"
            } else if summary.distinct == 2 {
                typing.kind = .binary
                typing.reason = "two distinct values"
            } else if summary.allIntegers && summary.distinct == summary.present
                && summary.present >= 10
                && (summary.ascending || looksLikeIdentifierName(column.name))
            {
                (typing.kind, typing.role) = (.identifier, .excluded)
                typing.reason =
                    "a different integer on every row"
                    + (summary.ascending ? ", ascending" : "") + ": a row id"
            } else if summary.isContiguousIntegerRange
                && summary.present >= minimumRowsForRowNumbers
            {
                // Row numbers whatever the row order (a shuffled file keeps its old numbers).
                // Only on enough rows: a permutation of 0..<30 may well be a real measurement.
                (typing.kind, typing.role) = (.identifier, .excluded)
                typing.reason =
                    "the integers \(NumberText.shortest(summary.minimum))..."
                    + "\(NumberText.shortest(summary.maximum)), each once: row numbers"
            } else if summary.allIntegers && summary.distinct <= 10 {
                typing.reason =
                    "\(summary.distinct) distinct integers, kept as one ordered "
                    + "number; list it in data.categorical to one-hot encode it"
            } else {
                typing.reason =
                    summary.allIntegers ? "integers" : "numbers"
            }
        case .text(let codes, let levels):
            var counts = [Int](repeating: 0, count: levels.count)
            for code in codes where code >= 0 { counts[Int(code)] += 1 }
            let distinct = counts.filter { $0 > 0 }.count
            typing.distinctCount = distinct
            let meanLength =
                levels.isEmpty ? 0 : Double(levels.map(\.count).reduce(0, +)) / Double(levels.count)
            let wordy = levels.filter { $0.contains(" ") }.count * 2 > levels.count
            if forced {
                let allIntegers = levels.allSatisfy { Int($0) != nil }
                typing.kind = allIntegers ? .integerCategory : .category
                typing.reason = "forced by data.categorical: \(distinct) categories"
            } else if present == 0 {
                (typing.kind, typing.role) = (.constant, .excluded)
                typing.reason = "every value is missing"
            } else if distinct == 1 {
                (typing.kind, typing.role) = (.constant, .excluded)
                typing.reason = "one value only ('\(levels.first ?? "")')"
            } else if distinct == 2 {
                typing.kind = .binary
                typing.reason = "two values"
            } else if distinct * 2 > present && distinct > 20 && (meanLength >= 30 || wordy) {
                (typing.kind, typing.role) = (.freeText, .excluded)
                typing.reason =
                    "\(distinct) distinct texts (mean length \(Int(meanLength))): "
                    + "free text is not encoded"
            } else if distinct == present && present >= 10 {
                (typing.kind, typing.role) = (.identifier, .excluded)
                typing.reason = "a different value on every row: an identifier"
            } else if distinct * 2 > present && distinct > 50 {
                (typing.kind, typing.role) = (.identifier, .excluded)
                typing.reason = "\(distinct) distinct values in \(present) rows: identifier-like"
            } else {
                typing.kind = .category
                typing.reason = "\(distinct) categories"
            }
        }
        return typing
    }

    /// Reads a text column as dates when it is one (rule ENC-DATE-PARTS): nearly every value
    /// in one ISO form, or half of them when the column is listed in `data.features`.
    /// - Returns: the date typing, with `column`'s unreadable values made missing (and a
    ///   warning counting them); nil when it is not dates (a warning when it nearly is).
    private static func readDates(
        _ column: inout TableColumn, index j: Int, table: DataTable, options: DataOptions,
        warnings: inout [String]
    ) -> ColumnTyping? {
        let listed = options.features?.contains(column.name) == true
        switch DateColumnReading.read(column, listed: listed) {
        case .notDates:
            return nil
        case .dates(let reading):
            column = reading.column
            if let first = reading.firstUnreadable {
                warnings.append(
                    "column '\(column.name)': \(reading.unreadable) value(s) are not "
                        + "\(reading.kind.rawValue)s, read as missing (first: '\(first.text)' at "
                        + fieldPlace(table, options, row: first.row, column: j) + ")")
            }
            return dateColumnTyping(reading, rows: table.rowCount)
        case .tooManyUnreadable(let unreadable, let present, let first):
            warnings.append(
                "column '\(column.name)' looks like dates, but \(unreadable) of its \(present) "
                    + "values are not (first: '\(first.text)' at "
                    + fieldPlace(table, options, row: first.row, column: j)
                    + "): kept as text; fix those values, or list it in data.features, to use "
                    + "it as a date (ENC-DATE-PARTS)")
            return nil
        }
    }

    /// The typing of a column read as dates (rule ENC-DATE-PARTS): a feature, with the parts
    /// that vary named in the reason.
    static func dateColumnTyping(_ reading: DateColumnReading, rows: Int) -> ColumnTyping {
        let column = reading.column
        var distinct = 0
        if case .text(let codes, let levels) = column.data {
            var seen = [Bool](repeating: false, count: levels.count)
            for code in codes where code >= 0 && !seen[Int(code)] {
                seen[Int(code)] = true
                distinct += 1
            }
        }
        let form = reading.kind == .date ? "ISO date" : "ISO datetime"
        let parts = reading.parts.map(\.label).joined(separator: ", ")
        return ColumnTyping(
            name: column.name, kind: reading.kind, role: .feature,
            reason: "\(form) ('\(reading.example)'): \(parts.isEmpty ? "year" : parts); "
                + "periodic parts as sin/cos (ENC-DATE-PARTS)",
            missingCount: column.missingCount, distinctCount: distinct)
    }

    /// `file:line:column` of a data field, for warnings (the file only when it cannot be read).
    static func fieldPlace(
        _ table: DataTable, _ options: DataOptions, row: Int, column: Int
    ) -> String {
        let offsets = CSVReader.fieldOffsets(
            path: table.path, format: options.csvFormat, rows: [row], column: column)
        guard let offset = offsets[row] else { return table.path }
        return SourceLocator.locate(path: table.path, offset: offset).location.description
    }

    /// Sets the target's kind and returns the task.
    private static func targetTask(
        _ typing: inout ColumnTyping, column: TableColumn, options: DataOptions, table: DataTable,
        index: Int
    ) throws -> TaskKind {
        let present = table.rowCount - column.missingCount
        if present == 0 {
            throw DataError(
                .targetAllMissing, path: table.path,
                location: table.headerLocation(ofColumn: index), sourceLine: table.headerLine,
                columnName: column.name, message: "the target '\(column.name)' has no values",
                hint: "every row's target is missing; check data.target names the right column")
        }
        let task: TaskKind
        switch (options.task, column.data) {
        case (.fixed(.regression), .text):
            throw DataError(
                .targetNotNumeric, path: table.path,
                location: table.headerLocation(ofColumn: index), sourceLine: table.headerLine,
                columnName: column.name,
                message: "task is regression but the target '\(column.name)' holds text",
                hint: "use task: classification (or auto), or choose a numeric target")
        case (.fixed(.regression), .numbers):
            task = .regression
        case (.fixed(.classification), _), (.auto, .text):
            task = .classification
        case (.auto, .numbers(let values)):
            let summary = NumberSummary(values)
            task =
                summary.allIntegers && summary.distinct <= maxClassesForIntegerTarget
                ? .classification : .regression
        }
        if task == .classification {
            if typing.distinctCount < 2 {
                let label: String
                switch column.data {
                case .text(let codes, let levels):
                    label = codes.first { $0 >= 0 }.map { levels[Int($0)] } ?? ""
                case .numbers(let values):
                    label = values.first { !$0.isNaN }.map(NumberText.shortest) ?? ""
                }
                throw DataError(
                    .singleClass, path: table.path, location: table.headerLocation(ofColumn: index),
                    sourceLine: table.headerLine,
                    columnName: column.name,
                    message: "the target '\(column.name)' has one class ('\(label)', \(present) "
                        + "rows): there is nothing to learn",
                    hint: "check that data.target names the column to predict; classification "
                        + "needs at least two classes")
            }
            if case .numbers = column.data {
                typing.kind = typing.distinctCount == 2 ? .binary : .integerCategory
                typing.reason =
                    "target: \(typing.distinctCount) distinct integers, "
                    + "classification"
            } else {
                typing.kind = typing.distinctCount == 2 ? .binary : .category
                typing.reason = "target: \(typing.distinctCount) classes, classification"
            }
        } else {
            if typing.distinctCount < 2, case .numbers(let values) = column.data {
                let value = values.first { !$0.isNaN }.map(NumberText.shortest) ?? ""
                throw DataError(
                    .constantTarget, path: table.path,
                    location: table.headerLocation(ofColumn: index), sourceLine: table.headerLine,
                    columnName: column.name,
                    message: "the target '\(column.name)' is \(value) in every row (\(present) "
                        + "rows): there is nothing to learn",
                    hint: "check that data.target names the column to predict; regression needs "
                        + "a target that varies")
            }
            typing.kind = .number
            typing.reason = "target: numbers, regression"
        }
        return task
    }

    /// A text column whose values are nearly all numbers, as a number column with strays.
    static func numericReading(of column: TableColumn) -> TableColumn? {
        guard case .text(let codes, let levels) = column.data else { return nil }
        let parsed = levels.map { parseDecimal($0).map(Float.init) }
        // No level is a number: every present value would be a stray, never "a few".
        if !parsed.contains(where: { $0?.isFinite == true }) { return nil }
        var values = [Float](repeating: .nan, count: codes.count)
        var strays: [StrayValue] = []
        for (row, code) in codes.enumerated() where code >= 0 {
            if let value = parsed[Int(code)], value.isFinite {
                values[row] = value
            } else {
                strays.append(StrayValue(row: row, text: levels[Int(code)]))
            }
        }
        var candidate = column
        candidate.data = .numbers(values)
        candidate.strays = strays
        return isStrayNumeric(candidate) ? candidate : nil
    }

    /// Whether a number column's strings are "a few strays" rather than a text column: at most
    /// 5% of the present values, or at most 3 distinct strings among many distinct numbers.
    static func isStrayNumeric(_ column: TableColumn) -> Bool {
        guard case .numbers(let values) = column.data, !column.strays.isEmpty else { return false }
        let numbers = values.count - column.missingCount - column.strays.count
        let strays = column.strays.count
        if numbers <= 0 { return false }
        if Double(numbers) >= 0.95 * Double(numbers + strays) { return true }
        let distinctStrays = Set(column.strays.map(\.text)).count
        return distinctStrays <= 3 && numbers >= strays && NumberSummary(values).distinct > 20
    }

    static func strayError(
        _ column: TableColumn, index: Int, table: DataTable, options: DataOptions
    ) -> DataError {
        let shown = Array(column.strays.prefix(5))
        let offsets = CSVReader.fieldOffsets(
            path: table.path, format: options.csvFormat, rows: shown.map(\.row), column: index)
        var lines: [Int] = []
        var first: (location: SourceLocation, line: String?)?
        for stray in shown {
            if let offset = offsets[stray.row] {
                let place = SourceLocator.locate(path: table.path, offset: offset)
                if first == nil { first = place }
                lines.append(place.location.line)
            }
        }
        let listed = zip(shown, lines).map { "'\($0.0.text)' (line \($0.1))" }
            .joined(separator: ", ")
        let more =
            column.strays.count > shown.count
            ? " and \(column.strays.count - shown.count) more" : ""
        let distinct = Array(Set(column.strays.map(\.text))).sorted()
        var hint =
            "clean those rows, or list '\(column.name)' in data.categorical to treat its "
            + "values as categories"
        if distinct.count <= 3 {
            hint +=
                "; if " + distinct.map { "'\($0)'" }.joined(separator: " and ")
                + " mean\(distinct.count == 1 ? "s" : "") 'missing', add "
                + (distinct.count == 1 ? "it" : "them") + " to the missing-value markers"
        }
        return DataError(
            .strayStrings, path: table.path, location: first?.location, sourceLine: first?.line,
            columnName: column.name,
            message: "column '\(column.name)' holds numbers, but \(column.strays.count) "
                + "field\(column.strays.count == 1 ? " is" : "s are") text: \(listed)\(more)",
            hint: hint)
    }

    private static func looksLikeIdentifierName(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return ["id", "index", "key", "row", "rowid"].contains(lowered)
            || lowered.hasSuffix("_id") || lowered.hasSuffix(" id") || name.hasSuffix("Id")
            || name.hasSuffix("ID")
    }
}
