import Spec

/// Checks a template against the variables the generator provides, before anything renders.
///
/// It replays mustache's name lookup statically: a section over a mapping or list makes that
/// node's names visible; a name's first component is looked up from the innermost open section
/// outward (mustache's context stack), the rest inside what it found; a name starting with `.`
/// looks only in the innermost section. Because absent values are `false` rather than missing,
/// this static lookup finds exactly what swift-mustache finds at render time.
struct TemplateChecker {
    let file: String
    let schema: VariableSchema

    /// What one open section contributes to the context stack.
    private struct Scope {
        /// The names visible in it (none when a section pushes a plain value).
        var names: [String: VariableSchema.Node]
        /// The node pushed, when it is a value (for `{{.}}`).
        var valueNode: VariableSchema.Node?
        /// The section's name as written, and where it opened.
        var name: String
        var tag: TemplateTag?
    }

    /// Every problem with `tags`: unbalanced sections, unknown variables, mappings printed as
    /// values, and required variables never printed.
    func check(_ tags: [TemplateTag]) -> [TemplateError] {
        var errors: [TemplateError] = []
        var used: Set<String> = []
        var stack: [Scope] = [Scope(names: schema.root, valueNode: nil, name: "", tag: nil)]

        for tag in tags {
            switch tag.kind {
            case .comment, .pragma:
                continue
            case .sectionEnd:
                guard stack.count > 1, let open = stack.last else {
                    errors.append(
                        .mismatchedSectionEnd(tag.nameSpan, name: tag.name, open: nil, opened: nil))
                    continue
                }
                if open.name == tag.name {
                    stack.removeLast()
                } else if let depth = stack.lastIndex(where: { $0.name == tag.name }), depth > 0 {
                    // Closing an outer section: the inner ones were left open.
                    errors.append(
                        .mismatchedSectionEnd(
                            tag.nameSpan, name: tag.name, open: open.name,
                            opened: open.tag?.nameSpan))
                    stack.removeSubrange(depth...)
                } else {
                    errors.append(
                        .mismatchedSectionEnd(
                            tag.nameSpan, name: tag.name, open: open.name,
                            opened: open.tag?.nameSpan))
                }
            case .section, .invertedSection:
                let resolved = resolve(tag, in: stack, errors: &errors)
                var scope = Scope(names: [:], valueNode: nil, name: tag.name, tag: tag)
                if tag.kind == .section, let node = resolved {
                    switch node.kind {
                    case .value: scope.valueNode = node
                    case .mapping, .list: scope.names = node.children
                    }
                }
                stack.append(scope)
            case .variable, .unescapedVariable:
                if tag.name == "." {
                    if let node = stack.last?.valueNode {
                        used.insert(node.path)
                    } else if stack.count > 1 {
                        errors.append(
                            .sectionUsedAsValue(
                                tag.nameSpan, name: ".", path: "section `\(stack.last!.name)`"))
                    } else {
                        errors.append(
                            .unknownVariable(
                                tag.nameSpan, name: ".", suggestion: nil,
                                note: "`{{.}}` needs an open section over a value"))
                    }
                    continue
                }
                guard let node = resolve(tag, in: stack, errors: &errors) else { continue }
                if node.kind == .value {
                    used.insert(node.path)
                } else {
                    errors.append(
                        .sectionUsedAsValue(tag.nameSpan, name: tag.name, path: node.path))
                }
            }
        }
        for open in stack.dropFirst().reversed() {
            if let tag = open.tag { errors.append(.unclosedSection(tag.nameSpan, name: open.name)) }
        }
        // Required-but-unused only makes sense once the template's structure is sound.
        if errors.isEmpty {
            for path in schema.requiredPaths.subtracting(used).sorted() {
                errors.append(
                    .requiredVariableUnused(file: file, path: path, hint: Self.hint(for: path)))
            }
        }
        return errors
    }

    /// The node `tag.name` names from the current scopes, or nil after recording an error.
    private func resolve(
        _ tag: TemplateTag, in stack: [Scope], errors: inout [TemplateError]
    )
        -> VariableSchema.Node?
    {
        let name = tag.name
        let localOnly = name.hasPrefix(".")
        let components = name.split(separator: ".").map(String.init)
        guard let first = components.first else { return nil }

        var node: VariableSchema.Node?
        if localOnly {
            node = stack.last?.names[first]
        } else {
            for scope in stack.reversed() {
                if let found = scope.names[first] {
                    node = found
                    break
                }
            }
        }
        var resolvedPrefix = [first]
        if let start = node {
            var current = start
            for component in components.dropFirst() {
                guard let child = current.children[component], current.kind != .value else {
                    node = nil
                    break
                }
                if case .list = current.kind {
                    // A list's items are reached by a section, not by a dotted name.
                    node = nil
                    break
                }
                current = child
                resolvedPrefix.append(component)
            }
            if node != nil { node = current }
        }
        if let node { return node }
        errors.append(
            .unknownVariable(
                tag.nameSpan, name: name, suggestion: suggestion(for: name, in: stack),
                note: elsewhereNote(for: components.last ?? name, stack: stack)))
        return nil
    }

    /// The closest visible name (dotted paths included) within a small edit distance.
    private func suggestion(for name: String, in stack: [Scope]) -> String? {
        var candidates: Set<String> = []
        func add(_ names: [String: VariableSchema.Node], prefix: String, depth: Int) {
            for (key, node) in names {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                candidates.insert(path)
                if depth < 3, case .mapping(let children) = node.kind {
                    add(children, prefix: path, depth: depth + 1)
                }
            }
        }
        for scope in stack { add(scope.names, prefix: "", depth: 0) }
        return Suggestion.closest(
            to: name.hasPrefix(".") ? String(name.dropFirst()) : name, in: candidates.sorted(),
            maximumDistance: Suggestion.nameDistance)
    }

    /// Where a name that is not visible here does exist, if anywhere.
    private func elsewhereNote(for last: String, stack: [Scope]) -> String? {
        let places = schema.allNodes.filter {
            $0.path.split(separator: ".").last.map(String.init) == last
        }
        .map(\.path)
        guard !places.isEmpty else { return nil }
        return "`\(last)` exists as " + places.prefix(4).map { "`\($0)`" }.joined(separator: ", ")
            + "; it is visible only inside the sections that lead to it"
    }

    /// How to print a required path, for the unused-variable note.
    static func hint(for path: String) -> String {
        let components = path.split(separator: ".").map(String.init)
        let leaf = components.last ?? path
        let sections = components.dropLast().map { $0.replacingOccurrences(of: "[]", with: "") }
        let opening = sections.map { "{{#\($0)}}" }.joined()
        let place = sections.isEmpty ? "at the top level" : "inside \(opening)"
        if leaf.hasSuffix("_why") {
            let value = String(leaf.dropLast(4))
            return
                "print it \(place) as the comment of its value: `\(value): {{\(value)}}  # {{\(leaf)}}`"
        }
        if ["key", "value", "why"].contains(leaf) {
            return "print each item \(place): `{{key}}: {{value}}  # {{why}}`"
        }
        return "print it \(place): `\(leaf): {{\(leaf)}}  # {{\(leaf)_why}}`"
    }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
