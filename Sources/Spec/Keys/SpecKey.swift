/// One key of the spec language, declared once: where it is, what it takes, its default, the
/// rules that decide it, its documentation, and the property of ``NetworkSpec`` it fills.
///
/// Every stage reads keys from ``SpecKey/all`` instead of spelling them: the loader decodes
/// with ``SpecKey/field``, `layerwise schema` writes the JSON Schema and docs/spec.md from
/// ``SpecSchema/root`` (built from this table), `init` writes its starter spec from
/// ``starterHint``, the generator's view model and the config diff read values with
/// ``yaml(in:)`` and ``isEqual(_:_:)``. Adding a key is one entry in `SpecKeys.swift` (and the
/// rule that decides it); see the README's developer notes.
public struct SpecKey: Sendable {
    /// The dotted path (`training.epochs`).
    public let path: String
    /// The type of its value (bounds, `auto`, choices), as the validator checks it.
    public let type: SchemaType
    /// Its default when absent; nil for a required key.
    public let defaultValue: SchemaDefault?
    /// One line: what the key means.
    public let doc: String
    /// The rulebook IDs that decide it when `auto` or warn when a fixed value breaks them
    /// (`BATCH-*` for a family); empty when no rule is involved.
    public let rules: [String]
    /// A sample value for help lines (`species` for `data.target`).
    public let example: String?
    /// The comment the starter spec of `layerwise init` writes after it; nil when the starter
    /// spec leaves the key out.
    public let starterHint: String?
    /// Constraints across the keys of its mapping value, as JSON Schema states them.
    public let constraints: [SchemaRule]
    /// How the key reads into, and out of, a ``NetworkSpec``.
    let field: SpecField

    init(
        _ path: String, _ type: SchemaType, default defaultValue: SchemaDefault?,
        rules: [String] = [], _ doc: String, example: String? = nil, starter: String? = nil,
        constraints: [SchemaRule] = [], field: SpecField
    ) {
        self.constraints = constraints
        self.path = path
        self.type = type
        self.defaultValue = defaultValue
        self.doc = doc
        self.rules = rules
        self.example = example
        self.starterHint = starter
        self.field = field
    }

    /// The key's own name, the last component of its path (`epochs`).
    public var name: String { String(path.split(separator: ".").last ?? "") }

    /// The section that holds it (`training`, `data.split`); empty at the top level.
    public var section: String {
        guard let cut = path.lastIndex(of: ".") else { return "" }
        return String(path[..<cut])
    }

    /// Whether the key must be present.
    public var isRequired: Bool { defaultValue == nil }

    /// Whether the key takes `auto`.
    public var takesAuto: Bool {
        type.alternatives.contains {
            if case .keyword("auto", _) = $0 { return true }
            return false
        }
    }

    /// The key as its section's mapping lists it.
    var schemaKey: SchemaKey {
        var key =
            defaultValue.map { SchemaKey(name, type, default: $0, doc, example: example) }
            ?? SchemaKey(required: name, type, doc, example: example)
        key.constraints = constraints
        return key
    }

    /// The value `spec` holds for this key as a config file writes it (`32`, `auto`,
    /// `{name: adam, beta1: 0.9, ...}`); nil when the key is absent (no id column, no layer
    /// list).
    public func yaml(in spec: NetworkSpec) -> String? { field.yaml(spec) }

    /// Whether a complete config may leave the key out (`data.id_column`, `data.delimiter`).
    public var mayBeAbsent: Bool { field.absentable }

    /// Whether two specs hold the same value for this key.
    public func isEqual(_ lhs: NetworkSpec, _ rhs: NetworkSpec) -> Bool { field.equal(lhs, rhs) }

    /// The section directly inside `section` (`""` for the top level) on the way to
    /// `keySection`: `data` for `data.split` from the top, `data.split` from `data`; nil when
    /// `keySection` is `section` itself or lies elsewhere.
    public static func subsection(of section: String, holding keySection: String) -> String? {
        let prefix = section.isEmpty ? "" : section + "."
        guard keySection != section, keySection.hasPrefix(prefix),
            let next = keySection.dropFirst(prefix.count).split(separator: ".").first
        else { return nil }
        return prefix + next
    }

    /// The key at a dotted path, if the spec language has one.
    public static func at(_ path: String) -> SpecKey? { byPath[path] }

    private static let byPath: [String: SpecKey] = Dictionary(
        all.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
}

/// A section of the spec: a mapping that holds keys (`data`, `data.split`, `training`).
struct SpecSection: Sendable {
    let path: String
    /// Nil for a required section.
    let defaultValue: SchemaDefault?
    let doc: String
    let example: String?

    init(
        _ path: String, default defaultValue: SchemaDefault?, _ doc: String, example: String? = nil
    ) {
        self.path = path
        self.defaultValue = defaultValue
        self.doc = doc
        self.example = example
    }
}

/// How one key's value moves between a validated node, a ``NetworkSpec`` and YAML text.
struct SpecField: Sendable {
    /// Reads the validated node into the spec, reporting what spans several parts of it.
    let decode: @Sendable (SpecNode, inout NetworkSpec, inout SpecDecoder) -> Void
    /// The value as YAML; nil when absent.
    let yaml: @Sendable (NetworkSpec) -> String?
    /// Whether two specs agree.
    let equal: @Sendable (NetworkSpec, NetworkSpec) -> Bool
    /// Whether a complete config may leave the key out (no id column, no layer list).
    var absentable = false

    /// A property whose type reads and writes itself.
    static func value<Value: SpecCodable>(
        _ property: WritableKeyPath<NetworkSpec, Value> & Sendable
    ) -> SpecField {
        SpecField(
            decode: { node, spec, decoder in
                if let value = Value.decode(node, &decoder) { spec[keyPath: property] = value }
            },
            yaml: { $0[keyPath: property].yaml },
            equal: { $0[keyPath: property] == $1[keyPath: property] })
    }

    /// An optional property: absent (nil) until the spec gives it.
    static func optional<Value: SpecCodable>(
        _ property: WritableKeyPath<NetworkSpec, Value?> & Sendable
    ) -> SpecField {
        SpecField(
            decode: { node, spec, decoder in
                if let value = Value.decode(node, &decoder) { spec[keyPath: property] = value }
            },
            yaml: { $0[keyPath: property]?.yaml },
            equal: { $0[keyPath: property] == $1[keyPath: property] }, absentable: true)
    }

    /// A threshold of `advisor:`.
    static func threshold<Value: SpecCodable>(
        _ property: WritableKeyPath<AdvisorSettings, Value> & Sendable
    ) -> SpecField {
        SpecField(
            decode: { node, spec, decoder in
                if let value = Value.decode(node, &decoder) {
                    spec.advisor[keyPath: property] = value
                }
            },
            yaml: { $0.advisor[keyPath: property].yaml },
            equal: { $0.advisor[keyPath: property] == $1.advisor[keyPath: property] })
    }

    /// A property stored in another shape than the one its key is written in (`Character?`
    /// for a delimiter string, `[LayerConfig]?` for the layer list).
    static func stored<Written: SpecCodable, Stored: Equatable & Sendable>(
        _ property: WritableKeyPath<NetworkSpec, Stored> & Sendable,
        as written: @escaping @Sendable (Stored) -> Written?,
        from read: @escaping @Sendable (Written) -> Stored, absentable: Bool = false
    ) -> SpecField {
        SpecField(
            decode: { node, spec, decoder in
                if let value = Written.decode(node, &decoder) {
                    spec[keyPath: property] = read(value)
                }
            },
            yaml: { written($0[keyPath: property])?.yaml },
            equal: { $0[keyPath: property] == $1[keyPath: property] }, absentable: absentable)
    }
}
