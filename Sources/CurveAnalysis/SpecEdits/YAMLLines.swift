/// A YAML document as lines, with the structural queries the editor needs (block mappings and
/// sequences by indentation; flow collections only on one line).
struct YAMLLines {
    var lines: [[Character]]
    let indentUnit: Int

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
        let indents = lines.filter { Self.isContent($0, from: Self.indent(of: $0)) }
            .map(Self.indent(of:)).filter { $0 > 0 }
        indentUnit = indents.min() ?? 2
    }

    var text: String { lines.map { String($0) }.joined(separator: "\n") }

    // MARK: Line queries

    static func indent(of line: [Character]) -> Int { line.prefix { $0 == " " }.count }

    /// Whether the line has YAML content from `column` on (not blank, not a comment, not `---`).
    static func isContent(_ line: [Character], from column: Int) -> Bool {
        guard column < line.count else { return false }
        let rest = String(line[column...]).trimmingWhitespace
        return !rest.isEmpty && !rest.hasPrefix("#") && rest != "---" && rest != "..."
    }

    /// Index where a comment starts (`#` at the start or after whitespace, outside quotes).
    static func commentStart(_ line: [Character], from column: Int) -> Int? {
        var quote: Character?
        var index = column
        while index < line.count {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "#",
                index == column || line[index - 1] == " "
                    || line[index - 1] == "\t"
            {
                return index
            }
            index += 1
        }
        return nil
    }

    /// A mapping key at `column`: the key and the index of its `:`.
    static func key(in line: [Character], at column: Int) -> (key: String, colon: Int)? {
        guard column < line.count else { return nil }
        let first = line[column]
        if first == "-" || first == "#" || first == "{" || first == "[" {
            if first == "-", column + 1 < line.count, line[column + 1] != " " {
                // `-key:` is a plain key; `- ` starts a sequence item.
            } else {
                return nil
            }
        }
        if first == "'" || first == "\"" {
            guard let close = line[(column + 1)...].firstIndex(of: first),
                close + 1 < line.count, line[close + 1] == ":"
            else { return nil }
            return (String(line[(column + 1)..<close]), close + 1)
        }
        var index = column
        while index < line.count {
            if line[index] == ":" && (index + 1 == line.count || line[index + 1] == " ") {
                return (String(line[column..<index]).trimmingWhitespace, index)
            }
            if line[index] == "#" && index > column && line[index - 1] == " " { return nil }
            index += 1
        }
        return nil
    }

    // MARK: Structure

    /// Lines `start..<end`; the first line's content starts at `firstColumn` when the block is a
    /// sequence item's mapping (`- dense:`).
    struct Block {
        var start: Int
        var end: Int
        var firstColumn: Int?
    }

    /// One `key: value` entry of a block mapping.
    struct Entry {
        var line: Int
        var column: Int
        var key: String
        var colon: Int
        /// Lines after the key line that belong to its value (trailing comments excluded).
        var childEnd: Int
    }

    func column(ofLine index: Int, in block: Block) -> Int {
        index == block.start
            ? (block.firstColumn ?? Self.indent(of: lines[index]))
            : Self.indent(of: lines[index])
    }

    /// The entries of the block mapping in `block`, and its indentation (nil when empty).
    func entries(in block: Block) -> (indent: Int?, entries: [Entry]) {
        var indent: Int?
        var entries: [Entry] = []
        var lastContent = block.start - 1
        for index in block.start..<block.end {
            let line = lines[index]
            let column = column(ofLine: index, in: block)
            guard Self.isContent(line, from: column) else { continue }
            if indent == nil { indent = column }
            if column == indent, let (key, colon) = Self.key(in: line, at: column) {
                if !entries.isEmpty { entries[entries.count - 1].childEnd = lastContent + 1 }
                entries.append(
                    Entry(line: index, column: column, key: key, colon: colon, childEnd: index + 1))
            }
            lastContent = index
        }
        if !entries.isEmpty { entries[entries.count - 1].childEnd = lastContent + 1 }
        return (indent, entries)
    }

    /// The inline value's column range on the entry's line (empty range when none), and the
    /// comment start.
    func inlineValue(of entry: Entry) -> (range: Range<Int>, comment: Int?) {
        let line = lines[entry.line]
        let comment = Self.commentStart(line, from: entry.colon + 1)
        var end = comment ?? line.count
        while end > entry.colon + 1 && (line[end - 1] == " " || line[end - 1] == "\t") { end -= 1 }
        var start = entry.colon + 1
        while start < end && line[start] == " " { start += 1 }
        return (start..<max(start, end), comment)
    }

    // MARK: Editing

    mutating func set(
        _ segments: ArraySlice<KeyPathSegment>, to value: String, keyPath: String
    )
        throws
    {
        try set(
            segments, to: value, keyPath: keyPath,
            in: Block(start: 0, end: lines.count, firstColumn: nil), parentIndent: -indentUnit)
    }

    private mutating func set(
        _ segments: ArraySlice<KeyPathSegment>, to value: String, keyPath: String, in block: Block,
        parentIndent: Int
    ) throws {
        guard case .key(let key) = segments.first else {
            throw SpecTextEditError.unsupported(
                keyPath: keyPath, line: block.start + 1, reason: "a list index where a key belongs")
        }
        let rest = segments.dropFirst()
        let (indent, entries) = entries(in: block)
        guard let entry = entries.first(where: { $0.key == key }) else {
            let insertAt = entries.last?.childEnd ?? block.start
            let column = indent ?? (parentIndent + indentUnit)
            let newLines = try Self.blockLines(
                key: key, rest: rest, value: value, column: column, unit: indentUnit,
                keyPath: keyPath, line: insertAt + 1)
            // A sequence item's first line carries its first key; never insert before it.
            lines.insert(contentsOf: newLines, at: max(insertAt, block.start))
            return
        }
        let (valueRange, comment) = inlineValue(of: entry)
        let line = lines[entry.line]
        let inline = String(line[valueRange])
        let hasChildren = (entry.line + 1..<entry.childEnd).contains {
            Self.isContent(lines[$0], from: Self.indent(of: lines[$0]))
        }

        if rest.isEmpty || (inline.isEmpty && !hasChildren)
            || (!inline.isEmpty && !inline.hasPrefix("{") && !inline.hasPrefix("["))
        {
            // Replace the whole value: a leaf, or a parent that is empty or a scalar.
            guard !rest.contains(where: { if case .index = $0 { true } else { false } }) else {
                throw SpecTextEditError.unsupported(
                    keyPath: keyPath, line: entry.line + 1,
                    reason: "`\(key)` is not a list, so it has no items to index")
            }
            let newValue = rest.isEmpty ? value : Self.flowMapping(rest, value: value)
            replaceValue(of: entry, range: valueRange, comment: comment, with: newValue)
            if hasChildren { lines.removeSubrange((entry.line + 1)..<entry.childEnd) }
            return
        }
        if !inline.isEmpty {
            // A flow collection on the key's line.
            guard inline.hasPrefix("{"), inline.hasSuffix("}") else {
                throw SpecTextEditError.unsupported(
                    keyPath: keyPath, line: entry.line + 1,
                    reason: inline.hasPrefix("[")
                        ? "`\(key)` is a flow list; write it as a block list to edit its items"
                        : "the flow mapping of `\(key)` spans several lines")
            }
            let updated = try FlowMapping.setting(
                rest, to: value, in: inline, keyPath: keyPath, line: entry.line + 1)
            replaceValue(of: entry, range: valueRange, comment: comment, with: updated)
            return
        }
        let children = Block(start: entry.line + 1, end: entry.childEnd, firstColumn: nil)
        if case .index(let index) = rest.first {
            let item = try sequenceItem(index, in: children, keyPath: keyPath, key: key)
            try set(
                rest.dropFirst(), to: value, keyPath: keyPath, in: item.block,
                parentIndent: item.column - indentUnit)
        } else {
            try set(rest, to: value, keyPath: keyPath, in: children, parentIndent: entry.column)
        }
    }

    private mutating func replaceValue(
        of entry: Entry, range: Range<Int>, comment: Int?, with value: String
    ) {
        var line = lines[entry.line]
        if range.isEmpty {
            // `key:` or `key:   # comment`: put the value right after the colon.
            let tail = Array(line[(entry.colon + 1)...])
            let keepComment = comment != nil ? tail.drop { $0 == " " } : []
            line =
                Array(line[...entry.colon]) + Array(" " + value)
                + (keepComment.isEmpty ? [] : Array("  ") + keepComment)
        } else {
            line.replaceSubrange(range, with: Array(value))
        }
        lines[entry.line] = line
    }

    /// The `index`-th item of the block sequence in `block`: its mapping block and column.
    private func sequenceItem(
        _ index: Int, in block: Block, keyPath: String, key: String
    ) throws
        -> (block: Block, column: Int)
    {
        var itemLines: [Int] = []
        var sequenceIndent: Int?
        for line in block.start..<block.end {
            let text = lines[line]
            let column = Self.indent(of: text)
            guard Self.isContent(text, from: column) else { continue }
            if sequenceIndent == nil { sequenceIndent = column }
            if column == sequenceIndent, text[column] == "-",
                column + 1 == text.count || text[column + 1] == " "
            {
                itemLines.append(line)
            }
        }
        guard index < itemLines.count else {
            throw SpecTextEditError.unsupported(
                keyPath: keyPath, line: block.start,
                reason: "`\(key)` has \(itemLines.count) items, no item \(index)")
        }
        let start = itemLines[index]
        let end = index + 1 < itemLines.count ? itemLines[index + 1] : block.end
        let text = lines[start]
        var contentColumn = Self.indent(of: text) + 1
        while contentColumn < text.count && text[contentColumn] == " " { contentColumn += 1 }
        if Self.isContent(text, from: contentColumn) {
            return (Block(start: start, end: end, firstColumn: contentColumn), contentColumn)
        }
        let nested = Block(start: start + 1, end: end, firstColumn: nil)
        let column = entries(in: nested).indent ?? (Self.indent(of: text) + indentUnit)
        return (nested, column)
    }

    /// New block lines for a missing key: `key: value`, or nested keys one level each.
    private static func blockLines(
        key: String, rest: ArraySlice<KeyPathSegment>, value: String, column: Int, unit: Int,
        keyPath: String, line: Int
    ) throws -> [[Character]] {
        let pad = String(repeating: " ", count: max(0, column))
        guard let next = rest.first else { return [Array(pad + key + ": " + value)] }
        guard case .key(let nextKey) = next else {
            throw SpecTextEditError.unsupported(
                keyPath: keyPath, line: line, reason: "`\(key)` is absent, so it has no items")
        }
        return [Array(pad + key + ":")]
            + (try blockLines(
                key: nextKey, rest: rest.dropFirst(), value: value, column: column + unit,
                unit: unit, keyPath: keyPath, line: line))
    }

    /// `{a: {b: value}}` for the keys in `rest`.
    static func flowMapping(_ rest: ArraySlice<KeyPathSegment>, value: String) -> String {
        guard case .key(let key) = rest.first else { return value }
        return "{" + key + ": " + flowMapping(rest.dropFirst(), value: value) + "}"
    }
}
