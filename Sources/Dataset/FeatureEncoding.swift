import Foundation
import Spec

/// How one input column becomes encoded input columns, with statistics from the training split.
public struct FeatureEncoding: Sendable, Equatable, Codable {
    /// How the values are turned into numbers.
    public enum Method: Sendable, Equatable, Codable {
        /// Missing filled with the training median, then `(x - mean) / standardDeviation`
        /// (mean and deviation of the filled training values); with `edges` (rule
        /// ENC-NUMERIC-PLE), the piecewise-linear encoding of the filled value follows, one
        /// column per bin: `clip((x - edges[t]) / (edges[t + 1] - edges[t]), 0, 1)` (Gorishniy
        /// et al. 2022, "On embeddings for numerical features in tabular deep learning"); a 0/1
        /// missing indicator comes last when the training split had missing values.
        /// `edges` is nil (absent in model files saved before it) for a plain number.
        case number(
            median: Float, mean: Double, standardDeviation: Double, missingIndicator: Bool,
            edges: [Float]? = nil)
        /// 1 when the value is `levels[1]`, 0 otherwise (also unseen values, with a warning);
        /// a missing indicator follows when the training split had missing values.
        case binary(levels: [String], missingIndicator: Bool)
        /// One column per training level (sorted), plus a `(missing)` column when the training
        /// split had missing values; an unseen value gives all zeros, with a warning.
        case oneHot(levels: [String], missingLevel: Bool)
        /// One column holding the level's code (an integer as a Float), looked up in a learned
        /// embedding of `dimension` columns (rules ENC-ONEHOT-MAX, ENC-EMBED-SIZE): code `k`
        /// for `levels[k]` (sorted, each seen on at least the ENC-RARE-OTHER minimum of
        /// training rows), `levels.count` for the "other" level (the `rareLevels` training
        /// levels below the minimum, and at predict time levels unseen in training, with a
        /// warning), `levels.count + 1` for missing values when the training split had any.
        case embedding(levels: [String], rareLevels: Int, missingLevel: Bool, dimension: Int)
        /// A date or datetime column as numeric parts (rule ENC-DATE-PARTS): the year
        /// standardised like a number, the periodic parts as sine/cosine pairs; a missing value
        /// (or a text that is not a date) takes the training median instant, with a missing
        /// indicator when the training split had missing values.
        case dateParts(DatePartsEncoding)
        /// Rule ENC-NUMERIC-EQUAL: 1 on a row where the number columns `first` and `second`
        /// hold the same value, 0 otherwise (also when either is missing). The feature's name
        /// is `first == second`; both columns are inputs of their own.
        case equality(first: String, second: String)
    }

    /// The source column's name (for an equality indicator, `first == second`).
    public var name: String
    /// The method and its fitted statistics.
    public var method: Method

    /// The names of the encoded columns this feature produces (`bill_mm`, `bill_mm (missing)`,
    /// `island=Dream`, ...).
    public var encodedNames: [String] {
        switch method {
        case .number(_, _, _, let indicator, let edges):
            let bins = PiecewiseLinearBins.names(name, edges: edges ?? [])
            return [name] + bins + (indicator ? ["\(name) (missing)"] : [])
        case .binary(let levels, let indicator):
            let main = levels.count == 2 ? "\(name)=\(levels[1])" : name
            return indicator ? [main, "\(name) (missing)"] : [main]
        case .oneHot(let levels, let missingLevel):
            return levels.map { "\(name)=\($0)" } + (missingLevel ? ["\(name) (missing)"] : [])
        case .embedding:
            // One column: the code (the embedding's outputs are the network's, not the data's).
            return [name]
        case .dateParts(let encoding):
            return encoding.parts.flatMap { part in
                part == .year ? ["\(name).year"] : ["\(name).\(part)_sin", "\(name).\(part)_cos"]
            } + (encoding.missingIndicator ? ["\(name) (missing)"] : [])
        case .equality:
            return [name]
        }
    }

    /// The columns of a data file this feature reads: its own, or an equality indicator's two.
    public var sourceColumns: [String] {
        if case .equality(let first, let second) = method { return [first, second] }
        return [name]
    }

    /// Whether this is an ENC-NUMERIC-EQUAL indicator (derived from two other inputs, not a
    /// column of the file).
    public var isEquality: Bool {
        if case .equality = method { return true }
        return false
    }

    /// The indicator of `first == second` (ENC-NUMERIC-EQUAL).
    public static func equality(_ first: String, _ second: String) -> FeatureEncoding {
        FeatureEncoding(
            name: "\(first) == \(second)", method: .equality(first: first, second: second))
    }

    /// Columns the network's first layer sees from this feature: the embedding's dimension for
    /// an embedded column, else `width`. Their sum is `Ni` for the sizing rules.
    public var networkWidth: Int {
        if case .embedding(_, _, _, let dimension) = method { return dimension }
        return width
    }

    /// Rows of an embedded column's table: its levels, the "other" level and, when the
    /// training split had missing values, the missing level; nil for other methods.
    public var embeddingLevels: Int? {
        guard case .embedding(let levels, _, let missingLevel, _) = method else { return nil }
        return levels.count + 1 + (missingLevel ? 1 : 0)
    }

    /// Rule ENC-EMBED-SIZE: the embedding dimension of a column with `levels` table rows,
    /// fastai's `min(600, round(1.6 * n^0.56))` (fastai `emb_sz_rule`; Howard & Gugger 2020,
    /// "Fastai: a layered API for deep learning"), capped at `maximum` and at half the levels
    /// (rounded up) so that a table never has more columns than it has rows to tell apart.
    /// - Parameters:
    ///   - levels: rows of the table, >= 1.
    ///   - maximum: the largest dimension (`advisor.embedding_max_dimension`, default 600).
    public static func embeddingDimension(levels: Int, maximum: Int = 600) -> Int {
        let half = (levels + 1) / 2
        return max(1, min(embeddingRuleOfThumb(levels: levels), maximum, half))
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
    /// `(ln y - mean) / standardDeviation` for training (ENC-TARGET-LOG); `mapBack` is
    /// `exp(...)` times `smearing`, Duan's (1983) factor `mean(exp(residual))` over the
    /// non-test rows once trained (1 before), so predictions estimate the mean, not the median.
    case logRegression(name: String, mean: Double, standardDeviation: Double, smearing: Double)

    /// The target column's name.
    public var name: String {
        switch self {
        case .classes(let name, _), .regression(let name, _, _),
            .logRegression(let name, _, _, _):
            return name
        }
    }

    /// The number of network outputs (`No`): one per class (one for two classes: a sigmoid),
    /// one for regression. Rules ACT-OUTPUT-BINARY / ACT-OUTPUT-MULTICLASS.
    public var outputWidth: Int {
        switch self {
        case .classes(_, let labels): return labels.count == 2 ? 1 : labels.count
        case .regression, .logRegression: return 1
        }
    }

    /// The encoding as the data gives it before training: a log target's smearing factor,
    /// fitted once the model is trained, back at 1; the others unchanged.
    public var beforeTraining: TargetEncoding {
        if case .logRegression(let name, let mean, let deviation, _) = self {
            return .logRegression(
                name: name, mean: mean, standardDeviation: deviation, smearing: 1)
        }
        return self
    }

    /// Whether the target is trained on its log (ENC-TARGET-LOG).
    public var isLog: Bool {
        if case .logRegression = self { return true }
        return false
    }

    /// Whether the target is a number (regression, transformed or not).
    public var isRegression: Bool {
        if case .classes = self { return false }
        return true
    }

    /// A network's standardised output back in the target's units: a prediction (for a log
    /// target, times the smearing factor). Identity for classes.
    public func mapBack(_ value: Float) -> Float {
        switch self {
        case .classes: return value
        case .regression(_, let mean, let deviation): return Float(Double(value) * deviation + mean)
        case .logRegression(_, let mean, let deviation, let smearing):
            return Float(Foundation.exp(Double(value) * deviation + mean) * smearing)
        }
    }

    /// An encoded target value back in the target's units: the value itself, as read (no
    /// smearing). Identity for classes.
    public func actual(_ encoded: Float) -> Float {
        switch self {
        case .classes: return encoded
        case .regression: return mapBack(encoded)
        case .logRegression(_, let mean, let deviation, _):
            return Float(Foundation.exp(Double(encoded) * deviation + mean))
        }
    }
}
