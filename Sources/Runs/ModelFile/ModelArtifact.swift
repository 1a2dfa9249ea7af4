import Dataset
import Engine
import Foundation

/// A trained model as saved in a run folder: the weights as safetensors tensors (named by
/// layer, `layers.0.weight`), with everything `predict` needs in the header metadata: the
/// network description, the fitted data encoding and the complete config (YAML).
public struct ModelArtifact: Sendable {
    /// `__metadata__["format"]` of a Layerwise model file.
    public static let format = "layerwise-model"
    /// The version of the layout below; a file of another version is refused.
    public static let formatVersion = "1"

    /// The network's layers.
    public var description: ModelDescription
    /// Weights and non-trainable state (batch-norm running statistics), by name.
    public var tensors: [NamedTensor]
    /// The data encoding fitted on the training split.
    public var encoding: DataEncoding
    /// The complete config (YAML) the model was trained from, for people and `layerwise`.
    public var configYAML: String
    /// The column that identifies rows (`data.id_column`), copied into predictions.
    public var idColumn: String?

    public init(
        description: ModelDescription, tensors: [NamedTensor], encoding: DataEncoding,
        configYAML: String, idColumn: String? = nil
    ) {
        self.description = description
        self.tensors = tensors
        self.encoding = encoding
        self.configYAML = configYAML
        self.idColumn = idColumn
    }

    /// The model, rebuilt with these weights.
    public func model() throws -> Sequential {
        let model = try Sequential(description, seed: 0)
        try model.importTensors(tensors)
        return model
    }

    /// The file's bytes (safetensors).
    public func serialized() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var metadata = [
            "format": Self.format, "format_version": Self.formatVersion,
            "model": String(decoding: try encoder.encode(description), as: UTF8.self),
            "encoding": String(decoding: try encoder.encode(encoding), as: UTF8.self),
            "config": configYAML,
        ]
        if let idColumn { metadata["id_column"] = idColumn }
        return SafeTensorsFile(tensors: tensors, metadata: metadata).serialized()
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
        guard file.metadata["format_version"] == formatVersion else {
            throw .unsupported(
                path: path,
                reason: "it is model format version \(file.metadata["format_version"] ?? "?"), "
                    + "this Layerwise reads version \(formatVersion)")
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
        let artifact = ModelArtifact(
            description: description, tensors: file.tensors, encoding: encoding,
            configYAML: file.metadata["config"] ?? "", idColumn: file.metadata["id_column"])
        // The network is built only when its size is the file's own: the tensors read are
        // bounded by the file's length, so the model is too.
        let stored = file.tensors.reduce(0) { $0 + $1.values.count }
        let expected: Int
        do {
            expected = try description.tensorFloatCount()
        } catch {
            throw .corrupt(path: path, reason: "its `model` metadata is invalid: \(error)")
        }
        guard expected == stored else {
            throw .corrupt(
                path: path,
                reason: "its network needs \(expected) weights, the file holds \(stored)")
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
            _ = try artifact.model()
        } catch {
            throw .corrupt(path: path, reason: "its tensors do not fit its network: \(error)")
        }
        return artifact
    }
}
