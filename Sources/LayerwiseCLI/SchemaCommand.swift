import ArgumentParser
import Foundation
import Runs
import Spec

/// `layerwise schema`: the spec language as a JSON Schema (for yaml-language-server) or as the
/// Markdown reference (`docs/spec.md`).
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of spec files, for editor completion and checks.",
        discussion: """
            VS Code (YAML extension): save it with `layerwise schema -o layerwise.schema.json`, \
            then start a spec with `# yaml-language-server: $schema=layerwise.schema.json`.
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case json
        case markdown
    }

    @Option(name: .long, help: "json (JSON Schema draft-07) or markdown (the spec reference).")
    var format: OutputFormat = .json

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        let text =
            switch format {
            case .json: JSONSchemaWriter().document()
            case .markdown: SpecReferenceWriter().document()
            }
        guard let output else {
            print(text, terminator: "")
            return
        }
        try reportingErrors { try AtomicFile.write(text, to: output) }
    }
}
