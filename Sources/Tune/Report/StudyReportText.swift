// Text for the study report: escaping, compact numbers, and SVG building blocks. CurveAnalysis
// keeps its own as internal helpers of the run report; these are the study report's.

import Foundation
import TuneSearch

/// Text escaped for HTML/XML content and attribute values.
func htmlEscaped(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&#39;"
        default: escaped.append(character)
        }
    }
    return escaped
}

/// A number as the study report shows it: whole numbers as integers, 4 significant digits
/// from 0.001 up (`0.0085`, `12.35`), `1.5e-4` style below, `—` for a non-finite value (a
/// diverged trial's value is reported as missing rather than printed as `nan`).
func compactNumber(_ value: Double) -> String {
    guard value.isFinite else { return "—" }
    let magnitude = abs(value)
    if value == value.rounded() && magnitude < 1e6 { return String(Int(value)) }
    if magnitude >= 1e4 && magnitude < 1e6 { return String(Int(value.rounded())) }
    if magnitude >= 1e-3 && magnitude < 1e4 { return String(format: "%.4g", value) }
    let exponent = Int(floor(log10(magnitude)))
    let mantissa = value / pow(10, Double(exponent))
    var mantissaText = String(format: "%.3g", mantissa)
    // Rounding can carry the mantissa to 10 (9.9996e-5 is 1e-4).
    var shown = exponent
    if abs(Double(mantissaText) ?? 0) >= 10 {
        shown += 1
        mantissaText = String(format: "%.3g", mantissa / 10)
    }
    return "\(mantissaText)e\(shown)"
}

/// A parameter value as the report shows it.
func compactText(_ value: ParameterValue) -> String {
    switch value {
    case .real(let number): return compactNumber(number)
    case .integer(let number): return String(number)
    case .choice(let name): return name
    }
}

/// A coordinate with at most 2 decimals, for compact SVG; 0 for a non-finite one, so no
/// `nan` ever reaches an attribute.
func svgNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded() && abs(rounded) < 1e9 { return String(Int(rounded)) }
    return String(rounded)
}

/// The opening of a standalone SVG chart: size, font, accessible title and a white
/// background. The caller appends the content and `</svg>`.
func svgStart(width: Double, height: Double, title: String) -> String {
    """
    <svg xmlns="http://www.w3.org/2000/svg" width="\(svgNumber(width))" \
    height="\(svgNumber(height))" viewBox="0 0 \(svgNumber(width)) \(svgNumber(height))" \
    font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="11" \
    role="img" aria-label="\(htmlEscaped(title))">
    <rect width="100%" height="100%" fill="#ffffff"/>

    """
}

/// An SVG `<text>` element; `attributes` are written as given (already escaped).
func svgText(
    _ text: String, x: Double, y: Double, anchor: String = "start", attributes: String = ""
) -> String {
    let extra = attributes.isEmpty ? "" : " " + attributes
    return "<text x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" text-anchor=\"\(anchor)\"\(extra)>"
        + "\(htmlEscaped(text))</text>\n"
}

/// An SVG `<line>` element.
func svgLine(
    _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
    attributes: String = ""
) -> String {
    let extra = attributes.isEmpty ? "" : " " + attributes
    return "<line x1=\"\(svgNumber(x1))\" y1=\"\(svgNumber(y1))\" x2=\"\(svgNumber(x2))\" "
        + "y2=\"\(svgNumber(y2))\" stroke=\"\(stroke)\"\(extra)/>\n"
}
