import Foundation
import Random
import Testing

@testable import Dataset

/// The linear probe's level columns (issue 14): embedded and wide one-hot categories fitted one
/// weight per level, read by index, checked against the same fits on a one-hot matrix.
@Suite struct LevelProbeTests {
    let files = TestFiles()

    /// Two numbers, `noise` more numbers that play no part, a category `cat` of `levels`
    /// levels (the last input column, so that its one-hot block comes last) and a target that
    /// depends on the first two and the category.
    private func categoryCSV(
        rows: Int, levels: Int, regression: Bool, seed: UInt64, noise: Int = 0
    ) -> String {
        var generator = SeededGenerator(seed: seed)
        let effects = (0..<levels).map { _ in generator.nextUnitDouble() * 2 - 1 }
        var text = "a,b," + (0..<noise).map { "n\($0)," }.joined() + "cat,y\n"
        for _ in 0..<rows {
            let a = generator.nextUnitDouble() * 2 - 1
            let b = generator.nextUnitDouble() * 2 - 1
            for _ in 0..<noise { text += String(format: "%.3f,", generator.nextUnitDouble()) }
            let level = Int(generator.nextUnitDouble() * Double(levels)) % levels
            let score = a - 0.5 * b + 1.5 * effects[level] + (generator.nextUnitDouble() - 0.5)
            let y =
                regression
                ? String(format: "%.4f", score) : score < -0.4 ? "lo" : score < 0.4 ? "mid" : "hi"
            text += String(format: "%.4f,%.4f,", a, b) + "c\(level),\(y)\n"
        }
        return text
    }

    /// Data whose `cat` column is one-hot (a policy with room for its levels).
    private func oneHotData(
        levels: Int, regression: Bool, rows: Int = 1_500, noise: Int = 0
    ) throws
        -> PreparedData
    {
        var options = DataOptions(
            path: files.write(
                "cat-\(regression).csv",
                categoryCSV(
                    rows: rows, levels: levels, regression: regression, seed: 9, noise: noise)),
            target: "y")
        options.categoryPolicy.oneHotMaxLevels = levels
        let data = try PreparedData.load(options)
        guard case .oneHot = data.encoding.features.last?.method else {
            throw ProbeTestError.notOneHot
        }
        return data
    }

    enum ProbeTestError: Error { case notOneHot }

    @Test func logistic_levels_equal_the_plain_loops_on_the_one_hot_block() throws {
        let levels = 30
        // 18 more numbers; the split lowered below so that the fit divides its work.
        let numbers = 2 + 18
        let data = try oneHotData(levels: levels, regression: false, rows: 3_000, noise: 18)
        let training = data.training
        let width = training.featureCount
        // Everything past the numbers fitted by level.
        let inputs = ProbeInputs(data.encoding, limit: numbers)
        #expect(inputs.levelNames == ["cat"])
        #expect(inputs.levelTotal == levels + 1)
        let dense = inputs.narrow(training)
        #expect(dense.featureCount == numbers)
        let rows = Array(0..<training.rowCount)
        let k = 3
        let penalized = Set(numbers..<width)
        let reference = referenceLogistic(training, rows: rows, classCount: k, penalized)
        for parallel in [false, true] {
            let fit = LogisticFit(
                dense, levels: inputs.levelRows(training), rows: rows, classCount: k,
                parallel: parallel, parallelWork: 1)
            #expect(fit.parallel == parallel)
            fit.train(steps: LinearProbe.logisticIterations)
            let denseWeights = fit.weightValues
            let levelWeights = fit.levelWeightValues
            for c in 0..<k {
                for f in 0..<numbers {
                    #expect(
                        denseWeights[c * (numbers + 1) + f].bitPattern
                            == reference[c * (width + 1) + f].bitPattern)
                }
                #expect(
                    denseWeights[c * (numbers + 1) + numbers].bitPattern
                        == reference[c * (width + 1) + width].bitPattern)
                for level in 0..<levels {
                    #expect(
                        levelWeights[level * k + c].bitPattern
                            == reference[c * (width + 1) + numbers + level].bitPattern,
                        "class \(c) level \(level) parallel \(parallel)")
                }
                // The unseen level (a block of zeros) never had a row: its weight stays 0.
                #expect(levelWeights[levels * k + c] == 0)
            }
            // Accuracy on a split reads the same levels.
            let plain = referenceAccuracy(training, weights: reference, classCount: k)
            #expect(fit.accuracy(dense, levels: inputs.levelRows(training)) == plain)
        }
    }

    @Test func least_squares_levels_equal_the_ridge_solve_on_the_one_hot_block() throws {
        let levels = 40
        let data = try oneHotData(levels: levels, regression: true)
        let training = data.training
        let width = training.featureCount
        let inputs = ProbeInputs(data.encoding, limit: 2)
        let dense = inputs.narrow(training)
        let levelRows = try #require(inputs.levelRows(training))
        let rows = Array(0..<training.rowCount)
        let fit = LevelLeastSquares(dense, levelRows: levelRows, rows: rows)
        // The reference: the normal equations of the whole one-hot matrix, solved by Cholesky,
        // with the same ridge (dense inputs and intercept last here: reorder to match).
        // (`normalEquations` equals the plain sums: FastPathTests.)
        let n = width + 1
        let (plain, moment) = LinearProbe.normalEquations(training, rows: rows, parallel: false)
        var normal = plain
        for a in 0..<n {
            let isLevel = a >= 2 && a < width
            normal[a * n + a] +=
                isLevel ? LogisticFit.levelPenalty : 1e-9 * Double(rows.count)
        }
        let solved = LinearProbe.solveSymmetric(normal, moment, n)
        #expect(fit.iterations > 0 && fit.iterations < LevelLeastSquares.maxIterations)
        for f in 0..<2 { #expect(abs(fit.dense[f] - solved[f]) < 1e-7, "input \(f)") }
        #expect(abs(fit.dense[2] - solved[width]) < 1e-7)
        for level in 0..<levels {
            #expect(abs(fit.levels[level] - solved[2 + level]) < 1e-7, "level \(level)")
        }
        #expect(fit.levels[levels] == 0)
        // And the probe's R² is the reference's.
        var residual = 0.0
        var total = 0.0
        let y = training.targets!.map(Double.init)
        let mean = y.reduce(0, +) / Double(y.count)
        for row in rows {
            var prediction = solved[width]
            for f in 0..<width {
                prediction += solved[f] * Double(training.features[row * width + f])
            }
            residual += (y[row] - prediction) * (y[row] - prediction)
            total += (y[row] - mean) * (y[row] - mean)
        }
        let r2 = try #require(fit.rSquared(dense, levelRows))
        #expect(abs(r2 - (1 - residual / total)) < 1e-9)
    }

    @Test(arguments: [false, true])
    func an_embedded_category_carries_its_signal_into_the_probe(regression: Bool) throws {
        let path = files.write(
            "embedded-\(regression).csv",
            categoryCSV(rows: 4_000, levels: 60, regression: regression, seed: 5))
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        guard case .embedding = data.encoding.features.last?.method else {
            Issue.record("cat is \(String(describing: data.encoding.features.last?.method))")
            return
        }
        let probe = LinearProbe.run(data)
        #expect(probe.levelColumns == ["cat"])
        // The same rows without the category: its effect (the largest part of the score) is
        // what the level weights add.
        var options = DataOptions(path: path, target: "y")
        options.ignore = ["cat"]
        let without = LinearProbe.run(try PreparedData.load(options))
        #expect(without.levelColumns == nil)
        if regression {
            #expect(probe.validationR2! > without.validationR2! + 0.2)
        } else {
            #expect(probe.validationAccuracy! > without.validationAccuracy! + 0.1)
        }
        #expect(LinearProbe.run(data, parallel: false) == probe)
        #expect(
            DataProfile(data).text.contains(
                "fitted by level (one weight per level, read by index): cat (61 levels)"))
    }

    @Test func level_probe_is_the_same_serial_and_parallel_on_a_large_split() throws {
        let path = files.write(
            "large.csv",
            categoryCSV(rows: 12_000, levels: 200, regression: false, seed: 6, noise: 18))
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        #expect(data.training.rowCount > LinearProbe.screeningRows)
        // The split lowered so that even the screening fit divides its work between threads.
        let inputs = ProbeInputs(data.encoding, limit: LinearProbe.maxInputs)
        let screen = LogisticFit(
            inputs.narrow(data.training), levels: inputs.levelRows(data.training),
            rows: Array(0..<LinearProbe.screeningRows), classCount: 3, parallel: true,
            parallelWork: 1)
        #expect(screen.parallel)
        #expect(
            LinearProbe.run(data, parallel: false)
                == LinearProbe.run(data, parallel: true, logisticParallelWork: 1))
    }

    private func referenceAccuracy(
        _ rows: EncodedRows, weights w: [Double], classCount k: Int
    )
        -> Double
    {
        let width = rows.featureCount
        var correct = 0
        var counted = 0
        for row in 0..<rows.rowCount {
            let label = Int(rows.classIndices![row])
            if label < 0 { continue }
            var best = 0
            var bestScore = -Double.infinity
            for c in 0..<k {
                var z = w[c * (width + 1) + width]
                for f in 0..<width {
                    z += w[c * (width + 1) + f] * Double(rows.features[row * width + f])
                }
                if z > bestScore {
                    bestScore = z
                    best = c
                }
            }
            counted += 1
            if best == label { correct += 1 }
        }
        return Double(correct) / Double(counted)
    }
}
