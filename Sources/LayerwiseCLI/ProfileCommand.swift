import ArgumentParser
import Dataset
import Foundation
import Runs
import Spec

/// `layerwise profile data.csv --target COL | SPEC [--format text|json]`.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Profile a dataset: rows per split, Ni, No, column types, classes, and the "
            + "linear-separability probe.",
        discussion: """
            Give a CSV file with --target, or a spec: its data section (columns, categorical, \
            missing values, split) and training.seed are used.
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var source: DataSourceArguments

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @OptionGroup var options: GlobalOptions

    func validate() throws { try source.validateInput(allowingSpec: true) }

    func run() throws {
        let profile: DataProfile
        do {
            if source.isSpec {
                let loaded = try DesignPlan.loadSpec(
                    path: source.input, catalog: try options.templateCatalog())
                if !loaded.warnings.isEmpty {
                    let renderer = DiagnosticRenderer(colored: options.colorsStandardError)
                    printError(renderer.render(loaded.warnings, source: loaded.source))
                }
                profile = DataProfile(try DesignPlan.prepareData(for: loaded.spec))
            } else {
                profile = DataProfile(try PreparedData.load(source.options))
            }
        } catch let error as DesignPlanError {
            printError(error.description)
            throw ExitCode.failure
        } catch let error as DataError {
            printError(error.description)
            throw ExitCode.failure
        }
        switch format {
        case .text:
            print(profile.text, terminator: "")
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(profile), as: UTF8.self))
        }
    }
}
