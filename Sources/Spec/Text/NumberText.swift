import Foundation

/// How Layerwise writes numbers for people, in one place: one style per kind of text, so the
/// same kind of number reads the same in every message, report and table.
public enum NumberText {
    /// As a spec writes it: `1`, `0.5`, `1.0e-4`, `.inf` (messages that quote spec values,
    /// bounds, defaults).
    public static func spec(_ value: Double) -> String {
        if value.isInfinite { return value < 0 ? "-.inf" : ".inf" }
        if value.isNaN { return ".nan" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return value.description.replacing("e-0", with: "e-")
    }

    /// A rule's evidence in the advisor's reasons: whole numbers as integers, two decimals
    /// from 1 up (`3.46`), three below (`0.999`), `2.5e-4` below 0.01.
    public static func evidence(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        let magnitude = abs(value)
        if magnitude < 0.01 {
            let exponent = Int(floor(log10(magnitude)))
            var mantissa = value / pow(10, Double(exponent))
            mantissa = (mantissa * 100).rounded() / 100
            let mantissaText =
                mantissa == mantissa.rounded() ? String(Int(mantissa)) : trimmed(mantissa)
            return "\(mantissaText)e\(exponent)"
        }
        return trimmed(value)
    }

    /// Up to 3 significant digits, exponent form for very small or large (`0.0123`,
    /// `1.50e-05`): the diagnostics' findings and charts.
    public static func significant(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded() && abs(value) < 1e6 { return String(Int(value)) }
        let magnitude = abs(value)
        if magnitude >= 1e-3 && magnitude < 1e6 {
            // `%.3g` writes 1,000 and above with an exponent: round to 3 significant digits
            // instead (166810.05 is `167000`, not `166810.0537`).
            guard magnitude >= 999.5 else { return String(format: "%.3g", value) }
            var scale = 1.0
            while magnitude / scale >= 1000 { scale *= 10 }
            return String(Int((value / scale).rounded() * scale))
        }
        return String(format: "%.2e", value)
    }

    /// `value` with `digits` decimals (no Foundation); beyond 1e15 (after scaling), where the
    /// integer digits are no longer exact and would overflow `Int` (a validation R² of -1e20 on
    /// extreme data), Swift's shortest form (`-1e+20`).
    public static func fixed(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard value.isFinite, scaled < 1e15 else { return "\(value)" }
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        var text = (value < 0 && scaled > 0 ? "-" : "") + String(whole)
        if digits > 0 {
            let digitsText = String(fraction)
            text += "." + String(repeating: "0", count: digits - digitsText.count) + digitsText
        }
        return text
    }

    /// A number as users write it, for a category label or a value quoted from a file:
    /// integers without a fraction (`3`), others in the shortest form that reads back to the
    /// same `Float` (`0.1`).
    public static func shortest(_ value: Float) -> String {
        if value == value.rounded() && abs(value) < 1e9 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Bytes as `512 B`, `12.3 KiB`, `4 MiB`, `2.5 GiB`.
    public static func bytes(_ bytes: Double) -> String {
        if bytes < 1024 { return "\(evidence(bytes)) B" }
        if bytes < 1_048_576 { return "\(evidence((bytes / 1024 * 10).rounded() / 10)) KiB" }
        if bytes < 1_073_741_824 {
            return "\(evidence((bytes / 1_048_576 * 10).rounded() / 10)) MiB"
        }
        return "\(evidence((bytes / 1_073_741_824 * 10).rounded() / 10)) GiB"
    }

    // Two decimals from 1 up ("3.46"), three below ("0.999").
    private static func trimmed(_ value: Double) -> String {
        var text = String(format: abs(value) < 1 ? "%.3f" : "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
