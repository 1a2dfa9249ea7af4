import Foundation

/// Durations as specs and the command line write them: a number and a unit (`90s`, `10m`,
/// `1.5h`).
public enum SpecDuration {
    /// The JSON Schema pattern of a duration.
    public static let pattern = "^[0-9]+(\\.[0-9]+)?[smh]$"

    /// The seconds `text` means; nil when it is not a duration.
    public static func seconds(_ text: String) -> Double? {
        guard let unit = text.last, let scale = ["s": 1.0, "m": 60, "h": 3600][String(unit)]
        else { return nil }
        let number = text.dropLast()
        guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }),
            number.first != ".", number.last != ".", number.filter({ $0 == "." }).count <= 1,
            let value = Double(number), value.isFinite
        else { return nil }
        return value * scale
    }

    /// `seconds` written back (`600` -> `10m`, `90` -> `90s`).
    public static func text(_ seconds: Double) -> String {
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 {
            return "\(Int(seconds / 3600))h"
        }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 {
            return "\(Int(seconds / 60))m"
        }
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
