import Dataset
import Engine
import Foundation
import SwiftProtobuf

/// A whole model as one ONNX graph, from raw columns to predictions (issue 18): one input per
/// feature column, named as the column, shape `[N, 1]`: float for a number column (NaN is
/// missing), string for a category. The fitted encoding is inside the graph, then the network
/// (an ensemble's members averaged), then the target's mapping back:
/// - classification: `probabilities` `[N, C]` and `label` `[N]` (the class names, strings);
/// - regression: `prediction` `[N, 1]` in the target's own units (a log target's
///   `exp(z * sd + mean) * smearing`, ENC-TARGET-LOG).
///
/// Encodings: a number column -> missing filled with the training median, `(x - mean) *
/// (1 / sd)` in float as `predict` computes it, and a 0/1 missing indicator when training had
/// missing values; a binary or one-hot category -> `LabelEncoder` (ai.onnx.ml) from the level
/// texts to codes, then `OneHot` (an unseen level: all zeros, as `predict`; a missing value,
/// the empty string or one of the file's missing markers: the `(missing)` column). Category
/// values are matched as text: give them as the training file spelt them (a column whose
/// levels are all numbers is a float input, matched by value). An embedded category becomes
/// its code (LabelEncoder), looked up by Gather in the network. A date column is a double input,
/// seconds since 1970-01-01T00:00:00Z (NaN missing), its parts computed in the graph
/// (`GraphBuilder.dateParts`, ENC-DATE-PARTS). An equality indicator (ENC-NUMERIC-EQUAL) is
/// `Equal` of its two number inputs, as a float.
public enum ModelGraph {
    /// The model file's bytes.
    /// - Parameters:
    ///   - description: the network.
    ///   - members: each member's tensors.
    ///   - encoding: the fitted data encoding.
    ///   - metadata: key-value pairs for the model's `metadata_props` (the config, ...); the
    ///     class names are added as `classes` (JSON).
    /// - Throws: `ONNXExportError`.
    public static func onnx(
        description: ModelDescription, members: [[NamedTensor]], encoding: DataEncoding,
        metadata: [String: String] = [:]
    ) throws -> Data {
        var builder = GraphBuilder()
        var inputs: [Onnx_ValueInfoProto] = []
        var encoded: [String] = []
        let missingTexts = Array(Set([""] + encoding.format.missingMarkers)).sorted()
        /// A column's input: `[N, 1]` of `type`.
        func column(_ name: String, _ type: Onnx_TensorProto.DataType) -> Onnx_ValueInfoProto {
            GraphBuilder.valueInfo(name, type: type, shape: ["N", 1])
        }
        for feature in encoding.features {
            let name = feature.name
            switch feature.method {
            case .number(let median, let mean, let deviation, let indicator, let edges):
                inputs.append(column(name, .float))
                let isMissing = builder.add("IsNaN", [name])
                let filled = builder.add(
                    "Where", [isMissing, builder.constant(median), name])
                let shifted = builder.add("Sub", [filled, builder.constant(Float(mean))])
                encoded.append(
                    builder.add("Mul", [shifted, builder.constant(Float(1 / deviation))]))
                if let edges, edges.count >= 3 {
                    // ENC-NUMERIC-PLE: [N, 1] - [T] -> [N, T], times 1 / width, clipped to
                    // [0, 1]: the same Float operations, in the same order, as the data layer.
                    let bins = edges.count - 1
                    let lows = builder.addInitializer(
                        builder.fresh("bin_low"), shape: [bins], values: Array(edges.prefix(bins)))
                    let scales = builder.addInitializer(
                        builder.fresh("bin_scale"), shape: [bins],
                        values: PiecewiseLinearBins.scales(edges))
                    let share = builder.add("Mul", [builder.add("Sub", [filled, lows]), scales])
                    encoded.append(
                        builder.add("Clip", [share, builder.constant(0), builder.constant(1)]))
                }
                if indicator {
                    encoded.append(
                        builder.add(
                            "Cast", [isMissing],
                            attributes: [
                                GraphBuilder.int(
                                    "to", Int64(Onnx_TensorProto.DataType.float.rawValue))
                            ]))
                }
            case .binary(let levels, let indicator) where Self.numeric(levels) != nil:
                // Numeric codes (a 0/1 or 1/2 column): a float input, matched by value, as
                // `predict` matches `2.0` to the level `2`.
                let values = Self.numeric(levels) ?? []
                inputs.append(column(name, .float))
                encoded.append(
                    values.count == 2
                        ? builder.equals(name, values[1])
                        : builder.add(
                            "Mul",
                            [
                                builder.equals(name, values[0]), builder.constant(0),
                            ]))
                if indicator { encoded.append(builder.missing(name)) }
            case .oneHot(let levels, let missingLevel) where Self.numeric(levels) != nil:
                inputs.append(column(name, .float))
                for value in Self.numeric(levels) ?? [] {
                    encoded.append(builder.equals(name, value))
                }
                if missingLevel { encoded.append(builder.missing(name)) }
            case .binary(let levels, let indicator):
                inputs.append(column(name, .string))
                // Codes: levels 0 and 1, missing 2; unseen -> 9 (all zeros).
                let codes = builder.labelCodes(
                    name, levels: levels, missingTexts: missingTexts, missingCode: 2)
                let hot = builder.oneHot(codes, depth: 3)
                // Level 1's column (with one training level there is none: always 0).
                encoded.append(builder.slice(hot, from: 1, to: 2))
                if indicator { encoded.append(builder.slice(hot, from: 2, to: 3)) }
            case .oneHot(let levels, let missingLevel):
                inputs.append(column(name, .string))
                let depth = levels.count + (missingLevel ? 1 : 0)
                let codes = builder.labelCodes(
                    name, levels: levels, missingTexts: missingLevel ? missingTexts : [],
                    missingCode: levels.count)
                encoded.append(builder.oneHot(codes, depth: max(depth, 1), keep: depth))
            case .embedding(let levels, _, let missingLevel, _):
                // The code column the network's embedding looks up: level k -> k, rare or
                // unseen -> levels.count ("other"), missing -> levels.count + 1 (or "other").
                let other = levels.count
                let missingCode = missingLevel ? levels.count + 1 : other
                let codes: String
                if let values = Self.numeric(levels) {
                    inputs.append(column(name, .float))
                    let looked = builder.add(
                        "LabelEncoder", [name],
                        attributes: [
                            GraphBuilder.floats("keys_floats", values),
                            GraphBuilder.ints("values_int64s", levels.indices.map(Int64.init)),
                            GraphBuilder.int("default_int64", Int64(other)),
                        ], domain: "ai.onnx.ml")
                    codes = builder.add(
                        "Where",
                        [
                            builder.add("IsNaN", [name]),
                            builder.addInitializer(
                                builder.fresh("missing_code"), shape: [],
                                int64Values: [Int64(missingCode)]),
                            looked,
                        ])
                } else {
                    inputs.append(column(name, .string))
                    codes = builder.labelCodes(
                        name, levels: levels, missingTexts: missingTexts,
                        missingCode: missingCode, unseenCode: other)
                }
                encoded.append(
                    builder.add(
                        "Cast", [codes],
                        attributes: [
                            GraphBuilder.int("to", Int64(Onnx_TensorProto.DataType.float.rawValue))
                        ]))
            case .equality(let first, let second):
                // ENC-NUMERIC-EQUAL: both columns are float inputs of their own number
                // features; Equal is false where either is NaN (missing), as in `predict`.
                encoded.append(
                    builder.add(
                        "Cast", [builder.add("Equal", [first, second])],
                        attributes: [
                            GraphBuilder.int("to", Int64(Onnx_TensorProto.DataType.float.rawValue))
                        ]))
            case .dateParts(let parts):
                // Seconds since 1970-01-01T00:00:00Z as a double: opset 17 cannot parse date
                // text, and a float's 24 bits would round an instant to months.
                inputs.append(column(name, .double))
                encoded += builder.dateParts(name, encoding: parts)
            }
        }
        let features = builder.add("Concat", encoded, attributes: [GraphBuilder.int("axis", 1)])
        try builder.network(
            description: description, members: members, input: features, output: "network")
        var outputs: [Onnx_ValueInfoProto] = []
        var extra = metadata
        switch encoding.target {
        case .classes(_, let labels):
            let probabilities: String
            if labels.count == 2 {
                // One sigmoid column p (class 1): [1 - p, p].
                let rest = builder.add("Sub", [builder.constant(1), "network"])
                probabilities = builder.add(
                    "Concat", [rest, "network"], attributes: [GraphBuilder.int("axis", 1)])
            } else {
                probabilities = "network"
            }
            builder.rename(probabilities, to: "probabilities")
            let index = builder.add(
                "ArgMax", ["probabilities"],
                attributes: [GraphBuilder.int("axis", 1), GraphBuilder.int("keepdims", 0)])
            builder.labels(index, labels: labels, output: "label")
            outputs.append(
                GraphBuilder.valueInfo("probabilities", type: .float, shape: ["N", labels.count]))
            outputs.append(GraphBuilder.valueInfo("label", type: .string, shape: ["N"]))
            let data = try JSONSerialization.data(withJSONObject: labels)
            extra["classes"] = String(decoding: data, as: UTF8.self)
        case .regression(_, let mean, let deviation):
            let scaled = builder.add("Mul", ["network", builder.constant(Float(deviation))])
            let value = builder.add("Add", [scaled, builder.constant(Float(mean))])
            builder.rename(value, to: "prediction")
            outputs.append(GraphBuilder.valueInfo("prediction", type: .float, shape: ["N", 1]))
        case .logRegression(_, let mean, let deviation, let smearing):
            let scaled = builder.add("Mul", ["network", builder.constant(Float(deviation))])
            let log = builder.add("Add", [scaled, builder.constant(Float(mean))])
            let value = builder.add(
                "Mul", [builder.add("Exp", [log]), builder.constant(Float(smearing))])
            builder.rename(value, to: "prediction")
            outputs.append(GraphBuilder.valueInfo("prediction", type: .float, shape: ["N", 1]))
        }
        return try builder.model(inputs: inputs, outputs: outputs, metadata: extra)
    }

    /// The levels as numbers when every one is a number (a numeric code column), else nil.
    static func numeric(_ levels: [String]) -> [Float]? {
        let values = levels.compactMap { Double($0).map(Float.init) }
        return values.count == levels.count && !levels.isEmpty ? values : nil
    }
}

extension GraphBuilder {
    /// 1 where the float column `input` equals `value`, else 0 (NaN is never equal).
    mutating func equals(_ input: String, _ value: Float) -> String {
        add(
            "Cast", [add("Equal", [input, constant(value)])],
            attributes: [Self.int("to", Int64(Onnx_TensorProto.DataType.float.rawValue))])
    }

    /// 1 where the float column `input` is NaN (missing), else 0.
    mutating func missing(_ input: String) -> String {
        add(
            "Cast", [add("IsNaN", [input])],
            attributes: [Self.int("to", Int64(Onnx_TensorProto.DataType.float.rawValue))])
    }
}
