/// A JSON value with ordered object members, printed deterministically (the JSON Schema must
/// not change between runs).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([Member])

    /// One `"key": value` of an object.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue

        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The JSON text, pretty-printed with two-space indentation.
    public func serialized(indentation: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indentation)
        let inner = String(repeating: "  ", count: indentation + 1)
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .number(let value):
            if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
            return value.description
        case .string(let value): return Self.quote(value)
        case .array(let items):
            if items.isEmpty { return "[]" }
            if items.allSatisfy(\.isScalar) {
                return "[" + items.map { $0.serialized() }.joined(separator: ", ") + "]"
            }
            return "[\n"
                + items.map { inner + $0.serialized(indentation: indentation + 1) }
                .joined(separator: ",\n") + "\n\(pad)]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            return "{\n"
                + members.map {
                    inner + Self.quote($0.key) + ": "
                        + $0.value.serialized(indentation: indentation + 1)
                }.joined(separator: ",\n") + "\n\(pad)}"
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// The value as YAML would show it in docs: `auto`, `0.15`, `[]`, `true`.
    var yamlText: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .number(let value): NumberText.spec(value)
        case .string(let value): Self.needsQuotes(value) ? Self.quote(value) : value
        case .array(let items): "[" + items.map(\.yamlText).joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.map { "\($0.key): \($0.value.yamlText)" }.joined(separator: ", ") + "}"
        }
    }

    /// Whether YAML would read `text` unquoted as something else (`null`, `1`, `?`).
    private static func needsQuotes(_ text: String) -> Bool {
        guard let first = text.first else { return true }
        return YAMLValue.resolve(text, style: .plain, tag: nil) != .string(text)
            || "?:-[]{}#&*!|>'\"%@`,".contains(first) || text.contains(": ") || text.contains(" #")
    }

    /// `text` as a JSON string (RFC 8259, section 7): quotes, backslashes and control
    /// characters escaped, everything else as its UTF-8 bytes. Byte by byte: a checkpoint's
    /// metadata holds a JSON document of a hundred kilobytes.
    static func quote(_ text: String) -> String {
        // Most texts need no escape: quoted as they are.
        if !text.utf8.contains(where: {
            $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\")
        }) {
            return "\"" + text + "\""
        }
        let hex = Array("0123456789abcdef".utf8)
        var output: [UInt8] = [UInt8(ascii: "\"")]
        output.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "\n"): output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\t"): output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case UInt8(ascii: "\r"): output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0..<0x20:
                output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
        return String(decoding: output, as: UTF8.self)
    }
}
