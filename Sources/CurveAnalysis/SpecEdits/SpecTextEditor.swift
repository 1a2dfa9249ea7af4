/// Why a spec edit could not be applied to a spec's text.
public enum SpecTextEditError: Error, CustomStringConvertible, Equatable {
    /// The key path is not `key(.key|[index])*`.
    case invalidKeyPath(String)
    /// The text around the key has a shape the editor does not rewrite (a flow collection over
    /// several lines, a sequence index into a scalar, an index past the end).
    case unsupported(keyPath: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidKeyPath(let path):
            "error: `\(path)` is not a spec key path (expected keys joined by `.`, with `[i]` "
                + "for list items)"
        case .unsupported(let keyPath, let line, let reason):
            "line \(line): error: \(keyPath): cannot edit: \(reason); edit the spec by hand"
        }
    }
}

/// Applies `SpecEdit`s to a spec's YAML text with the smallest change: comments, blank lines,
/// key order and formatting elsewhere stay as they were.
///
/// - An existing key's value is replaced in place (a trailing comment stays); a block value under
///   it is replaced by the new (flow) value.
/// - A missing key is inserted after the last entry of its section, at the section's indentation.
/// - A missing section is appended (at the end of the document for a top-level section).
/// - Inside a one-line flow mapping (`split: {validation: 0.15}`) the key is set in the mapping.
/// - A scalar parent (`gradient_clipping: auto`) becomes a flow mapping holding the key.
/// - `[i]` selects the i-th item of a block sequence (`model.layers[2].dense.units`).
public enum SpecTextEditor {
    /// The text with every edit applied, in order.
    /// - Throws: `SpecTextEditError` naming the key path and line when an edit cannot be applied.
    public static func apply(_ edits: [SpecEdit], to text: String) throws -> String {
        var document = YAMLLines(text)
        for edit in edits {
            let segments = try KeyPathSegment.parse(edit.keyPath)
            try document.set(segments[...], to: edit.newValue, keyPath: edit.keyPath)
        }
        return document.text
    }
}

/// One step of a key path.
enum KeyPathSegment: Equatable {
    case key(String)
    case index(Int)

    /// `model.layers[2].dense.units` -> key model, key layers, index 2, key dense, key units.
    static func parse(_ path: String) throws -> [KeyPathSegment] {
        var segments: [KeyPathSegment] = []
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            let name = rest.prefix { $0 != "[" }
            guard !name.isEmpty else { throw SpecTextEditError.invalidKeyPath(path) }
            segments.append(.key(String(name)))
            rest = rest.dropFirst(name.count)
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]"),
                    let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0
                else { throw SpecTextEditError.invalidKeyPath(path) }
                segments.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
        }
        guard !segments.isEmpty else { throw SpecTextEditError.invalidKeyPath(path) }
        return segments
    }
}
