import Dataset
import Spec

/// One input column of a served model, as a request must send it.
public struct InputColumn: Sendable, Equatable {
    /// What JSON values the column takes.
    public enum Kind: Sendable, Equatable {
        /// A JSON number, or null for missing.
        case number
        /// A string (or a number, for categories coded as numbers), or null for missing; the
        /// training levels, for `GET /model`.
        case category(levels: [String])
        /// An ISO date or datetime string, or null for missing (ENC-DATE-PARTS).
        case date
    }

    /// The column's name, as in the training file.
    public var name: String
    /// The JSON it takes.
    public var kind: Kind
    /// How the model encodes it (`standardised`, `one_hot`, `binary`, `embedding`,
    /// `date_parts`), for `GET /model`.
    public var encoding: String

    /// The input columns of a fitted encoding, in its order (an equality indicator,
    /// ENC-NUMERIC-EQUAL, is computed from two of them: not a column of its own).
    static func of(_ encoding: DataEncoding) -> [InputColumn] {
        encoding.features.compactMap { feature in
            switch feature.method {
            case .equality:
                nil
            case .number:
                InputColumn(name: feature.name, kind: .number, encoding: "standardised")
            case .binary(let levels, _):
                InputColumn(
                    name: feature.name, kind: .category(levels: levels), encoding: "binary")
            case .oneHot(let levels, _):
                InputColumn(
                    name: feature.name, kind: .category(levels: levels), encoding: "one_hot")
            case .embedding(let levels, _, _, _):
                InputColumn(
                    name: feature.name, kind: .category(levels: levels), encoding: "embedding")
            case .dateParts:
                InputColumn(name: feature.name, kind: .date, encoding: "date_parts")
            }
        }
    }

    /// `number`, `category` or `date`.
    var typeName: String {
        switch kind {
        case .number: "number"
        case .category: "category"
        case .date: "date"
        }
    }
}

/// The rows of a `POST /predict` body, checked against the model's columns and turned into a
/// table that the model's encoding reads exactly as `predict` reads a CSV file.
struct RequestRows {
    /// The rows as a table, one column per input column, in the model's order.
    var table: DataTable
    /// The id column's values, one per row, as the request sent them (nil without one).
    var ids: [JSONValue]?

    /// Checks `body` and builds the table; every problem is collected, none thrown early.
    /// - Parameters:
    ///   - body: the parsed JSON body, `{"rows": [{...}, ...]}`.
    ///   - columns: the model's input columns.
    ///   - target: the target's name (a row naming it is told to leave it out).
    ///   - idColumn: a column the rows may carry and the predictions repeat.
    ///   - missingMarkers: texts read as missing in category columns, as in the training file.
    ///   - maximumRows: the most rows one request may hold.
    /// - Throws: `[RequestProblem]`, in the order of the body.
    static func read(
        _ body: JSONValue, columns: [InputColumn], target: String, idColumn: String?,
        missingMarkers: [String], maximumRows: Int
    ) throws(RequestProblems) -> RequestRows {
        guard case .object(let members) = body else {
            throw RequestProblems([
                RequestProblem(
                    field: nil, message: "the body is \(body.kindName), not an object",
                    fix: "send {\"rows\": [{\"column\": value, ...}, ...]}")
            ])
        }
        var problems: [RequestProblem] = []
        for member in members where member.key != "rows" {
            problems.append(
                RequestProblem(
                    field: member.key, message: "unknown member '\(member.key)'",
                    fix: "the body has one member, \"rows\"; remove '\(member.key)'"))
        }
        guard let rowsValue = body["rows"] else {
            problems.append(
                RequestProblem(
                    field: "rows", message: "the body has no \"rows\" member",
                    fix: "send {\"rows\": [{\"column\": value, ...}, ...]}"))
            throw RequestProblems(problems)
        }
        guard case .array(let rows) = rowsValue else {
            problems.append(
                RequestProblem(
                    field: "rows", message: "\"rows\" is \(rowsValue.kindName), not an array",
                    fix: "send the rows as an array of objects, one per row"))
            throw RequestProblems(problems)
        }
        guard rows.count <= maximumRows else {
            problems.append(
                RequestProblem(
                    field: "rows",
                    message: "\(rows.count) rows, more than this server's limit of \(maximumRows)",
                    fix: "split the rows over several requests, or start the server with a "
                        + "larger --max-rows"))
            throw RequestProblems(problems)
        }
        let position = Dictionary(
            columns.enumerated().map { ($0.element.name, $0.offset) },
            uniquingKeysWith: { a, _ in a })
        var builders = columns.map { ColumnValues(kind: $0.kind, rows: rows.count) }
        var ids: [JSONValue]? = idColumn.map { _ in [] }
        let markers = Set(missingMarkers)
        let names = columns.map(\.name)
        for (index, row) in rows.enumerated() {
            let place = "rows[\(index)]"
            guard case .object(let fields) = row else {
                problems.append(
                    RequestProblem(
                        field: place, message: "a row is \(row.kindName), not an object",
                        fix: "send each row as {\"column\": value, ...}"))
                continue
            }
            var present = [Bool](repeating: false, count: columns.count)
            var id: JSONValue = .null
            for field in fields {
                let fieldPlace = place + "." + field.key
                if let k = position[field.key] {
                    present[k] = true
                    if let problem = builders[k].append(
                        field.value, column: columns[k], markers: markers)
                    {
                        problems.append(
                            RequestProblem(field: fieldPlace, message: problem.0, fix: problem.1))
                    }
                } else if field.key == idColumn {
                    id = field.value
                } else if field.key == target {
                    problems.append(
                        RequestProblem(
                            field: fieldPlace,
                            message: "'\(target)' is the target, which the model predicts",
                            fix: "leave '\(target)' out of the rows"))
                } else {
                    var fix =
                        "remove it; the model's columns are: "
                        + names.prefix(30).joined(separator: ", ")
                    if let near = Suggestion.closest(
                        to: field.key, in: names.filter { !fields.map(\.key).contains($0) },
                        maximumDistance: Suggestion.nameDistance)
                    {
                        fix = "did you mean '\(near)'? " + fix
                    }
                    problems.append(
                        RequestProblem(
                            field: fieldPlace,
                            message: "'\(field.key)' is not an input column of the model",
                            fix: fix))
                }
            }
            for k in columns.indices where !present[k] {
                problems.append(
                    RequestProblem(
                        field: place + "." + columns[k].name,
                        message: "the row has no '\(columns[k].name)'",
                        fix: "send every input column; null for a missing value"))
            }
            ids?.append(id)
        }
        guard problems.isEmpty else { throw RequestProblems(problems) }
        let tableColumns = zip(columns, builders).map { column, values in
            values.column(named: column.name)
        }
        return RequestRows(
            table: DataTable(inMemory: "request", columns: tableColumns, rowCount: rows.count),
            ids: ids)
    }
}

/// The problems of one request, thrown together.
struct RequestProblems: Error {
    var problems: [RequestProblem]
    init(_ problems: [RequestProblem]) { self.problems = problems }
}

/// One column's values as the rows bring them: numbers, or interned texts.
private struct ColumnValues {
    var numbers: [Float] = []
    var codes: [Int32] = []
    var levels: [String] = []
    var levelIndex: [String: Int32] = [:]
    var missing = 0
    let isNumber: Bool

    init(kind: InputColumn.Kind, rows: Int) {
        isNumber = kind == .number
        if isNumber {
            numbers.reserveCapacity(rows)
        } else {
            codes.reserveCapacity(rows)
        }
    }

    /// Adds one field's value; returns the message and fix when its type is wrong.
    mutating func append(
        _ value: JSONValue, column: InputColumn, markers: Set<String>
    ) -> (String, String)? {
        switch column.kind {
        case .number:
            switch value {
            case .null:
                numbers.append(.nan)
                missing += 1
            case .int(let number):
                numbers.append(Float(number))
            case .number(let number):
                guard Float(number).isFinite else {
                    numbers.append(.nan)
                    return (
                        "\(number) is beyond the range of a 32-bit float",
                        "send a value within ±3.4e38"
                    )
                }
                numbers.append(Float(number))
            case .string(let text):
                numbers.append(.nan)
                let fix =
                    Double(text.trimmingCharacters(in: .whitespaces)) != nil
                    ? "send the number without quotes: \(text.trimmingCharacters(in: .whitespaces))"
                    : "send a number, or null for a missing value"
                return ("expected a number, got the string \"\(text)\"", fix)
            default:
                numbers.append(.nan)
                return (
                    "expected a number, got \(value.kindName)",
                    "send a number, or null for a missing value"
                )
            }
        case .category(let levels):
            switch value {
            case .null: appendMissing()
            case .string(let raw):
                if let text = present(raw, markers: markers) { appendText(text) }
            case .int(let number): appendText(String(number))
            case .number(let number): appendText(NumberText.shortest(Float(number)))
            case .bool(let flag): appendText(flag ? "true" : "false")
            default:
                appendMissing()
                let examples = levels.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ")
                return (
                    "expected a category (a string), got \(value.kindName)",
                    "send one of the training levels (\(examples)\(levels.count > 3 ? ", ..." : "")), "
                        + "or null for a missing value"
                )
            }
        case .date:
            switch value {
            case .null: appendMissing()
            case .string(let raw):
                guard let text = present(raw, markers: markers) else { break }
                if DateParsing.parse(text) == nil {
                    appendMissing()
                    return (
                        "\"\(raw)\" is not a date",
                        "send an ISO date or datetime (2013-01-01, 2013-01-01T10:00:00Z, "
                            + "2013-01-01 10:00), or null for a missing value"
                    )
                } else {
                    appendText(text)
                }
            default:
                appendMissing()
                return (
                    "expected a date string, got \(value.kindName)",
                    "send an ISO date or datetime (2013-01-01), or null for a missing value"
                )
            }
        }
        return nil
    }

    /// The text without surrounding spaces, as the CSV reader stores a field; nil (and a
    /// missing value appended) when that is empty or one of the file's missing markers.
    private mutating func present(_ raw: String, markers: Set<String>) -> String? {
        var text = raw
        if let first = raw.utf8.first, let last = raw.utf8.last,
            first == UInt8(ascii: " ") || first == 9 || last == UInt8(ascii: " ") || last == 9
        {
            text = raw.trimmingCharacters(in: .whitespaces)
        }
        guard text.isEmpty || markers.contains(text) else { return text }
        appendMissing()
        return nil
    }

    private mutating func appendMissing() {
        codes.append(-1)
        missing += 1
    }

    private mutating func appendText(_ text: String) {
        if let code = levelIndex[text] {
            codes.append(code)
            return
        }
        let code = Int32(levels.count)
        levels.append(text)
        levelIndex[text] = code
        codes.append(code)
    }

    /// The values as a table column.
    func column(named name: String) -> TableColumn {
        let data: ColumnData = isNumber ? .numbers(numbers) : .text(codes: codes, levels: levels)
        return TableColumn(name: name, data: data, missingCount: missing)
    }
}
