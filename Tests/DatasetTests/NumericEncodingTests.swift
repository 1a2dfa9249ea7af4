import Foundation
import Random
import Spec
import Testing

@testable import Dataset

/// ENC-NUMERIC-PLE: the piecewise-linear bins of number columns, and the cross-validated
/// ridge probe that decides whether they stay.
@Suite struct NumericEncodingTests {
    /// `x, noise..., y` rows: y a step of x (classification: the class flips at x = 0.3 and
    /// again at 0.7, which no single weight on x can express) or a linear function of x.
    static func rows(
        _ count: Int, step: Bool, noiseColumns: Int = 0, missingEvery: Int? = nil, seed: UInt64
    ) -> String {
        var generator = SeededGenerator(seed: seed)
        let noise = (0..<noiseColumns).map { "n\($0)" }
        var lines = [(["x"] + noise + ["y"]).joined(separator: ",")]
        for row in 0..<count {
            let x = generator.nextUnitDouble()
            var fields = [missingEvery.map { row % $0 == 0 } == true ? "" : String(x)]
            fields += noise.map { _ in String(generator.nextUnitDouble()) }
            if step {
                fields.append(x > 0.3 && x < 0.7 ? "in" : "out")
            } else {
                fields.append(String(2 * x + 0.3 * generator.nextNormal()))
            }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` written as `name` and prepared with the default options, target `y`.
    static func prepared(
        _ files: TestFiles, _ name: String, _ text: String
    ) throws
        -> PreparedData
    {
        try PreparedData.load(DataOptions(path: files.write(name, text), target: "y"))
    }

    @Test func edgesAreTheTrainingQuantilesWithRepeatsMerged() throws {
        // Nine values, eight bins: every value is an edge.
        #expect(
            PiecewiseLinearBins.edges(sorted: (1...9).map(Float.init), bins: 8)
                == (1...9).map(Float.init))
        // NumPy's linear interpolation: positions 0, 1.25, 2.5, 3.75, 5 of [0, 0, 0, 0, 1, 2]
        // give 0, 0, 0, 0.75, 2; the repeated 0s merge into one edge.
        #expect(PiecewiseLinearBins.edges(sorted: [0, 0, 0, 0, 1, 2], bins: 4) == [0, 0.75, 2])
        // One value, or quantiles that leave a single bin, give no bins.
        #expect(PiecewiseLinearBins.edges(sorted: [3, 3, 3], bins: 8) == nil)
        #expect(PiecewiseLinearBins.edges(sorted: [1, 1, 1, 1, 1, 1, 1, 1, 1, 2], bins: 2) == nil)
        // Edges too close for a finite 1 / width in Float merge too.
        let tiny = Float.leastNonzeroMagnitude
        #expect(
            PiecewiseLinearBins.edges(sorted: [0, tiny, 2 * tiny, 1, 2], bins: 4) == [0, 1, 2])
    }

    @Test func eachBinReadsItsShareOfTheValueAndTheIndicatorComesLast() throws {
        let files = TestFiles()
        // x = 0, 1, ..., 8 and one missing; the median of the present values is 4.
        let text = "x,y\n" + (0...8).map { "\($0),\($0 % 2)" }.joined(separator: "\n") + "\n,1\n"
        let path = files.write("bins.csv", text)
        var options = DataOptions(path: path, target: "y")
        options.validationFraction = 0
        options.testFraction = 0
        options.task = .fixed(.regression)
        options.numericEncoding = .fixed(.piecewiseLinear)
        let data = try PreparedData.load(options)
        let feature = try #require(data.encoding.features.first)
        let edges = try #require(feature.binEdges)
        #expect(edges == (0...8).map(Float.init))
        #expect(feature.encodedNames.count == 1 + 8 + 1)
        #expect(feature.encodedNames[1] == "x (bin 1/8)")
        #expect(feature.encodedNames.last == "x (missing)")
        let table = try CSVReader.read(path: path)
        let (encoded, _) = try data.encoding.encode(table, rows: [0, 3, 8, 9])
        let width = encoded.featureCount
        func row(_ k: Int) -> [Float] { Array(encoded.features[(k * width)..<((k + 1) * width)]) }
        // x = 0: no bin reached; x = 3: three bins full; x = 8: all; missing: the median 4
        // and the indicator.
        #expect(row(0)[1...9] == [0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(row(1)[1...9] == [1, 1, 1, 0, 0, 0, 0, 0, 0])
        #expect(row(2)[1...9] == [1, 1, 1, 1, 1, 1, 1, 1, 0])
        #expect(row(3)[1...9] == [1, 1, 1, 1, 0, 0, 0, 0, 1])
        // A value between edges fills its bin by its share; one beyond the last stays at 1.
        let between = try CSVReader.read(path: files.write("between.csv", "x,y\n2.25,0\n99,0\n"))
        let (shares, _) = try data.encoding.encode(between, rows: [0, 1])
        #expect(Array(shares.features[1...4]) == [1, 1, 0.25, 0])
        #expect(Array(shares.features[(width + 1)...(width + 8)]) == [1, 1, 1, 1, 1, 1, 1, 1])
    }

    @Test func aModelFileWithoutEdgesReadsAsStandardisedNumbers() throws {
        let saved =
            #"{"name":"x","method":{"number":{"median":1,"mean":0.5,"#
            + #""standardDeviation":2,"missingIndicator":false}}}"#
        let feature = try JSONDecoder().decode(FeatureEncoding.self, from: Data(saved.utf8))
        #expect(feature.binEdges == nil)
        #expect(feature.width == 1)
        let binned = FeatureEncoding(
            name: "x",
            method: .number(
                median: 1, mean: 0.5, standardDeviation: 2, missingIndicator: false,
                edges: [0, 1, 2]))
        let again = try JSONDecoder().decode(
            FeatureEncoding.self, from: JSONEncoder().encode(binned))
        #expect(again == binned)
        #expect(again.width == 3)
    }

    /// The one-pass ridge cross-validation against fitting each fold from its own rows.
    @Test(arguments: [false, true])
    func ridgeCrossValidationEqualsFittingEachFold(classification: Bool) throws {
        var generator = SeededGenerator(seed: 5)
        let n = 60
        let p = 4
        var features = [Float]()
        var targets = [Float]()
        var classes = [Int32]()
        for _ in 0..<n {
            let x = (0..<p).map { _ in Float(generator.nextNormal()) }
            features += x
            let y = 1.5 * x[0] - x[2] * x[2] + 0.5 * Float(generator.nextNormal())
            targets.append(y)
            classes.append(y > 0.5 ? 2 : (y > -0.5 ? 1 : 0))
        }
        let rows = EncodedRows(
            rowCount: n, featureCount: p, features: features,
            classIndices: classification ? classes : nil,
            targets: classification ? nil : targets, sourceRows: Array(0..<n))
        let alpha = 0.05
        let folds = 3
        let validation = RidgeCrossValidation(
            rows, columns: Array(0..<p), folds: folds, alpha: alpha)
        let scores = validation.scores(subsets: [[0, 1, 2, 3], [0, 2]])
        for (subset, score) in zip([[0, 1, 2, 3], [0, 2]], scores) {
            let reference = Self.naiveScore(
                rows, subset: subset, folds: folds, alpha: alpha, classes: classification ? 3 : 0)
            let measured = try #require(score)
            #expect(abs(measured - reference) < 1e-9, "\(subset): \(measured) vs \(reference)")
        }
    }

    /// Each fold fitted from its own training rows: centred normal equations with
    /// `alpha * n` on the diagonal, solved by Gaussian elimination; R² or accuracy held out.
    static func naiveScore(
        _ rows: EncodedRows, subset: [Int], folds: Int, alpha: Double, classes: Int
    ) -> Double {
        let outputs = max(1, classes)
        func target(_ row: Int, _ c: Int) -> Double {
            classes > 0
                ? (Int(rows.classIndices![row]) == c ? 1 : 0) : Double(rows.targets![row])
        }
        func x(_ row: Int, _ k: Int) -> Double {
            Double(rows.features[row * rows.featureCount + subset[k]])
        }
        var total = 0.0
        for fold in 0..<folds {
            let train = (0..<rows.rowCount).filter { $0 % folds != fold }
            let held = (0..<rows.rowCount).filter { $0 % folds == fold }
            let d = subset.count
            let count = Double(train.count)
            let means = (0..<d).map { k in train.reduce(0) { $0 + x($1, k) } / count }
            var predictions = [[Double]](repeating: [], count: held.count)
            for c in 0..<outputs {
                let yMean = train.reduce(0) { $0 + target($1, c) } / count
                var a = [[Double]](repeating: [Double](repeating: 0, count: d + 1), count: d)
                for i in 0..<d {
                    for j in 0..<d {
                        a[i][j] = train.reduce(0) {
                            $0 + (x($1, i) - means[i]) * (x($1, j) - means[j])
                        }
                    }
                    a[i][i] += alpha * count
                    a[i][d] = train.reduce(0) {
                        $0 + (x($1, i) - means[i]) * (target($1, c) - yMean)
                    }
                }
                for i in 0..<d {
                    for r in (i + 1)..<d {
                        let f = a[r][i] / a[i][i]
                        for j in i...d { a[r][j] -= f * a[i][j] }
                    }
                }
                var w = [Double](repeating: 0, count: d)
                for i in stride(from: d - 1, through: 0, by: -1) {
                    var sum = a[i][d]
                    for j in (i + 1)..<d { sum -= a[i][j] * w[j] }
                    w[i] = sum / a[i][i]
                }
                for (k, row) in held.enumerated() {
                    var output = yMean
                    for i in 0..<d { output += w[i] * (x(row, i) - means[i]) }
                    predictions[k].append(output)
                }
            }
            if classes > 0 {
                let correct = held.indices.filter { k in
                    let best = predictions[k].indices.max {
                        predictions[k][$0] < predictions[k][$1]
                    }
                    return best == Int(rows.classIndices![held[k]])
                }.count
                total += Double(correct) / Double(held.count)
            } else {
                let ys = held.map { target($0, 0) }
                let mean = ys.reduce(0, +) / Double(ys.count)
                let sse = zip(ys, predictions).reduce(0) {
                    $0 + ($1.0 - $1.1[0]) * ($1.0 - $1.1[0])
                }
                let sst = ys.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                total += 1 - sse / sst
            }
        }
        return total / Double(folds)
    }

    @Test func autoKeepsBinsForAStepAndDropsThemForALine() throws {
        let files = TestFiles()
        let step = try Self.prepared(files, "step.csv", Self.rows(400, step: true, seed: 1))
        let stepChoice = try #require(step.numericEncoding)
        #expect(stepChoice.encoding == .piecewiseLinear, "\(stepChoice)")
        #expect(try #require(stepChoice.binnedScore) > #require(stepChoice.standardScore) + 0.1)
        #expect(step.encoding.features[0].binEdges != nil)
        #expect(step.training.featureCount == 1 + 8)

        // A line with twelve columns of noise: the bins only add variance.
        let line = try Self.prepared(
            files, "line.csv", Self.rows(120, step: false, noiseColumns: 12, seed: 2))
        let lineChoice = try #require(line.numericEncoding)
        #expect(lineChoice.encoding == .standard, "\(lineChoice)")
        #expect(lineChoice.binnableColumns == 13)
        #expect(line.encoding.features.allSatisfy { $0.binEdges == nil })
        #expect(line.training.featureCount == 13)
    }

    @Test("DEPTH-LINEAR's random features: a product lifts the ridge score, a noisy line not")
    func randomFeaturesSeeInteractions() throws {
        let files = TestFiles()
        // y = a * b: no weight per column and no bin of one column expresses it.
        var generator = SeededGenerator(seed: 3)
        var lines = ["a,b,y"]
        for _ in 0..<400 {
            let a = 2 * generator.nextUnitDouble() - 1
            let b = 2 * generator.nextUnitDouble() - 1
            lines.append("\(a),\(b),\(a * b + 0.05 * generator.nextNormal())")
        }
        let product = try Self.prepared(files, "product.csv", lines.joined(separator: "\n"))
        let productChoice = try #require(product.numericEncoding)
        let linear = try #require(productChoice.linearScore)
        let features = try #require(productChoice.nonlinearScore)
        #expect(linear < 0.1 && features > linear + 0.3, "\(productChoice)")
        // `profile` shows both scores, and that regression's least squares no longer decides.
        let profile = DataProfile(product).text
        #expect(
            profile.contains("Random features (DEPTH-LINEAR, DEPTH-NO-SIGNAL): ridge 5-fold R² "))
        #expect(profile.contains(": they add to it"))
        #expect(profile.contains("Linear probe: least squares"))

        let text = Self.rows(120, step: false, noiseColumns: 12, seed: 2)
        let line = try #require(try Self.prepared(files, "line.csv", text).numericEncoding)
        #expect(try #require(line.nonlinearScore) <= #require(line.linearScore), "\(line)")
        // The same data and seed, the same features and score.
        let again = try #require(try Self.prepared(files, "again.csv", text).numericEncoding)
        #expect(again.nonlinearScore == line.nonlinearScore)
        // Classification with linear signal: DEPTH-LINEAR is separability, and the features
        // could not change DEPTH-NO-SIGNAL's verdict: not measured.
        let step = try Self.prepared(files, "step.csv", Self.rows(200, step: true, seed: 1))
        #expect(step.numericEncoding?.nonlinearScore == nil)
    }

    @Test("DEPTH-NO-SIGNAL's random features: XOR has signal no linear model sees")
    func randomFeaturesFindXOR() throws {
        let files = TestFiles()
        var generator = SeededGenerator(seed: 7)
        var lines = ["a,b,y"]
        for _ in 0..<400 {
            let a = 2 * generator.nextUnitDouble() - 1
            let b = 2 * generator.nextUnitDouble() - 1
            lines.append("\(a),\(b),\(a * b > 0 ? "yes" : "no")")
        }
        let xor = try Self.prepared(files, "xor.csv", lines.joined(separator: "\n"))
        let choice = try #require(xor.numericEncoding)
        let trivial = try #require(choice.trivialScore)
        // The linear model lifts nothing; with the features it classifies most rows.
        #expect(try #require(choice.linearScore) - trivial < 0.05, "\(choice)")
        #expect(try #require(choice.nonlinearScore) > 0.85, "\(choice)")
        let profile = DataProfile(xor).text
        #expect(profile.contains("Random features (DEPTH-NO-SIGNAL): ridge 5-fold accuracy "))
        // Only a lift below the spec's minimum makes the probe look: below every lift, never.
        var options = DataOptions(
            path: files.write("xor0.csv", lines.joined(separator: "\n")),
            target: "y")
        options.signalMinimumLift = -1
        #expect(try PreparedData.load(options).numericEncoding?.nonlinearScore == nil)
    }

    @Test("too wide with bins: the standardised inputs are still scored, the bins not tried")
    func tooWideForBinsStillScoresTheInputs() throws {
        // 60 number columns: 540 inputs with their bins, above the probe's 512.
        var generator = SeededGenerator(seed: 8)
        var lines = [((0..<60).map { "x\($0)" } + ["y"]).joined(separator: ",")]
        for _ in 0..<200 {
            let xs = (0..<60).map { _ in generator.nextNormal() }
            lines.append((xs.map { String($0) } + [String(xs[0] - xs[1])]).joined(separator: ","))
        }
        let data = try Self.prepared(TestFiles(), "wide.csv", lines.joined(separator: "\n"))
        let choice = try #require(data.numericEncoding)
        #expect(choice.encoding == .standard)
        #expect(choice.note?.contains("the bins would make 540 inputs") == true, "\(choice)")
        #expect(choice.binnedScore == nil)
        #expect(try #require(choice.standardScore) > 0.9)
        #expect(choice.nonlinearScore != nil)
    }

    @Test func randomFeaturesAreStandardisedColumnsBesideTheInputs() throws {
        var generator = SeededGenerator(seed: 5)
        let count = 50
        let features = (0..<(count * 3)).map { _ in Float(generator.nextNormal()) }
        var rows = EncodedRows(
            rowCount: count, featureCount: 3, features: features,
            targets: [Float](repeating: 0, count: count), sourceRows: Array(0..<count))
        let added = RandomFeatures.append(to: &rows, from: [0, 2], seed: 9)
        #expect(added == Array(3..<(3 + RandomFeatures.count)))
        #expect(rows.featureCount == 3 + RandomFeatures.count)
        for row in 0..<count {
            let base = row * rows.featureCount
            #expect(
                Array(rows.features[base..<(base + 3)])
                    == Array(features[(row * 3)..<(row * 3 + 3)]))
        }
        for column in added {
            let values = (0..<count).map { Double(rows.features[$0 * rows.featureCount + column]) }
            let mean = values.reduce(0, +) / Double(count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count)
            #expect(abs(mean) < 1e-5)
            // A feature that never fires on these rows is all zeros; the others have variance 1.
            #expect(abs(variance - 1) < 1e-4 || variance == 0)
        }
    }

    @Test func theSpecFixesTheEncodingAndTheProbeLeavesTheSplitAlone() throws {
        let files = TestFiles()
        let path = files.write("step.csv", Self.rows(300, step: true, missingEvery: 7, seed: 3))
        var options = DataOptions(path: path, target: "y")
        let auto = try PreparedData.load(options)
        options.numericEncoding = .fixed(.standard)
        let standard = try PreparedData.load(options)
        options.numericEncoding = .fixed(.piecewiseLinear)
        let binned = try PreparedData.load(options)
        #expect(standard.numericEncoding?.encoding == .standard)
        #expect(standard.numericEncoding?.note == "set in spec")
        // The probe still scores the fixed encoding (DEPTH-NO-SIGNAL reads it), without bins.
        #expect(standard.numericEncoding?.standardScore != nil)
        #expect(standard.numericEncoding?.binnedScore == nil)
        #expect(binned.numericEncoding?.linearScore == binned.numericEncoding?.binnedScore)
        #expect(binned.numericEncoding?.encoding == .piecewiseLinear)
        #expect(standard.training.featureCount == 2)  // x and its missing indicator
        #expect(binned.training.featureCount == 2 + 8)
        // The same split and the same generator afterwards, whichever way it went.
        #expect(auto.split == standard.split && auto.split == binned.split)
        var a = auto.generator
        var s = standard.generator
        #expect(a.next() == s.next())
        // The standardised column is the same with or without bins.
        for k in 0..<standard.training.rowCount {
            #expect(standard.training.features[k * 2] == binned.training.features[k * 10])
            #expect(standard.training.features[k * 2 + 1] == binned.training.features[k * 10 + 9])
        }
    }

    /// DEPTH-NO-SIGNAL reads the probe's trivial score: the majority class's share (or 0).
    @Test func theTrivialScoreIsTheMajorityShareAndNoiseHasNoLift() throws {
        let files = TestFiles()
        let step = try #require(
            try Self.prepared(files, "step.csv", Self.rows(400, step: true, seed: 6))
                .numericEncoding)
        // "in" for 0.3 < x < 0.7: "out" is the majority, about 60%.
        let trivial = try #require(step.trivialScore)
        #expect(abs(trivial - 0.6) < 0.07, "\(trivial)")
        #expect(try #require(step.linearScore) - trivial > 0.2)
        // Labels drawn independently of the inputs: the linear model lifts nothing.
        var generator = SeededGenerator(seed: 9)
        let noise =
            "a,b,y\n"
            + (0..<400).map { _ in
                "\(generator.nextUnitDouble()),\(generator.nextUnitDouble()),"
                    + (generator.nextUnitDouble() < 0.5 ? "up" : "down")
            }.joined(separator: "\n") + "\n"
        let choice = try #require(
            try Self.prepared(files, "noise.csv", noise).numericEncoding)
        let lift = try #require(choice.linearScore) - (try #require(choice.trivialScore))
        #expect(lift < 0.05, "\(choice)")
        // Regression: the trivial score is the mean's R², 0.
        let line = try Self.prepared(files, "line.csv", Self.rows(200, step: false, seed: 7))
        #expect(line.numericEncoding?.trivialScore == 0)
    }

    @Test func tooFewRowsOrNoBinnableColumnKeepStandardNumbers() throws {
        let files = TestFiles()
        let few = try Self.prepared(files, "few.csv", Self.rows(30, step: true, seed: 4))
        #expect(few.numericEncoding?.encoding == .standard)
        #expect(few.numericEncoding?.note?.contains("too few to cross-validate") == true)
        let categories = try Self.prepared(
            files, "categories.csv",
            "c,y\n"
                + (0..<100).map { "\(["a", "b", "c"][$0 % 3]),\($0 % 2)" }
                .joined(separator: "\n") + "\n")
        #expect(categories.numericEncoding?.binnableColumns == 0)
        #expect(categories.numericEncoding?.encoding == .standard)
    }
}
