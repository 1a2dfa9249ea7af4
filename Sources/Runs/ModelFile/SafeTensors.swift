import Engine
import Foundation
import Spec

/// A safetensors file's content: float32 tensors and string metadata.
///
/// Format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
/// (`{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
/// "__metadata__": {"key": "value"}}`), then the tensors' little-endian bytes, packed without
/// gaps. PyTorch and NumPy users load it with `safetensors.numpy.load_file`.
public struct SafeTensorsFile: Sendable, Equatable {
    /// The tensors, in file order.
    public var tensors: [NamedTensor]
    /// String metadata (`__metadata__`): here, the network config and the data encoding.
    public var metadata: [String: String]

    public init(tensors: [NamedTensor], metadata: [String: String]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor named `name`, if present.
    public func tensor(named name: String) -> NamedTensor? {
        tensors.first { $0.name == name }
    }

    /// The file's bytes. Tensors are laid out in the given order; the header is padded with
    /// spaces to a multiple of 8 bytes so the data stays aligned.
    public func serialized() -> [UInt8] {
        // Compact JSON, keys sorted so the bytes are a function of the content
        // (JSONSerialization took 5% of a small run escaping the checkpoint's metadata).
        var members: [JSONValue.Member] = []
        var offset = 0
        for tensor in tensors {
            let size = tensor.values.count * MemoryLayout<Float>.size
            members.append(
                JSONValue.Member(
                    tensor.name,
                    .object([
                        JSONValue.Member(
                            "data_offsets", .array([.int(offset), .int(offset + size)])),
                        JSONValue.Member("dtype", .string("F32")),
                        JSONValue.Member("shape", .array(tensor.shape.map { .int($0) })),
                    ])))
            offset += size
        }
        if !metadata.isEmpty {
            let entries = metadata.sorted { $0.key < $1.key }
            members.append(
                JSONValue.Member(
                    "__metadata__",
                    .object(entries.map { JSONValue.Member($0.key, .string($0.value)) })))
        }
        members.sort { $0.key < $1.key }
        var json = Array(JSONValue.object(members).compactText.utf8)
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: json)
        for tensor in tensors {
            #if _endian(little)
                tensor.values.withUnsafeBytes { bytes.append(contentsOf: $0) }
            #else
                for value in tensor.values {
                    withUnsafeBytes(of: value.bitPattern.littleEndian) {
                        bytes.append(contentsOf: $0)
                    }
                }
            #endif
        }
        return bytes
    }

    /// Parses and checks a safetensors file's bytes.
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - path: the file's path, for messages.
    /// - Throws: `ModelFileError` saying what is wrong and what to do.
    public init(bytes: [UInt8], path: String) throws(ModelFileError) {
        guard bytes.count >= 8 else {
            throw .notSafeTensors(
                path: path,
                reason: "the file has \(bytes.count) bytes, fewer than the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        if headerLength >= 2, headerLength <= 100_000_000,
            headerLength > UInt64(bytes.count - 8), bytes.count > 8, bytes[8] == UInt8(ascii: "{")
        {
            // A plausible header cut short: an interrupted copy or write.
            throw .truncated(path: path, expected: 8 + Int(headerLength), actual: bytes.count)
        }
        guard headerLength >= 2, headerLength <= UInt64(bytes.count - 8),
            headerLength <= 100_000_000
        else {
            throw .notSafeTensors(
                path: path,
                reason: "its header length \(headerLength) does not fit a \(bytes.count)-byte file")
        }
        let headerEnd = 8 + Int(headerLength)
        guard
            let object = try? JSONSerialization.jsonObject(
                with: Data(bytes[8..<headerEnd])),
            let header = object as? [String: Any]
        else {
            throw .notSafeTensors(path: path, reason: "its header is not a JSON object")
        }
        let dataLength = bytes.count - headerEnd
        var metadata: [String: String] = [:]
        var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else {
                    throw .corrupt(path: path, reason: "`__metadata__` is not an object")
                }
                for (key, item) in map {
                    guard let text = item as? String else {
                        throw .corrupt(path: path, reason: "metadata `\(key)` is not a string")
                    }
                    metadata[key] = text
                }
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                let shapeItems = info["shape"] as? [Any],
                let offsetItems = info["data_offsets"] as? [Any]
            else {
                throw .corrupt(
                    path: path, reason: "tensor `\(name)` lacks dtype, shape or data_offsets")
            }
            guard dtype == "F32" else {
                throw .unsupported(
                    path: path, reason: "tensor `\(name)` is \(dtype); Layerwise models are F32")
            }
            // Every size read from the file is a small whole number before any arithmetic.
            let shape = shapeItems.compactMap(Self.size)
            let offsets = offsetItems.compactMap(Self.size)
            guard shape.count == shapeItems.count, offsets.count == 2, offsetItems.count == 2 else {
                throw .corrupt(
                    path: path,
                    reason: "tensor `\(name)`'s shape or data_offsets are not whole numbers from 0 "
                        + "to 2^53 (found \(shapeItems) and \(offsetItems))")
            }
            guard offsets[1] <= dataLength else {
                throw .truncated(path: path, expected: headerEnd + offsets[1], actual: bytes.count)
            }
            var count = 1
            for dimension in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= dataLength / 4 else {
                    throw .corrupt(
                        path: path,
                        reason: "tensor `\(name)`'s shape \(shape) holds more values than the "
                            + "file's \(dataLength) data bytes")
                }
                count = product
            }
            guard offsets[1] >= offsets[0], offsets[1] - offsets[0] == count * 4 else {
                throw .corrupt(
                    path: path, reason: "tensor `\(name)`'s offsets do not match its shape \(shape)"
                )
            }
            entries.append((name, shape, offsets[0], offsets[1]))
        }
        entries.sort { $0.begin < $1.begin }
        var covered = 0
        for entry in entries {
            guard entry.begin == covered else {
                throw .corrupt(
                    path: path, reason: "tensor `\(entry.name)` overlaps another or leaves a gap")
            }
            covered = entry.end
        }
        guard covered == dataLength else {
            throw .truncated(path: path, expected: headerEnd + covered, actual: bytes.count)
        }
        tensors = entries.map { entry in
            var values = [Float](repeating: 0, count: (entry.end - entry.begin) / 4)
            let start = headerEnd + entry.begin
            for i in values.indices {
                let at = start + 4 * i
                let bits =
                    UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16
                    | UInt32(bytes[at + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            return NamedTensor(name: entry.name, shape: entry.shape, values: values)
        }
        self.metadata = metadata
    }
}

extension SafeTensorsFile {
    /// A shape dimension or data offset from the header: a whole number in 0...2^53 (exact in
    /// a JSON double), else nil. Bounding it here keeps every later sum and product in range.
    static func size(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double >= 0, double <= 9_007_199_254_740_992, double.rounded() == double else {
            return nil
        }
        return Int(double)
    }
}

/// A model file that cannot be used, and why.
public enum ModelFileError: Error, CustomStringConvertible, Equatable {
    /// Not a safetensors file at all.
    case notSafeTensors(path: String, reason: String)
    /// Shorter than its header says: an interrupted copy or write.
    case truncated(path: String, expected: Int, actual: Int)
    /// A safetensors file whose header contradicts itself.
    case corrupt(path: String, reason: String)
    /// A valid safetensors file Layerwise cannot use (another dtype, another format version).
    case unsupported(path: String, reason: String)
    /// A model whose weights are NaN or infinite (a diverged run): it would predict NaN.
    case nonFiniteWeights(path: String, tensor: String)

    public var description: String {
        switch self {
        case .notSafeTensors(let path, let reason):
            "\(path): error: not a safetensors model file: \(reason)\n"
                + "  hint: pass the model.safetensors of a Layerwise run folder"
        case .truncated(let path, let expected, let actual):
            "\(path): error: the model file is truncated: \(actual) bytes of \(expected)\n"
                + "  hint: the copy or write was interrupted; use the run's last checkpoint or train again"
        case .corrupt(let path, let reason):
            "\(path): error: the model file is corrupt: \(reason)\n"
                + "  hint: the file was damaged; use the run's last checkpoint or train again"
        case .unsupported(let path, let reason):
            "\(path): error: unsupported model file: \(reason)\n"
                + "  hint: this file was not written by this version of Layerwise"
        case .nonFiniteWeights(let path, let tensor):
            "\(path): error: the model's weights are not finite (NaN or infinite in `\(tensor)`): "
                + "the run diverged\n"
                + "  hint: train again with a lower learning rate [DIAG-NONFINITE]"
        }
    }
}
