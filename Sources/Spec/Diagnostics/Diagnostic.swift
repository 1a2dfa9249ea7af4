/// One problem found in a spec (or, later, in its data or the advice on it), located in the
/// user's text like a compiler diagnostic.
///
/// Rendered by ``DiagnosticRenderer`` as
/// `FILE:LINE:COL: error: KEY.PATH: message`, the source line, a caret under the column, then
/// the notes. Every stage reports problems with this type, so all read the same.
public struct Diagnostic: Sendable, Hashable, Codable {
    /// How bad it is: an error stops the run, a warning does not.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case warning
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .warning && rhs == .error
        }
    }

    /// A follow-up line: background (`note:`) or a suggested fix (`help:`), optionally located
    /// (then rendered with its own source line and caret, e.g. "first defined here").
    public struct Note: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable {
            case note
            case help
        }

        public var kind: Kind
        public var message: String
        public var location: SourceLocation?
        /// Characters to underline from the location's column (at least 1).
        public var length: Int

        public init(
            _ kind: Kind, _ message: String, at location: SourceLocation? = nil, length: Int = 1
        ) {
            self.kind = kind
            self.message = message
            self.location = location
            self.length = max(1, length)
        }

        /// Background information.
        public static func note(
            _ message: String, at location: SourceLocation? = nil, length: Int = 1
        )
            -> Note
        { Note(.note, message, at: location, length: length) }

        /// A suggested fix.
        public static func help(
            _ message: String, at location: SourceLocation? = nil, length: Int = 1
        )
            -> Note
        { Note(.help, message, at: location, length: length) }
    }

    public var severity: Severity
    /// The file the problem is in; rendered as given, so relative paths stay relative.
    public var file: String
    /// Where in the file; nil for a problem with the whole file (e.g. it cannot be read).
    public var location: SourceLocation?
    /// Characters to underline from the location's column (at least 1).
    public var length: Int
    /// The dotted key path of the value at fault (`training.epochs`, `model.layers[2].dense`),
    /// or nil for problems below the spec language (YAML syntax).
    public var keyPath: String?
    /// What is wrong, in one sentence without a trailing period.
    public var message: String
    /// Background and suggested fixes, in order.
    public var notes: [Note]

    /// - Parameters:
    ///   - severity: `.error` or `.warning`.
    ///   - location: where the problem is; its `file` becomes ``file``.
    ///   - length: characters to underline (default 1).
    ///   - keyPath: the dotted key path, if the problem belongs to a key.
    ///   - message: one sentence, no trailing period.
    ///   - notes: notes and help lines.
    public init(
        _ severity: Severity, at location: SourceLocation, length: Int = 1, keyPath: String? = nil,
        _ message: String, notes: [Note] = []
    ) {
        self.severity = severity
        self.file = location.file
        self.location = location
        self.length = max(1, length)
        self.keyPath = keyPath
        self.message = message
        self.notes = notes
    }

    /// A diagnostic about a whole file, without a line.
    public init(
        _ severity: Severity, file: String, keyPath: String? = nil, _ message: String,
        notes: [Note] = []
    ) {
        self.severity = severity
        self.file = file
        self.location = nil
        self.length = 1
        self.keyPath = keyPath
        self.message = message
        self.notes = notes
    }

    /// The first line as a compiler writes it: `FILE:LINE:COL: error: KEY.PATH: message`.
    public var headline: String {
        let place = location.map(\.description) ?? file
        let key = keyPath.map { "\($0): " } ?? ""
        return "\(place): \(severity.rawValue): \(key)\(message)"
    }
}

extension Diagnostic: CustomStringConvertible {
    /// The headline and the notes, without source lines (use ``DiagnosticRenderer`` for those).
    public var description: String {
        DiagnosticRenderer(colored: false).render(self, source: nil)
    }
}

// Flat JSON for editors and scripts: {file, line, column, length, severity, keyPath, message,
// notes: [{kind, message, file, line, column, length}]}; line and column are absent (null) for a
// problem with the whole file.
extension Diagnostic {
    private enum CodingKeys: String, CodingKey {
        case file, line, column, length, severity, keyPath, message, notes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        severity = try container.decode(Severity.self, forKey: .severity)
        file = try container.decode(String.self, forKey: .file)
        if let line = try container.decodeIfPresent(Int.self, forKey: .line),
            let column = try container.decodeIfPresent(Int.self, forKey: .column)
        {
            location = SourceLocation(file: file, line: line, column: column)
        } else {
            location = nil
        }
        length = try container.decodeIfPresent(Int.self, forKey: .length) ?? 1
        keyPath = try container.decodeIfPresent(String.self, forKey: .keyPath)
        message = try container.decode(String.self, forKey: .message)
        notes = try container.decodeIfPresent([Note].self, forKey: .notes) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(location?.line, forKey: .line)
        try container.encode(location?.column, forKey: .column)
        try container.encode(length, forKey: .length)
        try container.encode(severity, forKey: .severity)
        try container.encode(keyPath, forKey: .keyPath)
        try container.encode(message, forKey: .message)
        try container.encode(notes, forKey: .notes)
    }
}

extension Diagnostic.Note {
    private enum CodingKeys: String, CodingKey {
        case kind, message, file, line, column, length
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(Kind.self, forKey: .kind)
        message = try container.decode(String.self, forKey: .message)
        if let file = try container.decodeIfPresent(String.self, forKey: .file),
            let line = try container.decodeIfPresent(Int.self, forKey: .line),
            let column = try container.decodeIfPresent(Int.self, forKey: .column)
        {
            location = SourceLocation(file: file, line: line, column: column)
        } else {
            location = nil
        }
        length = try container.decodeIfPresent(Int.self, forKey: .length) ?? 1
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(message, forKey: .message)
        try container.encode(location?.file, forKey: .file)
        try container.encode(location?.line, forKey: .line)
        try container.encode(location?.column, forKey: .column)
        try container.encode(length, forKey: .length)
    }
}
