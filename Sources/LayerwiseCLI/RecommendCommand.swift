import Advisor
import ArgumentParser
import Foundation
import Runs

/// `layerwise recommend SPEC [--format text|yaml|json] [--template NAME|PATH]`, or
/// `layerwise recommend --explain RULE-ID`, or `--policy`.
struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Design a network for a spec: the data, every sizing rule, the layers and "
            + "each choice with its rule and why.",
        discussion: """
            text: the report for a person (colour on a terminal only). yaml: the complete \
            config rendered through the template (what `layerwise generate` writes, data.path \
            relative to the current directory). json: everything in the report, as data.
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, yaml, json
    }

    @Argument(help: ArgumentHelp("The spec file (YAML).", valueName: "spec"))
    var spec: String?

    @Option(help: "Output format: text, yaml or json.")
    var format: OutputFormat = .text

    @OptionGroup var templateOption: TemplateOption

    @OptionGroup var specOverrides: SpecOverridesOption

    @Option(
        help: ArgumentHelp(
            "Print one rulebook rule: its full text, formula and source (no spec needed).",
            valueName: "rule-id"))
    var explain: String?

    @Flag(help: "Print how the advisor combines the rules (no spec needed).")
    var policy = false

    @OptionGroup var compute: ThreadsOption

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if explain != nil && policy {
            throw ValidationError("give either --explain RULE-ID or --policy, not both")
        }
        if explain != nil || policy {
            if let spec {
                throw ValidationError(
                    "--explain and --policy print the rulebook and take no spec ('\(spec)')")
            }
            return
        }
        guard spec != nil else {
            throw ValidationError("give a spec file, e.g. `layerwise recommend Specs/iris.yaml`")
        }
    }

    func run() throws {
        compute.apply()
        if let explain {
            do {
                let text = try Advisor.explain(ruleID: explain)
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            } catch {
                printError(error.description)
                throw ExitCode.failure
            }
            return
        }
        if policy {
            print(Recommendation.policy)
            return
        }
        guard let spec else { return }
        try reportingErrors {
            let plan = try DesignPlan(
                specPath: spec, catalog: try options.templateCatalog(),
                template: templateOption.template, overrides: try specOverrides.overrides())
            switch format {
            case .text:
                let colour = options.colorsStandardOutput
                print(
                    TextReport.render(
                        plan.recommendation, colour: colour,
                        renderedWarnings: plan.renderedWarnings(colored: colour)),
                    terminator: "")
            case .yaml:
                let generated = try plan.generate()
                printWarnings(of: plan)
                print(generated.text, terminator: "")
            case .json:
                printWarnings(of: plan)
                print(try JSONReport.render(plan.recommendation))
            }
        }
    }

    /// Warnings go to standard error when standard output carries data.
    func printWarnings(of plan: DesignPlan) {
        let text = plan.renderedWarnings(colored: options.colorsStandardError)
        if !text.isEmpty { printError(text) }
    }
}
