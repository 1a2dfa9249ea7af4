import Foundation
import SwiftProtobuf

/// The nodes and initialisers of one ONNX graph as it is built, with fresh names, and the
/// model around it (opsets ai.onnx 17 and ai.onnx.ml 3, IR version 8).
struct GraphBuilder {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    private var counter = 0

    /// The ai.onnx.ml opset (LabelEncoder with its tensor attributes needs 2; 3 is ONNX 1.13+).
    static let mlOpset: Int64 = 2

    mutating func fresh(_ stem: String) -> String {
        counter += 1
        return "\(stem)_\(counter)"
    }

    mutating func append(
        _ op: String, _ inputs: [String], _ outputs: [String],
        attributes: [Onnx_AttributeProto] = [], domain: String = ""
    ) {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = outputs[0]
        node.input = inputs
        node.output = outputs
        node.attribute = attributes
        node.domain = domain
        nodes.append(node)
    }

    /// Adds a node with one output and returns the output's name.
    @discardableResult
    mutating func add(
        _ op: String, _ inputs: [String], attributes: [Onnx_AttributeProto] = [],
        domain: String = ""
    ) -> String {
        let name = fresh(op.lowercased())
        append(op, inputs, [name], attributes: attributes, domain: domain)
        return name
    }

    /// `value` under the name `name` (an Identity node).
    mutating func rename(_ value: String, to name: String) {
        append("Identity", [value], [name])
    }

    /// A scalar float initialiser.
    mutating func constant(_ value: Float) -> String {
        addInitializer(fresh("constant"), shape: [], values: [value])
    }

    @discardableResult
    mutating func addInitializer(_ name: String, shape: [Int], values: [Float]) -> String {
        addTensor(name, shape: shape, type: .float) { $0.floatData = values }
    }

    @discardableResult
    mutating func addInitializer(_ name: String, shape: [Int], int64Values: [Int64]) -> String {
        addTensor(name, shape: shape, type: .int64) { $0.int64Data = int64Values }
    }

    @discardableResult
    mutating func addInitializer(_ name: String, shape: [Int], doubleValues: [Double]) -> String {
        addTensor(name, shape: shape, type: .double) { $0.doubleData = doubleValues }
    }

    /// An initialiser named `name` of `shape` and element `type`, its values set by `fill`.
    private mutating func addTensor(
        _ name: String, shape: [Int], type: Onnx_TensorProto.DataType,
        _ fill: (inout Onnx_TensorProto) -> Void
    ) -> String {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = shape.map(Int64.init)
        tensor.dataType = Int32(type.rawValue)
        fill(&tensor)
        initializers.append(tensor)
        return name
    }

    /// Codes of the strings `input` `[N, 1]`: `levels[k]` -> k, each of `missingTexts` ->
    /// `missingCode`, anything else -> a code past every one-hot depth (all zeros).
    mutating func labelCodes(
        _ input: String, levels: [String], missingTexts: [String], missingCode: Int,
        unseenCode: Int? = nil
    ) -> String {
        var keys = levels
        var values = levels.indices.map(Int64.init)
        for text in missingTexts where !levels.contains(text) {
            keys.append(text)
            values.append(Int64(missingCode))
        }
        return add(
            "LabelEncoder", [input],
            attributes: [
                Self.strings("keys_strings", keys), Self.ints("values_int64s", values),
                Self.int(
                    "default_int64",
                    Int64(unseenCode ?? (levels.count + missingTexts.count + 1_000))),
            ], domain: "ai.onnx.ml")
    }

    /// One-hot floats of `codes` `[N, 1]`: `[N, keep]` (the first `keep` of `depth` columns;
    /// a code outside `0..<depth` gives zeros).
    mutating func oneHot(_ codes: String, depth: Int, keep: Int? = nil) -> String {
        let values = addInitializer(fresh("onehot_values"), shape: [2], values: [0, 1])
        let size = addInitializer(fresh("depth"), shape: [], int64Values: [Int64(depth)])
        let flat = add(
            "Reshape",
            [codes, addInitializer(fresh("shape"), shape: [1], int64Values: [-1])])
        // OneHot wraps negative codes; every code here is >= 0.
        let hot = add(
            "OneHot", [flat, size, values], attributes: [Self.int("axis", -1)])
        guard let keep, keep < depth else { return hot }
        return slice(hot, from: 0, to: keep)
    }

    /// Columns `from..<to` of `input` `[N, C]`.
    mutating func slice(_ input: String, from: Int, to: Int) -> String {
        add(
            "Slice",
            [
                input, addInitializer(fresh("starts"), shape: [1], int64Values: [Int64(from)]),
                addInitializer(fresh("ends"), shape: [1], int64Values: [Int64(to)]),
                addInitializer(fresh("axes"), shape: [1], int64Values: [1]),
            ])
    }

    /// The class names of the indices `index` `[N]` as `output`.
    mutating func labels(_ index: String, labels: [String], output: String) {
        append(
            "LabelEncoder", [index], [output],
            attributes: [
                Self.ints("keys_int64s", labels.indices.map(Int64.init)),
                Self.strings("values_strings", labels), Self.string("default_string", ""),
            ], domain: "ai.onnx.ml")
    }

    // MARK: Attributes and types

    static func int(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .int
        attribute.i = value
        return attribute
    }

    static func ints(_ name: String, _ values: [Int64]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .ints
        attribute.ints = values
        return attribute
    }

    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .float
        attribute.f = value
        return attribute
    }

    static func floats(_ name: String, _ values: [Float]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .floats
        attribute.floats = values
        return attribute
    }

    static func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .string
        attribute.s = Data(value.utf8)
        return attribute
    }

    static func strings(_ name: String, _ values: [String]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .strings
        attribute.strings = values.map { Data($0.utf8) }
        return attribute
    }

    /// A tensor's name, element type and shape (a string is a symbolic dimension).
    static func valueInfo(
        _ name: String, type: Onnx_TensorProto.DataType, shape: [any Sendable]
    ) -> Onnx_ValueInfoProto {
        var dimensions = Onnx_TensorShapeProto()
        dimensions.dim = shape.map { size in
            var dimension = Onnx_TensorShapeProto.Dimension()
            if let size = size as? Int { dimension.dimValue = Int64(size) }
            if let symbol = size as? String { dimension.dimParam = symbol }
            return dimension
        }
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(type.rawValue)
        tensor.shape = dimensions
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType = tensor
        return info
    }

    /// The serialized model of this graph.
    func model(
        inputs: [Onnx_ValueInfoProto], outputs: [Onnx_ValueInfoProto],
        metadata: [String: String]
    ) throws -> Data {
        var model = Onnx_ModelProto()
        model.irVersion = 8  // ONNX 1.10+: opset 17 needs IR 8
        model.producerName = "layerwise"
        var standard = Onnx_OperatorSetIdProto()
        standard.domain = ""
        standard.version = onnxOpset
        var ml = Onnx_OperatorSetIdProto()
        ml.domain = "ai.onnx.ml"
        ml.version = Self.mlOpset
        model.opsetImport = [standard, ml]
        var graph = Onnx_GraphProto()
        graph.name = "layerwise"
        graph.node = nodes
        graph.initializer = initializers
        graph.input = inputs
        graph.output = outputs
        model.graph = graph
        model.metadataProps = metadata.sorted { $0.key < $1.key }.map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        return try model.serializedData()
    }
}
