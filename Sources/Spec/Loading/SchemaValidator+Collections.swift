/// Lists, objects (fixed keys), dictionaries, named values and tagged layers.
extension SchemaValidator {
    mutating func validateList(
        _ node: YAMLNode, _ items: [YAMLNode], itemType: SchemaType, minimumCount: Int,
        maximumCount: Int?, path: String, name: String
    ) -> SpecNode? {
        if items.count < minimumCount {
            let notes: [Diagnostic.Note] =
                name == "layers"
                ? [
                    .help(
                        "list at least one layer, or remove `layers` to let the advisor build the network"
                    )
                ]
                : [.help("list at least \(minimumCount), or remove `\(name)`")]
            error(node, path, "`\(name)` is empty", notes: notes)
            return nil
        }
        if let maximumCount, items.count > maximumCount {
            error(
                node, path,
                "`\(name)` has \(items.count) items; at most \(maximumCount) are allowed",
                notes: [.note("the limit keeps a network within what a CPU can train")])
            return nil
        }
        var validated: [SpecNode] = []
        for (index, item) in items.enumerated() {
            if let value = validate(item, as: itemType, path: "\(path)[\(index)]", name: name) {
                validated.append(value)
            }
        }
        return SpecNode(value: .list(validated), node: node, path: path)
    }

    mutating func validateObject(
        _ node: YAMLNode, _ entries: [YAMLEntry], keys: [SchemaKey], path: String, owner: YAMLNode?
    ) -> SpecNode? {
        var validated: [(key: String, value: SpecNode)] = []
        var present = Set<String>()
        for entry in entries {
            let name = entry.key.scalar?.text ?? ""
            let childPath = path.isEmpty ? name : "\(path).\(name)"
            // Top-level `x-` keys are the user's own (a home for YAML anchors), as in Compose files.
            if path.isEmpty, name.hasPrefix("x-") { continue }
            guard let schemaKey = keys.first(where: { $0.name == name }) else {
                unknownKey(entry.key, name, among: keys.map(\.name), path: childPath, section: path)
                continue
            }
            present.insert(name)
            if entry.value.isNull {
                if schemaKey.isRequired {
                    error(
                        entry.key, childPath, "`\(name)` has no value",
                        notes: [.help(requiredHelp(schemaKey))])
                }
                continue  // An empty value means the default.
            }
            if let value = validate(
                entry.value, as: schemaKey.type, path: childPath, name: name, owner: entry.key)
            {
                validated.append((name, value))
            }
        }
        let missing = keys.filter { $0.isRequired && !present.contains($0.name) }
        if !missing.isEmpty {
            let names = SchemaType.joinedWithOr(missing.map { "`\($0.name)`" }).replacing(
                " or ", with: " and ")
            error(
                owner ?? node, path,
                "missing required key\(missing.count == 1 ? "" : "s") \(names)",
                notes: missing.map { .help(requiredHelp($0)) })
        }
        return SpecNode(value: .mapping(validated), node: node, path: path)
    }

    func requiredHelp(_ key: SchemaKey) -> String {
        let doc =
            key.doc.prefix(1).lowercased()
            + key.doc.dropFirst().dropLast(key.doc.hasSuffix(".") ? 1 : 0)
        if let example = key.example {
            return "add `\(key.name): \(example)` (\(doc))"
        }
        return "add `\(key.name):` (\(doc))"
    }

    mutating func unknownKey(
        _ keyNode: YAMLNode, _ name: String, among names: [String], path: String, section: String
    ) {
        var notes: [Diagnostic.Note] = []
        if let close = Suggestion.closest(to: name, in: names) {
            notes.append(.help("did you mean `\(close)`?"))
        } else {
            let elsewhere = SpecSchema.sections(holding: name).filter { $0 != section }
            if let home = elsewhere.first {
                notes.append(
                    .help(
                        home.isEmpty
                            ? "`\(name)` is a top-level key; move it out of `\(section)`"
                            : "`\(name)` belongs in `\(home)`; move it there"))
            } else {
                let place = section.isEmpty ? "at the top level" : "in `\(section)`"
                notes.append(
                    .note("valid keys \(place): " + names.map { "`\($0)`" }.joined(separator: ", "))
                )
            }
        }
        error(keyNode, path, "unknown key `\(name)`", notes: notes)
    }

    mutating func validateDictionary(
        _ node: YAMLNode, _ entries: [YAMLEntry], valueType: SchemaType, path: String
    ) -> SpecNode? {
        var validated: [(key: String, value: SpecNode)] = []
        for entry in entries {
            let key = entry.key.scalar?.text ?? ""
            if let value = validate(entry.value, as: valueType, path: "\(path).\(key)", name: key) {
                validated.append((key, value))
            }
        }
        return SpecNode(value: .mapping(validated), node: node, path: path)
    }

    /// Defaults of parameters not written, as nodes without a source.
    func defaults(of parameters: [SchemaKey], path: String) -> [String: SpecNode] {
        var values: [String: SpecNode] = [:]
        for parameter in parameters {
            guard case .value(let json) = parameter.defaultValue else { continue }
            let value: SpecValue? =
                switch json {
                case .int(let int): .int(int)
                case .number(let number): .number(number)
                case .bool(let bool): .bool(bool)
                case .string(let string): .word(string)
                default: nil
                }
            if let value {
                values[parameter.name] = SpecNode(
                    value: value, node: nil, path: "\(path).\(parameter.name)")
            }
        }
        return values
    }

    mutating func validateNamed(
        _ node: YAMLNode, _ entries: [YAMLEntry], noun: String, variants: [SchemaVariant],
        path: String
    ) -> SpecNode? {
        guard let nameEntry = entries.first(where: { $0.key.scalar?.text == "name" }) else {
            error(
                node, path, "missing required key `name` (which \(noun))",
                notes: [.help("write e.g. `{name: \(variants[0].name)}`")])
            return nil
        }
        let namePath = "\(path).name"
        locations[namePath] = location(nameEntry.value)
        guard let nameText = nameEntry.value.scalar?.text,
            case .string = nameEntry.value.scalar?.value
        else {
            mismatch(
                nameEntry.value,
                type: .choice(noun: noun, variants.map { SchemaChoice($0.name, $0.doc) }),
                path: namePath)
            return nil
        }
        guard let variant = variants.first(where: { $0.name == nameText }) else {
            unknownName(
                nameEntry.value, nameText, type: .named(noun: noun, variants), path: namePath)
            return nil
        }
        var parameters = defaults(of: variant.parameters, path: path)
        var present = Set<String>()
        for entry in entries where entry.key.scalar?.text != "name" {
            let key = entry.key.scalar?.text ?? ""
            let childPath = "\(path).\(key)"
            guard let parameter = variant.parameters.first(where: { $0.name == key }) else {
                var notes: [Diagnostic.Note] = []
                let names = variant.parameters.map(\.name)
                if let close = Suggestion.closest(to: key, in: names) {
                    notes.append(.help("did you mean `\(close)`?"))
                } else {
                    let owners = variants.filter { $0.parameters.contains { $0.name == key } }.map {
                        "`\($0.name)`"
                    }
                    if !owners.isEmpty {
                        notes.append(
                            .note("`\(key)` is a parameter of \(SchemaType.joinedWithOr(owners))"))
                    }
                    notes.append(
                        .note(
                            names.isEmpty
                                ? "\(noun) `\(nameText)` takes no parameters"
                                : "parameters of `\(nameText)`: "
                                    + names.map { "`\($0)`" }.joined(separator: ", ")))
                }
                error(
                    entry.key, childPath, "unknown parameter `\(key)` for \(noun) `\(nameText)`",
                    notes: notes)
                continue
            }
            present.insert(key)
            if entry.value.isNull { continue }
            if let value = validate(entry.value, as: parameter.type, path: childPath, name: key) {
                parameters[key] = value
            } else {
                parameters[key] = nil
            }
        }
        for parameter in variant.parameters
        where parameter.isRequired && !present.contains(parameter.name) {
            error(
                node, path, "\(noun) `\(nameText)` needs `\(parameter.name)`",
                notes: [.help(requiredHelp(parameter))])
        }
        return SpecNode(value: .named(nameText, parameters), node: node, path: path)
    }

    mutating func validateTagged(
        _ node: YAMLNode, _ entries: [YAMLEntry], noun: String, variants: [SchemaVariant],
        path: String
    ) -> SpecNode? {
        guard let first = entries.first, let kind = first.key.scalar?.text else {
            error(node, path, "empty \(noun): expected a one-key mapping like `dense: {units: 8}`")
            return nil
        }
        let kindPath = "\(path).\(kind)"
        guard let variant = variants.first(where: { $0.name == kind }),
            let payloadType = variant.payload
        else {
            var notes: [Diagnostic.Note] = []
            if let close = Suggestion.closest(to: kind, in: variants.map(\.name)) {
                notes.append(.help("did you mean `\(close)`?"))
            }
            notes.append(
                .note("\(noun) kinds: " + variants.map { "`\($0.name)`" }.joined(separator: ", ")))
            error(first.key, kindPath, "unknown \(noun) kind `\(kind)`", notes: notes)
            return nil
        }
        if entries.count > 1 {
            let extra = entries[1]
            let extraName = extra.key.scalar?.text ?? ""
            var notes: [Diagnostic.Note] = []
            if first.value.isNull, case .object(let keys) = payloadType,
                keys.contains(where: { $0.name == extraName })
            {
                notes.append(
                    .help(
                        "indent `\(extraName)` under `\(kind):` so it belongs to the \(kind) layer")
                )
            } else {
                notes.append(.help("start each \(noun) on its own `- ` line"))
            }
            error(
                extra.key, "\(path).\(extraName)",
                "a \(noun) is a one-key mapping (its kind), but `\(extraName)` follows `\(kind)`",
                notes: notes)
            return nil
        }
        locations[kindPath] = location(first.value)
        if first.value.isNull {
            if variant.allowsBareName {
                return SpecNode(value: .tagged(kind, nil), node: node, path: path)
            }
            var notes: [Diagnostic.Note] = []
            switch payloadType {
            case .number(let bounds), .integer(let bounds):
                if let condition = bounds.condition(on: "rate") {
                    notes.append(.help("give the \(kind) rate, \(condition): `\(kind): 0.2`"))
                }
            default:
                notes.append(.help("give \(payloadType.phrase)"))
            }
            error(first.key, kindPath, "`\(kind)` needs a value", notes: notes)
            return nil
        }
        guard
            let payload = validate(
                first.value, as: payloadType, path: kindPath, name: kind, owner: first.key)
        else { return nil }
        var filled = payload
        if case .mapping(var entries) = payload.value, case .object(let keys) = payloadType {
            for (key, value) in defaults(of: keys, path: kindPath)
            where !entries.contains(where: { $0.key == key }) {
                entries.append((key, value))
            }
            filled.value = .mapping(entries)
        }
        return SpecNode(value: .tagged(kind, filled), node: node, path: path)
    }
}
