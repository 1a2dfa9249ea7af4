/// A position in YAML text: 1-based line and column, as editors count them.
public struct YAMLMark: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1-based line.
    public var line: Int
    /// 1-based column (in characters).
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: YAMLMark, rhs: YAMLMark) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// One node of a parsed YAML document: a scalar, a sequence or a mapping, with where it stands.
///
/// Aliases are already resolved (an alias is a copy of its anchored node, with the anchor's
/// marks) and merge keys (`<<: *base`) already applied.
public struct YAMLNode: Sendable, Equatable {
    /// What the node holds.
    public enum Content: Sendable, Equatable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLEntry])
    }

    public var content: Content
    /// Where the node starts (for a scalar, its first character, quotes included).
    public var start: YAMLMark
    /// Where the node ends (exclusive).
    public var end: YAMLMark

    public init(_ content: Content, start: YAMLMark, end: YAMLMark) {
        self.content = content
        self.start = start
        self.end = end
    }

    /// The scalar, if this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// The entries, if this node is a mapping.
    public var entries: [YAMLEntry]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    /// The items, if this node is a sequence.
    public var items: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// Whether this is a null scalar (`null`, `~`, or nothing at all).
    public var isNull: Bool { scalar?.value == .null }

    /// The value for a scalar key, in a mapping.
    public subscript(key: String) -> YAMLNode? {
        entries?.first { $0.key.scalar?.text == key }?.value
    }

    /// How many characters to underline when pointing at this node: the whole scalar when it
    /// sits on one line, else one.
    public var underlineLength: Int {
        guard scalar != nil, start.line == end.line else { return 1 }
        return max(1, end.column - start.column)
    }

    /// Nodes in this subtree (itself included): the measure of an alias expansion.
    var nodeCount: Int {
        switch content {
        case .scalar: 1
        case .sequence(let items): items.reduce(1) { $0 + $1.nodeCount }
        case .mapping(let entries):
            entries.reduce(1) { $0 + $1.key.nodeCount + $1.value.nodeCount }
        }
    }
}

/// One `key: value` pair of a mapping, in source order.
public struct YAMLEntry: Sendable, Equatable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A scalar: its text as written (after unquoting and escapes), its style, and its value
/// under the YAML 1.2 core schema.
public struct YAMLScalar: Sendable, Equatable {
    /// How the scalar was written.
    public enum Style: String, Sendable, Equatable {
        case plain
        case singleQuoted = "single-quoted"
        case doubleQuoted = "double-quoted"
        case literal
        case folded
    }

    /// The text (quotes removed, escapes applied).
    public var text: String
    public var style: Style
    /// An explicit tag (`!!str` is `tag:yaml.org,2002:str`), if any.
    public var tag: String?
    /// The resolved value: only plain scalars become numbers, booleans or null.
    public var value: YAMLValue

    public init(text: String, style: Style, tag: String? = nil) {
        self.text = text
        self.style = style
        self.tag = tag
        self.value = YAMLValue.resolve(text, style: style, tag: tag)
    }
}

/// A scalar's value under the YAML 1.2 core schema.
public enum YAMLValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)

    /// Resolves a scalar as the YAML 1.2 core schema does: plain `null`/`Null`/`NULL`/`~`/empty
    /// are null; `true`/`True`/`TRUE`/`false`/... booleans; decimal, `0o` and `0x` integers;
    /// decimal floats, `.inf`, `-.inf`, `.nan`. Everything else, and every quoted or block
    /// scalar, is a string — so `no`, `yes` and `on` stay strings (unlike YAML 1.1).
    public static func resolve(_ text: String, style: YAMLScalar.Style, tag: String?) -> YAMLValue {
        let prefix = "tag:yaml.org,2002:"
        if let tag, tag.hasPrefix(prefix) {
            // An explicit core tag asks for that type; if the text does not fit it, keep the text.
            let plain = resolvePlain(text)
            switch tag.dropFirst(prefix.count) {
            case "str": return .string(text)
            case "null": return plain == .null ? .null : .string(text)
            case "bool": if case .bool = plain { return plain }
            case "int": if case .int = plain { return plain }
            case "float":
                if case .float = plain { return plain }
                if case .int(let value) = plain { return .float(Double(value)) }
            default: break
            }
            return .string(text)
        }
        // Quoted and block scalars, and plain ones with a non-core tag (`!`, `!local`), are text.
        if style != .plain || tag != nil { return .string(text) }
        return resolvePlain(text)
    }

    private static func resolvePlain(_ text: String) -> YAMLValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        let bytes = Array(text.utf8)
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            if bytes[1] == UInt8(ascii: "x"), bytes[2...].allSatisfy(\.isHexDigit) {
                if let value = Int(text.dropFirst(2), radix: 16) { return .int(value) }
                return .string(text)
            }
            if bytes[1] == UInt8(ascii: "o"), bytes[2...].allSatisfy(\.isOctalDigit) {
                if let value = Int(text.dropFirst(2), radix: 8) { return .int(value) }
                return .string(text)
            }
        }
        if isDecimalInteger(bytes) {
            if let value = Int(text) { return .int(value) }
            // Too large for an integer: still a number.
            if let value = Double(text) { return .float(value) }
        }
        if isDecimalFloat(bytes), let value = Double(text) { return .float(value) }
        return .string(text)
    }

    /// `[-+]?[0-9]+`
    private static func isDecimalInteger(_ bytes: [UInt8]) -> Bool {
        var digits = bytes[...]
        if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            digits = digits.dropFirst()
        }
        return !digits.isEmpty && digits.allSatisfy(\.isDecimalDigit)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isDecimalFloat(_ bytes: [UInt8]) -> Bool {
        var index = 0
        func take(_ predicate: (UInt8) -> Bool) -> Int {
            let start = index
            while index < bytes.count, predicate(bytes[index]) { index += 1 }
            return index - start
        }
        func take(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        _ = take("+-")
        let integerDigits = take(\.isDecimalDigit)
        if take(".") {
            let fractionDigits = take(\.isDecimalDigit)
            if integerDigits == 0 && fractionDigits == 0 { return false }
        } else if integerDigits == 0 {
            return false
        }
        if take("eE") {
            _ = take("+-")
            if take(\.isDecimalDigit) == 0 { return false }
        }
        return index == bytes.count
    }
}

extension UInt8 {
    fileprivate var isDecimalDigit: Bool { self >= 0x30 && self <= 0x39 }
    fileprivate var isOctalDigit: Bool { self >= 0x30 && self <= 0x37 }
    fileprivate var isHexDigit: Bool {
        isDecimalDigit || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66)
    }
}
