import ArgumentParser
import Dataset
import Foundation
import Runs

/// `layerwise predict RUN data.csv [-o out.csv]`: applies a run's saved encoding and model to
/// new rows.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict new rows with a run's model: class and probabilities, or the value.",
        discussion: """
            Writes one row per input row: the id column (the spec's data.id_column, or the \
            identifier column the training file had, when the file has it), \
            predicted_<target>, and for classification probability_<class> per class. \
            Regression values are in the target's own units.
            """)

    @Argument(help: ArgumentHelp("A run folder written by `layerwise train`.", valueName: "run"))
    var runFolder: String

    @Argument(
        help: ArgumentHelp(
            "The rows to predict (CSV with the model's input columns).", valueName: "data.csv"))
    var data: String

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp("Write here instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    @OptionGroup var compute: ThreadsOption

    func validate() throws {
        if let output, !force, FileManager.default.fileExists(atPath: output) {
            throw ValidationError("\(output) exists; pass --force to replace it")
        }
    }

    func run() throws {
        compute.apply()
        try reportingErrors {
            let folder = try RunFolder(existing: runFolder)
            let predictor = try Predictor(runFolder: folder)
            let artifact = predictor.artifact
            let table = try CSVReader.read(path: data, format: artifact.encoding.format)
            let (text, warnings) = try predictor.csv(for: table)
            for warning in warnings { printError("warning: \(data): \(warning)") }
            if let output {
                // `-o out/predictions.csv` makes `out/`, as the run folders are made.
                try AtomicFile.makeFolder(for: output)
                try AtomicFile.write(text, to: output)
                printError("wrote \(table.rowCount) predictions to \(output)")
            } else {
                print(text, terminator: "")
            }
        }
    }
}
