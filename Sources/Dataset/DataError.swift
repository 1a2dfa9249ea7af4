/// A place in a data file: 1-based line and column, with the text of that line for the caret.
public struct SourceLocation: Sendable, Equatable, Codable {
    /// The file as the user named it.
    public var path: String
    /// 1-based line number (physical lines: a quoted newline starts a new line).
    public var line: Int
    /// 1-based column, in characters from the start of the line.
    public var column: Int
    /// The line's text (without the line break), shown under the message.
    public var sourceLine: String?

    /// A location; `sourceLine` is the text shown with a caret under `column`.
    public init(path: String, line: Int, column: Int, sourceLine: String? = nil) {
        self.path = path
        self.line = line
        self.column = column
        self.sourceLine = sourceLine
    }
}

/// Everything that can be wrong with the data, each a located diagnostic with a fix.
///
/// Rendered like a compiler diagnostic:
/// ```
/// data.csv:7:1: error: row has 4 fields, the header has 5
///     5.1,3.5,1.4,setosa
///     ^
///   hint: every row needs one field per header column; quote fields that contain the delimiter
/// ```
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for code that reacts to a kind of failure (and for tests).
    public enum Kind: String, Sendable, Equatable, Codable {
        case fileNotReadable, emptyFile, headerOnly, notUTF8, binaryFile, raggedRow
        case unterminatedQuote, duplicateColumn, unknownColumn, singleClass, targetAllMissing
        case strayStrings, targetNotNumeric, missingColumns, invalidOptions, noFeatures
        case tooFewRows, constantTarget, nonFiniteOutput
    }

    /// The kind of failure.
    public var kind: Kind
    /// The file, and the line and column when the failure has a place in it.
    public var path: String
    /// Where in the file, when known.
    public var location: SourceLocation?
    /// The column concerned, when there is one.
    public var columnName: String?
    /// One sentence: what is wrong.
    public var message: String
    /// How to fix it.
    public var hint: String?

    /// A diagnostic of `kind` about `path`, optionally located, with a fix.
    public init(
        _ kind: Kind, path: String, location: SourceLocation? = nil, columnName: String? = nil,
        message: String, hint: String? = nil
    ) {
        self.kind = kind
        self.path = path
        self.location = location
        self.columnName = columnName
        self.message = message
        self.hint = hint
    }

    /// `path:LINE:COL: error: message`, the source line with a caret, then the hint.
    public var description: String {
        var out: String
        if let location {
            out = "\(location.path):\(location.line):\(location.column): error: \(message)"
            if let text = location.sourceLine {
                let shown = String(text.prefix(160))
                out += "\n    \(shown)\n    "
                out += String(repeating: " ", count: max(0, location.column - 1)) + "^"
            }
        } else {
            out = "\(path): error: \(message)"
        }
        if let hint { out += "\n  hint: \(hint)" }
        return out
    }
}
