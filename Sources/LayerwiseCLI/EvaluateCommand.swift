import ArgumentParser
import Dataset
import Engine
import Foundation
import Runs

/// `layerwise evaluate RUN [data.csv]`: scores a run's saved model on its test split or on a
/// new labelled file.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a run's model on its test split, or on a new labelled CSV file.")

    @Argument(help: ArgumentHelp("A run folder written by `layerwise train`.", valueName: "run"))
    var runFolder: String

    @Argument(
        help: ArgumentHelp(
            "A labelled CSV file (default: the run's test split).", valueName: "data.csv"))
    var data: String?

    @OptionGroup var compute: ThreadsOption

    @OptionGroup var options: GlobalOptions

    func run() throws {
        compute.apply()
        try reportingErrors {
            let folder = try RunFolder(existing: runFolder)
            let predictor = try Predictor(runFolder: folder)
            let artifact = predictor.artifact
            let labels = predictor.classLabels
            if let data {
                let table = try CSVReader.read(path: data, format: artifact.encoding.format)
                let (metrics, rows, warnings) = try Evaluation.metrics(of: predictor, on: table)
                for warning in warnings { printError("warning: \(data): \(warning)") }
                print("\(data): \(rows) rows")
                print(Evaluation.text(metrics, labels: labels))
            } else {
                let test = try RunEvaluation.testSplit(
                    of: folder, artifact: artifact,
                    loader: try options.specLoader())
                print("\(folder.path): test split, \(test.rows.rowCount) rows")
                print(Evaluation.text(test.metrics, labels: labels))
            }
        }
    }
}
