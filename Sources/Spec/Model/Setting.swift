/// A choice the user either fixes in the spec or leaves to the advisor (`auto`, or absent).
public enum Setting<Value: Sendable & Equatable>: Sendable, Equatable {
    /// Left to the advisor.
    case auto
    /// Fixed by the user (or, in a complete config, by the advisor).
    case fixed(Value)

    /// The fixed value, or nil when `auto`.
    public var value: Value? {
        if case .fixed(let value) = self { return value }
        return nil
    }

    /// Whether the advisor decides this choice.
    public var isAuto: Bool { value == nil }

    /// The fixed value, or `fallback` when `auto`.
    public func resolved(_ fallback: @autoclosure () -> Value) -> Value {
        value ?? fallback()
    }
}

// `auto`, or the value itself, as a spec writes it.
extension Setting: Codable where Value: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let word = try? container.decode(String.self), word == "auto" {
            self = .auto
        } else {
            self = .fixed(try container.decode(Value.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .auto: try container.encode("auto")
        case .fixed(let value): try container.encode(value)
        }
    }
}
