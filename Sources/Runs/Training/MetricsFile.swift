import Advisor
import CurveAnalysis
import Dataset
import Engine
import Foundation
import Spec

/// `metrics.json`: the final scores, the chosen epoch and why training stopped.
enum MetricsFile {
    /// One split's scores, flat: classification or regression fields.
    struct ScoreDocument: Encodable {
        var rows: Int
        var loss: Double
        var accuracy: Double?
        var macroPrecision: Double?
        var macroRecall: Double?
        var macroF1: Double?
        var rocAuc: Double?
        var classLabels: [String]?
        var recallPerClass: [Double]?
        var confusionMatrix: [[Int]]?
        var r2: Double?
        var mse: Double?
        var rmse: Double?
        var mae: Double?

        init(_ score: SplitScore, labels: [String]?) {
            rows = score.rows
            loss = score.loss
            switch score.metrics {
            case .classification(let metrics):
                accuracy = metrics.accuracy
                macroPrecision = metrics.macroPrecision
                macroRecall = metrics.macroRecall
                macroF1 = metrics.macroF1
                rocAuc = metrics.rocAUC
                classLabels = labels
                recallPerClass = metrics.recall
                confusionMatrix = metrics.confusion
            case .regression(let metrics):
                r2 = metrics.rSquared
                mse = metrics.meanSquaredError
                rmse = metrics.meanSquaredError.squareRoot()
                mae = metrics.meanAbsoluteError
            }
        }
    }

    struct RangeTestSummary: Encodable {
        var suggestion: Double?
        var valley: Double?
        var steep: Double?
        var minimumOverTen: Double?
        var confidence: String
        var reason: String
    }

    struct Document: Encodable {
        var stopReason: String
        var epochsRun: Int
        var chosenEpoch: Int?
        var learningRate: Double
        var rangeTest: RangeTestSummary?
        var scores: [String: ScoreDocument]
    }

    static func json(_ result: RunResult, labels: [String]?) throws -> String {
        let document = Document(
            stopReason: result.stopReason.explanation, epochsRun: result.epochsRun,
            chosenEpoch: result.chosenEpoch, learningRate: result.learningRate,
            rangeTest: result.rangeTest.map {
                RangeTestSummary(
                    suggestion: $0.suggestion, valley: $0.valley, steep: $0.steep,
                    minimumOverTen: $0.minimumOverTen, confidence: $0.confidence.rawValue,
                    reason: $0.reason)
            }, scores: result.scores.mapValues { ScoreDocument($0, labels: labels) })
        let encoder = Checkpoint.jsonEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}
