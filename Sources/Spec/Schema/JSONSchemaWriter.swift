/// Writes ``SpecSchema`` as a JSON Schema (draft-07), for yaml-language-server and other
/// editors: completion, hover docs and checks while typing.
public struct JSONSchemaWriter: Sendable {
    public init() {}

    /// The schema document, pretty-printed, ending with a newline.
    public func document() -> String {
        var members: [JSONValue.Member] = [
            .init("$schema", .string("http://json-schema.org/draft-07/schema#")),
            .init("title", .string("Layerwise spec (version \(SpecSchema.version))")),
            .init(
                "description",
                .string(
                    "A Layerwise spec: where the data is, what to predict, and any choices to fix; "
                        + "everything else may be `auto`. Reference: docs/spec.md.")),
        ]
        if case .object(let keys) = SpecSchema.root {
            members += objectMembers(keys, constraints: SpecKey.crossSectionConstraints)
            // Top-level `x-` keys are the user's own, a home for YAML anchors.
            members.insert(
                .init("patternProperties", .object([.init("^x-", .object([]))])),
                at: members.firstIndex { $0.key == "additionalProperties" } ?? members.count)
        }
        return JSONValue.object(members).serialized() + "\n"
    }

    private func objectMembers(
        _ keys: [SchemaKey], constraints: [SchemaRule] = []
    ) -> [JSONValue.Member] {
        var members: [JSONValue.Member] = [
            .init("type", .string("object")),
            .init("properties", .object(keys.map { .init($0.name, schema(for: $0)) })),
        ]
        let required = keys.filter(\.isRequired).map { JSONValue.string($0.name) }
        if !required.isEmpty { members.append(.init("required", .array(required))) }
        members.append(.init("additionalProperties", .bool(false)))
        let rules = constraints.flatMap(\.jsonSchema)
        if !rules.isEmpty { members.append(.init("allOf", .array(rules))) }
        return members
    }

    /// A key's schema: its doc and default, its type's schema (with the key's constraints on
    /// its mapping), and `null` besides for an optional key: the loader reads an empty value
    /// (`early_stopping:`) as the default.
    private func schema(for key: SchemaKey) -> JSONValue {
        var members = [JSONValue.Member("description", .string(key.doc))]
        if case .value(let value) = key.defaultValue { members.append(.init("default", value)) }
        guard case .object(var typeMembers) = schema(for: key.type, constraints: key.constraints)
        else { return .object(members) }
        typeMembers.removeAll { $0.key == "description" }
        if !key.isRequired {
            let null = JSONValue.object([.init("type", .string("null"))])
            // Said where the schema says its type, so a section stays a plain `object`.
            if let index = typeMembers.firstIndex(where: { $0.key == "anyOf" }),
                case .array(let alternatives) = typeMembers[index].value
            {
                typeMembers[index] = .init("anyOf", .array(alternatives + [null]))
            } else if let index = typeMembers.firstIndex(where: { $0.key == "type" }) {
                let types: [JSONValue] =
                    switch typeMembers[index].value {
                    case .array(let types): types
                    case let type: [type]
                    }
                typeMembers[index] = .init("type", .array(types + [.string("null")]))
            } else if let index = typeMembers.firstIndex(where: { $0.key == "enum" }),
                case .array(let words) = typeMembers[index].value
            {
                typeMembers[index] = .init("enum", .array(words + [.null]))
                if let docs = typeMembers.firstIndex(where: { $0.key == "enumDescriptions" }),
                    case .array(let lines) = typeMembers[docs].value
                {
                    typeMembers[docs] = .init(
                        "enumDescriptions", .array(lines + [.string("Empty: the default.")]))
                }
            } else {
                typeMembers = [.init("anyOf", .array([.object(typeMembers), null]))]
            }
        }
        return .object(members + typeMembers)
    }

    func schema(for type: SchemaType, constraints: [SchemaRule] = []) -> JSONValue {
        switch type {
        case .string(let rule):
            switch rule {
            // Plain numbers are column names too (`target: 2007`).
            case .any:
                return .object([.init("type", .array([.string("string"), .string("number")]))])
            case .singleCharacter:
                return .object([
                    .init("type", .string("string")), .init("minLength", .int(1)),
                    .init("maxLength", .int(1)),
                ])
            case .fileName:
                return .object([
                    .init("type", .string("string")), .init("minLength", .int(1)),
                    .init("pattern", .string("^[^/]+$")),
                ])
            case .duration:
                return .object([
                    .init("type", .string("string")),
                    .init("pattern", .string(SpecDuration.pattern)),
                ])
            }
        case .integer(let bounds):
            return .object([.init("type", .string("integer"))] + Self.limits(bounds))
        case .number(let bounds):
            return .object([.init("type", .string("number"))] + Self.limits(bounds))
        case .boolean: return .object([.init("type", .string("boolean"))])
        case .keyword(let word, let doc):
            return .object([
                .init("enum", .array([.string(word)])), .init("description", .string(doc)),
            ])
        case .choice(_, let choices):
            return .object([
                .init("enum", .array(choices.map { .string($0.name) })),
                .init("enumDescriptions", .array(choices.map { .string($0.doc) })),
            ])
        case .list(let item, let minimumCount, let maximumCount):
            var members: [JSONValue.Member] = [
                .init("type", .string("array")), .init("items", schema(for: item)),
            ]
            if minimumCount > 0 { members.append(.init("minItems", .int(minimumCount))) }
            if let maximumCount { members.append(.init("maxItems", .int(maximumCount))) }
            return .object(members)
        case .object(let keys): return .object(objectMembers(keys, constraints: constraints))
        case .dictionary(_, let value):
            return .object([
                .init("type", .string("object")), .init("additionalProperties", schema(for: value)),
            ])
        case .named(_, let variants):
            // A name alone stands for its defaults; one with a required parameter (one_cycle's
            // max_rate) is a mapping only.
            let bare = variants.filter(\.allowsBareName)
            let names = JSONValue.object([
                .init("enum", .array(bare.map { .string($0.name) })),
                .init("enumDescriptions", .array(bare.map { .string($0.doc) })),
            ])
            let mappings = variants.map { variant -> JSONValue in
                let name = SchemaKey(
                    required: "name", .keyword(variant.name, doc: variant.doc), variant.doc)
                return .object(
                    objectMembers([name] + variant.parameters, constraints: variant.constraints))
            }
            return .object([.init("anyOf", .array([names] + mappings))])
        case .tagged(_, let variants):
            var alternatives: [JSONValue] = []
            let bare = variants.filter(\.allowsBareName)
            if !bare.isEmpty {
                alternatives.append(.object([.init("enum", .array(bare.map { .string($0.name) }))]))
            }
            for variant in variants {
                guard let payload = variant.payload else { continue }
                var payloadSchema = schema(for: payload)
                if variant.allowsBareName {
                    payloadSchema = .object([
                        .init(
                            "anyOf",
                            .array([payloadSchema, .object([.init("type", .string("null"))])]))
                    ])
                }
                if case .object(let members) = payloadSchema {
                    payloadSchema = .object([.init("description", .string(variant.doc))] + members)
                }
                alternatives.append(
                    .object([
                        .init("type", .string("object")),
                        .init("properties", .object([.init(variant.name, payloadSchema)])),
                        .init("required", .array([.string(variant.name)])),
                        .init("additionalProperties", .bool(false)),
                    ]))
            }
            return .object([.init("anyOf", .array(alternatives))])
        case .anyOf(let types):
            return .object([
                .init(
                    "anyOf",
                    .array(
                        types.flatMap(\.alternatives).map {
                            schema(for: $0, constraints: constraints)
                        }))
            ])
        }
    }

    /// `minimum`/`exclusiveMinimum` and `maximum`/`exclusiveMaximum` of `bounds`.
    static func limits(_ bounds: Bounds) -> [JSONValue.Member] {
        var members: [JSONValue.Member] = []
        func number(_ value: Double) -> JSONValue {
            value == value.rounded() && abs(value) < 1e15 ? .int(Int(value)) : .number(value)
        }
        if let minimum = bounds.minimum {
            members.append(
                .init(bounds.minimumIsExclusive ? "exclusiveMinimum" : "minimum", number(minimum)))
        }
        if let maximum = bounds.maximum {
            members.append(
                .init(bounds.maximumIsExclusive ? "exclusiveMaximum" : "maximum", number(maximum)))
        }
        return members
    }
}
