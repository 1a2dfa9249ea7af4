import Foundation

/// Why a column is encoded as it is: the rules that chose the encoding and their evidence
/// (`ENC-ONEHOT-MAX: 3 <= 16 levels`). One text for `layerwise profile`, the run record and
/// the report.
public struct EncodingReason: Sendable, Equatable {
    /// The rule IDs, in the order the text cites them.
    public var rules: [String]
    /// The rules with their evidence.
    public var text: String
}

extension FeatureEncoding {
    /// fastai's rule of thumb `round(1.6 * n^0.56)` for a table of `levels` rows, before
    /// ENC-EMBED-SIZE's caps (`embeddingDimension(levels:maximum:)`).
    public static func embeddingRuleOfThumb(levels: Int) -> Int {
        Int((1.6 * pow(Double(max(levels, 1)), 0.56)).rounded())
    }

    /// The rules behind this column's encoding with the thresholds of `policy`; nil for
    /// numbers and binary columns, which no rule chooses.
    public func reason(policy: CategoryPolicy) -> EncodingReason? {
        switch method {
        case .number, .binary:
            return nil
        case .oneHot(let levels, _):
            guard levels.count > policy.oneHotMaxLevels else {
                return EncodingReason(
                    rules: ["ENC-ONEHOT-MAX"],
                    text: "ENC-ONEHOT-MAX: \(levels.count) <= \(policy.oneHotMaxLevels) levels")
            }
            // Above the cap but kept one-hot: an embedding needs two levels with enough rows.
            return EncodingReason(
                rules: ["ENC-ONEHOT-MAX", "ENC-RARE-OTHER"],
                text: "ENC-ONEHOT-MAX: \(levels.count) > \(policy.oneHotMaxLevels) levels, "
                    + "but fewer than 2 have the ENC-RARE-OTHER minimum of "
                    + "\(policy.rareLevelMinimumCount) rows to embed")
        case .embedding(let levels, let rare, _, let dimension):
            let rows = embeddingLevels ?? levels.count + 1
            let minimum = policy.rareLevelMinimumCount
            let rareText =
                rare == 0
                ? "no level under \(minimum) training rows; 'other' takes unseen levels"
                : "\(rare) level\(rare == 1 ? "" : "s") under \(minimum) training rows "
                    + "-> 'other'"
            let maximum = policy.embeddingMaxDimension
            return EncodingReason(
                rules: ["ENC-ONEHOT-MAX", "ENC-RARE-OTHER", "ENC-EMBED-SIZE"],
                text: "ENC-ONEHOT-MAX: \(levels.count + rare) > \(policy.oneHotMaxLevels) "
                    + "levels; ENC-RARE-OTHER: \(rareText); ENC-EMBED-SIZE: d = min(round(1.6 * "
                    + "\(rows)^0.56), ceil(\(rows) / 2), \(maximum)) = "
                    + "min(\(Self.embeddingRuleOfThumb(levels: rows)), \((rows + 1) / 2), "
                    + "\(maximum)) = \(dimension)")
        case .dateParts(let encoding):
            let periodic = encoding.parts.contains { $0 != .year }
            return EncodingReason(
                rules: ["ENC-DATE-PARTS"],
                text: "ENC-DATE-PARTS: the parts that vary in the training split"
                    + (periodic ? "; periodic parts as sin/cos" : ""))
        case .equality(let first, let second):
            return EncodingReason(
                rules: ["ENC-NUMERIC-EQUAL"],
                text: "ENC-NUMERIC-EQUAL: 1 where '\(first)' equals '\(second)', 0 elsewhere")
        }
    }
}
