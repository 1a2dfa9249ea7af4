import Foundation
import Random
import Testing

@testable import Dataset

/// The data layer's fast paths (radix sort, split by marking, the packed logistic fit, the
/// blocked normal equations, two threads) against plain reference loops: the same bits.
@Suite struct FastPathTests {
    let files = TestFiles()

    // MARK: Sorting and the median

    /// Random floats with many duplicates, both zeros, infinities and subnormals.
    private func awkwardFloats(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let specials: [Float] = [
            0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude,
            -.leastNonzeroMagnitude, .greatestFiniteMagnitude, 1, -1,
        ]
        return (0..<count).map { _ in
            switch generator.next() % 4 {
            case 0: return specials[Int(generator.next() % UInt64(specials.count))]
            case 1: return Float(Int(generator.next() % 21) - 10)  // duplicates
            default: return Float(generator.nextUnitDouble() * 2e4 - 1e4)
            }
        }
    }

    @Test func radix_sort_equals_the_standard_sort_bit_for_bit() {
        for (count, seed) in [
            (0, 1), (1, 2), (7, 3), (511, 4), (512, 5), (513, 6), (4_000, 7),
            (50_001, 8),
        ] as [(Int, UInt64)] {
            let values = awkwardFloats(count, seed: seed)
            let fast = FloatSorting.sorted(values)
            let reference = values.sorted()
            #expect(fast.map(\.bitPattern) == reference.map(\.bitPattern), "count \(count)")
        }
        // A digit shared by every value (all in one power of two) skips its pass.
        let narrow = (0..<3_000).map { Float(1 + Double($0 % 977) / 1024) }
        #expect(FloatSorting.sorted(narrow) == narrow.sorted())
        // -0 and +0 keep their input order, as in the stable standard sort.
        let zeros: [Float] =
            Array(repeating: -0.0, count: 300) + Array(repeating: 0, count: 300)
            + Array(repeating: -0.0, count: 300)
        #expect(
            FloatSorting.sorted(zeros.reversed()).map(\.bitPattern)
                == zeros.reversed().sorted().map(\.bitPattern))
    }

    @Test func integral_check_equals_rounding() {
        var values = awkwardFloats(20_000, seed: 9)
        values += [
            0.5, -0.5, 1.5, 8_388_607.5, -8_388_607.5, 8_388_608, 16_777_216, 2.5e-8,
            Float(Int32.max), -Float(Int32.max), 1e30, -1e30,
        ]
        for value in values {
            #expect(isIntegral(value) == (value == value.rounded()), "\(value)")
        }
    }

    /// The median, mean and deviation the encoding stores, computed the plain way.
    private func referenceStatistics(
        _ values: [Float], rows: [Int]
    )
        -> (median: Float, mean: Double, deviation: Double)
    {
        let present = rows.map { values[$0] }.filter { !$0.isNaN }.sorted()
        let missing = rows.count - present.count
        let median: Float =
            present.isEmpty
            ? 0
            : present.count % 2 == 1
                ? present[present.count / 2]
                : Float(
                    (Double(present[present.count / 2 - 1])
                        + Double(present[present.count / 2])) / 2)
        var sum = present.reduce(0.0) { $0 + Double($1) } + Double(missing) * Double(median)
        let mean = sum / Double(max(1, rows.count))
        sum = 0
        for value in present { sum += (Double(value) - mean) * (Double(value) - mean) }
        sum += Double(missing) * (Double(median) - mean) * (Double(median) - mean)
        let deviation = (sum / Double(max(1, rows.count))).squareRoot()
        return (median, mean, deviation > 0 ? deviation : 1)
    }

    @Test func encoding_statistics_equal_the_sorted_reference_on_odd_even_and_missing() throws {
        // Odd and even counts of present training values, with and without NaN (missing).
        for (rows, missingEvery) in [
            (3_001, 0), (3_000, 0), (3_001, 7), (3_000, 5), (9, 4),
            (10, 0),
        ] {
            var generator = SeededGenerator(seed: UInt64(rows * 31 + missingEvery))
            var text = "a,b,y\n"
            for row in 0..<rows {
                let a =
                    missingEvery > 0 && row % missingEvery == 3
                    ? "NA" : String(format: "%.3f", generator.nextUnitDouble() * 200 - 100)
                let b = row % 13 == 0 ? "0" : row % 17 == 0 ? "-0" : String((row * 7) % 50)
                text += "\(a),\(b),\(generator.nextUnitDouble())\n"
            }
            let path = files.write("stats_\(rows)_\(missingEvery).csv", text)
            let data = try PreparedData.load(DataOptions(path: path, target: "y"))
            for name in ["a", "b"] {
                let j = try #require(data.table.columnIndex(named: name))
                guard case .numbers(let values) = data.table.columns[j].data,
                    case .number(let median, let mean, let deviation, _, _) =
                        data.encoding.features.first(where: { $0.name == name })?.method
                else {
                    Issue.record("column \(name) is not an encoded number")
                    continue
                }
                let reference = referenceStatistics(values, rows: data.split.training)
                #expect(median.bitPattern == reference.median.bitPattern, "\(name) \(rows)")
                #expect(mean.bitPattern == reference.mean.bitPattern, "\(name) \(rows)")
                #expect(deviation.bitPattern == reference.deviation.bitPattern, "\(name) \(rows)")
            }
        }
    }

    // MARK: The split

    /// The split as it was made before marking: shuffle each stratum, cut, then sort.
    private func referenceSplit(
        _ table: DataTable, _ schema: DataSchema, validation: Double, test: Double, seed: UInt64
    ) -> (training: [Int], validation: [Int], test: [Int]) {
        var generator = SeededGenerator(seed: seed)
        var strata: [[Int]] = []
        var byCode: [Int32: Int] = [:]
        guard case .text(let codes, _) = table.columns[schema.targetIndex].data else {
            return ([], [], [])
        }
        for row in 0..<table.rowCount where codes[row] >= 0 {
            if let k = byCode[codes[row]] {
                strata[k].append(row)
            } else {
                byCode[codes[row]] = strata.count
                strata.append([row])
            }
        }
        var result: (training: [Int], validation: [Int], test: [Int]) = ([], [], [])
        for var stratum in strata {
            generator.shuffle(&stratum)
            let n = stratum.count
            var v = Int((Double(n) * validation).rounded())
            var t = Int((Double(n) * test).rounded())
            while v + t >= n && v + t > 0 { if t >= v { t -= 1 } else { v -= 1 } }
            result.validation += stratum[0..<v]
            result.test += stratum[v..<(v + t)]
            result.training += stratum[(v + t)...]
        }
        return (result.training.sorted(), result.validation.sorted(), result.test.sorted())
    }

    @Test func split_by_marking_equals_shuffle_cut_and_sort() throws {
        for (file, target) in [
            ("penguins.csv", "species"), ("iris.csv", "species"),
            ("breast_cancer.csv", "diagnosis"),
        ] {
            for seed: UInt64 in [1, 42, 77] {
                let options = DataOptions(path: repoData(file), target: target, seed: seed)
                let data = try PreparedData.load(options)
                let reference = referenceSplit(
                    data.table, data.schema, validation: 0.15, test: 0.15, seed: seed)
                #expect(data.split.training == reference.training, "\(file) \(seed)")
                #expect(data.split.validation == reference.validation, "\(file) \(seed)")
                #expect(data.split.test == reference.test, "\(file) \(seed)")
            }
        }
    }

    // MARK: The logistic probe

    /// A 3-class CSV of `rows` rows and `inputs` noisy inputs (not separable), some targets
    /// missing.
    private func noisyClasses(rows: Int, inputs: Int, seed: UInt64) -> String {
        var generator = SeededGenerator(seed: seed)
        var text = (0..<inputs).map { "x\($0)" }.joined(separator: ",") + ",y\n"
        for row in 0..<rows {
            let x = (0..<inputs).map { _ in generator.nextUnitDouble() * 2 - 1 }
            let score =
                x.enumerated().reduce(0.0) { $0 + $1.element * Double($1.offset % 3 - 1) }
                + (generator.nextUnitDouble() - 0.5)
            let label = row % 97 == 5 ? "" : score < -0.3 ? "a" : score < 0.3 ? "b" : "c"
            text += x.map { String(format: "%.4f", $0) }.joined(separator: ",") + ",\(label)\n"
        }
        return text
    }

    @Test func packed_logistic_fit_equals_the_plain_loops_serial_and_parallel() throws {
        var cases: [PreparedData] = [
            try PreparedData.load(DataOptions(path: repoData("iris.csv"), target: "species")),
            try PreparedData.load(DataOptions(path: repoData("penguins.csv"), target: "species")),
            try PreparedData.load(
                DataOptions(path: repoData("breast_cancer.csv"), target: "diagnosis")),
        ]
        // Two threads (the split lowered below); 7 inputs: a partial last chunk.
        cases.append(
            try PreparedData.load(
                DataOptions(
                    path: files.write("noisy.csv", noisyClasses(rows: 3_000, inputs: 7, seed: 3)),
                    target: "y")))
        for data in cases {
            guard case .classes(_, let labels) = data.encoding.target else { continue }
            let k = max(2, labels.count)
            let rows = Array(0..<data.training.rowCount)
            let reference = referenceLogistic(data.training, rows: rows, classCount: k)
            for parallel in [false, true] {
                let fit = LogisticFit(
                    data.training, rows: rows, classCount: k, parallel: parallel, parallelWork: 1)
                #expect(fit.parallel == parallel)
                fit.train(steps: LinearProbe.logisticIterations)
                #expect(
                    fit.weightValues.map(\.bitPattern) == reference.map(\.bitPattern),
                    "\(data.options.path) parallel \(parallel)")
            }
        }
    }

    @Test func probe_accuracy_is_the_same_serial_and_parallel() throws {
        let path = files.write("noisy_big.csv", noisyClasses(rows: 12_000, inputs: 12, seed: 4))
        let data = try PreparedData.load(DataOptions(path: path, target: "y"))
        let serial = LinearProbe.run(data, parallel: false)
        let parallel = LinearProbe.run(data, parallel: true, logisticParallelWork: 1)
        #expect(serial == parallel)
        // More training rows than the screening sample, not separable: the screening fit
        // decides and is reported.
        #expect(data.training.rowCount > LinearProbe.screeningRows)
        #expect(serial.fittedRows == LinearProbe.screeningRows)
        #expect(serial.separable == false)
        #expect(serial.trainingAccuracy! > 0.6 && serial.trainingAccuracy! < 1)
    }

    @Test func screening_passes_separable_data_on_to_the_full_fit() throws {
        var generator = SeededGenerator(seed: 21)
        var text = "a,b,y\n"
        var written = 0
        while written < 6_000 {
            let a = generator.nextUnitDouble() * 2 - 1
            let b = generator.nextUnitDouble() * 2 - 1
            // A wide margin: the screening fit separates its rows, so the full fit runs.
            guard abs(a - 0.5 * b) > 0.2 else { continue }
            text += "\(a),\(b),\(a - 0.5 * b > 0 ? "up" : "down")\n"
            written += 1
        }
        let data = try PreparedData.load(
            DataOptions(path: files.write("wide_margin.csv", text), target: "y"))
        let probe = LinearProbe.run(data)
        #expect(probe.fittedRows == LinearProbe.maxFittedRows)
        #expect(probe.separable == true)
    }

    // MARK: Least squares

    @Test func blocked_normal_equations_equal_the_plain_sums() throws {
        var generator = SeededGenerator(seed: 8)
        var text = (0..<9).map { "x\($0)" }.joined(separator: ",") + ",y\n"
        for _ in 0..<5_000 {
            let x = (0..<9).map { _ in generator.nextUnitDouble() * 10 - 5 }
            let y = x.reduce(0, +) + generator.nextUnitDouble()
            text += x.map { String(format: "%.3f", $0) }.joined(separator: ",") + ",\(y)\n"
        }
        let data = try PreparedData.load(
            DataOptions(path: files.write("regression.csv", text), target: "y"))
        let training = data.training
        let width = training.featureCount
        let n = width + 1
        let rows = Array(0..<training.rowCount)
        var normal = [Double](repeating: 0, count: n * n)
        var moment = [Double](repeating: 0, count: n)
        for row in rows {
            var augmented = (0..<width).map { Double(training.features[row * width + $0]) }
            augmented.append(1)
            let y = Double(training.targets![row])
            for a in 0..<n {
                moment[a] += augmented[a] * y
                for b in 0...a { normal[a * n + b] += augmented[a] * augmented[b] }
            }
        }
        for parallel in [false, true] {
            let fast = LinearProbe.normalEquations(training, rows: rows, parallel: parallel)
            #expect(fast.normal.map(\.bitPattern) == normal.map(\.bitPattern))
            #expect(fast.moment.map(\.bitPattern) == moment.map(\.bitPattern))
        }
        #expect(LinearProbe.run(data, parallel: false) == LinearProbe.run(data, parallel: true))
    }

    @Test func two_core_ranges_cover_the_count_in_granules() {
        for count in [0, 1, 5, 8, 9, 100, 101] {
            for parts in [1, 2, 3] {
                let ranges = TwoCores.ranges(count, parts: parts, granule: 4)
                #expect(ranges.first?.lowerBound == 0)
                #expect(ranges.last?.upperBound == count)
                for (a, b) in zip(ranges, ranges.dropFirst()) {
                    #expect(a.upperBound == b.lowerBound)
                    #expect(a.count % 4 == 0)
                }
            }
        }
    }
}
