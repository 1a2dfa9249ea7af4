import ArgumentParser
import Foundation
import ONNXExport
import Runs

/// `layerwise export RUN --format onnx -o model.onnx`: the run's model as one ONNX graph from
/// raw columns to predictions, the fitted encoding inside.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a run's model as ONNX: raw columns in, predictions out.",
        discussion: """
            One input per feature column, named as the column, shape [N, 1]: float for \
            numbers (NaN is missing) and for categories whose levels are all numbers, string \
            for other categories (as the training file spelt them; empty is missing), double \
            for dates: seconds since 1970-01-01T00:00:00Z (NaN is missing), their parts \
            computed in the graph. Outputs: `probabilities` [N, C] and `label` [N] for classification, `prediction` \
            [N, 1] in the target's units for regression. The class names (`classes`) and the \
            config (`layerwise_config`) are in the model's metadata. Opset 17 and ai.onnx.ml \
            2.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case onnx
    }

    @Argument(help: ArgumentHelp("A run folder written by `layerwise train`.", valueName: "run"))
    var runFolder: String

    @Option(help: "The file format (onnx).")
    var format: Format = .onnx

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp("The file to write.", valueName: "file"))
    var output: String

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    func validate() throws {
        if !force, FileManager.default.fileExists(atPath: output) {
            throw ValidationError("\(output) exists; pass --force to replace it")
        }
    }

    func run() throws {
        try reportingErrors {
            let folder = try RunFolder(existing: runFolder)
            let artifact = try Predictor(runFolder: folder).artifact
            let data = try ModelGraph.onnx(
                description: artifact.description,
                members: [artifact.tensors] + artifact.members, encoding: artifact.encoding,
                metadata: ["layerwise_config": artifact.configYAML])
            try AtomicFile.makeFolder(for: output)
            try AtomicFile.write([UInt8](data), to: output)
            printError("wrote \(output) (\(data.count) bytes)")
        }
    }
}
