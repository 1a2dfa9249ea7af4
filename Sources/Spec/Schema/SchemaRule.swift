/// A constraint across the keys of one mapping, beyond each key's own type: what JSON Schema
/// can state of what the loader checks. ``JSONSchemaWriter`` writes each as JSON Schema; the
/// loader's own checks (with their located messages) are in ``SpecDecoder``, and a test runs
/// both on a corpus of broken specs to keep them agreeing.
///
/// An empty value (`key:` with nothing after it) means the key's default to the loader, so each
/// rule treats a `null` as absent.
public enum SchemaRule: Sendable {
    /// These keys are never all set together (`l1` with `l2`: REG-L1-XOR-L2).
    case exclusive([String])
    /// Exactly one of the mapping's keys is set (one gradient-clipping kind).
    case exactlyOne([String])
    /// When the value at `path` (below this mapping) is `value`, the value at `then` is absent
    /// or one of `allowed` (`class_weights` with a regression task).
    case implies(path: [String], value: JSONValue, then: [String], allowed: [JSONValue])
    /// When the value at `path` is set to `value`, the value at `then` is set and within
    /// `bounds` (Nesterov momentum needs a momentum above 0).
    case requires(path: [String], value: JSONValue, then: [String], bounds: Bounds)
    /// A list at `list` holds as many items as the integer at `count`, for counts 0...`upTo`
    /// (`neurons` widths and `hidden_layers`).
    case lengthMatches(list: [String], count: [String], upTo: Int)

    /// The rule as JSON Schema members for the mapping's schema (`allOf` items).
    var jsonSchema: [JSONValue] {
        switch self {
        case .exclusive(let keys):
            return [.object([.init("not", Self.allSet(keys))])]
        case .exactlyOne(let keys):
            var items: [JSONValue] = []
            for (index, first) in keys.enumerated() {
                for second in keys[(index + 1)...] {
                    items.append(.object([.init("not", Self.allSet([first, second]))]))
                }
            }
            items.append(.object([.init("anyOf", .array(keys.map { Self.allSet([$0]) }))]))
            return items
        case .implies(let path, let value, let then, let allowed):
            return [
                Self.when(
                    path, .object([.init("const", value)]),
                    then: then, .object([.init("enum", .array(allowed + [.null]))]),
                    requiringThen: false)
            ]
        case .requires(let path, let value, let then, let bounds):
            return [
                Self.when(
                    path, .object([.init("const", value)]), then: then,
                    .object(JSONSchemaWriter.limits(bounds)), requiringThen: true)
            ]
        case .lengthMatches(let list, let count, let upTo):
            return (0...upTo).map { length in
                Self.when(
                    count, .object([.init("const", .int(length))]), then: list,
                    .object([.init("minItems", .int(length)), .init("maxItems", .int(length))]),
                    requiringThen: false)
            }
        }
    }

    /// `{"required": keys, "properties": {key: not null, ...}}`: every key is set.
    private static func allSet(_ keys: [String]) -> JSONValue {
        let notNull = JSONValue.object([.init("not", .object([.init("type", .string("null"))]))])
        return .object([
            .init("required", .array(keys.map(JSONValue.string))),
            .init("properties", .object(keys.map { .init($0, notNull) })),
        ])
    }

    /// `if` the value at `path` matches `condition`, `then` the value at `then` matches
    /// `schema` (and, with `requiringThen`, is present and not null).
    private static func when(
        _ path: [String], _ condition: JSONValue, then: [String], _ schema: JSONValue,
        requiringThen: Bool
    ) -> JSONValue {
        let thenSchema: JSONValue =
            requiringThen
            ? .object([
                .init(
                    "allOf",
                    .array([
                        schema, .object([.init("not", .object([.init("type", .string("null"))]))]),
                    ])
                )
            ]) : schema
        return .object([
            .init("if", nested(path, condition, required: true)),
            .init("then", nested(then, thenSchema, required: requiringThen)),
        ])
    }

    /// `schema` at `path`, each level a `properties` entry (and `required` when asked).
    private static func nested(_ path: [String], _ schema: JSONValue, required: Bool) -> JSONValue {
        var current = schema
        for name in path.reversed() {
            var members: [JSONValue.Member] = [.init("properties", .object([.init(name, current)]))]
            if required { members.append(.init("required", .array([.string(name)]))) }
            current = .object(members)
        }
        return current
    }
}
