import Spec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The starter spec `layerwise init` writes: name, data path and target filled in, every other
/// key `auto` with a one-line comment, in the spec language of issue 2.
public enum StarterSpec {
    /// The YAML text of a starter spec.
    /// - Parameters:
    ///   - name: the spec's name (default in the CLI: the CSV's base name).
    ///   - dataPath: the CSV path as written in the spec (relative to the spec file).
    ///   - profile: the data's profile, quoted in comments (task, sizes, excluded columns).
    public static func render(name: String, dataPath: String, profile: DataProfile) -> String {
        let excluded = profile.columns.filter { $0.role == .excluded }
        var out = """
            # Layerwise spec written by `layerwise init`.
            # \(profile.rows) rows; Ni = \(profile.inputs) inputs after encoding, \
            No = \(profile.outputs) outputs; detected task: \(profile.task.rawValue).
            # Every `auto` is decided by the advisor; replace it to fix a choice.
            name: \(YAMLText.string(name))
            data:
              path: \(YAMLText.string(dataPath))
              target: \(YAMLText.string(profile.target))
              ignore: []                  # columns to drop

            """
        for column in excluded {
            // Names and reasons (which may quote a value) come from the file: escaped, so a
            // line break or control character cannot end the comment or make the YAML invalid.
            out +=
                "                              #   excluded automatically: "
                + YAMLText.escaped("\(column.name) (\(column.type.rawValue): \(column.reason))")
                + "\n"
        }
        out += "  categorical: []             # columns to force categorical (one-hot)\n"
        for (path, comment) in settings {
            let parts = path.split(separator: ".")
            let indent = String(repeating: "  ", count: parts.count - 1)
            guard let value = comment == nil ? "" : SpecSchema.starterValue(at: path) else {
                continue
            }
            var line = indent + String(parts.last ?? "") + ":" + (value.isEmpty ? "" : " " + value)
            if let comment {
                line = line.padding(toLength: max(line.count + 1, 30), withPad: " ", startingAt: 0)
                line += "# " + comment.replacing("DETECTED", with: profile.task.rawValue)
            }
            out += line + "\n"
        }
        return out
    }

    /// The keys a starter spec lists, in order, with their comments (nil: a section heading):
    /// the keys of the table with a starter hint. Each value is the schema's: `auto` where a
    /// key takes it, else its default, so the file always validates.
    static var settings: [(path: String, comment: String?)] {
        var lines: [(path: String, comment: String?)] = []
        var section = "data"  // `render` writes the `data:` heading with path and target
        for key in SpecKey.all {
            guard let hint = key.starterHint else { continue }
            if key.section != section, !key.section.isEmpty { lines.append((key.section, nil)) }
            section = key.section
            lines.append((key.path, hint))
        }
        return lines
    }

    /// The path of `file` relative to `directory` (both made absolute; `..` where needed).
    public static func relativePath(of file: String, from directory: String) -> String {
        let target = absolute(file).split(separator: "/").map(String.init)
        let base = absolute(directory).split(separator: "/").map(String.init)
        var common = 0
        while common < min(target.count, base.count) && target[common] == base[common] {
            common += 1
        }
        let ups = Array(repeating: "..", count: base.count - common)
        let parts = ups + target[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// `path` made absolute and free of symlinks (kept as given when it cannot be resolved).
    public static func absolute(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let cwd = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return cwd + "/" + path
    }
}
