import Advisor
import CurveAnalysis
import Dataset
import Engine
import Foundation
import Spec

/// `metrics.json`: the final scores, the chosen epoch and why training stopped. For an
/// ensemble (ENSEMBLE-SMALL-DATA) the train and test scores are the average's, the validation
/// score the first member's (the others trained on some of its rows), and `ensemble` lists
/// the other members.
enum MetricsFile {
    /// One split's scores, flat: the rows, the loss and the named scores beside them.
    struct ScoreDocument: Encodable {
        var rows: Int
        var loss: Double
        var scores: MetricsSummary

        enum CodingKeys: String, CodingKey {
            case rows, loss
        }

        init(_ score: SplitScore, labels: [String]?) {
            rows = score.rows
            loss = score.loss
            scores = MetricsSummary(score.metrics, labels: labels)
        }

        func encode(to encoder: any Encoder) throws {
            try scores.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rows, forKey: .rows)
            try container.encode(loss, forKey: .loss)
        }
    }

    struct RangeTestSummary: Encodable {
        var suggestion: Double?
        var valley: Double?
        var steep: Double?
        var minimumOverTen: Double?
        var confidence: String
        var reason: String
        /// The trend's fall over the sweep, relative to its start.
        var relativeDrop: Double?
        /// The step noise of the sweep's flat part.
        var noise: Double?
        /// Each reason the confidence is low; empty when high.
        var lowConfidenceReasons: [String]
    }

    struct Document: Encodable {
        var stopReason: String
        var epochsRun: Int
        var chosenEpoch: Int?
        var learningRate: Double
        var rangeTest: RangeTestSummary?
        var scores: [String: ScoreDocument]
        /// The other members of an ensemble; absent for one network.
        var ensemble: [MemberResult]?
    }

    static func json(_ result: RunResult, labels: [String]?) throws -> String {
        let document = Document(
            stopReason: result.stopReason.explanation, epochsRun: result.epochsRun,
            chosenEpoch: result.chosenEpoch, learningRate: result.learningRate,
            rangeTest: result.rangeTest.map {
                RangeTestSummary(
                    suggestion: $0.suggestion, valley: $0.valley, steep: $0.steep,
                    minimumOverTen: $0.minimumOverTen, confidence: $0.confidence.rawValue,
                    reason: $0.reason, relativeDrop: $0.relativeDrop, noise: $0.noise,
                    lowConfidenceReasons: $0.lowConfidenceReasons ?? [])
            }, scores: result.scores.mapValues { ScoreDocument($0, labels: labels) },
            ensemble: result.members.isEmpty ? nil : result.members)
        let bytes = try MetricsSummary.encoder().encode(document)
        return String(decoding: bytes, as: UTF8.self) + "\n"
    }
}
