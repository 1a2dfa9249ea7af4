import Engine
import Foundation
import SwiftProtobuf

/// A model file that does not match its description (every layer, activation and encoding
/// the engine has is exportable).
public enum ONNXExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A tensor the description needs is missing or has the wrong size.
    case tensor(name: String, message: String)

    public var description: String {
        switch self {
        case .tensor(let name, let message):
            return
                "tensor \(name): \(message); fix: the model file does not match its "
                + "description: retrain, or export the run's own model.safetensors"
        }
    }
}

/// The ONNX opset the graphs are written for (ai.onnx; ReduceMax takes its axes as an
/// attribute up to 17).
public let onnxOpset: Int64 = 17

/// Builds the nodes and initialisers of a network (`ModelDescription` with its tensors),
/// or of an ensemble of same-shaped networks averaged (`Mean`), from one float input
/// `[N, inputWidth]` to one output: the layers as the engine runs them at inference (dropout
/// is the identity; batch normalisation uses its running statistics).
///
/// Layer mapping (opset 17): dense -> Gemm (weight `[out, in]`, transB = 1); batch norm ->
/// BatchNormalization; relu, leaky ReLU, PReLU, ELU, SELU, tanh, sigmoid, softmax (axis 1) ->
/// their ops; swish -> x * Sigmoid(x); GELU -> 0.5 x (1 + Erf(x / sqrt 2)); maxout -> Reshape
/// to `[N, units, pieces]`, ReduceMax over the pieces. Embedded code columns: the codes
/// rounded and clamped into the table (as the engine reads them), rows looked up by Gather,
/// after the copied columns.
extension GraphBuilder {
    /// Adds the graph of `members` (each member's tensors) of `description`, reading `input`
    /// and writing `output`.
    /// - Throws: `ONNXExportError` for a tensor missing or misshapen.
    mutating func network(
        description: ModelDescription, members: [[NamedTensor]], input: String, output: String
    ) throws {
        let widths = try description.outputWidths()
        var outputs: [String] = []
        for (index, tensors) in members.enumerated() {
            let byName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let prefix = members.count == 1 ? "" : "member\(index)."
            var current = input
            var width = description.inputWidth
            if !description.embeddings.isEmpty {
                // The first layer sees the copied columns, then each embedding's rows.
                var parts = [
                    add(
                        "Gather",
                        [
                            input,
                            addInitializer(
                                fresh("copied"), shape: [description.copiedColumns.count],
                                int64Values: description.copiedColumns.map(Int64.init)),
                        ], attributes: [Self.int("axis", 1)])
                ]
                for (k, embedding) in description.embeddings.enumerated() {
                    let key = "embeddings.\(k).weight"
                    guard let table = byName[key],
                        table.values.count == embedding.levels * embedding.dimension
                    else {
                        throw ONNXExportError.tensor(name: key, message: "missing or misshapen")
                    }
                    let column = add(
                        "Gather",
                        [
                            input,
                            addInitializer(
                                fresh("code_column"), shape: [],
                                int64Values: [Int64(embedding.column)]),
                        ], attributes: [Self.int("axis", 1)])
                    // Codes rounded and clamped into the table, as the engine reads them.
                    let clamped = add(
                        "Clip",
                        [
                            add("Round", [column]), constant(0),
                            constant(Float(embedding.levels - 1)),
                        ])
                    let codes = add(
                        "Cast", [clamped],
                        attributes: [
                            Self.int("to", Int64(Onnx_TensorProto.DataType.int64.rawValue))
                        ])
                    let rows = addInitializer(
                        prefix + key, shape: table.shape, values: table.values)
                    parts.append(add("Gather", [rows, codes], attributes: [Self.int("axis", 0)]))
                }
                current = add("Concat", parts, attributes: [Self.int("axis", 1)])
                width = description.featureWidth
            }
            for (position, layer) in description.layers.enumerated() {
                let path = "layers.\(position)"
                func tensor(_ name: String, count: Int) throws -> String {
                    let key = "\(path).\(name)"
                    guard let found = byName[key] else {
                        throw ONNXExportError.tensor(name: key, message: "missing")
                    }
                    guard found.values.count == count else {
                        throw ONNXExportError.tensor(
                            name: key,
                            message: "\(found.values.count) values where \(count) were expected")
                    }
                    return addInitializer(prefix + key, shape: found.shape, values: found.values)
                }
                switch layer {
                case .dense(let units, _, let useBias, _):
                    let weight = try tensor("weight", count: units * width)
                    var inputs = [current, weight]
                    if useBias { inputs.append(try tensor("bias", count: units)) }
                    current = add("Gemm", inputs, attributes: [Self.int("transB", 1)])
                case .batchNorm(_, let epsilon):
                    let inputs = [
                        current, try tensor("weight", count: width),
                        try tensor("bias", count: width), try tensor("running_mean", count: width),
                        try tensor("running_var", count: width),
                    ]
                    current = add(
                        "BatchNormalization", inputs, attributes: [Self.float("epsilon", epsilon)])
                case .dropout:
                    break  // the identity at inference
                case .activation(let activation):
                    var slopes: String?
                    if case .prelu = activation { slopes = try tensor("weight", count: width) }
                    current = self.activation(activation, current, width: width, slopes: slopes)
                }
                width = widths[position]
            }
            outputs.append(current)
        }
        append(outputs.count == 1 ? "Identity" : "Mean", outputs, [output])
    }

    /// The nodes of an activation on `x`; `slopes` is a PReLU's initialiser.
    private mutating func activation(
        _ activation: Activation, _ x: String, width: Int, slopes: String?
    ) -> String {
        switch activation {
        case .relu: return add("Relu", [x])
        case .leakyReLU(let slope):
            return add("LeakyRelu", [x], attributes: [Self.float("alpha", slope)])
        case .prelu:
            // PRelu broadcasts its slope over the last axis: one per column.
            return add("PRelu", [x, slopes ?? ""])
        case .elu(let alpha): return add("Elu", [x], attributes: [Self.float("alpha", alpha)])
        case .selu: return add("Selu", [x])
        case .tanh: return add("Tanh", [x])
        case .sigmoid: return add("Sigmoid", [x])
        case .swish: return add("Mul", [x, add("Sigmoid", [x])])
        case .gelu:
            let scaled = add("Mul", [x, constant(Float(1 / 2.0.squareRoot()))])
            let onePlus = add("Add", [add("Erf", [scaled]), constant(1)])
            return add("Mul", [add("Mul", [x, constant(0.5)]), onePlus])
        case .maxout(let pieces):
            let shape = addInitializer(
                fresh("shape"), shape: [3], int64Values: [0, Int64(width / pieces), Int64(pieces)])
            let grouped = add("Reshape", [x, shape])
            return add(
                "ReduceMax", [grouped],
                attributes: [Self.ints("axes", [2]), Self.int("keepdims", 0)])
        case .softmax: return add("Softmax", [x], attributes: [Self.int("axis", 1)])
        case .identity: return x
        }
    }
}

/// An ONNX model of a network on encoded inputs: input `input` `[N, inputWidth]` float, output
/// `output` `[N, outputWidth]` float (probabilities after a softmax or sigmoid layer, else the
/// network's raw outputs). The first piece of `layerwise export` (issue 18): the data
/// encoding inside the graph comes next.
public enum NetworkModel {
    /// The model file's bytes.
    /// - Parameters:
    ///   - description: the network.
    ///   - members: each member's tensors (one for a single network; an ensemble's outputs are
    ///     averaged, as `ModelArtifact.predict` does).
    ///   - metadata: key-value pairs for the model's `metadata_props`.
    /// - Throws: `ONNXExportError`; `EngineError` for an invalid description.
    public static func onnx(
        description: ModelDescription, members: [[NamedTensor]], input: String = "input",
        output: String = "output", metadata: [String: String] = [:]
    ) throws -> Data {
        var builder = GraphBuilder()
        try builder.network(
            description: description, members: members, input: input, output: output)
        let widths = try description.outputWidths()
        return try builder.model(
            inputs: [
                GraphBuilder.valueInfo(input, type: .float, shape: ["N", description.inputWidth])
            ],
            outputs: [
                GraphBuilder.valueInfo(
                    output, type: .float, shape: ["N", widths.last ?? description.inputWidth])
            ], metadata: metadata)
    }
}
