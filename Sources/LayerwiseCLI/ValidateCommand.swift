import ArgumentParser
import Foundation
import Spec

/// `layerwise validate SPEC...`: check spec files, report every problem, exit 1 if any is wrong.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check spec files and report every problem with its place and a fix.",
        discussion: "Exits 0 when every spec is valid (warnings allowed), 1 otherwise."
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Argument(help: ArgumentHelp("Spec files (YAML).", valueName: "spec"))
    var specs: [String]

    @Option(
        name: .long, help: "Output format: text (compiler-style) or json (for editors and scripts)."
    )
    var format: OutputFormat = .text

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if specs.isEmpty { throw ValidationError("give at least one spec file") }
    }

    func run() throws {
        let loader = try options.specLoader()
        let renderer = DiagnosticRenderer(colored: options.colorsStandardOutput)
        var everything: [Diagnostic] = []
        var allValid = true
        for path in specs {
            let diagnostics: [Diagnostic]
            let source: String?
            do {
                let loaded = try loader.load(path: path)
                diagnostics = loaded.warnings
                source = loaded.source
            } catch {
                diagnostics = error.diagnostics
                source = error.source
                allValid = false
            }
            everything += diagnostics
            guard format == .text else { continue }
            print(renderer.render(diagnostics, source: source), terminator: "")
            let counts = DiagnosticRenderer.summary(of: diagnostics)
            if diagnostics.contains(where: { $0.severity == .error }) {
                print("\(path): \(counts ?? "invalid")")
            } else {
                print("\(path): ok" + (counts.map { " (\($0))" } ?? ""))
            }
        }
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(everything)
            print(String(decoding: data, as: UTF8.self))
        }
        if !allValid { throw ExitCode(1) }
    }
}
