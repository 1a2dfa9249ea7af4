import Foundation
import Random
import Spec
import Testing

@testable import Dataset

/// ENC-TARGET-LOG: when a regression target is trained on its log, and how its values come
/// back in the target's units.
@Suite struct TargetTransformTests {
    /// `x, y` rows with y = exp(x + noise): positive and skewed right.
    static func logNormal(rows: Int = 200, zeroAt: Int? = nil) -> String {
        var generator = SeededGenerator(seed: 11)
        var lines = ["x,y"]
        for row in 0..<rows {
            let x = 4 * generator.nextUnitDouble()
            let y = row == zeroAt ? 0 : exp(x + 0.6 * (generator.nextUnitDouble() - 0.5))
            lines.append(String(format: "%.5f,%.6f", x, y))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func skewnessIsTheThirdStandardisedMoment() throws {
        #expect(try #require(TargetTransformRule.skewness([1, 2, 3])) == 0)
        // 1, 1, 1, 5: mean 2, m2 = 3, m3 = 6 (3 * -1 + 27) / 4 -> 6 / 3^1.5.
        let value = try #require(TargetTransformRule.skewness([1, 1, 1, 5]))
        #expect(abs(value - 6 / pow(3, 1.5)) < 1e-12)
        #expect(TargetTransformRule.skewness([2, 2, 2]) == nil)
        #expect(TargetTransformRule.skewness([1, .nan]) == nil)
    }

    @Test func autoTakesTheLogOfAPositiveRightSkewedTargetOnly() {
        let skewed: [Float] = [1, 1, 1, 1, 2, 2, 3, 50]
        #expect(TargetTransformRule.choose(.auto, trainingValues: skewed).transform == .log)
        #expect(TargetTransformRule.choose(.auto, trainingValues: [1, 2, 3, 4]).transform == .none)
        // A zero (or a negative) has no log.
        #expect(
            TargetTransformRule.choose(.auto, trainingValues: [0] + skewed).transform == .none)
        #expect(
            TargetTransformRule.choose(.fixed(.none), trainingValues: skewed).transform == .none)
    }

    @Test func aLogTargetIsEncodedOnItsLogAndReadBackInItsUnits() throws {
        let files = TestFiles()
        let path = files.write("lognormal.csv", Self.logNormal())
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        guard case .logRegression(_, let mean, let deviation, let smearing) = data.encoding.target
        else {
            Issue.record("expected a log target, got \(data.encoding.target)")
            return
        }
        #expect(smearing == 1)
        let table = try CSVReader.read(path: path)
        guard case .numbers(let y) = table.columns[1].data else { return }
        let encoded = try #require(data.training.targets)
        for (k, row) in data.split.training.prefix(20).enumerated() {
            #expect(abs(Double(encoded[k]) - (log(Double(y[row])) - mean) / deviation) < 1e-5)
            #expect(abs(data.encoding.target.actual(encoded[k]) - y[row]) < 1e-4 * y[row])
        }
        // A prediction carries the smearing factor, an actual value does not.
        let doubled = TargetEncoding.logRegression(
            name: "y", mean: mean, standardDeviation: deviation, smearing: 2)
        #expect(abs(doubled.mapBack(0.5) - 2 * Float(exp(0.5 * deviation + mean))) < 1e-4)
        #expect(abs(doubled.actual(0.5) - Float(exp(0.5 * deviation + mean))) < 1e-5)
        // `none` keeps the target as it is.
        var options = DataOptions(path: path, target: "y")
        options.targetTransform = .fixed(.none)
        guard case .regression = try PreparedData.load(options).encoding.target else {
            Issue.record("`none` should keep the target")
            return
        }
    }

    @Test func aFixedLogOfANonPositiveTargetIsALocatedError() throws {
        let files = TestFiles()
        let path = files.write("zero.csv", Self.logNormal(rows: 60, zeroAt: 7))
        var options = DataOptions(path: path, target: "y", validationFraction: 0, testFraction: 0)
        options.targetTransform = .fixed(.log)
        #expect {
            try PreparedData.load(options)
        } throws: { error in
            guard let error = error as? DataError else { return false }
            // Row 8 of the data is line 9 of the file (after the header).
            return error.location?.line == 9 && "\(error)".contains("a log needs values above 0")
        }
        // `auto` trains that target as it is.
        options.targetTransform = .auto
        guard case .regression = try PreparedData.load(options).encoding.target else {
            Issue.record("auto should not take the log of a target with a zero")
            return
        }
    }
}
