import Spec

/// One mustache tag found in a template, with where it starts.
struct TemplateTag: Equatable {
    enum Kind: Equatable {
        /// `{{name}}`
        case variable
        /// `{{{name}}}` or `{{&name}}`
        case unescapedVariable
        /// `{{#name}}`
        case section
        /// `{{^name}}`
        case invertedSection
        /// `{{/name}}`
        case sectionEnd
        /// `{{! text }}`
        case comment
        /// `{{% text }}`
        case pragma
    }

    var kind: Kind
    /// The variable or section name, or the comment / pragma text (trimmed).
    var name: String
    /// The whole tag, from `{{` to `}}`.
    var span: TemplateSpan
    /// The span of `name` inside the tag (for carets under the name).
    var nameSpan: TemplateSpan
}

/// Splits a template into its tags, with line and column, rejecting what Layerwise templates do
/// not support (set delimiters, partials, transforms) before swift-mustache ever sees it.
///
/// swift-mustache's parser stops at the first problem and reports a position at best; this
/// scanner keeps going and reports every malformed tag at its `line:column`.
struct TemplateScanner {
    let file: String
    let characters: [Character]
    let lines: [String]

    init(file: String, source: String) {
        self.file = file
        self.characters = Array(source)
        self.lines = source.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map(String.init)
    }

    /// The tags in source order, and every malformed tag as an error.
    func scan() -> (tags: [TemplateTag], errors: [TemplateError]) {
        var tags: [TemplateTag] = []
        var errors: [TemplateError] = []
        var index = 0
        var line = 1
        var column = 1

        func advance(to target: Int) {
            while index < target {
                if characters[index].isNewline {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                index += 1
            }
        }

        while index < characters.count {
            guard characters[index] == "{", next(index) == "{" else {
                advance(to: index + 1)
                continue
            }
            let startLine = line
            let startColumn = column
            let triple = next(index + 1) == "{"
            let sigilIndex = index + (triple ? 3 : 2)
            let sigil: Character? = triple ? nil : character(at: sigilIndex)
            let closing = triple ? "}}}" : "}}"
            let isComment = sigil == "!"
            let innerStart =
                sigilIndex + (triple || sigil.map(Self.sigils.contains) != true ? 0 : 1)

            guard let closeIndex = find(closing, from: innerStart, acrossLines: isComment) else {
                let span = self.span(line: startLine, column: startColumn, length: 2)
                errors.append(
                    .syntax(span, message: "tag is not closed: expected `\(closing)` on this line"))
                advance(to: index + 2)
                continue
            }
            let inner = String(characters[innerStart..<closeIndex])
            let tagLength = closeIndex + closing.count - index
            let tagSpan = span(line: startLine, column: startColumn, length: tagLength)
            let leading = inner.prefix(while: { $0 == " " || $0 == "\t" }).count
            let trimmed = inner.trimmingWhitespace()
            let nameSpan = span(
                line: startLine, column: startColumn + (innerStart - index) + leading,
                length: trimmed.count)

            var kind: TemplateTag.Kind?
            switch sigil {
            case nil: kind = .unescapedVariable
            case "&": kind = .unescapedVariable
            case "#": kind = .section
            case "^": kind = .invertedSection
            case "/": kind = .sectionEnd
            case "!": kind = .comment
            case "%": kind = .pragma
            case "=":
                errors.append(.setDelimiterNotSupported(tagSpan))
            case ">", "<", "$":
                errors.append(.partialNotSupported(tagSpan, name: "{{\(sigil!)\(trimmed)}}"))
            default: kind = .variable
            }
            if let kind {
                if kind == .comment || kind == .pragma {
                    tags.append(
                        TemplateTag(kind: kind, name: trimmed, span: tagSpan, nameSpan: nameSpan))
                } else if let problem = Self.nameProblem(trimmed) {
                    errors.append(.syntax(nameSpan, message: problem))
                } else {
                    tags.append(
                        TemplateTag(kind: kind, name: trimmed, span: tagSpan, nameSpan: nameSpan))
                }
            }
            advance(to: closeIndex + closing.count)
        }
        return (tags, errors)
    }

    /// Sigils that are not part of the name.
    private static let sigils: Set<Character> = ["&", "#", "^", "/", "!", "%", "=", ">", "<", "$"]

    /// Why `name` is not a variable name Layerwise templates accept, or nil when it is.
    static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "empty tag: expected a variable name" }
        if name == "." { return nil }
        if name.contains("(") || name.contains(")") {
            return "`\(name)`: transforms (function-call syntax) are not supported in templates"
        }
        let allowed = name.allSatisfy {
            ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "." || $0 == "-"
        }
        if !allowed {
            return
                "`\(name)` is not a variable name: use letters, digits, `_`, and `.` between names"
        }
        if name.hasSuffix(".") || name.contains("..") {
            return "`\(name)` is not a variable name: a `.` must separate two names"
        }
        return nil
    }

    /// A span at `line:column` (1-based), with that line's text.
    func span(line: Int, column: Int, length: Int) -> TemplateSpan {
        TemplateSpan(
            location: SourceLocation(file: file, line: line, column: column),
            sourceLine: line - 1 < lines.count ? lines[line - 1] : "", length: length)
    }

    private func character(at index: Int) -> Character? {
        index < characters.count ? characters[index] : nil
    }

    private func next(_ index: Int) -> Character? { character(at: index + 1) }

    /// The index where `needle` starts at or after `start`; without `acrossLines` the search
    /// stops at the end of the line (a tag never spans lines, a comment may).
    private func find(_ needle: String, from start: Int, acrossLines: Bool) -> Int? {
        let pattern = Array(needle)
        var index = start
        while index + pattern.count <= characters.count {
            if !acrossLines, characters[index].isNewline { return nil }
            if characters[index] == pattern[0],
                Array(characters[index..<index + pattern.count]) == pattern
            {
                return index
            }
            index += 1
        }
        return nil
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        guard let first = firstIndex(where: { !isSpace($0) }),
            let last = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
