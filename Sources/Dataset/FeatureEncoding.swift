import Spec

/// How one input column becomes encoded input columns, with statistics from the training split.
public struct FeatureEncoding: Sendable, Equatable, Codable {
    /// How the values are turned into numbers.
    public enum Method: Sendable, Equatable, Codable {
        /// Missing filled with the training median, then `(x - mean) / standardDeviation`
        /// (mean and deviation of the filled training values); a 0/1 missing indicator follows
        /// when the training split had missing values.
        case number(
            median: Float, mean: Double, standardDeviation: Double, missingIndicator: Bool)
        /// 1 when the value is `levels[1]`, 0 otherwise (also unseen values, with a warning);
        /// a missing indicator follows when the training split had missing values.
        case binary(levels: [String], missingIndicator: Bool)
        /// One column per training level (sorted), plus a `(missing)` column when the training
        /// split had missing values; an unseen value gives all zeros, with a warning.
        case oneHot(levels: [String], missingLevel: Bool)
        /// A date or datetime column as numeric parts (rule ENC-DATE-PARTS): the year
        /// standardised like a number, the periodic parts as sine/cosine pairs; a missing value
        /// (or a text that is not a date) takes the training median instant, with a missing
        /// indicator when the training split had missing values.
        case dateParts(DatePartsEncoding)
    }

    /// The source column's name.
    public var name: String
    /// The method and its fitted statistics.
    public var method: Method

    /// The names of the encoded columns this feature produces (`bill_mm`, `bill_mm (missing)`,
    /// `island=Dream`, ...).
    public var encodedNames: [String] {
        switch method {
        case .number(_, _, _, let indicator), .binary(_, let indicator):
            let main: String
            if case .binary(let levels, _) = method, levels.count == 2 {
                main = "\(name)=\(levels[1])"
            } else {
                main = name
            }
            return indicator ? [main, "\(name) (missing)"] : [main]
        case .oneHot(let levels, let missingLevel):
            return levels.map { "\(name)=\($0)" } + (missingLevel ? ["\(name) (missing)"] : [])
        case .dateParts(let encoding):
            return encoding.parts.flatMap { part in
                part == .year ? ["\(name).year"] : ["\(name).\(part)_sin", "\(name).\(part)_cos"]
            } + (encoding.missingIndicator ? ["\(name) (missing)"] : [])
        }
    }

    /// How many encoded columns this feature produces.
    public var width: Int {
        if case .dateParts(let encoding) = method { return encoding.width }
        return encodedNames.count
    }
}

/// How the target becomes training labels.
public enum TargetEncoding: Sendable, Equatable, Codable {
    /// Class index = position in `labels` (sorted: numerically for numbers, else by text).
    case classes(name: String, labels: [String])
    /// `(y - mean) / standardDeviation` for training; `mapBack` restores the units.
    case regression(name: String, mean: Double, standardDeviation: Double)

    /// The target column's name.
    public var name: String {
        switch self {
        case .classes(let name, _), .regression(let name, _, _): return name
        }
    }

    /// The number of network outputs (`No`): one per class (one for two classes: a sigmoid),
    /// one for regression. Rules ACT-OUTPUT-BINARY / ACT-OUTPUT-MULTICLASS.
    public var outputWidth: Int {
        switch self {
        case .classes(_, let labels): return labels.count == 2 ? 1 : labels.count
        case .regression: return 1
        }
    }

    /// A standardised regression value back in the target's units (identity for classes).
    public func mapBack(_ value: Float) -> Float {
        guard case .regression(_, let mean, let deviation) = self else { return value }
        return Float(Double(value) * deviation + mean)
    }
}
