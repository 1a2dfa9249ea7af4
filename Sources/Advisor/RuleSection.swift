/// A block of the rulebook's prose, rendered by `RulebookWriter` as Markdown or as text.
public enum RulebookProse: Sendable, Equatable {
    /// A paragraph (inline Markdown: `code`, **bold**); wrapped to the page width.
    case paragraph(String)
    /// A numbered list, one string per step.
    case steps([String])
    /// A bulleted list, one string per item.
    case bullets([String])
    /// A subheading inside a section (`### ...` in Markdown).
    case heading(String)
    /// Text kept exactly as written, line for line (a fenced block in Markdown).
    case preformatted(String)
}

/// One section of the rulebook: its heading, the prose around its table of rules, and the
/// sources its rules come from.
///
/// A rule stands in the section whose `title` equals its `RuleText.section`; the section's
/// table lists those rules in catalog order. A section without rules is prose only. The notes'
/// headings a section cites are the ones its rules name (`RuleText.notesHeading`).
public struct RuleSection: Sendable, Equatable {
    /// The heading, exactly as the rules cite it (`Sizing: neurons per hidden layer`).
    public var title: String
    /// Sources beside the tuning notes' headings, which the rules name themselves; default none.
    public var sources: [String]
    /// Prose before the table; default none.
    public var introduction: [RulebookProse]
    /// Prose after the table; default none.
    public var closing: [RulebookProse]

    /// A section.
    /// - Parameters:
    ///   - title: the heading, as rules cite it.
    ///   - sources: further sources (a guide, a library), default none.
    ///   - introduction: prose before the table, default none.
    ///   - closing: prose after the table, default none.
    public init(
        _ title: String, sources: [String] = [], introduction: [RulebookProse] = [],
        closing: [RulebookProse] = []
    ) {
        self.title = title
        self.sources = sources
        self.introduction = introduction
        self.closing = closing
    }

}
