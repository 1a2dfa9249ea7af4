import Foundation
import Testing

@testable import Advisor

/// The repository's root folder, three levels above this file.
private let repositoryRoot = URL(filePath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// Issue 15: the rulebook ships with the program, generated from the rule catalog.
@Suite("The rulebook, docs/rulebook.md")
struct RulebookTests {
    /// The generated document's table rows: (rule ID, the `## ` heading it stands under).
    static func tableRows(of markdown: String) -> [(id: String, heading: String)] {
        var heading = ""
        var rows: [(id: String, heading: String)] = []
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") { heading = String(line.dropFirst(3)) }
            guard line.hasPrefix("| "), !line.hasPrefix("| ID |") else { continue }
            let id = line.dropFirst(2).prefix { $0 != " " }
            rows.append((String(id), heading))
        }
        return rows
    }

    @Test("docs/rulebook.md is generated from the catalog and current")
    func documentIsCurrent() throws {
        let file = repositoryRoot.appending(path: RuleCatalog.documentPath)
        let current = try String(contentsOf: file, encoding: .utf8)
        #expect(
            current == RulebookWriter().markdown(),
            "docs/rulebook.md is stale: run `swift run layerwise rulebook --format markdown -o docs/rulebook.md`"
        )
    }

    @Test func everyRuleIsOneTableRowUnderTheSectionExplainCites() {
        let rows = Self.tableRows(of: RulebookWriter().markdown())
        let ids = rows.map(\.id)
        #expect(ids.count == RuleCatalog.explainable.count)
        #expect(Set(ids) == Set(RuleCatalog.explainable.map(\.id)))
        for rule in RuleCatalog.explainable {
            let matching = rows.filter { $0.id == rule.id }
            #expect(matching.count == 1, "\(rule.id) is \(matching.count) table rows")
            #expect(matching.first?.heading == rule.section, "\(rule.id)")
        }
        // The rules the first, hand-written rulebook lacked are in: the data layer's and the
        // advisor's encoding rules.
        for id in ["ENC-DATE-PARTS", "ENC-ONEHOT-MAX", "ENC-EMBED-SIZE", "ENC-RARE-OTHER"] {
            #expect(ids.contains(id))
        }
    }

    @Test func explainEndsWithTheSectionAndTheSectionIsAHeading() throws {
        let headings = Set(
            RulebookWriter().markdown().split(separator: "\n").filter { $0.hasPrefix("## ") }
                .map { String($0.dropFirst(3)) })
        for rule in RuleCatalog.explainable {
            let text = try explain(ruleID: rule.id.lowercased())
            let last = try #require(text.split(separator: "\n").last)
            #expect(last == "Rulebook: docs/rulebook.md, section \"\(rule.section)\"")
            #expect(headings.contains(rule.section), "\(rule.id) cites '\(rule.section)'")
        }
        let sizing = try explain(ruleID: "SIZE-CAPACITY")
        #expect(
            sizing.hasSuffix(
                "Notes: tuning-notes.md, \"How to configure layers and neurons\"\n"
                    + "Rulebook: docs/rulebook.md, section \"Sizing: neurons per hidden layer\""))
    }

    @Test func everyCitedSectionIsDeclaredOnce() {
        let declared = RuleCatalog.sections.map(\.title)
        #expect(Set(declared).count == declared.count)
        for rule in RuleCatalog.explainable {
            #expect(declared.contains(rule.section), "\(rule.id): '\(rule.section)' not declared")
        }
        #expect(RulebookWriter().sections == RuleCatalog.sections)
    }

    /// A rule naming a section nobody declared still gets a heading and its row.
    @Test func anUndeclaredSectionIsRenderedAllTheSame() {
        var rule = RuleCatalog.rules[0]
        rule.id = "NEW-RULE"
        rule.section = "A new section"
        let writer = RulebookWriter(rules: RuleCatalog.explainable + [rule])
        #expect(writer.sections.map(\.title) == RuleCatalog.sections.map(\.title) + [rule.section])
        let rows = Self.tableRows(of: writer.markdown())
        #expect(rows.filter { $0.id == "NEW-RULE" }.map(\.heading) == ["A new section"])
        #expect(writer.text().contains("\nA new section\n=============\nNotes: "))
    }

    @Test func proseOfTheSharedRulebookIsKept() throws {
        let markdown = RulebookWriter().markdown()
        #expect(markdown.hasPrefix("# The Layerwise rulebook\n"))
        for text in [
            "Symbols: `Ni` = input width after encoding",
            "### The range test (LR-RANGE-TEST), exact procedure",
            "## Defaults of well-known libraries",
            "6. Suggestions: `valley` (fastai's default",
            "- ReduceLROnPlateau (Keras and PyTorch): factor 0.1, patience 10, min_delta 1e-4.",
            "Notes: \"How to configure layers and neurons\".",
            "```text\n1. Fixed choices win.",
            "- [Diagnostics after training](#diagnostics-after-training)",
        ] {
            #expect(markdown.contains(text), "\(text)")
        }
        let lines = markdown.split(separator: "\n")
        // Proposed rules say so in the formula column; pipes in formulas are escaped.
        let prune = try #require(lines.first { $0.hasPrefix("| SIZE-PRUNE |") })
        #expect(
            prune.hasSuffix(
                "`dead unit: \\|w_in\\| and \\|w_out\\| < fraction * median of its layer` "
                    + "(**proposed**) |"))
        let geometric = try #require(lines.first { $0.hasPrefix("| SIZE-GEOMETRIC |") })
        #expect(!geometric.contains("proposed"))
        // Every row has the header's three cells: no unescaped pipe splits one.
        for line in lines where line.hasPrefix("| ") {
            let cells = line.replacingOccurrences(of: "\\|", with: "").split(separator: "|")
            #expect(cells.count == 3, "\(line)")
        }
    }

    @Test func theTextFormHoldsEveryRuleAndSection() {
        let text = RulebookWriter().text()
        for section in RuleCatalog.sections {
            let underline = String(repeating: "=", count: section.title.count)
            #expect(text.contains("\n\(section.title)\n\(underline)\n"))
        }
        for rule in RuleCatalog.explainable {
            let heading = rule.id + (rule.proposed ? " (proposed thresholds)" : "")
            #expect(text.contains("\n\(heading)\n    "), "\(rule.id)")
        }
        #expect(!text.contains("**") && !text.contains("](spec.md)"))
        #expect(text.hasSuffix("\n"))
    }

    @Test("Markdown wrapping never starts a line with a block marker")
    func wrappingKeepsParagraphsParagraphs() {
        let lines = RulebookWriter.markdownWrapped(
            "aaaa - bbbb + cccc 1. dddd ## eeee > ffff", width: 5)
        #expect(lines == ["aaaa -", "bbbb +", "cccc 1.", "dddd ##", "eeee >", "ffff"])
        #expect(RulebookWriter.markdownWrapped("aa bb cc", width: 5) == ["aa bb", "cc"])
        #expect(
            RulebookWriter.anchor("Batch size, epochs, shuffling") == "batch-size-epochs-shuffling")
        #expect(
            RulebookWriter.plain("see **this** and [docs/spec.md](spec.md).")
                == "see this and docs/spec.md.")
    }
}
