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

/// Checks a YAML tree against a ``SchemaType``, collecting every problem, and returns what
/// passed as ``SpecNode``s (invalid values are left out, so later checks see only good ones).
struct SchemaValidator {
    let file: String
    var diagnostics: [Diagnostic] = []
    /// Where each value the user wrote stands, by key path.
    var locations: [String: SourceLocation] = [:]

    init(file: String) {
        self.file = file
    }

    func location(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(file: file, line: node.start.line, column: node.start.column)
    }

    mutating func error(
        _ node: YAMLNode, _ path: String, _ message: String, notes: [Diagnostic.Note] = []
    ) {
        diagnostics.append(
            Diagnostic(
                .error, at: location(node), length: node.underlineLength,
                keyPath: path.isEmpty ? nil : path, message, notes: notes))
    }

    /// Validates `node` as `type`. `name` is the key's name for range messages; `owner` the key
    /// node the value sits under (missing keys are reported there).
    mutating func validate(
        _ node: YAMLNode, as type: SchemaType, path: String, name: String, owner: YAMLNode? = nil
    ) -> SpecNode? {
        locations[path] = location(node)
        let alternatives = type.alternatives
        switch node.content {
        case .mapping(let entries):
            for alternative in alternatives {
                switch alternative {
                case .object(let keys):
                    return validateObject(node, entries, keys: keys, path: path, owner: owner)
                case .dictionary(_, let valueType):
                    return validateDictionary(node, entries, valueType: valueType, path: path)
                case .named(let noun, let variants):
                    return validateNamed(node, entries, noun: noun, variants: variants, path: path)
                case .tagged(let noun, let variants):
                    return validateTagged(node, entries, noun: noun, variants: variants, path: path)
                default: continue
                }
            }
        case .sequence(let items):
            for case .list(let itemType, let minimumCount, let maximumCount) in alternatives {
                return validateList(
                    node, items, itemType: itemType, minimumCount: minimumCount,
                    maximumCount: maximumCount, path: path, name: name)
            }
        case .scalar(let scalar):
            if let value = validateScalar(
                node, scalar, alternatives: alternatives, type: type, path: path, name: name)
            {
                return value
            }
            return nil
        }
        mismatch(node, type: type, path: path)
        return nil
    }

    // MARK: - Scalars

    /// nil when reported (or a mismatch was reported).
    private mutating func validateScalar(
        _ node: YAMLNode, _ scalar: YAMLScalar, alternatives: [SchemaType], type: SchemaType,
        path: String, name: String
    ) -> SpecNode? {
        func accept(_ value: SpecValue) -> SpecNode {
            SpecNode(value: value, node: node, path: path)
        }
        switch scalar.value {
        case .bool(let value):
            for case .boolean in alternatives { return accept(.bool(value)) }
        case .int(let value):
            for alternative in alternatives {
                switch alternative {
                case .integer(let bounds):
                    return checkBounds(Double(value), bounds, node, path, name)
                        ? accept(.int(value)) : nil
                case .number(let bounds):
                    return checkBounds(Double(value), bounds, node, path, name)
                        ? accept(.number(Double(value))) : nil
                default: continue
                }
            }
            for case .string(let rule) in alternatives {
                return checkString(scalar.text, rule, node, path)
                    ? accept(.string(scalar.text)) : nil
            }
        case .float(let value):
            for case .number(let bounds) in alternatives {
                if !value.isFinite {
                    error(node, path, "expected a finite number, found `\(scalar.text)`")
                    return nil
                }
                return checkBounds(value, bounds, node, path, name) ? accept(.number(value)) : nil
            }
            for case .string(let rule) in alternatives {
                return checkString(scalar.text, rule, node, path)
                    ? accept(.string(scalar.text)) : nil
            }
        case .string(let text):
            for alternative in alternatives {
                switch alternative {
                case .keyword(let word, _) where word == text: return accept(.word(text))
                case .choice(_, let choices) where choices.contains(where: { $0.name == text }):
                    return accept(.word(text))
                case .named(let noun, let variants):
                    guard let variant = variants.first(where: { $0.name == text }) else { continue }
                    let missing = variant.parameters.filter(\.isRequired)
                    if !missing.isEmpty {
                        let example = missing.map { "\($0.name): \($0.example ?? "…")" }.joined(
                            separator: ", ")
                        error(
                            node, path, "\(noun) `\(text)` needs `\(missing[0].name)`",
                            notes: [.help("write it as a mapping: `{name: \(text), \(example)}`")])
                        return nil
                    }
                    return accept(.named(text, defaults(of: variant.parameters, path: path)))
                case .tagged(_, let variants):
                    guard let variant = variants.first(where: { $0.name == text }),
                        variant.allowsBareName
                    else { continue }
                    return accept(.tagged(text, nil))
                default: continue
                }
            }
            for case .string(let rule) in alternatives {
                return checkString(text, rule, node, path) ? accept(.string(text)) : nil
            }
            let takesNames = type.alternatives.contains {
                switch $0 {
                case .choice, .named, .tagged: true
                default: false
                }
            }
            if takesNames,
                scalar.style == .plain
                    || YAMLValue.resolve(text, style: .plain, tag: nil) == .string(text)
            {
                unknownName(node, text, type: type, path: path)
                return nil
            }
        case .null:
            break
        }
        mismatch(node, type: type, path: path)
        return nil
    }

    private mutating func checkBounds(
        _ value: Double, _ bounds: Bounds, _ node: YAMLNode, _ path: String, _ name: String
    ) -> Bool {
        if bounds.contains(value) { return true }
        let condition = bounds.condition(on: name) ?? name
        error(
            node, path, "expected \(condition), found \(node.scalar?.text ?? NumberText.spec(value))")
        return false
    }

    private mutating func checkString(
        _ text: String, _ rule: StringRule, _ node: YAMLNode, _ path: String
    ) -> Bool {
        switch rule {
        case .any:
            return true
        case .singleCharacter:
            // A delimiter: one character that cannot also end a line or open a quoted field
            // (`"\r\n"` is one Character).
            if text.count == 1 {
                if !["\n", "\r", "\"", "\r\n"].contains(text) { return true }
                error(
                    node, path,
                    "`\(text.debugDescription.dropFirst().dropLast())` cannot separate fields: "
                        + "it ends lines or quotes fields in a CSV",
                    notes: [.help("use `,`, `;`, `\"\\t\"` or `|`, or `auto` to detect it")])
                return false
            }
            var notes: [Diagnostic.Note] = []
            if text == "\\t" || text == "tab" {
                notes.append(.help("write a tab as `\"\\t\"` (double quotes)"))
            }
            error(node, path, "expected a single character, found `\(text)`", notes: notes)
            return false
        case .fileName:
            if text.isEmpty {
                error(node, path, "expected a non-empty name")
                return false
            }
            if text.contains("/") || text == "." || text == ".." {
                error(
                    node, path, "`\(text)` cannot name a folder",
                    notes: [.help("use a name without `/`")])
                return false
            }
            return true
        }
    }

    private mutating func unknownName(
        _ node: YAMLNode, _ text: String, type: SchemaType, path: String
    ) {
        let noun =
            type.alternatives.lazy.compactMap { alternative -> String? in
                switch alternative {
                case .choice(let noun, _), .named(let noun, _), .tagged(let noun, _): noun
                default: nil
                }
            }.first ?? "value"
        var notes: [Diagnostic.Note] = []
        if let close = Suggestion.closest(to: text, in: type.names) {
            notes.append(.help("did you mean `\(close)`?"))
        }
        var message = "unknown \(noun) `\(text)`"
        if noun == "activation", ["softmax", "linear"].contains(text) {
            message = "`\(text)` is an output activation, not a hidden-layer one"
            notes.append(.note("the output layer's activation follows the task"))
        }
        notes.append(.note("expected " + SchemaType.joinedWithOr(type.names.map { "`\($0)`" })))
        error(node, path, message, notes: notes)
    }

    private mutating func mismatch(_ node: YAMLNode, type: SchemaType, path: String) {
        var notes: [Diagnostic.Note] = []
        if let scalar = node.scalar {
            let plain = YAMLValue.resolve(scalar.text, style: .plain, tag: nil)
            if scalar.style != .plain, plain != .string(scalar.text), plain != .null {
                notes.append(.help("remove the quotes: a quoted value is a string"))
            } else if scalar.style == .plain, scalar.text.contains("_"),
                case .int = YAMLValue.resolve(
                    scalar.text.replacing("_", with: ""), style: .plain, tag: nil)
            {
                notes.append(
                    .help(
                        "YAML 1.2 numbers have no `_` separators; write `\(scalar.text.replacing("_", with: ""))`"
                    ))
            } else if scalar.style == .plain,
                ["yes", "no", "on", "off", "y", "n"].contains(scalar.text.lowercased()),
                type.alternatives.contains(where: { if case .boolean = $0 { true } else { false } })
            {
                let meaning = ["yes", "on", "y"].contains(scalar.text.lowercased())
                notes.append(.help("YAML 1.2 booleans are `true` and `false`; write `\(meaning)`"))
            } else if scalar.value == .null, !scalar.text.isEmpty,
                type.alternatives.contains(where: { if case .string = $0 { true } else { false } })
            {
                notes.append(.help("quote it, `\"\(scalar.text)\"`, to mean the text"))
            } else if scalar.value == .null {
                notes.append(.help("give it a value"))
            }
        }
        error(node, path, "expected \(type.phrase), found \(Self.describe(node))", notes: notes)
    }

    /// How a message names what the user wrote.
    static func describe(_ node: YAMLNode) -> String {
        switch node.content {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar(let scalar):
            switch scalar.value {
            case .null: return scalar.text.isEmpty ? "nothing" : "`\(scalar.text)`"
            case .bool(let value): return "`\(value)`"
            case .int, .float: return "`\(scalar.text)`"
            case .string(let text):
                switch scalar.style {
                case .singleQuoted: return "the string `'\(text)'`"
                case .doubleQuoted: return "the string `\"\(text)\"`"
                case .plain: return "`\(text)`"
                case .literal, .folded: return "a block of text"
                }
            }
        }
    }

    // MARK: - Collections

    private mutating func validateList(
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

    private mutating func validateObject(
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

    private func requiredHelp(_ key: SchemaKey) -> String {
        let doc =
            key.doc.prefix(1).lowercased()
            + key.doc.dropFirst().dropLast(key.doc.hasSuffix(".") ? 1 : 0)
        if let example = key.example {
            return "add `\(key.name): \(example)` (\(doc))"
        }
        return "add `\(key.name):` (\(doc))"
    }

    private mutating func unknownKey(
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

    private mutating func validateDictionary(
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
    private func defaults(of parameters: [SchemaKey], path: String) -> [String: SpecNode] {
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

    private mutating func validateNamed(
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

    private mutating func validateTagged(
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
