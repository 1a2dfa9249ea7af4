/// Renders the rulebook — `RuleCatalog`'s introduction, sections, prose and rules — as the
/// Markdown document docs/rulebook.md, or as text for a terminal (`layerwise rulebook`).
///
/// Each section is a heading with the section's title exactly as `--explain` cites it, the
/// tuning notes' headings its rules come from, its prose, and a table of its rules: ID, rule,
/// formula, marked **proposed** where the thresholds are.
public struct RulebookWriter: Sendable {
    /// The width prose is wrapped to (Markdown tables are not wrapped).
    public var width: Int
    /// The rules, in order.
    public var rules: [RuleText]
    /// The sections declared with their prose, in order.
    public var declaredSections: [RuleSection]

    /// A writer.
    /// - Parameters:
    ///   - width: the width prose is wrapped to; default 100, the project's.
    ///   - rules: the rules; default every rule `explain` knows.
    ///   - sections: the sections with their prose; default the catalog's.
    public init(
        width: Int = 100, rules: [RuleText] = RuleCatalog.explainable,
        sections: [RuleSection] = RuleCatalog.sections
    ) {
        self.width = width
        self.rules = rules
        self.declaredSections = sections
    }

    /// Every section to render: the declared ones, then any section a rule names that is not
    /// declared (rendered with its table alone, so no rule is ever left out).
    public var sections: [RuleSection] {
        var sections = declaredSections
        for rule in rules where !sections.contains(where: { $0.title == rule.section }) {
            sections.append(RuleSection(rule.section))
        }
        return sections
    }

    /// The rules that stand in `section`, in order.
    public func rules(in section: RuleSection) -> [RuleText] {
        rules.filter { $0.section == section.title }
    }

    /// The tuning notes' headings the rules of `section` come from, each once, in rule order.
    public func notesHeadings(of section: RuleSection) -> [String] {
        var headings: [String] = []
        for heading in rules(in: section).compactMap(\.notesHeading)
        where !headings.contains(heading) {
            headings.append(heading)
        }
        return headings
    }

    // MARK: Markdown

    /// The rulebook as Markdown (GitHub's tables), ending with a newline: what
    /// docs/rulebook.md holds.
    public func markdown() -> String {
        var blocks = [
            "# \(RuleCatalog.title)",
            """
            <!-- Generated from Sources/Advisor/RuleCatalog*.swift by
                 `swift run layerwise rulebook --format markdown -o \(RuleCatalog.documentPath)`. \
            Do not edit. -->
            """,
        ]
        blocks += RuleCatalog.introduction.map(markdown)
        blocks.append("Sections:")
        blocks.append(
            sections.map { "- [\($0.title)](#\(Self.anchor($0.title)))" }.joined(
                separator: "\n"))
        for section in sections {
            blocks.append("## \(section.title)")
            if let sources = sourcesLine(section) { blocks.append(markdown(.paragraph(sources))) }
            blocks += section.introduction.map(markdown)
            let rules = rules(in: section)
            if !rules.isEmpty {
                let rows = rules.map { rule in
                    let formula =
                        "`\(rule.formula)`" + (rule.proposed ? " (**proposed**)" : "")
                    return "| "
                        + [rule.id, rule.text, formula].map(Self.cell).joined(separator: " | ")
                        + " |"
                }
                blocks.append(
                    (["| ID | Rule | Formula |", "|---|---|---|"] + rows).joined(
                        separator: "\n"))
            }
            blocks += section.closing.map(markdown)
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// One prose block as Markdown.
    func markdown(_ prose: RulebookProse) -> String {
        switch prose {
        case .paragraph(let text):
            return Self.markdownWrapped(text, width: width).joined(separator: "\n")
        case .steps(let steps):
            return steps.enumerated().map { index, step in
                listItem("\(index + 1). ", step)
            }.joined(separator: "\n")
        case .bullets(let items):
            return items.map { listItem("- ", $0) }.joined(separator: "\n")
        case .heading(let text):
            return "### \(text)"
        case .preformatted(let text):
            return "```text\n\(text)\n```"
        }
    }

    /// A list item: the marker, then the text wrapped with continuation lines indented under it.
    func listItem(_ marker: String, _ text: String) -> String {
        let indent = String(repeating: " ", count: marker.count)
        let lines = Self.markdownWrapped(text, width: width - marker.count)
        return lines.enumerated().map { ($0 == 0 ? marker : indent) + $1 }.joined(separator: "\n")
    }

    /// A table cell: pipes escaped (also inside code spans, as GitHub's tables want).
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }

    /// GitHub's anchor of a heading: lower case, spaces to hyphens, other punctuation dropped.
    static func anchor(_ heading: String) -> String {
        String(
            heading.lowercased().compactMap { character -> Character? in
                if character == " " { return "-" }
                return character.isLetter || character.isNumber || character == "-"
                    || character == "_" ? character : nil
            })
    }

    /// `text` wrapped like `TextReport.wrapped`, but never starting a line with a word Markdown
    /// would read as the start of a block (a list marker, a heading, a quote, a fence): such a
    /// word stays on the line before, even past the width.
    static func markdownWrapped(_ text: String, width: Int) -> [String] {
        TextReport.wrapped(text, width: width) { startsBlock(String($0)) }
    }

    /// Whether a line starting with `word` (and more words) would start a Markdown block: a
    /// list item, a heading, a quote, HTML, a fence.
    static func startsBlock(_ word: String) -> Bool {
        if ["-", "+", "*"].contains(word) { return true }
        if word.count <= 6, word.allSatisfy({ $0 == "#" }) { return true }
        for prefix in [">", "<", "```", "~~~"] where word.hasPrefix(prefix) { return true }
        let digits = word.prefix { $0.isNumber }
        let rest = word.dropFirst(digits.count)
        return !digits.isEmpty && (rest == "." || rest == ")")
    }

    /// The line naming a section's sources: the tuning notes' headings its rules cite, then the
    /// section's other sources; nil when there are none.
    func sourcesLine(_ section: RuleSection) -> String? {
        let notes = notesHeadings(of: section).map { "\"\($0)\"" }.joined(separator: ", ")
        let others = section.sources.joined(separator: ", ")
        switch (notes.isEmpty, others.isEmpty) {
        case (true, true): return nil
        case (false, true): return "Notes: \(notes)."
        case (true, false): return "Sources: \(others)."
        case (false, false): return "Notes: \(notes). Also: \(others)."
        }
    }

    // MARK: Text

    /// The rulebook as text for a terminal, ending with a newline: headings underlined, each
    /// rule as its ID (with "proposed thresholds" where it applies), its text and its formula.
    public func text() -> String {
        var blocks = [underlined(RuleCatalog.title, "=")]
        blocks += RuleCatalog.introduction.map(text)
        for section in sections {
            var lines = [underlined(section.title, "=")]
            if let sources = sourcesLine(section) { lines.append(text(.paragraph(sources))) }
            blocks.append(lines.joined(separator: "\n"))
            blocks += section.introduction.map(text)
            for rule in rules(in: section) {
                var lines = [rule.id + (rule.proposed ? " (proposed thresholds)" : "")]
                lines += TextReport.wrapped(Self.plain(rule.text), width: width - 4).map {
                    "    " + $0
                }
                lines += TextReport.wrapped("Formula: \(rule.formula)", width: width - 4).map {
                    "    " + $0
                }
                blocks.append(lines.joined(separator: "\n"))
            }
            blocks += section.closing.map(text)
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// One prose block as text.
    func text(_ prose: RulebookProse) -> String {
        func item(_ marker: String, _ text: String) -> String {
            let indent = String(repeating: " ", count: marker.count)
            return TextReport.wrapped(Self.plain(text), width: width - marker.count)
                .enumerated().map { ($0 == 0 ? marker : indent) + $1 }.joined(separator: "\n")
        }
        switch prose {
        case .paragraph(let paragraph):
            return TextReport.wrapped(Self.plain(paragraph), width: width).joined(separator: "\n")
        case .steps(let steps):
            return steps.enumerated().map { item("\($0 + 1). ", $1) }.joined(separator: "\n")
        case .bullets(let items):
            return items.map { item("- ", $0) }.joined(separator: "\n")
        case .heading(let heading):
            return underlined(heading, "-")
        case .preformatted(let preformatted):
            return preformatted
        }
    }

    /// `title` over a line of `mark` as long as it.
    func underlined(_ title: String, _ mark: Character) -> String {
        title + "\n" + String(repeating: mark, count: title.count)
    }

    /// Markdown's bold marks and links taken out of `text` (a link keeps its words).
    static func plain(_ text: String) -> String {
        var out = text.replacingOccurrences(of: "**", with: "")
        while let open = out.range(of: "]("),
            let start = out[..<open.lowerBound].lastIndex(of: "["),
            let close = out[open.upperBound...].firstIndex(of: ")")
        {
            let words = out[out.index(after: start)..<open.lowerBound]
            out.replaceSubrange(start...close, with: words)
        }
        return out
    }
}
