/// Writes values as YAML scalars that every YAML reader types the same way.
///
/// The spec loader reads the generated config back, so a value must come back as exactly what was
/// written: a `Double` as the same `Double`, a label as a string (never `null`, a bool or a
/// number). Floats always carry a `.` in the mantissa and a signed exponent, which both the YAML
/// 1.2 core schema and YAML 1.1 readers (PyYAML) resolve as floats; strings are left plain only
/// when neither schema could read them as anything else.
public enum YAMLText {
    /// A float in Swift's shortest round-trip form, shaped so YAML reads it as a float:
    /// `0.001`, `3.0`, `1.0e-4`, `1.5e+20`, `.inf`, `-.inf`, `.nan`.
    public static func float(_ value: Double) -> String {
        if value.isNaN { return ".nan" }
        if value.isInfinite { return value < 0 ? "-.inf" : ".inf" }
        let text = value.description  // shortest representation that round-trips
        guard let exponentIndex = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else {
            return text.contains(".") ? text : text + ".0"
        }
        var mantissa = String(text[..<exponentIndex])
        var exponent = String(text[text.index(after: exponentIndex)...])
        if !mantissa.contains(".") { mantissa += ".0" }
        var sign = "+"
        if exponent.hasPrefix("-") || exponent.hasPrefix("+") {
            sign = String(exponent.removeFirst())
        }
        while exponent.count > 1, exponent.hasPrefix("0") { exponent.removeFirst() }
        return "\(mantissa)e\(sign)\(exponent)"
    }

    /// An integer in decimal.
    public static func integer<T: BinaryInteger>(_ value: T) -> String { String(value) }

    /// `true` or `false`.
    public static func bool(_ value: Bool) -> String { value ? "true" : "false" }

    /// A string: plain when no YAML reader could mistake it, double-quoted otherwise.
    public static func string(_ value: String) -> String {
        isSafePlain(value) ? value : doubleQuoted(value)
    }

    /// A flow sequence of strings: `[a, "null", "?"]`.
    public static func stringList(_ values: [String]) -> String {
        "[" + values.map(string).joined(separator: ", ") + "]"
    }

    /// Words that YAML 1.1 or 1.2 reads as null or bool in some spelling, and `auto`, which a
    /// spec reads as "let the advisor decide" where a key takes it.
    public static let reservedWords: Set<String> = [
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", "auto",
    ]

    /// Whether `value` can be written without quotes in block and flow context and read back as
    /// the same string by YAML 1.1 and 1.2 readers.
    public static func isSafePlain(_ value: String) -> Bool {
        guard let first = value.first else { return false }
        if reservedWords.contains(value.lowercased()) { return false }
        // Anything starting like a number (`1e3`, `.5`, `+1`, `-.inf`, `0x1F`) is quoted; a
        // relative path (`../data`, `./x`) is not a number.
        let relativePath = value.hasPrefix("../") || value.hasPrefix("./")
        guard first.isASCII, first.isLetter || first == "_" || first == "/" || relativePath
        else { return false }
        guard value.last != " " else { return false }
        var previousWasSpace = false
        for character in value {
            let allowed =
                (character.isASCII && (character.isLetter || character.isNumber))
                || "_./-+()".contains(character) || character == " "
            if !allowed { return false }
            // One space between words is plain (`sepal length`); two in a row are quoted.
            if character == " " && previousWasSpace { return false }
            previousWasSpace = character == " "
        }
        return true
    }

    /// A YAML double-quoted string: `"` + ``escaped(_:)`` + `"`.
    public static func doubleQuoted(_ value: String) -> String { "\"" + escaped(value) + "\"" }

    /// `value` with the escapes of a YAML double-quoted scalar: `\\`, `\"`, and every
    /// character YAML does not allow as it is (control characters, U+FEFF, U+FFFE, U+FFFF) or
    /// reads as a line break (LF, CR, NEL, U+2028, U+2029). Safe inside a `#` comment too.
    public static func escaped(_ value: String) -> String {
        var result = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                let code = scalar.value
                if code < 0x20 || code == 0x7F || (0x80...0x9F).contains(code) || code == 0x2028
                    || code == 0x2029 || code == 0xFEFF || code == 0xFFFE || code == 0xFFFF
                {
                    let hex = String(code, radix: 16, uppercase: true)
                    result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
