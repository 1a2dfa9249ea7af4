import Engine
import Foundation

/// A trainer's complete state at an epoch boundary, saved as safetensors: the model's tensors
/// (`model.layers.0.weight`), the optimizer's slots (`optimizer.layers.0.weight.exp_avg`) and
/// the best epoch's weights (`best.…`) as tensors; the rest of `TrainerState` (epoch, step,
/// schedule, generators, history) as JSON in the metadata. `train --resume` continues from it
/// bit-identically.
public enum Checkpoint {
    /// `__metadata__["format"]` of a checkpoint.
    public static let format = "layerwise-checkpoint"
    /// The layout version; another is refused.
    public static let formatVersion = "1"

    /// The checkpoint file's bytes.
    /// - Parameters:
    ///   - state: the trainer's state.
    ///   - extra: more metadata (e.g. the learning-rate choice), kept as strings.
    public static func serialized(
        _ state: TrainerState, extra: [String: String] = [:]
    ) throws
        -> [UInt8]
    {
        var stripped = state
        stripped.model = []
        stripped.optimizer.tensors = []
        stripped.bestModel = state.bestModel == nil ? nil : []
        var tensors = state.model.map { prefixed("model.", $0) }
        tensors += state.optimizer.tensors.map { prefixed("optimizer.", $0) }
        tensors += (state.bestModel ?? []).map { prefixed("best.", $0) }
        var metadata = extra
        metadata["format"] = format
        metadata["format_version"] = formatVersion
        metadata["trainer"] = String(decoding: try jsonEncoder().encode(stripped), as: UTF8.self)
        return SafeTensorsFile(tensors: tensors, metadata: metadata).serialized()
    }

    /// Reads a checkpoint back into a trainer state and its extra metadata.
    /// - Throws: `ModelFileError` for a missing, truncated, foreign or other-version file.
    public static func read(
        from path: String
    ) throws(ModelFileError) -> (
        state: TrainerState, metadata: [String: String]
    ) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .notSafeTensors(path: path, reason: "the file does not exist or cannot be read")
        }
        let file = try SafeTensorsFile(bytes: [UInt8](data), path: path)
        guard file.metadata["format"] == format,
            file.metadata["format_version"] == formatVersion
        else {
            throw .unsupported(
                path: path,
                reason: "not a Layerwise checkpoint of format version \(formatVersion)")
        }
        guard let json = file.metadata["trainer"],
            var state = try? jsonDecoder().decode(TrainerState.self, from: Data(json.utf8))
        else { throw .corrupt(path: path, reason: "the `trainer` metadata is missing or invalid") }
        func tensors(_ prefix: String) -> [NamedTensor] {
            file.tensors.filter { $0.name.hasPrefix(prefix) }.map {
                NamedTensor(
                    name: String($0.name.dropFirst(prefix.count)), shape: $0.shape,
                    values: $0.values)
            }
        }
        state.model = tensors("model.")
        state.optimizer.tensors = tensors("optimizer.")
        if state.bestModel != nil { state.bestModel = tensors("best.") }
        return (state, file.metadata)
    }

    private static func prefixed(_ prefix: String, _ tensor: NamedTensor) -> NamedTensor {
        NamedTensor(name: prefix + tensor.name, shape: tensor.shape, values: tensor.values)
    }

    /// JSON that keeps NaN and infinite losses (a diverged run's history has them).
    static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static func jsonDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
