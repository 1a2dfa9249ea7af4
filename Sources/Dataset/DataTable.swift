import Spec

/// The values of one column, stored column-wise.
public enum ColumnData: Sendable, Equatable {
    /// Numbers as `Float`; NaN marks a missing value (or a stray string, see `TableColumn`).
    case numbers([Float])
    /// Interned strings: `codes[row]` indexes `levels`; -1 marks a missing value.
    case text(codes: [Int32], levels: [String])
}

/// A field of a number column that is neither a number nor a missing marker.
public struct StrayValue: Sendable, Equatable, Codable {
    /// The data row (0-based, the header not counted).
    public var row: Int
    /// The field's text.
    public var text: String
}

/// One column of a `DataTable`.
public struct TableColumn: Sendable, Equatable {
    /// The header name (spaces trimmed).
    public var name: String
    /// The values.
    public var data: ColumnData
    /// How many fields were missing (a marker or empty).
    public var missingCount: Int
    /// Strings found in a column of numbers (their rows hold NaN in `data`).
    public var strays: [StrayValue]
    /// 1-based character column of the name on the header line.
    public var headerColumn: Int
    /// Present fields of a text column that had leading or trailing spaces (stored trimmed, so
    /// ` red` and `red` are one value).
    public var trimmedCount: Int = 0

    /// Whether the column holds numbers.
    public var isNumeric: Bool {
        if case .numbers = data { return true }
        return false
    }

    /// The column as text: numbers are written back in their shortest form (`3`, `2.5`), the
    /// stray strings keep their text. Used when a number column is forced categorical.
    public func asText() -> TableColumn {
        guard case .numbers(let values) = data else { return self }
        var levels: [String] = []
        var index: [String: Int32] = [:]
        var codes = [Int32](repeating: -1, count: values.count)
        func code(of text: String) -> Int32 {
            if let existing = index[text] { return existing }
            let new = Int32(levels.count)
            levels.append(text)
            index[text] = new
            return new
        }
        for (row, value) in values.enumerated() where !value.isNaN {
            codes[row] = code(of: NumberText.shortest(value))
        }
        for stray in strays { codes[stray.row] = code(of: stray.text) }
        var copy = self
        copy.data = .text(codes: codes, levels: levels)
        copy.strays = []
        return copy
    }
}

/// A CSV file loaded column-wise.
///
/// Memory: a number column costs 4 bytes a row, a text column 4 bytes a row plus its distinct
/// values once.
public struct DataTable: Sendable, Equatable {
    /// The file as the user named it.
    public var path: String
    /// The columns, in file order.
    public var columns: [TableColumn]
    /// Data rows (the header and blank lines not counted).
    public var rowCount: Int
    /// The delimiter used.
    public var delimiter: UInt8
    /// The header line's text, for locating column-level errors.
    public var headerLine: String

    /// The column names in file order.
    public var columnNames: [String] { columns.map(\.name) }

    /// The index of the column named `name`.
    public func columnIndex(named name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    /// The start of the header line (line 1, column 1): where errors about the columns as a
    /// whole point (its text is `headerLine`).
    public var headerStart: SourceLocation {
        SourceLocation(file: path, line: 1, column: 1)
    }

    /// Where data row `row` (0-based, after the header) starts in the file, and that line's
    /// text, read again with `format`; nil when the file cannot be read.
    public func rowStart(
        _ row: Int, format: CSVFormat
    ) -> (location: SourceLocation, line: String?)? {
        guard
            let offset = CSVReader.fieldOffsets(path: path, format: format, rows: [row], column: 0)[
                row]
        else { return nil }
        return SourceLocator.locate(path: path, offset: offset)
    }

    /// The location of a column's name on the header line (line 1; its text is `headerLine`).
    public func headerLocation(ofColumn index: Int) -> SourceLocation {
        SourceLocation(file: path, line: 1, column: columns[index].headerColumn)
    }

    /// A "column not found" error for `name` used as `role` (e.g. `data.target`), with the
    /// closest header name as "did you mean".
    public func unknownColumnError(_ name: String, role: String) -> DataError {
        var hint = "the columns are: " + columnNames.prefix(30).joined(separator: ", ")
        if let suggestion = closestName(to: name, in: columnNames) {
            hint = "did you mean '\(suggestion)'? " + hint
        }
        return DataError(
            .unknownColumn, path: path,
            location: headerStart, sourceLine: headerLine, columnName: name,
            message: "\(role) '\(name)' is not a column of the file",
            hint: hint)
    }
}

extension TableColumn {
    /// The field at `row` as text ("" when missing).
    public func text(row: Int) -> String {
        switch data {
        case .numbers(let values):
            let value = values[row]
            if value.isNaN { return strays.first { $0.row == row }?.text ?? "" }
            return value == value.rounded() && abs(value) < 1e7 ? String(Int(value)) : "\(value)"
        case .text(let codes, let levels):
            let code = codes[row]
            return code >= 0 ? levels[Int(code)] : ""
        }
    }
}

// In extensions, so the memberwise initialisers stay for the readers in this module.
extension TableColumn {
    /// A column of already typed values (a table built in memory, not read from a file).
    /// - Parameters:
    ///   - name: the column's name.
    ///   - data: the values.
    ///   - missingCount: missing values among them (NaN or code -1).
    ///   - headerColumn: where the name stands on a header line (default 1).
    public init(name: String, data: ColumnData, missingCount: Int, headerColumn: Int = 1) {
        self.name = name
        self.data = data
        self.missingCount = missingCount
        self.strays = []
        self.headerColumn = headerColumn
    }
}

extension DataTable {
    /// A table built in memory (rows that came as JSON, say).
    /// - Parameters:
    ///   - source: what errors name as the table's source (`request`); no file.
    ///   - columns: the columns, each `rowCount` long.
    ///   - rowCount: the number of rows.
    public init(inMemory source: String, columns: [TableColumn], rowCount: Int) {
        self.path = source
        self.columns = columns
        self.rowCount = rowCount
        self.delimiter = UInt8(ascii: ",")
        self.headerLine = ""
    }
}
