/// Renders diagnostics like swiftc and rustc: the headline, the source line with a gutter, a
/// caret under the column (`^~~~` over the whole token), then notes and help lines.
///
/// ```
/// Specs/iris.yaml:12:3: error: training.epocs: unknown key `epocs`
/// 12 |   epocs: 10
///    |   ^~~~~
///    = help: did you mean `epochs`?
/// ```
public struct DiagnosticRenderer: Sendable {
    /// Whether to colour with ANSI escapes (only for a terminal).
    public var colored: Bool
    /// Columns a tab stands for in the echoed source line. Default 4.
    public var tabWidth: Int

    public init(colored: Bool = false, tabWidth: Int = 4) {
        self.colored = colored
        self.tabWidth = tabWidth
    }

    /// Renders one diagnostic; `source` is the text of the diagnostic's file (nil: no source
    /// lines). Notes located in the same file get their own source line. Ends with a newline.
    public func render(_ diagnostic: Diagnostic, source: String?) -> String {
        let lines = source.map(Self.lines(of:))
        return render(diagnostic) { number in
            guard let lines, number >= 1, number <= lines.count else { return nil }
            return lines[number - 1]
        }
    }

    /// Renders one diagnostic whose file is not kept in memory (a data file, read in chunks):
    /// `sourceLine` is the text of the diagnostic's own line, shown with the caret; notes
    /// located on other lines get no source line. Ends with a newline.
    public func render(_ diagnostic: Diagnostic, sourceLine: String?) -> String {
        render(diagnostic) { number in
            number == diagnostic.location?.line ? sourceLine.map { Substring($0) } : nil
        }
    }

    /// Renders one diagnostic; `line` gives the text of a line of its file, by 1-based number,
    /// or nil when it is not known.
    private func render(_ diagnostic: Diagnostic, line: (Int) -> Substring?) -> String {
        let gutterWidth = gutterWidth(for: diagnostic)
        var output = headline(
            place: diagnostic.location?.description ?? diagnostic.file,
            label: diagnostic.severity.rawValue, labelColor: color(for: diagnostic.severity),
            keyPath: diagnostic.keyPath, message: diagnostic.message)
        if let location = diagnostic.location, let text = line(location.line) {
            output += snippet(
                text: text, location: location, length: diagnostic.length,
                gutterWidth: gutterWidth, caretColor: color(for: diagnostic.severity))
        }
        // Plain notes belong to the main snippet; located ones follow with their own.
        let ordered =
            diagnostic.notes.filter { $0.location == nil }
            + diagnostic.notes.filter { $0.location != nil }
        for note in ordered {
            let noteColor = note.kind == .note ? ANSI.cyan : ANSI.green
            if let location = note.location {
                output += headline(
                    place: location.description, label: note.kind.rawValue, labelColor: noteColor,
                    keyPath: nil, message: note.message)
                if location.file == diagnostic.file, let text = line(location.line) {
                    output += snippet(
                        text: text, location: location, length: note.length,
                        gutterWidth: gutterWidth, caretColor: noteColor)
                }
            } else {
                let pad = String(repeating: " ", count: gutterWidth + 1)
                output += "\(pad)\(paint("=", ANSI.blue)) "
                output +=
                    "\(paint(note.kind.rawValue + ":", ANSI.bold + noteColor)) \(note.message)\n"
            }
        }
        return output
    }

    /// Renders diagnostics of one file, in order.
    public func render(_ diagnostics: [Diagnostic], source: String?) -> String {
        diagnostics.map { render($0, source: source) }.joined()
    }

    /// "1 error and 2 warnings" style count, or nil when there is nothing.
    public static func summary(of diagnostics: [Diagnostic]) -> String? {
        let errors = diagnostics.count { $0.severity == .error }
        let warnings = diagnostics.count { $0.severity == .warning }
        var parts: [String] = []
        if errors > 0 { parts.append(errors == 1 ? "1 error" : "\(errors) errors") }
        if warnings > 0 { parts.append(warnings == 1 ? "1 warning" : "\(warnings) warnings") }
        return parts.isEmpty ? nil : parts.joined(separator: " and ")
    }

    // MARK: - Pieces

    private func headline(
        place: String, label: String, labelColor: String, keyPath: String?, message: String
    ) -> String {
        let key = keyPath.map { "\($0): " } ?? ""
        return paint("\(place): ", ANSI.bold) + paint("\(label):", ANSI.bold + labelColor)
            + paint(" \(key)\(message)", ANSI.bold) + "\n"
    }

    private func snippet(
        text: Substring, location: SourceLocation, length: Int, gutterWidth: Int,
        caretColor: String
    ) -> String {
        let line = Array(text.unicodeScalars)
        // Expand tabs in the echoed line, and move the caret by the same amount.
        var shown = ""
        var caretOffset = 0
        for (index, scalar) in line.enumerated() {
            let width = scalar == "\t" ? tabWidth : 1
            if index < location.column - 1 { caretOffset += width }
            shown += scalar == "\t" ? String(repeating: " ", count: tabWidth) : String(scalar)
        }
        if location.column - 1 > line.count { caretOffset += location.column - 1 - line.count }
        let available = max(1, line.count - (location.column - 1))
        var underline = "^" + String(repeating: "~", count: max(0, min(length, available) - 1))
        // A very long line (a minified or generated file) is shown as a window around the caret.
        let window = Self.snippetWidth
        if shown.count > window {
            let characters = Array(shown)
            let from = max(0, min(caretOffset - window / 2, characters.count - window))
            let to = min(characters.count, from + window)
            shown =
                (from > 0 ? "…" : "") + String(characters[from..<to])
                + (to < characters.count ? "…" : "")
            underline = String(underline.prefix(max(1, to - caretOffset)))
            caretOffset = caretOffset - from + (from > 0 ? 1 : 0)
        }
        let number = String(location.line)
        let lineGutter = String(repeating: " ", count: gutterWidth - number.count) + number + " |"
        let emptyGutter = String(repeating: " ", count: gutterWidth) + " |"
        var output = paint(lineGutter, ANSI.blue) + (shown.isEmpty ? "" : " " + shown) + "\n"
        output += paint(emptyGutter, ANSI.blue) + " " + String(repeating: " ", count: caretOffset)
        output += paint(underline, ANSI.bold + caretColor) + "\n"
        return output
    }

    /// The most characters of a source line a snippet shows.
    static let snippetWidth = 120

    private func gutterWidth(for diagnostic: Diagnostic) -> Int {
        let lines = [diagnostic.location?.line] + diagnostic.notes.map { $0.location?.line }
        return String(lines.compactMap { $0 }.max() ?? 1).count
    }

    private func color(for severity: Diagnostic.Severity) -> String {
        severity == .error ? ANSI.red : ANSI.yellow
    }

    private func paint(_ text: String, _ code: String) -> String {
        colored ? code + text + ANSI.reset : text
    }

    static func lines(of source: String) -> [Substring] {
        // "\r\n" is one Character in Swift, so both line ends are separators.
        source.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }

    private enum ANSI {
        static let reset = "\u{1B}[0m"
        static let bold = "\u{1B}[1m"
        static let red = "\u{1B}[31m"
        static let yellow = "\u{1B}[33m"
        static let blue = "\u{1B}[34m"
        static let cyan = "\u{1B}[36m"
        static let green = "\u{1B}[32m"
    }
}
