import Foundation
import Testing

/// Issue 15: `layerwise rulebook` prints the rulebook the repository ships, and `--explain`
/// points into it.
@Suite("layerwise rulebook and recommend --explain")
struct RulebookCommandTests {
    @Test func markdownIsTheShippedDocument() throws {
        let folder = try scratch()
        let shipped = try String(
            contentsOf: repository.appendingPathComponent("docs/rulebook.md"), encoding: .utf8)
        let printed = try layerwise("rulebook", "--format", "markdown", in: folder)
        #expect(printed.status == 0, "\(printed.errors)")
        #expect(printed.output == shipped)
        let written = try layerwise(
            "rulebook", "--format", "markdown", "-o", "rulebook.md", in: folder)
        #expect(written.status == 0 && written.output.isEmpty, "\(written.errors)")
        let file = try String(
            contentsOf: folder.appendingPathComponent("rulebook.md"), encoding: .utf8)
        #expect(file == shipped)
    }

    @Test func textIsTheDefault() throws {
        let printed = try layerwise("rulebook", in: try scratch())
        #expect(printed.status == 0, "\(printed.errors)")
        #expect(printed.output.hasPrefix("The Layerwise rulebook\n======================\n"))
        #expect(printed.output.contains("\nSIZE-PRUNE (proposed thresholds)\n    After training"))
        #expect(!printed.output.contains("| ID |"))
        let wrong = try layerwise("rulebook", "--format", "html", in: try scratch())
        #expect(wrong.status != 0)
        #expect(
            wrong.errors.contains("Please provide one of 'text' and 'markdown'"), "\(wrong.errors)")
    }

    @Test func explainEndsWithItsSectionOfTheRulebook() throws {
        let explained = try layerwise("recommend", "--explain", "size-taper", in: try scratch())
        #expect(explained.status == 0, "\(explained.errors)")
        let last = explained.output.split(separator: "\n").last
        #expect(last == "Rulebook: docs/rulebook.md, section \"Sizing: neurons per hidden layer\"")
        let shipped = try String(
            contentsOf: repository.appendingPathComponent("docs/rulebook.md"), encoding: .utf8)
        #expect(shipped.contains("\n## Sizing: neurons per hidden layer\n"))
    }

    @Test func anUnknownIDIsAnErrorWithADidYouMean() throws {
        let outcome = try layerwise("recommend", "--explain", "SIZE-GEOMETRC", in: try scratch())
        #expect(outcome.status != 0)
        #expect(outcome.output.isEmpty)
        #expect(
            outcome.errors
                == "error: unknown rule ID 'SIZE-GEOMETRC'; did you mean 'SIZE-GEOMETRIC'? "
                + "(every rule: `layerwise rulebook`, or docs/rulebook.md)\n")
        let unrelated = try layerwise(
            "recommend", "--explain", "NOTHING-LIKE-IT", in: try scratch())
        #expect(unrelated.status != 0)
        #expect(unrelated.errors.hasPrefix("error: unknown rule ID 'NOTHING-LIKE-IT' (every rule:"))
    }
}
