@testable import Generator

/// Reads back the block-style YAML the generator writes, line by line: every value with its
/// dotted key path (`model.layers[0].dense.units`) and its trailing comment. Independent of the
/// generator's view model, so it checks what the text says, not what the generator meant.
struct RenderedConfig {
    struct Value: Equatable {
        var text: String
        var comment: String?
        var line: Int
    }

    /// Values by key path.
    var values: [String: Value] = [:]
    /// Key paths in the order they appear.
    var order: [String] = []
    /// Lines that are not blank, a whole-line comment, `key:`, `- key:`, or `key: value # ...`.
    var malformed: [(line: Int, text: String)] = []

    init(_ text: String) {
        var stack: [(indent: Int, path: String)] = []
        var itemCounts: [String: Int] = [:]
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false)
            .enumerated()
        {
            let lineNumber = offset + 1
            let line = String(raw)
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            var indent = line.count - trimmed.count
            var body = String(trimmed)
            var itemPath: String?
            if body.hasPrefix("- ") {
                while let last = stack.last, last.indent >= indent { stack.removeLast() }
                let parent = stack.last?.path ?? ""
                let index = itemCounts[parent, default: 0]
                itemCounts[parent] = index + 1
                itemPath = "\(parent)[\(index)]"
                stack.append((indent, itemPath!))
                body.removeFirst(2)
                indent += 2
            }
            let (code, comment) = CommentAligner.splitComment(body)
            guard let colon = code.firstIndex(of: ":") else {
                malformed.append((lineNumber, line))
                continue
            }
            let key = String(code[..<colon])
            let value = code[code.index(after: colon)...].drop(while: { $0 == " " })
            if key.isEmpty || key.contains(" ") {
                malformed.append((lineNumber, line))
                continue
            }
            while let last = stack.last, last.indent >= indent, last.path != itemPath {
                stack.removeLast()
            }
            let parent = stack.last?.path ?? ""
            let path = parent.isEmpty ? key : "\(parent).\(key)"
            if value.isEmpty {
                if comment != nil { malformed.append((lineNumber, line)) }
                stack.append((indent, path))
            } else {
                values[path] = Value(text: String(value), comment: comment, line: lineNumber)
                order.append(path)
            }
        }
    }
}
