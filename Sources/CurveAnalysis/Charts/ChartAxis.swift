import Foundation
import Spec

/// One axis of a chart: its data range, scale and tick values.
public struct ChartAxis: Sendable, Equatable {
    /// Lower end of the axis (data units).
    public var lower: Double
    /// Upper end of the axis (data units).
    public var upper: Double
    /// Logarithmic (base 10) when true; then `lower` > 0.
    public var logarithmic: Bool
    /// Tick values, inside `lower...upper`.
    public var ticks: [Double]

    /// An axis covering `values` with "nice" ticks (1, 2, 5 x 10^k; decades when logarithmic).
    /// Non-finite values, and non-positive ones on a log axis, are ignored.
    /// - Parameters:
    ///   - values: the data.
    ///   - logarithmic: log10 scale. Default false.
    ///   - targetTicks: about how many ticks. Default 5.
    public init(covering values: [Double], logarithmic: Bool = false, targetTicks: Int = 5) {
        let usable = values.filter { $0.isFinite && (!logarithmic || $0 > 0) }
        var low = usable.min() ?? 0
        var high = usable.max() ?? 1
        self.logarithmic = logarithmic
        if logarithmic {
            if usable.isEmpty { (low, high) = (1, 10) }
            let lowDecade = floor(log10(low))
            var highDecade = ceil(log10(high))
            if highDecade <= lowDecade { highDecade = lowDecade + 1 }
            lower = pow(10, lowDecade)
            upper = pow(10, highDecade)
            let decades = Int(highDecade - lowDecade)
            let stride = max(1, Int((Double(decades) / Double(max(1, targetTicks))).rounded(.up)))
            ticks = Swift.stride(from: Int(lowDecade), through: Int(highDecade), by: stride).map {
                pow(10, Double($0))
            }
            return
        }
        if high - low < 1e-12 * max(1, abs(high)) {
            let pad = abs(high) > 0 ? abs(high) * 0.1 : 1
            (low, high) = (low - pad, high + pad)
        }
        let step = Self.niceStep((high - low) / Double(max(1, targetTicks)))
        lower = floor(low / step) * step
        upper = ceil(high / step) * step
        var tick = lower
        var ticks: [Double] = []
        while tick <= upper + step * 1e-9 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        self.ticks = ticks
    }

    /// 1, 2 or 5 times a power of ten, at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(rough)))
        let fraction = rough / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// Where `value` falls, 0 at `lower` and 1 at `upper` (outside 0...1 when out of range).
    public func fraction(_ value: Double) -> Double {
        if logarithmic {
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
        return (value - lower) / (upper - lower)
    }

    /// A tick's label: `1e-4` style for decades far from 1 on log axes, else up to 3 digits.
    public func label(_ value: Double) -> String {
        if logarithmic {
            let exponent = Int(log10(value).rounded())
            return (-2...3).contains(exponent) ? NumberText.significant(value) : "1e\(exponent)"
        }
        return NumberText.significant(value)
    }
}

/// Text escaped for XML (and HTML) content and attribute values; the run and study reports'.
public func xmlEscaped(_ text: String) -> String {
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

/// A coordinate with at most 2 decimals, for compact SVG; 0 for a non-finite one, so no `nan`
/// ever reaches an attribute.
public func svgNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let rounded = (value * 100).rounded() / 100
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}

/// A colour-blind-safe palette (Okabe and Ito), in series order.
public let chartPalette = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#7F7F7F", "#000000",
]

/// The opening of a chart's standalone SVG: size, font, accessible title and a white
/// background. The caller appends the content and `</svg>`.
public func svgDocumentStart(width: Double, height: Double, title: String) -> String {
    """
    <svg xmlns="http://www.w3.org/2000/svg" width="\(svgNumber(width))" \
    height="\(svgNumber(height))" viewBox="0 0 \(svgNumber(width)) \(svgNumber(height))" \
    font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="11" \
    role="img" aria-label="\(xmlEscaped(title))">
    <rect width="100%" height="100%" fill="#ffffff"/>

    """
}
