/// A value a spec key holds: how it is read from a validated node, and how a config writes it.
///
/// The two directions sit side by side so that what `generate` writes, the loader reads back as
/// the same value. Decoding runs after ``SchemaValidator`` has checked the node's shape and
/// filled in parameter defaults, so it only reports what spans several keys of one value (L1
/// with L2, two clipping kinds, Nesterov without momentum).
protocol SpecCodable: Sendable, Equatable {
    /// The value of `node`; nil when it holds none the validator accepted (already reported).
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> Self?
    /// The value as a config file writes it (YAML, flow style).
    var yaml: String { get }
}

extension Setting: SpecCodable where Value: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> Setting? {
        if node.isAuto { return .auto }
        return Value.decode(node, &decoder).map { .fixed($0) }
    }

    /// `auto`, or the fixed value's YAML.
    var yaml: String { value?.yaml ?? "auto" }
}

extension Int: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> Int? { node.int }
    public var yaml: String { YAMLText.integer(self) }
}

extension UInt64: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> UInt64? {
        node.int.flatMap { UInt64(exactly: $0) }
    }
    public var yaml: String { YAMLText.integer(self) }
}

extension Double: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> Double? { node.number }
    public var yaml: String { YAMLText.float(self) }
}

extension Bool: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> Bool? { node.bool }
    public var yaml: String { YAMLText.bool(self) }
}

extension String: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> String? { node.string }
    public var yaml: String { YAMLText.string(self) }
}

extension Array: SpecCodable where Element == String {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> [String]? {
        node.strings
    }
    public var yaml: String { YAMLText.stringList(self) }
}

extension TaskKind: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> TaskKind? {
        node.word.flatMap(TaskKind.init(rawValue:))
    }
    public var yaml: String { YAMLText.string(rawValue) }
}

/// A value written as one word, its raw value (`log`, `he_normal`, `accuracy`).
protocol SpecWord: SpecCodable, RawRepresentable where RawValue == String {}

extension SpecWord {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> Self? {
        node.word.flatMap(Self.init(rawValue:))
    }
    var yaml: String { rawValue }
}

extension TargetTransform: SpecWord {}
extension NumericEncoding: SpecWord {}
extension Initializer: SpecWord {}
