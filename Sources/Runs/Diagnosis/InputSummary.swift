import CurveAnalysis
import Dataset
import Foundation
import Spec

/// One input column as a run encoded it (fitted on the training split), with the rules that
/// chose the encoding: `record.json`'s `inputs`, and the rows of the report's Inputs section.
/// Plain numbers and names, so the report and scripts read it without the data or the model.
public struct InputSummary: Codable, Sendable, Equatable {
    /// How the column becomes network inputs.
    public enum Method: String, Codable, Sendable {
        /// Missing values filled with the training median, then `(x - mean) / sd`.
        case number
        /// 1 for the second level, 0 for the first.
        case binary
        /// One input per training level (ENC-ONEHOT-MAX).
        case oneHot = "one-hot"
        /// A learned table looked up by the level's code (ENC-ONEHOT-MAX, ENC-RARE-OTHER,
        /// ENC-EMBED-SIZE).
        case embedding
        /// A date's parts: the year standardised, periodic parts as sine/cosine pairs
        /// (ENC-DATE-PARTS).
        case dateParts = "date-parts"
        /// 1 where two number columns are equal on the row (ENC-NUMERIC-EQUAL).
        case equality
    }

    /// The column's name in the data file (an equality indicator: `a == b`).
    public var column: String
    /// How it is encoded.
    public var method: Method
    /// Inputs the network's first layer sees from it (an embedded column: the dimension).
    public var inputs: Int
    /// Whether the training split had missing values: a missing indicator input (number,
    /// binary, date), a `(missing)` column (one-hot) or a missing level (embedding).
    public var missing: Bool
    /// A number's training mean (after filling missing values).
    public var mean: Double?
    /// A number's training standard deviation (1 when it does not vary).
    public var standardDeviation: Double?
    /// The training median a missing number is filled with.
    public var median: Double?
    /// A number's piecewise-linear bin edges (ENC-NUMERIC-PLE), when it has bins.
    public var binEdges: [Float]?
    /// The levels of a binary column (the second one encodes as 1) or of a one-hot column.
    public var levelNames: [String]?
    /// Training levels: a one-hot or binary column's; an embedded column's levels with a table
    /// row of their own.
    public var levels: Int?
    /// An embedded column's training levels on fewer rows than ENC-RARE-OTHER's minimum,
    /// merged into the "other" level.
    public var rareLevels: Int?
    /// An embedded column's table rows: its levels, "other", and missing when training had any.
    public var tableRows: Int?
    /// An embedded column's dimension (ENC-EMBED-SIZE).
    public var dimension: Int?
    /// The table's trained parameters (rows x dimension).
    public var tableParameters: Int?
    /// A date column's parts (`year`, `month`, `day`, `weekday`, `hour`), in input order.
    public var parts: [String]?
    /// The parts encoded as sine/cosine pairs (all but the year).
    public var cyclicalParts: [String]?
    /// The training mean of a date column's fractional years (the year input).
    public var yearMean: Double?
    /// Their standard deviation.
    public var yearStandardDeviation: Double?
    /// An equality indicator's two columns.
    public var equalColumns: [String]?
    /// The rule IDs that chose the encoding (`ENC-ONEHOT-MAX`, `ENC-EMBED-SIZE`, ...); empty
    /// for numbers and binary columns.
    public var rules: [String]
    /// The rules with their evidence (`ENC-ONEHOT-MAX: 3 <= 16 levels`).
    public var reason: String

    /// The summary of every input column of `encoding`, in input order.
    /// - Parameters:
    ///   - encoding: the fitted encoding (the run's data, its model file or checkpoint).
    ///   - policy: the thresholds the categories were encoded with (the config's `advisor:`).
    public static func of(_ encoding: DataEncoding, policy: CategoryPolicy) -> [InputSummary] {
        encoding.features.map { InputSummary($0, policy: policy) }
    }

    /// The summary of one column.
    init(_ feature: FeatureEncoding, policy: CategoryPolicy) {
        column = feature.name
        inputs = feature.networkWidth
        rules = []
        reason = ""
        switch feature.method {
        case .number(let median, let mean, let deviation, let indicator, let edges):
            method = .number
            missing = indicator
            self.mean = mean
            standardDeviation = deviation
            self.median = Double(median)
            binEdges = edges
        case .binary(let levels, let indicator):
            method = .binary
            missing = indicator
            levelNames = levels
            self.levels = levels.count
        case .oneHot(let levels, let missingLevel):
            method = .oneHot
            missing = missingLevel
            levelNames = levels
            self.levels = levels.count
        case .embedding(let levels, let rare, let missingLevel, let dimension):
            method = .embedding
            missing = missingLevel
            self.levels = levels.count
            rareLevels = rare
            let rows = feature.embeddingLevels ?? levels.count + 1
            tableRows = rows
            self.dimension = dimension
            tableParameters = rows * dimension
        case .dateParts(let encoding):
            method = .dateParts
            missing = encoding.missingIndicator
            parts = encoding.parts.map(\.rawValue)
            let cyclical = encoding.parts.filter { $0 != .year }
            cyclicalParts = cyclical.map(\.rawValue)
            if encoding.parts.contains(.year) {
                yearMean = encoding.yearMean
                yearStandardDeviation = encoding.yearStandardDeviation
            }
        case .equality(let first, let second):
            method = .equality
            missing = false
            equalColumns = [first, second]
        }
        if let reason = feature.reason(policy: policy) {
            rules = reason.rules
            self.reason = reason.text
        }
    }

    /// The report's row: the encoding named, its statistics, levels or parts as text.
    var reportRow: RunReport.InputRow {
        var encoding: String
        var detail: [String] = []
        switch method {
        case .number:
            encoding = "standardised"
            detail.append(
                "mean \(NumberText.evidence(mean ?? 0)), sd "
                    + NumberText.evidence(standardDeviation ?? 1))
            if let edges = binEdges, edges.count >= 2 {
                encoding = "standardised + \(edges.count - 1) bins"
                detail.append(
                    "piecewise-linear bins at "
                        + edges.map { NumberText.evidence(Double($0)) }.joined(separator: ", ")
                        + " (ENC-NUMERIC-PLE)")
            }
            if missing {
                detail.append(
                    "missing -> training median \(NumberText.evidence(median ?? 0)), with a "
                        + "missing indicator")
            }
        case .binary:
            encoding = "binary"
            let names = levelNames ?? []
            if names.count == 2 {
                detail.append("1 for '\(names[1])', 0 for '\(names[0])'")
            } else {
                detail.append("one level: " + names.map { "'\($0)'" }.joined(separator: ", "))
            }
            if missing { detail.append("with a missing indicator") }
        case .oneHot:
            encoding = "one-hot"
            let names = levelNames ?? []
            let shown = names.prefix(Self.levelsShown).map { "'\($0)'" }
            var list = shown.joined(separator: ", ")
            if names.count > shown.count { list += ", ... (\(names.count - shown.count) more)" }
            detail.append("\(names.count) level\(names.count == 1 ? "" : "s"): \(list)")
            if missing { detail.append("a (missing) column") }
        case .embedding:
            encoding = "embedding"
            let kept = levels ?? 0
            let rare = rareLevels ?? 0
            var rows = "\(kept) level\(kept == 1 ? "" : "s") + 'other'"
            rows += rare > 0 ? " (\(rare) rare level\(rare == 1 ? "" : "s") merged)" : ""
            if missing { rows += " + missing" }
            detail.append(rows)
            detail.append("table \(tableRows ?? 0) x \(dimension ?? 0)")
        case .dateParts:
            encoding = "date parts"
            if let yearMean, let yearStandardDeviation {
                detail.append(
                    "year standardised (mean \(NumberText.evidence(yearMean)), sd "
                        + "\(NumberText.evidence(yearStandardDeviation)))")
            }
            let cyclical = (cyclicalParts ?? []).map {
                DatePartsEncoding.Part(rawValue: $0)?.label ?? $0
            }
            if !cyclical.isEmpty {
                detail.append("cyclical (sin, cos): " + cyclical.joined(separator: ", "))
            }
            if missing { detail.append("missing -> training median date, with an indicator") }
        case .equality:
            encoding = "equality indicator"
            let names = (equalColumns ?? []).map { "'\($0)'" }.joined(separator: " and ")
            detail.append("1 where \(names) hold the same value, 0 elsewhere or when missing")
        }
        return RunReport.InputRow(
            column: column, encoding: encoding, inputs: inputs, parameters: tableParameters,
            detail: detail.joined(separator: "; "), rule: reason)
    }

    /// A one-hot column's levels named in the report; the rest are counted.
    static let levelsShown = 12
}
