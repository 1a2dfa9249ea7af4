import Spec

/// One thing wrong with a request, located by its field: `rows[2].bill_length_mm`, `rows`, or
/// the body's line and column for JSON that does not parse. The server answers all of a
/// request's problems at once (up to `RequestProblem.reportLimit`), as the spec loader does.
public struct RequestProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// The field's path in the request body (`rows[0].island`), nil for the body as a whole.
    public var field: String?
    /// What is wrong.
    public var message: String
    /// How to fix it.
    public var fix: String
    /// Line and column in the body, for JSON syntax errors.
    public var line: Int?
    public var column: Int?

    /// Problems listed in one answer; more are counted, not listed.
    public static let reportLimit = 20

    public init(
        field: String?, message: String, fix: String, line: Int? = nil, column: Int? = nil
    ) {
        self.field = field
        self.message = message
        self.fix = fix
        self.line = line
        self.column = column
    }

    /// The JSON body's syntax error, located.
    init(syntax: JSONSyntaxError) {
        self.init(
            field: nil, message: "the body is not valid JSON: " + syntax.message,
            fix: "send a JSON object: {\"rows\": [{\"column\": value, ...}, ...]}",
            line: syntax.line, column: syntax.column)
    }

    /// `rows[2].island: expected ...` or `line 1, column 9: ...`: the message as a line of text.
    public var description: String {
        var place = field.map { $0 + ": " } ?? ""
        if let line, let column { place = "line \(line), column \(column): " }
        return place + message + " (" + fix + ")"
    }

    /// The problem as a JSON object: `field`, `message`, `fix`, and `line`/`column` when known.
    var json: JSONValue {
        var members: [JSONValue.Member] = [
            .init("field", field.map(JSONValue.string) ?? .null),
            .init("message", .string(message)),
            .init("fix", .string(fix)),
        ]
        if let line, let column {
            members.append(.init("line", .int(line)))
            members.append(.init("column", .int(column)))
        }
        return .object(members)
    }

    /// The 4xx body for `problems`: `{"error": first message, "errors": [...]}`, the list cut at
    /// `reportLimit` with a last entry counting the rest.
    static func body(_ problems: [RequestProblem]) -> JSONValue {
        var listed = problems.prefix(reportLimit).map(\.json)
        if problems.count > reportLimit {
            listed.append(
                RequestProblem(
                    field: nil, message: "\(problems.count - reportLimit) more problem(s)",
                    fix: "fix the ones above and send the request again"
                ).json)
        }
        return .object([
            .init("error", .string(problems.first?.description ?? "bad request")),
            .init("errors", .array(listed)),
        ])
    }
}
