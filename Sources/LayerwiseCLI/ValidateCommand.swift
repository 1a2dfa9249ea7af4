import ArgumentParser
import Dataset
import Foundation
import Spec

/// `layerwise validate SPEC...`: check spec files, report every problem, exit 1 if any is wrong.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check spec files and report every problem with its place and a fix.",
        discussion: """
            Also checks the column names the spec gives (data.target, data.features, \
            data.ignore, data.categorical, data.id_column) against the data file's header when \
            the file can be read. Exits 0 when every spec is valid (warnings allowed), 1 \
            otherwise.
            """
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
                let columns = Self.columnDiagnostics(loaded.spec)
                diagnostics = (loaded.warnings + columns).sorted { a, b in
                    (a.location?.line ?? 0, a.location?.column ?? 0)
                        < (b.location?.line ?? 0, b.location?.column ?? 0)
                }
                source = loaded.source
                if !columns.isEmpty { allValid = false }
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

    /// The spec's column names against its data file's header; none when the file cannot be
    /// read (its own problems are the data layer's, reported when it is read).
    static func columnDiagnostics(_ spec: NetworkSpec) -> [Diagnostic] {
        let format = CSVFormat(
            delimiter: spec.data.delimiter.flatMap(\.asciiValue),
            missingMarkers: spec.data.missingValues)
        guard let header = try? CSVReader.header(path: spec.data.resolvedPath, format: format)
        else { return [] }
        return spec.columnDiagnostics(against: header)
    }
}
