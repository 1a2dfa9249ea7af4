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
                + escaped("\(column.name) (\(column.type.rawValue): \(column.reason))") + "\n"
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

    /// The keys a starter spec lists, in order, with their comments (nil: a section heading).
    /// Each value is the schema's: `auto` where a key takes it, else its default, so the file
    /// always validates.
    static let settings: [(path: String, comment: String?)] = [
        ("data.split", nil),
        ("data.split.validation", "share held out for validation"),
        ("data.split.test", "share held out for the final test"),
        ("data.split.stratify", "keep class shares equal (classification)"),
        ("task", "classification | regression (detected: DETECTED)"),
        ("model", nil),
        ("model.template", "a template name in Templates/ or a path"),
        ("model.hidden_layers", "an integer from 0 to \(SpecLimits.hiddenLayers) (rules DEPTH-*)"),
        ("model.neurons", "geometric | capacity | two-thirds | mean, or a list"),
        ("model.activation", "relu, leaky_relu, elu, selu, tanh, swish, gelu, ..."),
        ("model.batch_norm", "true | false"),
        ("model.dropout", "a rate in [0, 1)"),
        ("training", nil),
        ("training.optimizer", "adam, sgd, ... (rule OPT-DEFAULT)"),
        ("training.learning_rate", "a number, or auto: range test (LR-RANGE-TEST)"),
        ("training.batch_size", "rows per batch (rules BATCH-*)"),
        ("training.epochs", "upper bound; early stopping ends sooner"),
        ("training.early_stopping", "false, or {\(earlyStoppingDefaults)} (EARLY-STOP)"),
        ("training.schedule", "constant | step | exponential | cosine | plateau | one_cycle"),
        ("training.shuffle", "shuffle every epoch (SHUFFLE-ALWAYS)"),
        ("training.seed", "an integer: same spec and seed, same model"),
    ]

    /// `patience: 10, min_delta: 0.0001, restore_best: true`: the schema's defaults.
    private static var earlyStoppingDefaults: String {
        ["patience", "min_delta", "restore_best"].map { key in
            "\(key): " + (SpecSchema.starterValue(at: "training.early_stopping." + key) ?? "?")
        }.joined(separator: ", ")
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
