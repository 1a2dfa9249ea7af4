import Spec

/// Everything that can be wrong with the data: a spec `Diagnostic` (the file, line and column,
/// one sentence, the fix as a `help:` note) and the kind of failure.
///
/// Rendered by `DiagnosticRenderer`, as the spec's errors are:
/// ```
/// data.csv:7:1: error: row has 4 fields, the header has 5
/// 7 | 5.1,3.5,1.4,setosa
///   | ^
///   = help: every row needs one field per header column; quote fields that contain the delimiter
/// ```
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for code that reacts to a kind of failure (and for tests).
    public enum Kind: String, Sendable, Equatable, Codable {
        case fileNotReadable, emptyFile, headerOnly, notUTF8, binaryFile, raggedRow
        case unterminatedQuote, duplicateColumn, unknownColumn, singleClass, targetAllMissing
        case strayStrings, targetNotNumeric, missingColumns, invalidOptions, noFeatures
        case tooFewRows, constantTarget, nonFiniteOutput, encodingTooLarge
    }

    /// The kind of failure.
    public var kind: Kind
    /// The located message and its fix, as every stage reports problems.
    public var diagnostic: Diagnostic
    /// The column concerned, when there is one.
    public var columnName: String?
    /// The text of the located line (without the line break), shown under the message. Data
    /// files are read in chunks, not kept, so the line travels with the error.
    public var sourceLine: String?

    /// An error of `kind` about `path`, optionally located, with a fix.
    /// - Parameters:
    ///   - location: where in the file, when known (its `file` is `path`).
    ///   - sourceLine: the text of the located line, for the caret.
    ///   - hint: how to fix it; rendered as the `help:` note.
    public init(
        _ kind: Kind, path: String, location: SourceLocation? = nil, sourceLine: String? = nil,
        columnName: String? = nil, message: String, hint: String? = nil
    ) {
        self.kind = kind
        let notes: [Diagnostic.Note] = hint.map { [.help($0)] } ?? []
        if let location {
            diagnostic = Diagnostic(.error, at: location, message, notes: notes)
        } else {
            diagnostic = Diagnostic(.error, file: path, message, notes: notes)
        }
        self.columnName = columnName
        self.sourceLine = location == nil ? nil : sourceLine
    }

    /// The file as the user named it.
    public var path: String { diagnostic.file }
    /// Where in the file, when known.
    public var location: SourceLocation? { diagnostic.location }
    /// One sentence: what is wrong.
    public var message: String { diagnostic.message }
    /// How to fix it.
    public var hint: String? { diagnostic.notes.first { $0.kind == .help }?.message }

    /// `path:LINE:COL: error: message`, the source line with a caret, then the fix, as
    /// `DiagnosticRenderer` writes it (without colour; no final line break).
    public var description: String {
        var text = DiagnosticRenderer(colored: false).render(diagnostic, sourceLine: sourceLine)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
