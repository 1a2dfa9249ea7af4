import Random
import Testing

@testable import Engine

@Suite("Metrics against hand-computed values")
struct MetricsTests {
    @Test func multiclass() {
        // actual:    0 0 0 1 1 2
        // predicted: 0 1 0 1 2 2
        let m = ClassificationMetrics(
            predicted: [0, 1, 0, 1, 2, 2], actual: [0, 0, 0, 1, 1, 2], classCount: 3)
        #expect(m.confusion == [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
        #expect(abs(m.accuracy - 4.0 / 6) < 1e-12)
        // Precision: 2/2, 1/2, 1/2. Recall: 2/3, 1/2, 1/1.
        #expect(abs(m.macroPrecision - (1 + 0.5 + 0.5) / 3) < 1e-12)
        #expect(abs(m.macroRecall - (2.0 / 3 + 0.5 + 1) / 3) < 1e-12)
        // F1: 0.8, 0.5, 2/3.
        #expect(abs(m.macroF1 - (0.8 + 0.5 + 2.0 / 3) / 3) < 1e-12)
        #expect(m.rocAUC == nil)
    }

    @Test func absentClassIsLeftOutOfMacroAverages() {
        let m = ClassificationMetrics(predicted: [0, 0, 1], actual: [0, 1, 1], classCount: 3)
        #expect(abs(m.macroPrecision - (0.5 + 1) / 2) < 1e-12)
        #expect(m.recall == [1, 0.5, 0])
    }

    @Test func rocAUCWithTies() {
        // Positives 0.8, 0.4; negatives 0.4, 0.1: pairs (0.8>0.4), (0.8>0.1), (0.4=0.4: half),
        // (0.4>0.1): 3.5 / 4.
        let auc = rocAreaUnderCurve(scores: [0.8, 0.4, 0.4, 0.1], labels: [1, 1, 0, 0])
        #expect(auc == 0.875)
        #expect(rocAreaUnderCurve(scores: [0.1, 0.2], labels: [1, 1]) == nil)
    }

    @Test func rocAUCEqualsThePairwiseCountOnRandomTiedScores() {
        var generator = SeededGenerator(seed: 31)
        for trial in 0..<20 {
            let count = 2 + trial * 7
            // Scores from a few levels (many ties), labels at random.
            let scores = (0..<count).map { _ in Float(Int.random(in: 0..<6, using: &generator)) }
            let labels = (0..<count).map { _ in Int.random(in: 0..<2, using: &generator) }
            var wins = 0.0
            var pairs = 0.0
            for p in 0..<count where labels[p] == 1 {
                for n in 0..<count where labels[n] == 0 {
                    pairs += 1
                    wins += scores[p] > scores[n] ? 1 : scores[p] == scores[n] ? 0.5 : 0
                }
            }
            let auc = rocAreaUnderCurve(scores: scores, labels: labels)
            if pairs == 0 {
                #expect(auc == nil)
            } else {
                #expect(abs((auc ?? -1) - wins / pairs) < 1e-12, "trial \(trial)")
            }
        }
    }

    @Test func fromOutputs() {
        let logits = Matrix(rows: 4, columns: 1, values: [2, -1, 0.5, -3])
        let binary = ClassificationMetrics(outputs: logits, labels: [1, 0, 0, 0])
        #expect(binary.confusion == [[2, 1], [0, 1]])
        #expect(binary.rocAUC == 1)
        let two = Matrix(rows: 2, columns: 2, values: [0.2, 0.8, 0.9, 0.1])
        let softmaxMetrics = ClassificationMetrics(outputs: two, labels: [1, 1])
        #expect(softmaxMetrics.accuracy == 0.5)
    }

    @Test func regression() {
        let predictions = Matrix(rows: 4, columns: 1, values: [1, 2, 3, 5])
        let targets = Matrix(rows: 4, columns: 1, values: [1, 3, 3, 3])
        let m = RegressionMetrics(predictions: predictions, targets: targets)
        // Errors 0, -1, 0, 2: MSE 5/4, MAE 3/4. Mean target 2.5, SS_tot 2.25+0.25+0.25+0.25 = 3.
        #expect(m.meanSquaredError == 1.25)
        #expect(m.meanAbsoluteError == 0.75)
        #expect(abs(m.rSquared - (1 - 5.0 / 3)) < 1e-12)
    }
}
