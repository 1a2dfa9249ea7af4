/// A value that passed the schema, with where it came from; parameters the user left out are
/// filled in from the schema's defaults (they have no node).
struct SpecNode {
    var value: SpecValue
    /// The YAML value node; nil for a filled-in default.
    var node: YAMLNode?
    /// The dotted key path.
    var path: String
}

/// The shapes a validated value takes.
indirect enum SpecValue {
    /// A keyword (`auto`, `none`) or a choice (`classification`, `he_uniform`).
    case word(String)
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case list([SpecNode])
    /// An object's or dictionary's entries, in source order.
    case mapping([(key: String, value: SpecNode)])
    /// A named value and its parameters (defaults filled in).
    case named(String, [String: SpecNode])
    /// A tagged value: the kind and its payload (nil when written bare).
    case tagged(String, SpecNode?)
}

extension SpecNode {
    /// A mapping entry by key.
    subscript(key: String) -> SpecNode? {
        switch value {
        case .mapping(let entries): entries.first { $0.key == key }?.value
        case .named(_, let parameters): parameters[key]
        default: nil
        }
    }

    /// The entry at a dotted path below this mapping (`training.epochs`).
    func node(at path: String) -> SpecNode? {
        var current: SpecNode? = self
        for component in path.split(separator: ".") { current = current?[String(component)] }
        return current
    }

    var word: String? { if case .word(let word) = value { word } else { nil } }
    var isAuto: Bool { word == "auto" }
    var int: Int? { if case .int(let value) = value { value } else { nil } }
    var bool: Bool? { if case .bool(let value) = value { value } else { nil } }
    var string: String? { if case .string(let value) = value { value } else { nil } }
    var number: Double? {
        switch value {
        case .number(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }
    var strings: [String]? {
        guard case .list(let items) = value else { return nil }
        return items.compactMap(\.string)
    }
}
