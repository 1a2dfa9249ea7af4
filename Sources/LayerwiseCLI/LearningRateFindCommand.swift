import ArgumentParser
import CurveAnalysis
import Runs

/// `layerwise lr-find SPEC`: the learning-rate range test on the spec's resolved network.
struct LearningRateFindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lr-find",
        abstract: "Run the learning-rate range test (LR-RANGE-TEST) on a spec's network.",
        discussion: """
            Sweeps the rate from 1e-7 to 10 over 100 steps on the network the advisor designs \
            (batch normalisation included), restores it, and prints the valley, steep and \
            minimum/10 suggestions with the confidence and the curve. Writes \
            lr-range-test.svg and lr-range-test.json into --out DIR or runs/<name>-lr-find-<time>/.
            """)

    @Argument(help: ArgumentHelp("A spec or a generated config (YAML).", valueName: "spec"))
    var spec: String

    @OptionGroup var templateOption: TemplateOption

    @OptionGroup var specOverrides: SpecOverridesOption

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The folder for the curve (default runs/<name>-lr-find-<time>).", valueName: "dir"))
    var out: String?

    @OptionGroup var compute: ThreadsOption

    @OptionGroup var options: GlobalOptions

    func run() throws {
        compute.apply()
        try reportingErrors {
            let plan = try DesignPlan(
                specPath: spec, catalog: try options.templateCatalog(),
                template: templateOption.template, overrides: try specOverrides.overrides())
            let warnings = plan.renderedWarnings(colored: options.colorsStandardError)
            if !warnings.isEmpty { printError(warnings) }
            print("Network  \(plan.recommendation.diagram)")
            let sweep = try LearningRateSweep.run(plan: plan, out: out)
            let result = sweep.result
            print(result.summary)
            print("  steps: \(result.learningRates.count) (\(result.stopReason.rawValue))\n")
            print(LearningRateRangeTest.terminalPlot(result))
            print("\nCurve    \(sweep.chartPath)")
            if let suggestion = result.suggestion {
                print(
                    "Use it   training.learning_rate: \(yamlNumber(suggestion))   "
                        + "(or leave it auto: train runs this test)")
            }
        }
    }
}
