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
