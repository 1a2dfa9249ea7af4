/// Builds the node tree from events, resolving anchors, aliases and merge keys, and checking
/// duplicate keys and document count.
struct Composer {
    let file: String
    let nodeLimit: Int
    let depthLimit: Int
    let reader: EventReader
    var diagnostics: [Diagnostic] = []
    private var anchors: [String: Anchored] = [:]
    private var nodeCount = 0
    /// How many of `nodeCount` came from expanding aliases.
    private var aliasNodeCount = 0
    /// Lists and mappings open around the node being composed.
    private var depth = 0

    /// An anchored node with its size and height, so an alias is checked without a walk.
    private struct Anchored {
        var node: YAMLNode
        var nodeCount: Int
        /// Nesting levels of lists and mappings inside the node (0 for a scalar).
        var height: Int
    }

    init(file: String, nodeLimit: Int, depthLimit: Int, reader: EventReader) {
        self.file = file
        self.nodeLimit = nodeLimit
        self.depthLimit = depthLimit
        self.reader = reader
    }

    private func location(_ mark: YAMLMark) -> SourceLocation {
        SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    mutating func composeStream() throws -> (node: YAMLNode?, isEmpty: Bool) {
        guard case .streamStart = try reader.next() else { return (nil, true) }
        guard case .documentStart = try reader.next() else { return (nil, true) }
        let root = try composeNode(try reader.next(), path: "")
        guard case .documentEnd = try reader.next() else { return (root, false) }
        let following = try reader.next()
        if case .documentStart(let mark) = following {
            diagnostics.append(
                Diagnostic(
                    .error, at: location(mark),
                    "a spec is one YAML document; a second one starts here",
                    notes: [
                        .help("remove the `---` and what follows, or put each spec in its own file")
                    ]))
        }
        return (root, false)
    }

    /// Counts `added` nodes (`fromAlias`: an alias's expansion); past the limit, reports
    /// what made the document that large and stops.
    private mutating func count(_ added: Int, at mark: YAMLMark, fromAlias: Bool = false) throws {
        nodeCount += added
        if fromAlias { aliasNodeCount += added }
        guard nodeCount > nodeLimit else { return }
        // An alias bomb is the aliases' doing; a plain huge list is the text's own size.
        let diagnostic =
            aliasNodeCount * 2 > nodeCount
            ? Diagnostic(
                .error, at: location(mark),
                "aliases expand the document past \(nodeLimit) nodes",
                notes: [.note("nested aliases multiply; a spec never needs this many values")])
            : Diagnostic(
                .error, at: location(mark),
                "the document has more than \(nodeLimit) values (scalars, lists and mappings)",
                notes: [
                    .note("the limit is \(nodeLimit) YAML nodes; a spec never needs this many"),
                    .help("keep data in the CSV file that `data.path` names, not in the spec"),
                ])
        diagnostics.append(diagnostic)
        throw YAMLLimitError()
    }

    /// Opens a list or mapping at `mark`; past the depth limit, reports it and stops.
    private mutating func enterCollection(at mark: YAMLMark) throws {
        depth += 1
        guard depth > depthLimit else { return }
        diagnostics.append(
            Diagnostic(
                .error, at: location(mark),
                "lists and mappings nest deeper than \(depthLimit) levels here",
                notes: [
                    .note("the limit is \(depthLimit) levels; a spec nests four or five"),
                    .help("close the brackets opened above, or check the indentation"),
                ]))
        throw YAMLLimitError()
    }

    private mutating func composeNode(_ event: YAMLEvent, path: String) throws -> YAMLNode {
        switch event {
        case .scalar(let scalar, let anchor, let start, let end):
            try count(1, at: start)
            let node = YAMLNode(.scalar(scalar), start: start, end: end)
            if let anchor { anchors[anchor] = Anchored(node: node, nodeCount: 1, height: 0) }
            return node
        case .alias(let anchor, let start, let end):
            guard let anchored = anchors[anchor] else {
                diagnostics.append(
                    Diagnostic(
                        .error, at: location(start), length: end.column - start.column,
                        keyPath: path.isEmpty ? nil : path, "unknown alias `*\(anchor)`",
                        notes: anchorSuggestion(for: anchor)))
                return YAMLNode(
                    .scalar(YAMLScalar(text: "", style: .plain)), start: start, end: end)
            }
            try count(anchored.nodeCount, at: start, fromAlias: true)
            // Aliases inside anchored nodes stack their heights: bound the expanded depth too.
            if depth + anchored.height > depthLimit {
                depth += anchored.height
                try enterCollection(at: start)
            }
            return anchored.node
        case .sequenceStart(let anchor, let start):
            try count(1, at: start)
            try enterCollection(at: start)
            defer { depth -= 1 }
            var items: [YAMLNode] = []
            while true {
                let next = try reader.next()
                if case .sequenceEnd(let end) = next {
                    let node = YAMLNode(.sequence(items), start: start, end: end)
                    if let anchor { anchors[anchor] = Self.anchored(node) }
                    return node
                }
                items.append(try composeNode(next, path: "\(path)[\(items.count)]"))
            }
        case .mappingStart(let anchor, let start):
            try count(1, at: start)
            try enterCollection(at: start)
            defer { depth -= 1 }
            let node = try composeMapping(start: start, path: path)
            if let anchor { anchors[anchor] = Self.anchored(node) }
            return node
        case .streamStart, .streamEnd, .documentStart, .documentEnd, .sequenceEnd, .mappingEnd:
            // libyaml only emits well-formed event streams; an empty node stands in.
            return YAMLNode(
                .scalar(YAMLScalar(text: "", style: .plain)), start: .init(line: 1, column: 1),
                end: .init(line: 1, column: 1))
        }
    }

    /// An anchored collection's size and height (its depth is within the limit, so the walk
    /// is too).
    private static func anchored(_ node: YAMLNode) -> Anchored {
        func height(_ node: YAMLNode) -> Int {
            switch node.content {
            case .scalar: 0
            case .sequence(let items): 1 + (items.map(height).max() ?? 0)
            case .mapping(let entries):
                1 + (entries.map { max(height($0.key), height($0.value)) }.max() ?? 0)
            }
        }
        return Anchored(node: node, nodeCount: node.nodeCount, height: height(node))
    }

    private func anchorSuggestion(for anchor: String) -> [Diagnostic.Note] {
        if let close = Suggestion.closest(to: anchor, in: anchors.keys.sorted()) {
            return [.help("did you mean `*\(close)`?")]
        }
        if anchors.isEmpty {
            return [.note("an alias refers to an anchor (`&name`) defined earlier in the file")]
        }
        return [
            .note(
                "anchors defined so far: "
                    + anchors.keys.sorted().map { "`&\($0)`" }.joined(separator: ", "))
        ]
    }

    private mutating func composeMapping(start: YAMLMark, path: String) throws -> YAMLNode {
        var explicit: [YAMLEntry] = []
        var merged: [YAMLEntry] = []
        var seen: [String: YAMLNode] = [:]
        while true {
            let next = try reader.next()
            if case .mappingEnd(let end) = next {
                let explicitKeys = Set(explicit.compactMap { $0.key.scalar?.text })
                var mergedKeys = Set<String>()
                let inherited = merged.filter {
                    guard let key = $0.key.scalar?.text else { return false }
                    return !explicitKeys.contains(key) && mergedKeys.insert(key).inserted
                }
                return YAMLNode(.mapping(explicit + inherited), start: start, end: end)
            }
            let key = try composeNode(next, path: path)
            let keyText = key.scalar?.text
            let childPath = keyText.map { path.isEmpty ? $0 : "\(path).\($0)" } ?? path
            let value = try composeNode(try reader.next(), path: childPath)
            guard let keyText, let keyScalar = key.scalar else {
                diagnostics.append(
                    Diagnostic(
                        .error, at: location(key.start), keyPath: path.isEmpty ? nil : path,
                        "a key must be a plain word, not a list or a mapping"))
                continue
            }
            if keyText == "<<", keyScalar.style == .plain {
                merged.append(contentsOf: mergeEntries(from: value, path: path))
                continue
            }
            if let first = seen[keyText] {
                diagnostics.append(
                    Diagnostic(
                        .error, at: location(key.start), length: key.underlineLength,
                        keyPath: childPath,
                        "duplicate key `\(keyText)` (first defined on line \(first.start.line))",
                        notes: [
                            .note(
                                "first defined here", at: location(first.start),
                                length: first.underlineLength),
                            .help("remove one of the two; YAML keeps no duplicate keys"),
                        ]))
                continue
            }
            seen[keyText] = key
            explicit.append(YAMLEntry(key: key, value: value))
        }
    }

    /// The entries a merge key (`<<: *base` or `<<: [*a, *b]`) brings in; earlier sources win.
    private mutating func mergeEntries(from value: YAMLNode, path: String) -> [YAMLEntry] {
        switch value.content {
        case .mapping(let entries): return entries
        case .sequence(let items) where items.allSatisfy({ $0.entries != nil }):
            return items.flatMap { $0.entries ?? [] }
        default:
            diagnostics.append(
                Diagnostic(
                    .error, at: location(value.start), keyPath: path.isEmpty ? nil : path,
                    "a merge key `<<` takes a mapping or a list of mappings (usually an alias like `*base`)"
                ))
            return []
        }
    }
}
