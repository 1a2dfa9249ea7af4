import Dataset
import Engine
import Foundation
import Spec

/// A trained model as saved in a run folder: the weights as safetensors tensors (named by
/// layer, `layers.0.weight`), with everything `predict` needs in the header metadata: the
/// network description, the fitted data encoding and the complete config (YAML). An ensemble
/// (ENSEMBLE-SMALL-DATA) holds its other members' weights too, named `members.<k>.<name>`
/// (k from 1).
public struct ModelArtifact: Sendable {
    /// `__metadata__["format"]` of a Layerwise model file.
    public static let format = "layerwise-model"
    /// The version this Layerwise writes: 3, layers and activations by name
    /// (`{"activation": {"function": "linear"}}`), which versions 1 and 2 wrote in Swift's
    /// synthesised form (`{"activation": {"_0": {"identity": {}}}}`).
    public static let formatVersion = "3"
    /// The versions read: 1 (one network), 2 (an ensemble's `members` metadata and prefixed
    /// member tensors, or a log target, ENC-TARGET-LOG) and 3; another is refused.
    public static let readableFormatVersions = ["1", "2", "3"]

    /// The network's layers.
    public var description: ModelDescription
    /// Weights and non-trainable state (batch-norm running statistics), by name: the first
    /// (or only) member's.
    public var tensors: [NamedTensor]
    /// The other members of an ensemble (same network), each one's tensors; empty for one
    /// network.
    public var members: [[NamedTensor]] = []
    /// The data encoding fitted on the training split.
    public var encoding: DataEncoding
    /// The complete config (YAML) the model was trained from, for people and `layerwise`.
    public var configYAML: String
    /// The column that identifies rows (`data.id_column`), copied into predictions.
    public var idColumn: String?
    /// Whether `idColumn` is the column the data layer typed as an identifier (the spec named
    /// none): a new file may lack it.
    public var idColumnDetected = false

    public init(
        description: ModelDescription, tensors: [NamedTensor], encoding: DataEncoding,
        configYAML: String, idColumn: String? = nil, members: [[NamedTensor]] = []
    ) {
        self.description = description
        self.tensors = tensors
        self.members = members
        self.encoding = encoding
        self.configYAML = configYAML
        self.idColumn = idColumn
    }

    /// The model, rebuilt with these weights (the first member of an ensemble).
    public func model() throws -> Sequential {
        let model = try Sequential(description, seed: 0)
        try model.importTensors(tensors)
        return model
    }

    /// Every member's model, the first first.
    public func models() throws -> [Sequential] {
        try ([tensors] + members).map { tensors in
            let model = try Sequential(description, seed: 0)
            try model.importTensors(tensors)
            return model
        }
    }

    /// The network's outputs for encoded inputs, the mean over the members for an ensemble
    /// (probabilities, or standardised values: the mean maps back to the mean in units).
    /// Builds the members for this call; `predictor()` builds them once for many calls.
    public func predict(_ inputs: Matrix) throws -> Matrix {
        try predictor()(inputs)
    }

    /// `predict` with the members built once, for scoring several splits.
    public func predictor() throws -> (Matrix) throws -> Matrix {
        let models = try models()
        return { inputs in try Self.average(models.map { try $0.predict(inputs) }) }
    }

    /// The element-wise mean of same-shaped outputs (one output is returned as it is).
    public static func average(_ outputs: [Matrix]) -> Matrix {
        guard var sum = outputs.first, outputs.count > 1 else {
            return outputs.first ?? Matrix(rows: 0, columns: 0)
        }
        for other in outputs.dropFirst() {
            for i in sum.storage.indices { sum.storage[i] += other.storage[i] }
        }
        let scale = 1 / Float(outputs.count)
        for i in sum.storage.indices { sum.storage[i] *= scale }
        return sum
    }

    /// The file's bytes (safetensors).
    public func serialized() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var metadata = [
            "format": Self.format,
            "format_version": Self.formatVersion,
            "model": String(decoding: try encoder.encode(description), as: UTF8.self),
            "encoding": String(decoding: try encoder.encode(encoding), as: UTF8.self),
            "config": configYAML,
        ]
        if let idColumn { metadata["id_column"] = idColumn }
        if idColumnDetected { metadata["id_column_detected"] = "true" }
        var all = tensors
        if !members.isEmpty {
            metadata["members"] = String(members.count + 1)
            for (k, member) in members.enumerated() {
                all += member.map {
                    NamedTensor(
                        name: "members.\(k + 1).\($0.name)", shape: $0.shape, values: $0.values)
                }
            }
        }
        return SafeTensorsFile(tensors: all, metadata: metadata).serialized()
    }

    /// Writes the file atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(try serialized(), to: path)
    }

    /// Reads and checks a model file.
    /// - Throws: `ModelFileError` for a missing, truncated, foreign or other-version file.
    public static func read(from path: String) throws(ModelFileError) -> ModelArtifact {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .notSafeTensors(path: path, reason: "the file does not exist or cannot be read")
        }
        let file = try SafeTensorsFile(bytes: [UInt8](data), path: path)
        guard file.metadata["format"] == format else {
            throw .unsupported(
                path: path,
                reason: "its metadata does not mark it as a Layerwise model "
                    + "(format \(file.metadata["format"].map { "`\($0)`" } ?? "missing"))")
        }
        let version = file.metadata["format_version"]
        guard let version, readableFormatVersions.contains(version) else {
            throw .unsupported(
                path: path,
                reason: "it is model format version \(file.metadata["format_version"] ?? "?"), "
                    + "this Layerwise reads versions "
                    + readableFormatVersions.joined(separator: ", "))
        }
        // An ensemble's count is bounded before anything is built from it.
        var memberCount = 1
        if version != "1", let text = file.metadata["members"] {
            guard let count = Int(text), (2...SpecLimits.ensembleMembers).contains(count) else {
                throw .corrupt(
                    path: path,
                    reason: "its `members` metadata is not 2 to \(SpecLimits.ensembleMembers)")
            }
            memberCount = count
        }
        var own: [NamedTensor] = []
        var members = [[NamedTensor]](repeating: [], count: memberCount - 1)
        for tensor in file.tensors {
            guard tensor.name.hasPrefix("members.") else {
                own.append(tensor)
                continue
            }
            let rest = tensor.name.dropFirst("members.".count)
            guard let dot = rest.firstIndex(of: "."), let k = Int(rest[..<dot]),
                (1..<memberCount).contains(k)
            else {
                throw .corrupt(
                    path: path, reason: "tensor `\(tensor.name)` names no member of the file")
            }
            members[k - 1].append(
                NamedTensor(
                    name: String(rest[rest.index(after: dot)...]), shape: tensor.shape,
                    values: tensor.values))
        }
        let decoder = JSONDecoder()
        guard let modelJSON = file.metadata["model"],
            let description = try? decoder.decode(ModelDescription.self, from: Data(modelJSON.utf8))
        else { throw .corrupt(path: path, reason: "the `model` metadata is missing or invalid") }
        guard let encodingJSON = file.metadata["encoding"],
            let encoding = try? decoder.decode(DataEncoding.self, from: Data(encodingJSON.utf8))
        else {
            throw .corrupt(path: path, reason: "the `encoding` metadata is missing or invalid")
        }
        var artifact = ModelArtifact(
            description: description, tensors: own, encoding: encoding,
            configYAML: file.metadata["config"] ?? "", idColumn: file.metadata["id_column"],
            members: members)
        artifact.idColumnDetected = file.metadata["id_column_detected"] == "true"
        // The network is built only when its size is the file's own: the tensors read are
        // bounded by the file's length, so the model is too.
        let stored = file.tensors.reduce(0) { $0 + $1.values.count }
        let expected: Int
        do {
            expected = try description.tensorFloatCount()
        } catch {
            throw .corrupt(path: path, reason: "its `model` metadata is invalid: \(error)")
        }
        guard expected.multipliedReportingOverflow(by: memberCount) == (stored, false) else {
            throw .corrupt(
                path: path,
                reason: "its network needs \(expected) weights"
                    + (memberCount > 1 ? " per member (\(memberCount) members)" : "")
                    + ", the file holds \(stored)")
        }
        if let bad = file.tensors.first(where: { !$0.values.allSatisfy(\.isFinite) }) {
            throw .nonFiniteWeights(path: path, tensor: bad.name)
        }
        guard description.inputWidth == encoding.inputWidth else {
            throw .corrupt(
                path: path,
                reason: "its network takes \(description.inputWidth) inputs, its encoding makes "
                    + "\(encoding.inputWidth)")
        }
        // Embedded categories: the network's tables must be the encoding's (columns, levels).
        guard description.embeddings == NetworkBuilder.embeddings(of: encoding) else {
            throw .corrupt(
                path: path,
                reason: "its network's embeddings do not match its encoding's embedded columns")
        }
        do {
            _ = try artifact.models()
        } catch {
            throw .corrupt(path: path, reason: "its tensors do not fit its network: \(error)")
        }
        return artifact
    }
}
