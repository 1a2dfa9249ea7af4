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
        let excluded = profile.columns.filter { $0.role == "excluded" }
        var out = """
            # Layerwise spec written by `layerwise init`.
            # \(profile.rows) rows; Ni = \(profile.inputs) inputs after encoding, \
            No = \(profile.outputs) outputs; detected task: \(profile.task).
            # Every `auto` is decided by the advisor; replace it to fix a choice.
            name: \(yamlScalar(name))
            data:
              path: \(yamlScalar(dataPath))
              target: \(yamlScalar(profile.target))
              ignore: []                  # columns to drop

            """
        for column in excluded {
            // Names and reasons (which may quote a value) come from the file: escaped, so a
            // line break or control character cannot end the comment or make the YAML invalid.
            out +=
                "                              #   excluded automatically: "
                + escaped("\(column.name) (\(column.type): \(column.reason))") + "\n"
        }
        out += """
              categorical: []             # columns to force categorical (one-hot)
              split:
                validation: auto          # share held out for validation (0.15)
                test: auto                # share held out for the final test (0.15)
                stratify: auto            # keep class shares equal (classification)
            task: auto                    # classification | regression (detected: \(profile.task))
            model:
              template: auto              # a template name in Templates/ or a path
              hidden_layers: auto         # an integer >= 0 (rules DEPTH-*)
              neurons: auto               # geometric | capacity | two-thirds | mean, or a list
              activation: auto            # relu, leaky_relu, elu, selu, tanh, swish, gelu, ...
              batch_norm: auto            # true | false
              dropout: auto               # a rate in [0, 1)
            training:
              optimizer: auto             # adam, sgd, ... (rule OPT-DEFAULT)
              learning_rate: auto         # a number, or auto: range test (LR-RANGE-TEST)
              batch_size: auto            # rows per batch (rules BATCH-*)
              epochs: auto                # upper bound; early stopping ends sooner
              early_stopping:
                patience: auto            # epochs without improvement before stopping
                min_delta: auto           # smallest improvement that counts
                restore_best: auto        # keep the best epoch's weights
              schedule: auto              # constant | step | exponential | cosine | plateau | one_cycle
              shuffle: auto               # shuffle every epoch (SHUFFLE-ALWAYS)
              seed: auto                  # an integer: same spec and seed, same model

            """
        return out
    }

    /// A YAML plain scalar, or a double-quoted one when plain would be misread.
    static func yamlScalar(_ text: String) -> String {
        let reserved: Set<String> = [
            "", "auto", "true", "false", "null", "~", "yes", "no", "on", "off", ".inf", "-.inf",
            "+.inf", ".nan",
        ]
        let plainSafe = text.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic || $0.properties.numericType != nil
                || "._/-".unicodeScalars.contains($0))
        }
        if plainSafe && !reserved.contains(text.lowercased()) && parseDecimal(text) == nil
            && text.first != "-"
        {
            return text
        }
        return "\"\(escaped(text))\""
    }

    /// `text` with the escapes of a YAML double-quoted scalar: `"` and `\`, and every
    /// character YAML does not allow as it is (control characters, U+FFFE and U+FFFF) or reads
    /// as a line break (LF, CR, NEL, U+2028, U+2029). Fine in a comment too.
    static func escaped(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            case "\r": escaped += "\\r"
            case "\u{20}"..."\u{7E}", "\u{A0}"..."\u{2027}", "\u{202A}"..."\u{FFFD}",
                "\u{10000}"...:
                escaped.unicodeScalars.append(scalar)
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                let (prefix, width) = scalar.value <= 0xFF ? ("x", 2) : ("u", 4)
                escaped += "\\" + prefix + String(repeating: "0", count: width - hex.count) + hex
            }
        }
        return escaped
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
    static func absolute(_ path: String) -> String {
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

    /// Writes `contents` to `path` atomically: a temporary file in the same directory, flushed,
    /// then renamed over the destination, so readers never see a partial file.
    /// - Parameters:
    ///   - overwrite: replace an existing file (default `false`: an existing file is an error).
    /// - Throws: `SpecWriteError` naming the path and the reason.
    public static func write(_ contents: String, to path: String, overwrite: Bool = false) throws {
        if !overwrite && access(path, F_OK) == 0 {
            throw SpecWriteError(
                path: path, message: "the file already exists",
                hint: "pass --force to replace it, or choose another path with -o")
        }
        var directory = "."
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        }
        var template = Array((directory + "/.layerwise-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw SpecWriteError(
                path: path,
                message: "cannot create a file in '\(directory)': "
                    + String(cString: strerror(errno)),
                hint: "check that the directory exists and is writable")
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let bytes = Array(contents.utf8)
        let total = bytes.count
        var written = 0
        while written < total {
            let count = bytes.withUnsafeBytes {
                Glibc.write(descriptor, $0.baseAddress! + written, total - written)
            }
            if count <= 0 {
                close(descriptor)
                unlink(temporary)
                throw SpecWriteError(
                    path: path, message: "cannot write: " + String(cString: strerror(errno)),
                    hint: "check the free space and permissions")
            }
            written += count
        }
        fchmod(descriptor, 0o644)
        fsync(descriptor)
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SpecWriteError(
                path: path, message: "cannot move the new file into place: \(reason)",
                hint: "check that the path is a writable file location")
        }
    }
}

/// Writing a spec failed.
public struct SpecWriteError: Error, CustomStringConvertible, Sendable {
    /// The destination.
    public var path: String
    /// What went wrong.
    public var message: String
    /// The fix.
    public var hint: String

    /// `path: error: message` and the hint.
    public var description: String { "\(path): error: \(message)\n  hint: \(hint)" }
}
