internal import CYAML

/// Parses YAML text into one ``YAMLNode`` tree on libyaml's event parser, reporting problems
/// as ``Diagnostic``s: libyaml's syntax errors (located), tabs in indentation, duplicate keys,
/// unknown aliases, more than one document, documents past a node limit (aliases expanded) and
/// nesting past a depth limit.
///
/// No C type leaves this file: events are copied into Swift values and freed at once.
public struct YAMLParser: Sendable {
    /// The most nodes a document may expand to through aliases (guards against "billion laughs"
    /// alias bombs). Default 100,000: far beyond any spec.
    public var nodeLimit: Int
    /// The deepest nesting of lists and mappings a document may have. Default 256: a spec
    /// nests four levels; the limit keeps the composer (and every walk of the tree after it)
    /// far from the stack's end.
    public var depthLimit: Int

    public init(nodeLimit: Int = 100_000, depthLimit: Int = 256) {
        self.nodeLimit = nodeLimit
        self.depthLimit = depthLimit
    }

    /// The outcome of a parse: the root node (nil for an empty stream or a fatal error) and the
    /// problems found.
    public struct Result: Sendable {
        public var root: YAMLNode?
        public var diagnostics: [Diagnostic]
        /// Whether the stream held no document at all (empty file or only comments).
        public var isEmpty: Bool
    }

    /// Parses `text`; `file` names it in diagnostics.
    public func parse(_ text: String, file: String) -> Result {
        var composer = Composer(
            file: file, nodeLimit: nodeLimit, depthLimit: depthLimit, reader: EventReader(text))
        do {
            let root = try composer.composeStream()
            return Result(root: root.node, diagnostics: composer.diagnostics, isEmpty: root.isEmpty)
        } catch let error as YAMLSyntaxError {
            composer.diagnostics.append(
                contentsOf: Self.diagnostics(for: error, text: text, file: file))
        } catch {
            // The composer reports its own fatal problems (size, depth) before throwing.
        }
        return Result(root: nil, diagnostics: composer.diagnostics, isEmpty: false)
    }

    /// libyaml's error, explained; when lines are indented with tabs, the tabs are the story.
    private static func diagnostics(
        for error: YAMLSyntaxError, text: String, file: String
    )
        -> [Diagnostic]
    {
        let tabs = tabIndentations(in: text)
        if let first = tabs.first, error.problemMark.line >= first.line {
            return tabs.map {
                Diagnostic(
                    .error, at: SourceLocation(file: file, line: $0.line, column: $0.column),
                    "tab character in indentation",
                    notes: [.help("YAML indents with spaces only; replace the tab with spaces")])
            }
        }
        var message = "YAML syntax: \(error.problem)"
        var notes: [Diagnostic.Note] = []
        if let context = error.context, let mark = error.contextMark {
            notes.append(
                .note(
                    contextNote(context),
                    at: SourceLocation(file: file, line: mark.line, column: mark.column)))
        }
        switch error.problem {
        case "mapping values are not allowed in this context":
            notes.append(
                .help(
                    "if this line holds a key, indent it like the keys beside it; if `: ` is "
                        + "part of a value, quote the value"))
        case "did not find expected key", "did not find expected '-' indicator":
            notes.append(
                .help(
                    "check this line's indentation against the lines above: it must line up "
                        + "with its sibling keys"))
        case "found character that cannot start any token":
            notes.append(.help("quote the value if it starts with `@`, `` ` `` or `%`"))
        case "did not find expected ',' or '}'", "did not find expected ',' or ']'":
            notes.append(.help("close the bracket opened above, or separate its items with commas"))
        case "found unexpected end of stream":
            notes.append(.help("a quote or bracket was opened and never closed"))
        default:
            if error.isReaderError {
                message = "the file is not valid UTF-8 text (\(error.problem))"
            }
        }
        return [
            Diagnostic(
                .error,
                at: SourceLocation(
                    file: file, line: error.problemMark.line,
                    column: error.problemMark.column), message, notes: notes)
        ]
    }

    /// "while parsing a block mapping" -> "the block mapping starts here".
    private static func contextNote(_ context: String) -> String {
        var words = context.split(separator: " ").map(String.init)
        if words.first == "while", words.count > 2 { words.removeFirst(2) }
        if words.first == "a" || words.first == "an" { words.removeFirst() }
        return "the " + words.joined(separator: " ") + " starts here"
    }

    /// Lines whose leading whitespace holds a tab (blank and comment-only lines excepted),
    /// with the 1-based column of the first such tab.
    static func tabIndentations(in text: String) -> [YAMLMark] {
        var marks: [YAMLMark] = []
        for (index, line) in DiagnosticRenderer.lines(of: text).enumerated() {
            let indentation = line.prefix { $0 == " " || $0 == "\t" }
            let rest = line.dropFirst(indentation.count)
            guard let tab = indentation.firstIndex(of: "\t"), !rest.isEmpty, !rest.hasPrefix("#")
            else { continue }
            marks.append(
                YAMLMark(
                    line: index + 1,
                    column: indentation.distance(
                        from: indentation.startIndex, to: tab) + 1))
        }
        return marks
    }
}

// MARK: - Events

/// A libyaml parse failure, with 1-based marks.
struct YAMLSyntaxError: Error {
    var problem: String
    var problemMark: YAMLMark
    var context: String?
    var contextMark: YAMLMark?
    var isReaderError: Bool
}

/// The document went past the node or depth limit; already reported.
struct YAMLLimitError: Error {}

/// A libyaml event, copied into Swift.
enum YAMLEvent {
    case streamStart
    case streamEnd
    case documentStart(YAMLMark)
    case documentEnd
    case alias(anchor: String, start: YAMLMark, end: YAMLMark)
    case scalar(YAMLScalar, anchor: String?, start: YAMLMark, end: YAMLMark)
    case sequenceStart(anchor: String?, start: YAMLMark)
    case sequenceEnd(end: YAMLMark)
    case mappingStart(anchor: String?, start: YAMLMark)
    case mappingEnd(end: YAMLMark)
}

/// Owns a libyaml parser and its input buffer; frees both on deinit.
final class EventReader {
    private var parser = yaml_parser_t()
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let initialized: Bool

    init(_ text: String) {
        // libyaml keeps a pointer to its input between calls, so the bytes need a stable home.
        let bytes = Array(text.utf8)
        input = .allocate(capacity: max(1, bytes.count))
        _ = input.initialize(from: bytes)
        initialized = yaml_parser_initialize(&parser) == 1
        if initialized {
            yaml_parser_set_input_string(&parser, input.baseAddress, bytes.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        }
    }

    deinit {
        if initialized { yaml_parser_delete(&parser) }
        input.deallocate()
    }

    /// The next event; throws libyaml's error, located.
    func next() throws(YAMLSyntaxError) -> YAMLEvent {
        guard initialized else {
            throw YAMLSyntaxError(
                problem: "libyaml could not start (out of memory)",
                problemMark: YAMLMark(line: 1, column: 1), context: nil, contextMark: nil,
                isReaderError: false)
        }
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else { throw currentError() }
        defer { yaml_event_delete(&event) }
        let start = Self.mark(event.start_mark)
        let end = Self.mark(event.end_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT: return .streamStart
        case YAML_STREAM_END_EVENT: return .streamEnd
        case YAML_DOCUMENT_START_EVENT: return .documentStart(start)
        case YAML_DOCUMENT_END_EVENT: return .documentEnd
        case YAML_ALIAS_EVENT:
            return .alias(
                anchor: Self.string(event.data.alias.anchor) ?? "", start: start, end: end)
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text =
                data.value.map {
                    String(
                        decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self)
                } ?? ""
            let style: YAMLScalar.Style =
                switch data.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: .literal
                case YAML_FOLDED_SCALAR_STYLE: .folded
                default: .plain
                }
            let scalar = YAMLScalar(text: text, style: style, tag: Self.string(data.tag))
            return .scalar(scalar, anchor: Self.string(data.anchor), start: start, end: end)
        case YAML_SEQUENCE_START_EVENT:
            return .sequenceStart(
                anchor: Self.string(event.data.sequence_start.anchor), start: start)
        case YAML_SEQUENCE_END_EVENT: return .sequenceEnd(end: end)
        case YAML_MAPPING_START_EVENT:
            return .mappingStart(anchor: Self.string(event.data.mapping_start.anchor), start: start)
        case YAML_MAPPING_END_EVENT: return .mappingEnd(end: end)
        default:
            // YAML_NO_EVENT: libyaml has nothing more; treat as the end of the stream.
            return .streamEnd
        }
    }

    private func currentError() -> YAMLSyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown YAML error"
        let isReaderError = parser.error == YAML_READER_ERROR
        // Reader errors carry a byte offset rather than a mark.
        let mark =
            isReaderError ? markOfOffset(parser.problem_offset) : Self.mark(parser.problem_mark)
        return YAMLSyntaxError(
            problem: problem, problemMark: mark,
            context: parser.context.map { String(cString: $0) },
            contextMark: parser.context == nil ? nil : Self.mark(parser.context_mark),
            isReaderError: isReaderError)
    }

    private func markOfOffset(_ offset: Int) -> YAMLMark {
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, input.count) where input[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        return YAMLMark(line: line, column: max(0, offset - lineStart) + 1)
    }

    private static func mark(_ mark: yaml_mark_t) -> YAMLMark {
        // libyaml counts from 0.
        YAMLMark(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafePointer($0)) }
    }
}

// MARK: - Composer

/// Builds the node tree from events, resolving anchors, aliases and merge keys, and checking
/// duplicate keys and document count.
struct Composer {
    let file: String
    let nodeLimit: Int
    let depthLimit: Int
    let reader: EventReader
    var diagnostics: [Diagnostic] = []
    private var anchors: [String: Anchored] = [:]
    private var nodeCount = 0
    /// How many of `nodeCount` came from expanding aliases.
    private var aliasNodeCount = 0
    /// Lists and mappings open around the node being composed.
    private var depth = 0

    /// An anchored node with its size and height, so an alias is checked without a walk.
    private struct Anchored {
        var node: YAMLNode
        var nodeCount: Int
        /// Nesting levels of lists and mappings inside the node (0 for a scalar).
        var height: Int
    }

    init(file: String, nodeLimit: Int, depthLimit: Int, reader: EventReader) {
        self.file = file
        self.nodeLimit = nodeLimit
        self.depthLimit = depthLimit
        self.reader = reader
    }

    private func location(_ mark: YAMLMark) -> SourceLocation {
        SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    mutating func composeStream() throws -> (node: YAMLNode?, isEmpty: Bool) {
        guard case .streamStart = try reader.next() else { return (nil, true) }
        guard case .documentStart = try reader.next() else { return (nil, true) }
        let root = try composeNode(try reader.next(), path: "")
        guard case .documentEnd = try reader.next() else { return (root, false) }
        let following = try reader.next()
        if case .documentStart(let mark) = following {
            diagnostics.append(
                Diagnostic(
                    .error, at: location(mark),
                    "a spec is one YAML document; a second one starts here",
                    notes: [
                        .help("remove the `---` and what follows, or put each spec in its own file")
                    ]))
        }
        return (root, false)
    }

    /// Counts `added` nodes (`fromAlias`: an alias's expansion); past the limit, reports
    /// what made the document that large and stops.
    private mutating func count(_ added: Int, at mark: YAMLMark, fromAlias: Bool = false) throws {
        nodeCount += added
        if fromAlias { aliasNodeCount += added }
        guard nodeCount > nodeLimit else { return }
        // An alias bomb is the aliases' doing; a plain huge list is the text's own size.
        let diagnostic =
            aliasNodeCount * 2 > nodeCount
            ? Diagnostic(
                .error, at: location(mark),
                "aliases expand the document past \(nodeLimit) nodes",
                notes: [.note("nested aliases multiply; a spec never needs this many values")])
            : Diagnostic(
                .error, at: location(mark),
                "the document has more than \(nodeLimit) values (scalars, lists and mappings)",
                notes: [
                    .note("the limit is \(nodeLimit) YAML nodes; a spec never needs this many"),
                    .help("keep data in the CSV file that `data.path` names, not in the spec"),
                ])
        diagnostics.append(diagnostic)
        throw YAMLLimitError()
    }

    /// Opens a list or mapping at `mark`; past the depth limit, reports it and stops.
    private mutating func enterCollection(at mark: YAMLMark) throws {
        depth += 1
        guard depth > depthLimit else { return }
        diagnostics.append(
            Diagnostic(
                .error, at: location(mark),
                "lists and mappings nest deeper than \(depthLimit) levels here",
                notes: [
                    .note("the limit is \(depthLimit) levels; a spec nests four or five"),
                    .help("close the brackets opened above, or check the indentation"),
                ]))
        throw YAMLLimitError()
    }

    private mutating func composeNode(_ event: YAMLEvent, path: String) throws -> YAMLNode {
        switch event {
        case .scalar(let scalar, let anchor, let start, let end):
            try count(1, at: start)
            let node = YAMLNode(.scalar(scalar), start: start, end: end)
            if let anchor { anchors[anchor] = Anchored(node: node, nodeCount: 1, height: 0) }
            return node
        case .alias(let anchor, let start, let end):
            guard let anchored = anchors[anchor] else {
                diagnostics.append(
                    Diagnostic(
                        .error, at: location(start), length: end.column - start.column,
                        keyPath: path.isEmpty ? nil : path, "unknown alias `*\(anchor)`",
                        notes: anchorSuggestion(for: anchor)))
                return YAMLNode(
                    .scalar(YAMLScalar(text: "", style: .plain)), start: start, end: end)
            }
            try count(anchored.nodeCount, at: start, fromAlias: true)
            // Aliases inside anchored nodes stack their heights: bound the expanded depth too.
            if depth + anchored.height > depthLimit {
                depth += anchored.height
                try enterCollection(at: start)
            }
            return anchored.node
        case .sequenceStart(let anchor, let start):
            try count(1, at: start)
            try enterCollection(at: start)
            defer { depth -= 1 }
            var items: [YAMLNode] = []
            while true {
                let next = try reader.next()
                if case .sequenceEnd(let end) = next {
                    let node = YAMLNode(.sequence(items), start: start, end: end)
                    if let anchor { anchors[anchor] = Self.anchored(node) }
                    return node
                }
                items.append(try composeNode(next, path: "\(path)[\(items.count)]"))
            }
        case .mappingStart(let anchor, let start):
            try count(1, at: start)
            try enterCollection(at: start)
            defer { depth -= 1 }
            let node = try composeMapping(start: start, path: path)
            if let anchor { anchors[anchor] = Self.anchored(node) }
            return node
        case .streamStart, .streamEnd, .documentStart, .documentEnd, .sequenceEnd, .mappingEnd:
            // libyaml only emits well-formed event streams; an empty node stands in.
            return YAMLNode(
                .scalar(YAMLScalar(text: "", style: .plain)), start: .init(line: 1, column: 1),
                end: .init(line: 1, column: 1))
        }
    }

    /// An anchored collection's size and height (its depth is within the limit, so the walk
    /// is too).
    private static func anchored(_ node: YAMLNode) -> Anchored {
        func height(_ node: YAMLNode) -> Int {
            switch node.content {
            case .scalar: 0
            case .sequence(let items): 1 + (items.map(height).max() ?? 0)
            case .mapping(let entries):
                1 + (entries.map { max(height($0.key), height($0.value)) }.max() ?? 0)
            }
        }
        return Anchored(node: node, nodeCount: node.nodeCount, height: height(node))
    }

    private func anchorSuggestion(for anchor: String) -> [Diagnostic.Note] {
        if let close = Suggestion.closest(to: anchor, in: anchors.keys.sorted()) {
            return [.help("did you mean `*\(close)`?")]
        }
        if anchors.isEmpty {
            return [.note("an alias refers to an anchor (`&name`) defined earlier in the file")]
        }
        return [
            .note(
                "anchors defined so far: "
                    + anchors.keys.sorted().map { "`&\($0)`" }.joined(separator: ", "))
        ]
    }

    private mutating func composeMapping(start: YAMLMark, path: String) throws -> YAMLNode {
        var explicit: [YAMLEntry] = []
        var merged: [YAMLEntry] = []
        var seen: [String: YAMLNode] = [:]
        while true {
            let next = try reader.next()
            if case .mappingEnd(let end) = next {
                let explicitKeys = Set(explicit.compactMap { $0.key.scalar?.text })
                var mergedKeys = Set<String>()
                let inherited = merged.filter {
                    guard let key = $0.key.scalar?.text else { return false }
                    return !explicitKeys.contains(key) && mergedKeys.insert(key).inserted
                }
                return YAMLNode(.mapping(explicit + inherited), start: start, end: end)
            }
            let key = try composeNode(next, path: path)
            let keyText = key.scalar?.text
            let childPath = keyText.map { path.isEmpty ? $0 : "\(path).\($0)" } ?? path
            let value = try composeNode(try reader.next(), path: childPath)
            guard let keyText, let keyScalar = key.scalar else {
                diagnostics.append(
                    Diagnostic(
                        .error, at: location(key.start), keyPath: path.isEmpty ? nil : path,
                        "a key must be a plain word, not a list or a mapping"))
                continue
            }
            if keyText == "<<", keyScalar.style == .plain {
                merged.append(contentsOf: mergeEntries(from: value, path: path))
                continue
            }
            if let first = seen[keyText] {
                diagnostics.append(
                    Diagnostic(
                        .error, at: location(key.start), length: key.underlineLength,
                        keyPath: childPath,
                        "duplicate key `\(keyText)` (first defined on line \(first.start.line))",
                        notes: [
                            .note(
                                "first defined here", at: location(first.start),
                                length: first.underlineLength),
                            .help("remove one of the two; YAML keeps no duplicate keys"),
                        ]))
                continue
            }
            seen[keyText] = key
            explicit.append(YAMLEntry(key: key, value: value))
        }
    }

    /// The entries a merge key (`<<: *base` or `<<: [*a, *b]`) brings in; earlier sources win.
    private mutating func mergeEntries(from value: YAMLNode, path: String) -> [YAMLEntry] {
        switch value.content {
        case .mapping(let entries): return entries
        case .sequence(let items) where items.allSatisfy({ $0.entries != nil }):
            return items.flatMap { $0.entries ?? [] }
        default:
            diagnostics.append(
                Diagnostic(
                    .error, at: location(value.start), keyPath: path.isEmpty ? nil : path,
                    "a merge key `<<` takes a mapping or a list of mappings (usually an alias like `*base`)"
                ))
            return []
        }
    }
}
