// Text for the study report: compact numbers and SVG text; escaping, coordinates and the SVG
// opening are the run report's (CurveAnalysis).

import CurveAnalysis
import Foundation
import TuneSearch

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

/// A parameter value as the report and `tune`'s output show it.
public func compactText(_ value: ParameterValue) -> String {
    switch value {
    case .real(let number): return compactNumber(number)
    case .integer(let number): return String(number)
    case .choice(let name): return name
    }
}

/// An SVG `<text>` element; `attributes` are written as given (already escaped).
func svgText(
    _ text: String, x: Double, y: Double, anchor: String = "start", attributes: String = ""
) -> String {
    let extra = attributes.isEmpty ? "" : " " + attributes
    return "<text x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" text-anchor=\"\(anchor)\"\(extra)>"
        + "\(xmlEscaped(text))</text>\n"
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
