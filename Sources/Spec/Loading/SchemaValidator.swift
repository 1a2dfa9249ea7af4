/// Checks a YAML tree against a ``SchemaType``, collecting every problem, and returns what
/// passed as ``SpecNode``s (invalid values are left out, so later checks see only good ones).
struct SchemaValidator {
    let file: String
    /// The first line past the file: `--set` values stand there (`SpecOverride`).
    let commandLineStart: Int
    var diagnostics: [Diagnostic] = []
    /// Where each value the user wrote stands, by key path.
    var locations: [String: SourceLocation] = [:]

    init(file: String, commandLineStart: Int = .max) {
        self.file = file
        self.commandLineStart = commandLineStart
    }

    func location(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(node.start, file: file, commandLineStart: commandLineStart)
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
    mutating func validateScalar(
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

    mutating func checkBounds(
        _ value: Double, _ bounds: Bounds, _ node: YAMLNode, _ path: String, _ name: String
    ) -> Bool {
        if bounds.contains(value) { return true }
        let condition = bounds.condition(on: name) ?? name
        error(
            node, path,
            "expected \(condition), found \(node.scalar?.text ?? NumberText.spec(value))")
        return false
    }

    mutating func checkString(
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
        case .duration:
            guard let seconds = SpecDuration.seconds(text) else {
                error(
                    node, path, "expected a duration, found `\(text)`",
                    notes: [.help("write a number and a unit: `90s`, `10m`, `2h`")])
                return false
            }
            if seconds <= 0 || seconds > SpecLimits.tuneTimeoutSeconds {
                error(node, path, "expected a duration above 0 and at most 720h, found `\(text)`")
                return false
            }
            return true
        }
    }

    mutating func unknownName(
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

    mutating func mismatch(_ node: YAMLNode, type: SchemaType, path: String) {
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
}
