/// How the `tune:` keys read and write their values.

extension TuneMetric: SpecWord {}
extension TuneDirection: SpecWord {}

/// A count, or `none` (`tune.cv`).
struct CountOrNone: SpecCodable {
    var count: Int?

    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> CountOrNone? {
        if node.word == "none" { return CountOrNone(count: nil) }
        return node.int.map { CountOrNone(count: $0) }
    }
    var yaml: String { count.map(YAMLText.integer) ?? "none" }
}

/// A duration, or `none` (`tune.timeout`).
struct DurationOrNone: SpecCodable {
    var seconds: Double?

    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> DurationOrNone? {
        if node.word == "none" { return DurationOrNone(seconds: nil) }
        return node.string.flatMap(SpecDuration.seconds).map { DurationOrNone(seconds: $0) }
    }
    var yaml: String { seconds.map(SpecDuration.text) ?? "none" }
}

extension SpaceOverride {
    /// A YAML scalar's text as written, for a choice list (`relu`, `64`, `true`).
    static func scalarText(_ node: SpecNode) -> String? {
        switch node.value {
        case .word(let text), .string(let text): text
        case .bool(let value): YAMLText.bool(value)
        case .int(let value): YAMLText.integer(value)
        case .number(let value): YAMLText.float(value)
        default: nil
        }
    }

    /// `{low: 0.0001, high: 0.1, log: true}` or `[relu, swish]`.
    var yaml: String {
        switch self {
        case .range(let low, let high, let log):
            "{low: \(YAMLText.float(low)), high: \(YAMLText.float(high))"
                + (log.map { ", log: \(YAMLText.bool($0))" } ?? "") + "}"
        case .choices(let values):
            "[" + values.map(Self.flowScalar).joined(separator: ", ") + "]"
        }
    }

    /// A choice as a flow-list item: plain when it reads back as itself.
    private static func flowScalar(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "_-.".contains($0) }
        return plain && !text.isEmpty ? text : YAMLText.string(text)
    }
}

extension Dictionary: SpecCodable where Key == String, Value == SpaceOverride {
    static func decode(
        _ node: SpecNode, _ decoder: inout SpecDecoder
    ) -> [String: SpaceOverride]? {
        guard case .mapping(let entries) = node.value else { return nil }
        var space: [String: SpaceOverride] = [:]
        for (key, value) in entries {
            switch value.value {
            case .mapping, .named:
                guard let low = value["low"]?.number, let high = value["high"]?.number else {
                    continue
                }
                space[key] = .range(low: low, high: high, log: value["log"]?.bool)
            case .list(let items):
                space[key] = .choices(items.compactMap(SpaceOverride.scalarText))
            default: continue
            }
        }
        return space
    }

    public var yaml: String {
        "{" + keys.sorted().map { "\($0): \(self[$0]!.yaml)" }.joined(separator: ", ") + "}"
    }
}
