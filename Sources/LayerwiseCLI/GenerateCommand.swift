import ArgumentParser
import Foundation
import Runs

/// `layerwise generate SPEC [--template NAME|PATH] [-o FILE] [--force]`.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write the complete network config for a spec, rendered through a template: "
            + "every layer and hyperparameter explicit, each with the rule that chose it.",
        discussion: """
            The config is loaded back with the spec loader before it is written: it validates \
            and describes exactly the recommended network. data.path is written relative to \
            the output file's folder. Without -o the config goes to standard output.
            """)

    @Argument(help: ArgumentHelp("The spec file (YAML).", valueName: "spec"))
    var spec: String

    @OptionGroup var templateOption: TemplateOption

    @OptionGroup var specOverrides: SpecOverridesOption

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp(
            "The config file to write (atomically); `-` for standard output.", valueName: "file"))
    var output: String?

    /// The file to write; nil for standard output (no `-o`, or `-o -`).
    var destination: String? { output == "-" ? nil : output }

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    @OptionGroup var compute: ThreadsOption

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if force && destination == nil {
            throw ValidationError("--force replaces the -o FILE; without -o nothing is replaced")
        }
    }

    func run() throws {
        compute.apply()
        try reportingErrors {
            if let output = destination, !force, FileManager.default.fileExists(atPath: output) {
                throw DesignPlanError.outputExists(path: output)
            }
            let plan = try DesignPlan(
                specPath: spec, catalog: try options.templateCatalog(),
                template: templateOption.template, overrides: try specOverrides.overrides())
            let generated = try plan.generate(outputPath: destination)
            let warnings = plan.renderedWarnings(colored: options.colorsStandardError)
            if !warnings.isEmpty { printError(warnings) }
            guard let output = destination else {
                print(generated.text, terminator: "")
                return
            }
            try DesignPlan.write(generated, to: output, overwrite: force)
            let recommendation = plan.recommendation
            print(
                "wrote \(output): \(recommendation.diagram), "
                    + "\(recommendation.parameterCount) parameters (template "
                    + "\(plan.preferences.source))")
        }
    }
}
