/// A one-line flow mapping (`{validation: 0.15, test: 0.15}`), split at its top-level commas.
enum FlowMapping {
    static func setting(
        _ segments: ArraySlice<KeyPathSegment>, to value: String, in text: String, keyPath: String,
        line: Int
    ) throws -> String {
        guard case .key(let key) = segments.first else {
            throw SpecTextEditError.unsupported(
                keyPath: keyPath, line: line, reason: "a list index inside a flow mapping")
        }
        let inner = String(text.dropFirst().dropLast())
        var pairs = try splitTopLevel(inner).map { item -> (key: String, value: String) in
            guard let colon = topLevelColon(item) else {
                throw SpecTextEditError.unsupported(
                    keyPath: keyPath, line: line, reason: "`\(item)` is not `key: value`")
            }
            let itemKey = String(item[..<colon]).trimmingWhitespace
            let itemValue = String(item[item.index(after: colon)...]).trimmingWhitespace
            return (unquoted(itemKey), itemValue)
        }
        let rest = segments.dropFirst()
        if let index = pairs.firstIndex(where: { $0.key == key }) {
            if rest.isEmpty {
                pairs[index].value = value
            } else if pairs[index].value.hasPrefix("{") {
                pairs[index].value = try setting(
                    rest, to: value, in: pairs[index].value, keyPath: keyPath, line: line)
            } else {
                pairs[index].value = YAMLLines.flowMapping(rest, value: value)
            }
        } else {
            pairs.append((key, YAMLLines.flowMapping(rest, value: value)))
        }
        return "{" + pairs.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
    }

    /// Items separated by commas outside quotes, brackets and braces.
    static func splitTopLevel(_ text: String) throws -> [String] {
        var items: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "{" || character == "[" {
                depth += 1
            } else if character == "}" || character == "]" {
                depth -= 1
            } else if character == ",", depth == 0 {
                items.append(current.trimmingWhitespace)
                current = ""
                continue
            }
            current.append(character)
        }
        if !current.trimmingWhitespace.isEmpty { items.append(current.trimmingWhitespace) }
        return items
    }

    /// The `:` separating a flow item's key from its value.
    static func topLevelColon(_ item: String) -> String.Index? {
        var quote: Character?
        var index = item.startIndex
        while index < item.endIndex {
            let character = item[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == ":" {
                let next = item.index(after: index)
                if next == item.endIndex || item[next] == " " { return index }
            }
            index = item.index(after: index)
        }
        return nil
    }

    static func unquoted(_ key: String) -> String {
        if key.count >= 2, let first = key.first, first == "'" || first == "\"", key.last == first {
            return String(key.dropFirst().dropLast())
        }
        return key
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and carriage returns.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }),
            let end = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[start...end])
    }
}
