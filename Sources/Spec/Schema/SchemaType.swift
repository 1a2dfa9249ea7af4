/// The spec language as data: each key with its type, default, allowed values, range and a
/// one-line doc. One tree (``SpecSchema/root``) drives validation and decoding, the JSON
/// Schema (`layerwise schema`) and the reference `docs/spec.md`.
public indirect enum SchemaType: Sendable {
    /// Text. Plain numbers are accepted as their text (column names may be numbers).
    case string(StringRule)
    /// A whole number within bounds.
    case integer(Bounds)
    /// A number within bounds; integers are accepted.
    case number(Bounds)
    /// `true` or `false`.
    case boolean
    /// One fixed word such as `auto` or `none`.
    case keyword(String, doc: String)
    /// One of a set of names (a task, an initializer).
    case choice(noun: String, [SchemaChoice])
    /// A list of values of one type, with at least `minimumCount` items and at most
    /// `maximumCount` (nil: no bound but the parser's node limit).
    case list(SchemaType, minimumCount: Int, maximumCount: Int? = nil)
    /// A mapping with fixed keys; unknown keys are errors.
    case object([SchemaKey])
    /// A mapping from free keys (`keyNoun`, e.g. class labels) to values of one type.
    case dictionary(keyNoun: String, value: SchemaType)
    /// A name (`adam`), or a mapping of the name and its parameters (`{name: sgd, momentum: 0.9}`).
    case named(noun: String, [SchemaVariant])
    /// A one-key mapping whose key is the kind and whose value its configuration
    /// (`dense: {units: 8}`), as in `model.layers`.
    case tagged(noun: String, [SchemaVariant])
    /// Any of several types; a value is checked against the first that takes its shape.
    case anyOf([SchemaType])

    /// The alternatives of an `anyOf` (flattened), or this type alone.
    public var alternatives: [SchemaType] {
        if case .anyOf(let types) = self { return types.flatMap(\.alternatives) }
        return [self]
    }

    /// The words a plain-name value may be: keywords, choices and variant names.
    var names: [String] {
        alternatives.flatMap { type -> [String] in
            switch type {
            case .keyword(let word, _): [word]
            case .choice(_, let choices): choices.map(\.name)
            case .named(_, let variants): variants.map(\.name)
            case .tagged(_, let variants): variants.filter(\.allowsBareName).map(\.name)
            default: []
            }
        }
    }

    /// How a message names this type: "an integer or `auto`".
    public var phrase: String {
        let parts = alternatives
        let keywords = parts.filter { if case .keyword = $0 { true } else { false } }
        let others = parts.filter { if case .keyword = $0 { false } else { true } }
        let phrases = (others + keywords).map { type -> String in
            // "`true`, `false` or `auto`" reads better than "`true` or `false` or `auto`".
            if case .boolean = type, parts.count > 1 { return "`true`, `false`" }
            return type.singlePhrase
        }
        return Self.joinedWithOr(phrases)
    }

    private var singlePhrase: String {
        switch self {
        case .string(let rule):
            switch rule {
            case .singleCharacter: "a single character"
            case .duration: "a duration (`90s`, `10m`, `2h`)"
            case .any, .fileName: "a string"
            }
        case .integer: "an integer"
        case .number: "a number"
        case .boolean: "`true` or `false`"
        case .keyword(let word, _): "`\(word)`"
        case .choice(let noun, let choices):
            choices.count <= 4
                ? Self.joinedWithOr(choices.map { "`\($0.name)`" })
                : "\(article(noun)) \(noun) name"
        case .list(let item, _, _): "a list of \(item.pluralPhrase)"
        case .object: "a mapping"
        case .dictionary(let keyNoun, let value):
            "a mapping of \(keyNoun)s to \(value.pluralPhrase)"
        case .named(let noun, _):
            "\(article(noun)) \(noun) name or a mapping with `name` and parameters"
        case .tagged(let noun, _):
            "\(article(noun)) \(noun) (a one-key mapping like `dense: {units: 8}`)"
        case .anyOf: phrase
        }
    }

    var pluralPhrase: String {
        switch self {
        case .string: "strings"
        case .integer: "integers"
        case .number: "numbers"
        case .boolean: "booleans"
        case .tagged(let noun, _), .named(let noun, _), .choice(let noun, _): "\(noun)s"
        default: "values"
        }
    }

    static func joinedWithOr(_ parts: [String]) -> String {
        switch parts.count {
        case 0: return "nothing"
        case 1: return parts[0]
        default: return parts.dropLast().joined(separator: ", ") + " or " + parts[parts.count - 1]
        }
    }
}

private func article(_ noun: String) -> String {
    guard let first = noun.first else { return "a" }
    return "aeio".contains(first) ? "an" : "a"
}

/// Extra rules for a string.
public enum StringRule: Sendable, Equatable {
    /// Any text.
    case any
    /// Exactly one character (a delimiter; `"\t"` for tab).
    case singleCharacter
    /// Non-empty text usable as a folder name (no `/`).
    case fileName
    /// A duration: a positive number with a unit, `s`, `m` or `h` (`90s`, `10m`, `1.5h`).
    case duration
}

/// The range of a number: optional minimum and maximum, each inclusive or exclusive.
public struct Bounds: Sendable, Equatable {
    public var minimum: Double?
    public var minimumIsExclusive: Bool
    public var maximum: Double?
    public var maximumIsExclusive: Bool

    public init(
        minimum: Double? = nil, minimumIsExclusive: Bool = false, maximum: Double? = nil,
        maximumIsExclusive: Bool = false
    ) {
        self.minimum = minimum
        self.minimumIsExclusive = minimumIsExclusive
        self.maximum = maximum
        self.maximumIsExclusive = maximumIsExclusive
    }

    /// No bounds.
    public static let any = Bounds()
    /// `>= value`.
    public static func atLeast(_ value: Double) -> Bounds { Bounds(minimum: value) }
    /// `> value`.
    public static func above(_ value: Double) -> Bounds {
        Bounds(minimum: value, minimumIsExclusive: true)
    }
    /// `0 <= x < high`.
    public static func fraction(below high: Double = 1) -> Bounds {
        Bounds(minimum: 0, maximum: high, maximumIsExclusive: true)
    }
    /// `low <= x <= high`.
    public static func within(_ low: Double, _ high: Double) -> Bounds {
        Bounds(minimum: low, maximum: high)
    }

    /// Whether `value` lies within the bounds (NaN never does).
    public func contains(_ value: Double) -> Bool {
        if value.isNaN { return false }
        if let minimum, minimumIsExclusive ? value <= minimum : value < minimum { return false }
        if let maximum, maximumIsExclusive ? value >= maximum : value > maximum { return false }
        return true
    }

    /// The bounds as a condition on `name`: `0 <= dropout < 1`, `epochs >= 1`, or nil.
    public func condition(on name: String) -> String? {
        let lowSign = minimumIsExclusive ? "<" : "<="
        let highSign = maximumIsExclusive ? "<" : "<="
        switch (minimum, maximum) {
        case (nil, nil): return nil
        case (let low?, let high?) where low == high && !minimumIsExclusive && !maximumIsExclusive:
            return "\(name) = \(NumberText.spec(low))"
        case (let low?, let high?):
            return "\(NumberText.spec(low)) \(lowSign) \(name) \(highSign) \(NumberText.spec(high))"
        case (let low?, nil):
            return "\(name) \(minimumIsExclusive ? ">" : ">=") \(NumberText.spec(low))"
        case (nil, let high?): return "\(name) \(highSign) \(NumberText.spec(high))"
        }
    }
}

/// One allowed name of a ``SchemaType/choice(noun:_:)``.
public struct SchemaChoice: Sendable {
    public var name: String
    public var doc: String

    public init(_ name: String, _ doc: String) {
        self.name = name
        self.doc = doc
    }
}

/// One kind of a ``SchemaType/named(noun:_:)`` or ``SchemaType/tagged(noun:_:)`` value.
public struct SchemaVariant: Sendable {
    public var name: String
    public var doc: String
    /// Named: the parameters next to `name`. Tagged: unused.
    public var parameters: [SchemaKey]
    /// Tagged: the value under the kind's key.
    public var payload: SchemaType?
    /// Named: constraints across the parameters (Nesterov needs momentum).
    public var constraints: [SchemaRule] = []

    public init(
        _ name: String, _ doc: String, parameters: [SchemaKey] = [],
        constraints: [SchemaRule] = []
    ) {
        self.name = name
        self.doc = doc
        self.parameters = parameters
        self.payload = nil
        self.constraints = constraints
    }

    public init(_ name: String, _ doc: String, payload: SchemaType) {
        self.name = name
        self.doc = doc
        self.parameters = []
        self.payload = payload
    }

    /// Tagged: whether the kind may stand alone (`- batch_norm`), its payload all defaults.
    public var allowsBareName: Bool {
        guard let payload else { return parameters.allSatisfy { !$0.isRequired } }
        if case .object(let keys) = payload { return keys.allSatisfy { !$0.isRequired } }
        return false
    }
}

/// One key of a mapping: its name, type, whether it is required or its default, and a doc line.
public struct SchemaKey: Sendable {
    /// The key as written in YAML (snake_case).
    public var name: String
    public var type: SchemaType
    /// The default when absent; nil for a required key.
    public var defaultValue: SchemaDefault?
    /// One line: what the key means.
    public var doc: String
    /// A sample value for help lines (`species` for `target`).
    public var example: String?
    /// Constraints across the keys of its mapping value (`l1` with `l2`).
    public var constraints: [SchemaRule] = []

    /// An optional key with its default.
    public init(
        _ name: String, _ type: SchemaType, default defaultValue: SchemaDefault, _ doc: String,
        example: String? = nil
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.doc = doc
        self.example = example
    }

    /// A required key.
    public init(required name: String, _ type: SchemaType, _ doc: String, example: String? = nil) {
        self.name = name
        self.type = type
        self.defaultValue = nil
        self.doc = doc
        self.example = example
    }

    public var isRequired: Bool { defaultValue == nil }
}

/// A key's default: a value, or a description when it depends on something else.
public enum SchemaDefault: Sendable {
    case value(JSONValue)
    /// Depends on the spec (e.g. "the spec file's name"); nothing goes into the JSON Schema.
    case described(String)

    /// `auto`.
    public static let auto = SchemaDefault.value(.string("auto"))
    public static func int(_ value: Int) -> SchemaDefault { .value(.int(value)) }
    public static func number(_ value: Double) -> SchemaDefault { .value(.number(value)) }
    public static func bool(_ value: Bool) -> SchemaDefault { .value(.bool(value)) }
    public static func word(_ value: String) -> SchemaDefault { .value(.string(value)) }
}
