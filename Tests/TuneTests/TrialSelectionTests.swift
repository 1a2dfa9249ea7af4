import Dataset
import Engine
import Foundation
import Random
import Spec
import Testing
import TuneSearch
import TuneStorage

@testable import Tune

@Suite("tune: TUNE-ONE-SE, the reported trial and its noise")
struct TrialSelectionTests {
    /// A complete trial with `value` and, when given, its standard error.
    static func trial(_ number: Int, _ value: Double, error: Double? = nil) -> TrialRecord {
        TrialRecord(
            number: number, state: .complete, assignment: [:], value: value,
            attributes: error.map { [TuneStudy.standardErrorAttribute: String($0)] } ?? [:])
    }

    @Test("trial 0 is reported when the highest trial leads it by one standard error or less")
    func zeroTrialKeptWithinOneError() throws {
        let within = [Self.trial(0, 0.80), Self.trial(1, 0.78), Self.trial(2, 0.83, error: 0.04)]
        #expect(TuneStudy.highest(of: within, direction: .maximize)?.number == 2)
        #expect(TuneStudy.best(of: within, direction: .maximize)?.number == 0)
        let note = try #require(TuneStudy.selectionNote(within, direction: .maximize))
        #expect(note.contains("trial 2") && note.contains("TUNE-ONE-SE"))

        let beyond = [Self.trial(0, 0.80), Self.trial(2, 0.83, error: 0.02)]
        #expect(TuneStudy.best(of: beyond, direction: .maximize)?.number == 2)
        #expect(TuneStudy.selectionNote(beyond, direction: .maximize) == nil)

        // Lower is better: a loss 0.05 lower with an error of 0.1 keeps trial 0.
        let losses = [Self.trial(0, 0.50), Self.trial(3, 0.45, error: 0.1)]
        #expect(TuneStudy.best(of: losses, direction: .minimize)?.number == 0)
        let clear = [Self.trial(0, 0.50), Self.trial(3, 0.30, error: 0.1)]
        #expect(TuneStudy.best(of: clear, direction: .minimize)?.number == 3)
    }

    @Test("without trial 0's value or the leader's error, the highest trial is reported")
    func highestWithoutAMargin() {
        // A study from before the rule: no error recorded.
        let old = [Self.trial(0, 0.80), Self.trial(1, 0.81)]
        #expect(TuneStudy.best(of: old, direction: .maximize)?.number == 1)
        // Trial 0 failed.
        var failed = Self.trial(0, 0.9)
        failed.state = .failed
        failed.value = nil
        let noZero = [failed, Self.trial(1, 0.7, error: 0.5), Self.trial(2, 0.6, error: 0.5)]
        #expect(TuneStudy.best(of: noZero, direction: .maximize)?.number == 1)
        // Trial 0 is the highest itself.
        let zeroLeads = [Self.trial(0, 0.9, error: 0.1), Self.trial(1, 0.85, error: 0.1)]
        #expect(TuneStudy.best(of: zeroLeads, direction: .maximize)?.number == 0)
        #expect(TuneStudy.selectionNote(zeroLeads, direction: .maximize) == nil)
    }

    /// Standard normal draws (Box-Muller) from `generator`.
    static func normal(_ generator: inout SeededGenerator) -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &generator)
        let v = Double.random(in: 0..<1, using: &generator)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    @Test("accuracy's error is a share's (Agresti-Coull), the loss's its rows' spread")
    func accuracyError() throws {
        // 7 of 10 rows right: the sample standard deviation of seven 1s and three 0s over √10.
        let labels: [Int32] = [0, 1, 1, 0, 1, 0, 0, 1, 1, 0]
        let predicted: [Int32] = [0, 1, 1, 0, 1, 0, 0, 0, 0, 1]
        var outputs = Matrix(rows: 10, columns: 2)
        for row in 0..<10 { outputs[row, Int(predicted[row])] = 0.9 }
        for row in 0..<10 { outputs[row, 1 - Int(predicted[row])] = 0.1 }
        let rows = EncodedRows(
            rowCount: 10, featureCount: 0, features: [], classIndices: labels,
            sourceRows: Array(0..<10))
        let target = TargetEncoding.classes(name: "y", labels: ["a", "b"])
        let error = try #require(
            MetricNoise.standardError(
                of: .accuracy, value: 0.7, outputs: outputs, rows: rows, target: target))
        // Agresti-Coull: 7 + 2 of 10 + 4.
        let expected = (9.0 / 14 * 5 / 14 / 14).squareRoot()
        #expect(abs(error - expected) < 1e-12)
        // Right on every row, the error is not 0: as if 12 of 14.
        let perfect = try #require(
            MetricNoise.standardError(
                of: .accuracy, value: 1, outputs: outputs,
                rows: EncodedRows(
                    rowCount: 10, featureCount: 0, features: [], classIndices: predicted,
                    sourceRows: Array(0..<10)), target: target))
        #expect(abs(perfect - (12.0 / 14 * 2 / 14 / 14).squareRoot()) < 1e-12)
        // The loss: every row's cross-entropy is -log 0.9 or -log 0.1.
        let loss = try #require(
            MetricNoise.standardError(
                of: .loss, value: 1.0, outputs: outputs, rows: rows, target: target))
        let terms = (0..<10).map { labels[$0] == predicted[$0] ? -log(0.9) : -log(0.1) }
        let mean = terms.reduce(0, +) / 10
        let spread = (terms.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 9).squareRoot()
        #expect(abs(loss - spread / 10.0.squareRoot() / mean) < 1e-6)
    }

    @Test("R²'s and accuracy's errors match their spread over many draws of validation rows")
    func errorsMatchTheSpreadOfDraws() throws {
        var generator = SeededGenerator(seed: 11)
        let n = 200
        let target = TargetEncoding.regression(name: "y", mean: 0, standardDeviation: 1)
        var r2s: [Double] = []
        var r2Errors: [Double] = []
        var accuracies: [Double] = []
        var accuracyErrors: [Double] = []
        let classes = TargetEncoding.classes(name: "c", labels: ["a", "b"])
        for _ in 0..<400 {
            // y = x + noise, predicted by x: R² about 0.5.
            var predictions = Matrix(rows: n, columns: 1)
            var targets: [Float] = []
            var labels: [Int32] = []
            var probabilities = Matrix(rows: n, columns: 2)
            for row in 0..<n {
                let x = Self.normal(&generator)
                predictions[row, 0] = Float(x)
                targets.append(Float(x + Self.normal(&generator)))
                // A classifier right with probability 0.8.
                let right = Double.random(in: 0..<1, using: &generator) < 0.8
                labels.append(right ? 1 : 0)
                probabilities[row, 1] = 0.7
                probabilities[row, 0] = 0.3
            }
            let rows = EncodedRows(
                rowCount: n, featureCount: 0, features: [], targets: targets,
                sourceRows: Array(0..<n))
            let metrics = RegressionMetrics(
                predictions: predictions,
                targets: Matrix(rows: n, columns: 1, values: targets))
            r2s.append(metrics.rSquared)
            r2Errors.append(
                try #require(
                    MetricNoise.standardError(
                        of: .r2, value: metrics.rSquared, outputs: predictions, rows: rows,
                        target: target)))
            let labelled = EncodedRows(
                rowCount: n, featureCount: 0, features: [], classIndices: labels,
                sourceRows: Array(0..<n))
            let accuracy = Double(labels.filter { $0 == 1 }.count) / Double(n)
            accuracies.append(accuracy)
            accuracyErrors.append(
                try #require(
                    MetricNoise.standardError(
                        of: .accuracy, value: accuracy, outputs: probabilities, rows: labelled,
                        target: classes)))
        }
        func deviation(_ values: [Double]) -> Double {
            let mean = values.reduce(0, +) / Double(values.count)
            return
                (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
                / Double(values.count - 1)).squareRoot()
        }
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        // The draws' spread against the mean estimate: within 20% (400 draws estimate a
        // spread to about 4%; R²'s estimate holds the variance of y fixed, about 5% low here).
        let r2Ratio = deviation(r2s) / mean(r2Errors)
        #expect(r2Ratio > 0.8 && r2Ratio < 1.2, "R²: \(r2Ratio)")
        let accuracyRatio = deviation(accuracies) / mean(accuracyErrors)
        #expect(accuracyRatio > 0.8 && accuracyRatio < 1.2, "accuracy: \(accuracyRatio)")
    }
}
