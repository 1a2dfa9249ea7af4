import Foundation

/// Lines up the trailing `# reason` comments of a rendered config in one column.
///
/// Templates write `key: {{value}}  # {{value_why}}` without knowing how wide values are; this
/// pass moves every trailing comment to one column (the widest value line up to `maximumColumn`,
/// plus two spaces). Lines wider than that keep two spaces before their comment. Whole-line
/// comments and lines without a comment are untouched, trailing spaces are dropped, and blank
/// lines left by sections are kept as the template wrote them.
enum CommentAligner {
    /// Value lines longer than this do not push the comment column further right.
    static let maximumColumn = 44

    static func align(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let split = lines.map(splitComment)
        let widths = split.compactMap { $0.comment == nil ? nil : $0.code.count }
            .filter { $0 <= maximumColumn }
        let column = (widths.max() ?? 0) + 2
        let aligned = split.map { part -> String in
            guard let comment = part.comment else { return part.code }
            let padding = max(2, column - part.code.count)
            return part.code + String(repeating: " ", count: padding) + comment
        }
        return aligned.joined(separator: "\n")
    }

    /// A line's code (trailing spaces removed) and its trailing comment (from `#`), if any.
    /// Whole-line comments count as code.
    static func splitComment(_ line: String) -> (code: String, comment: String?) {
        guard let start = trailingCommentStart(line) else {
            return (line.trimmingTrailingSpaces(), nil)
        }
        let code = String(line[..<start]).trimmingTrailingSpaces()
        if code.allSatisfy({ $0 == " " || $0 == "\t" }) {
            return (line.trimmingTrailingSpaces(), nil)
        }
        return (code, String(line[start...]).trimmingTrailingSpaces())
    }

    /// Where a YAML comment starts: a `#` after whitespace, outside quoted scalars. Quotes only
    /// open a scalar where one can start (after `: `, `- `, `[`, `{`, `,` or at the start).
    static func trailingCommentStart(_ line: String) -> String.Index? {
        var quote: Character?
        var previous: Character = " "
        var lastSignificant: Character?
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if let open = quote {
                if open == "\"", character == "\\" {
                    index = line.index(after: index)
                    if index < line.endIndex { index = line.index(after: index) }
                    continue
                }
                if character == open {
                    let next = line.index(after: index)
                    if open == "'", next < line.endIndex, line[next] == "'" {
                        index = line.index(after: next)  // '' inside single quotes
                        continue
                    }
                    quote = nil
                }
            } else if character == "#", previous == " " || previous == "\t" {
                return index
            } else if character == "\"" || character == "'",
                previous == " " || previous == "\t" || "[{,".contains(previous)
                    || (index == line.startIndex),
                lastSignificant == nil || ":-[{,".contains(lastSignificant!)
            {
                quote = character
            }
            if character != " " && character != "\t" { lastSignificant = character }
            previous = character
            index = line.index(after: index)
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}

/// The reasons a generated config gives for its values.
public enum ConfigComment {
    /// The reason on a config line: its trailing comment without the `#` (`epochs: 500  #
    /// EPOCHS-BY-SIZE: ...` gives `EPOCHS-BY-SIZE: ...`), found as `CommentAligner` finds it;
    /// nil for a line without one.
    public static func reason(onLine line: String) -> String? {
        guard let comment = CommentAligner.splitComment(line).comment else { return nil }
        let text = comment.dropFirst().trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }
}
