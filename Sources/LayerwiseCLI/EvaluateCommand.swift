import ArgumentParser
import Foundation
import Runs

/// `layerwise evaluate RUN [data.csv] [--format text|json]`: scores a run's saved model on its
/// test split or on a new labelled file.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a run's model on its test split, or on a new labelled CSV file.",
        discussion: """
            text: the scores for a person. json: the run, the data file, the task, the rows, \
            the scores by name (as in metrics.json) and the warnings, as data.
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: ArgumentHelp("A run folder written by `layerwise train`.", valueName: "run"))
    var runFolder: String

    @Argument(
        help: ArgumentHelp(
            "A labelled CSV file (default: the run's test split).", valueName: "data.csv"))
    var data: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @OptionGroup var compute: ThreadsOption

    @OptionGroup var options: GlobalOptions

    func run() throws {
        compute.apply()
        try reportingErrors {
            let folder = try RunFolder(existing: runFolder)
            let predictor = try Predictor(runFolder: folder)
            let report =
                if let data {
                    try EvaluationReport.file(data, of: folder, predictor: predictor)
                } else {
                    try EvaluationReport.testSplit(
                        of: folder, predictor: predictor, loader: try options.specLoader())
                }
            for warning in report.warnings { printError("warning: \(report.dataPath): \(warning)") }
            switch format {
            case .text: print(report.text, terminator: "")
            case .json: print(try report.json(), terminator: "")
            }
        }
    }
}
