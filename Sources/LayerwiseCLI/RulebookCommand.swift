import Advisor
import ArgumentParser
import Foundation
import Runs

/// `layerwise rulebook [--format text|markdown] [-o FILE]`: every rule of the rulebook with its
/// sections and prose, as text for a terminal or as the Markdown of `docs/rulebook.md`.
struct RulebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rulebook",
        abstract: "Print the rulebook: every rule's ID, text and formula, by section.",
        discussion: """
            markdown is docs/rulebook.md: `layerwise rulebook --format markdown -o \
            docs/rulebook.md` writes it again. One rule: `layerwise recommend --explain RULE-ID`.
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, markdown
    }

    @Option(help: "text (for a terminal) or markdown (docs/rulebook.md).")
    var format: OutputFormat = .text

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        let writer = RulebookWriter()
        let text =
            switch format {
            case .text: writer.text()
            case .markdown: writer.markdown()
            }
        guard let output else {
            print(text, terminator: "")
            return
        }
        try reportingErrors { try AtomicFile.write(text, to: output) }
    }
}
