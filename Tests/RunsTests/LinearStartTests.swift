import Advisor
import Dataset
import Engine
import Foundation
import Generator
import Random
import Spec
import Testing

@testable import Runs

/// INIT-LINEAR-RIDGE: a regression network without hidden layers starts at the ridge fit of
/// its training rows.
@Suite struct RidgeStartTests {
    /// `a, b, c, y` with y = 3a - 2b + 0.5 + noise (c is noise).
    static func line(rows: Int = 200, seed: UInt64 = 4) -> String {
        var generator = SeededGenerator(seed: seed)
        var lines = ["a,b,c,y"]
        for _ in 0..<rows {
            let a = generator.nextNormal()
            let b = generator.nextNormal()
            let c = generator.nextNormal()
            lines.append("\(a),\(b),\(c),\(3 * a - 2 * b + 0.5 + 0.3 * generator.nextNormal())")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The design of spec `name` over `csv` (target `y`, standardised numbers, one network),
    /// both written to a fresh folder.
    /// - Parameters:
    ///   - csv: the CSV text.
    ///   - model: the spec's `model:` mapping.
    ///   - epochs: `training.epochs`.
    static func plan(_ name: String, csv: String, model: String, epochs: Int) throws -> DesignPlan {
        let folder = try temporaryFolder()
        try csv.write(
            to: folder.appendingPathComponent("\(name).csv"), atomically: true, encoding: .utf8)
        let spec = folder.appendingPathComponent("\(name).yaml").path
        try """
        name: \(name)
        data: {path: \(name).csv, target: y, numeric_encoding: standard}
        model: \(model)
        training: {epochs: \(epochs), ensemble: 1}
        """.write(toFile: spec, atomically: true, encoding: .utf8)
        return try DesignPlan(specPath: spec, catalog: try TemplateCatalog())
    }

    /// A session of `model` (a YAML mapping) on `line()`, not yet trained, and its design.
    static func session(model: String) throws -> (session: TrainingSession, plan: DesignPlan) {
        let plan = try plan("line", csv: line(), model: model, epochs: 30)
        return (try TrainingSession(config: plan.recommendation.config, data: plan.data), plan)
    }

    /// The model's parameters, in walk order.
    static func parameters(_ model: Sequential) -> [[Float]] {
        var values: [[Float]] = []
        model.visitParameters { _, parameter in values.append(parameter.value) }
        return values
    }

    @Test func aLinearRegressionStartsAtTheRidgeFitOfItsTrainingRows() throws {
        let (session, plan) = try Self.session(model: "{hidden_layers: 0}")
        #expect(session.startsAtLinearFit)
        let fit = try #require(RidgeFit(session.data.training))
        let start = Self.parameters(session.trainer.model)
        #expect(start == [fit.weights.map { Float($0) }, [Float(fit.intercept)]])
        // The start is already the answer: the training loss before any step is near the
        // noise's share of the standardised target's variance, far below a random start's.
        let rows = session.data.training
        let loss = try session.trainer.evaluate(
            inputs: rows.inputMatrix, targets: rows.engineTargets
        ).loss
        #expect(loss < 0.05, "\(loss)")
        // The config says why the output layer's initializer is not used.
        let generated = try plan.generate(outputPath: plan.specPath)
        #expect(generated.text.contains("# INIT-LINEAR-RIDGE: no hidden layer"))
    }

    @Test func tanhHiddenLayersAndClassesStartAtRandom() throws {
        // tanh cannot carry the fit (INIT-HIDDEN-LINEAR needs rectifiers).
        let hidden = try Self.session(
            model: "{hidden_layers: 1, neurons: 8, activation: tanh}"
        ).session
        #expect(!hidden.startsAtLinearFit)
        // The same data as classes: no ridge start.
        #expect(
            !LinearRidgeStartRule(
                task: .classification, layers: try ResolvedConfig(hidden.config).layers
            ).applies)
        // The advisor records the same decision, with its reason, in the design.
        let (_, plan) = try Self.session(model: "{hidden_layers: 0}")
        let evaluation = try #require(
            plan.recommendation.evaluations.first { $0.id == LinearRidgeStartRule.id })
        #expect(evaluation.applies && evaluation.why.contains("ridge fit"))
        #expect(!LinearRidgeStartRule(task: .regression, hiddenLayers: 1, embedded: false).applies)
        #expect(
            !LinearRidgeStartRule(task: .classification, hiddenLayers: 0, embedded: false).applies)
        // Embedded inputs: the fit sees codes, the network tables; nothing to start from.
        let embedded = LinearRidgeStartRule(task: .regression, hiddenLayers: 0, embedded: true)
        #expect(!embedded.applies && embedded.evaluate().why.contains("embedded"))
    }

    @Test func theFitSolvesThePenalisedNormalEquations() throws {
        // Noiseless y = 2x - 1 with a tiny penalty: the line itself.
        let xs: [Float] = [-2, -1, 0, 1, 2, 3]
        let rows = EncodedRows(
            rowCount: xs.count, featureCount: 1, features: xs, targets: xs.map { 2 * $0 - 1 },
            sourceRows: Array(0..<xs.count))
        let exact = try #require(RidgeFit(rows, penaltyPerRow: 1e-12))
        #expect(abs(exact.weights[0] - 2) < 1e-9 && abs(exact.intercept + 1) < 1e-9)
        // One input: w = Sxy / (Sxx + lambda n) about the means, the intercept unpenalised.
        let penalised = try #require(RidgeFit(rows, penaltyPerRow: 0.5))
        let mean = xs.reduce(0, +) / Float(xs.count)
        let sxx = xs.map { Double(($0 - mean) * ($0 - mean)) }.reduce(0, +)
        let expected = 2 * sxx / (sxx + 0.5 * Double(xs.count))
        #expect(abs(penalised.weights[0] - expected) < 1e-9)
        #expect(abs(penalised.intercept - (Double(2 * mean - 1) - expected * Double(mean))) < 1e-6)
        // A large set is read at an even stride: a noiseless line is still the line.
        let many = (0..<(3 * RidgeFit.maxRows + 7)).map { Float($0 % 101) / 10 }
        let strided = try #require(
            RidgeFit(
                EncodedRows(
                    rowCount: many.count, featureCount: 1, features: many,
                    targets: many.map { 2 * $0 - 1 }, sourceRows: Array(0..<many.count)),
                penaltyPerRow: 1e-12))
        #expect(abs(strided.weights[0] - 2) < 1e-6 && abs(strided.intercept + 1) < 1e-5)
        // ... and the fit is exactly that of the strided rows.
        var generator = SeededGenerator(seed: 2)
        let noisy = many.map { _ in Float(generator.nextNormal()) }
        let targets = many.indices.map { many[$0] + noisy[$0] }
        let stride = Double(many.count) / Double(RidgeFit.maxRows)
        let picked = (0..<RidgeFit.maxRows).map { Int(Double($0) * stride) }
        let all = RidgeFit(
            EncodedRows(
                rowCount: many.count, featureCount: 1, features: many, targets: targets,
                sourceRows: Array(0..<many.count)))
        let subset = RidgeFit(
            EncodedRows(
                rowCount: picked.count, featureCount: 1, features: picked.map { many[$0] },
                targets: picked.map { targets[$0] }, sourceRows: picked))
        #expect(all != nil && all == subset)
        // No targets (classification rows): no fit.
        #expect(
            RidgeFit(
                EncodedRows(
                    rowCount: 3, featureCount: 1, features: [1, 2, 3], classIndices: [0, 1, 0],
                    sourceRows: [0, 1, 2])) == nil)
    }
}

/// INIT-LINEAR-LOGISTIC: a classification network without hidden layers starts at the
/// penalised logistic fit of its training rows.
@Suite struct LogisticStartTests {
    /// Rows of `inputs` normal columns and labels drawn from a softmax of `truth` (one row of
    /// weights per class, the intercept last).
    static func rows(_ count: Int, truth: [[Double]], seed: UInt64) -> EncodedRows {
        var generator = SeededGenerator(seed: seed)
        let inputs = truth[0].count - 1
        var features: [Float] = []
        var labels: [Int32] = []
        for _ in 0..<count {
            let x = (0..<inputs).map { _ in generator.nextNormal() }
            features += x.map { Float($0) }
            let scores = truth.map { w in zip(w, x + [1]).map { $0 * $1 }.reduce(0, +) }
            let top = scores.max() ?? 0
            let shares = scores.map { Foundation.exp($0 - top) }
            var u = generator.nextUnitDouble() * shares.reduce(0, +)
            var label = 0
            while label < shares.count - 1 && u > shares[label] {
                u -= shares[label]
                label += 1
            }
            labels.append(Int32(label))
        }
        return EncodedRows(
            rowCount: count, featureCount: inputs, features: features, classIndices: labels,
            sourceRows: Array(0..<count))
    }

    /// The gradient of scikit-learn's objective over the rows (mean log-loss plus
    /// `|W|^2 / (2n)`) at a fit, computed plainly: near zero at the optimum.
    static func gradient(_ fit: LogisticRegressionFit, _ rows: EncodedRows) -> [Double] {
        let p = rows.featureCount
        let n = Double(rows.rowCount)
        var gradient = [Double](repeating: 0, count: fit.outputs * (p + 1))
        for k in 0..<rows.rowCount {
            let x = (0..<p).map { Double(rows.features[k * p + $0]) }
            let label = Int(rows.classIndices?[k] ?? 0)
            let scores = (0..<fit.outputs).map { o in
                fit.intercepts[o] + (0..<p).map { fit.weights[o * p + $0] * x[$0] }.reduce(0, +)
            }
            var errors: [Double]
            if fit.outputs == 1 {
                errors = [1 / (1 + Foundation.exp(-scores[0])) - (label == 1 ? 1 : 0)]
            } else {
                let top = scores.max() ?? 0
                let e = scores.map { Foundation.exp($0 - top) }
                let total = e.reduce(0, +)
                errors = (0..<fit.outputs).map { e[$0] / total - (label == $0 ? 1 : 0) }
            }
            for o in 0..<fit.outputs {
                for f in 0..<p { gradient[o * (p + 1) + f] += errors[o] * x[f] / n }
                gradient[o * (p + 1) + p] += errors[o] / n
            }
        }
        for o in 0..<fit.outputs {
            for f in 0..<p { gradient[o * (p + 1) + f] += fit.weights[o * p + f] / n }
        }
        return gradient
    }

    @Test("two classes: one sigmoid output at the penalised optimum, near the true weights")
    func binaryFitIsThePenalisedOptimum() throws {
        // Softmax weights [0, 0, 0 | 0] and [2, -1, 0 | 0.5]: the sigmoid of 2a - b + 0.5.
        let rows = Self.rows(600, truth: [[0, 0, 0, 0], [2, -1, 0, 0.5]], seed: 3)
        let fit = try #require(LogisticRegressionFit(rows, classes: 2))
        #expect(fit.outputs == 1 && fit.weights.count == 3 && fit.intercepts.count == 1)
        let largest = Self.gradient(fit, rows).map(abs).max() ?? 1
        #expect(largest < 1e-3, "\(largest)")
        #expect(abs(fit.weights[0] - 2) < 0.4 && abs(fit.weights[1] + 1) < 0.3)
        #expect(abs(fit.weights[2]) < 0.2)
    }

    @Test("more classes: a softmax output per class at the penalised optimum")
    func multiclassFitIsThePenalisedOptimum() throws {
        let truth: [[Double]] = [[1, 0, 0], [-1, 1, 0.3], [0, -1, -0.2]]
        let rows = Self.rows(500, truth: truth, seed: 5)
        let fit = try #require(LogisticRegressionFit(rows, classes: 3))
        #expect(fit.outputs == 3 && fit.weights.count == 6)
        let largest = Self.gradient(fit, rows).map(abs).max() ?? 1
        #expect(largest < 1e-3, "\(largest)")
        // Separable rows stay finite: the penalty bounds the weights.
        let separable = EncodedRows(
            rowCount: 6, featureCount: 1, features: [-3, -2, -1, 1, 2, 3],
            classIndices: [0, 0, 0, 1, 1, 1], sourceRows: Array(0..<6))
        let bounded = try #require(LogisticRegressionFit(separable, classes: 2))
        #expect(bounded.weights[0] > 0.5 && bounded.weights[0] < 5)
        // One class present, or no labels: no fit.
        let single = EncodedRows(
            rowCount: 3, featureCount: 1, features: [1, 2, 3], classIndices: [1, 1, 1],
            sourceRows: [0, 1, 2])
        #expect(LogisticRegressionFit(single, classes: 2) == nil)
        #expect(
            LogisticRegressionFit(
                EncodedRows(
                    rowCount: 3, featureCount: 1, features: [1, 2, 3], targets: [1, 2, 3],
                    sourceRows: [0, 1, 2]), classes: 2) == nil)
    }

    @Test("a remembered fit is the fit of the same rows; other rows are fitted anew")
    func rememberedFitsAreTheRowsOwn() throws {
        let rows = Self.rows(200, truth: [[0, 0, 0], [1, -1, 0.2]], seed: 9)
        let fresh = try #require(LogisticRegressionFit(rows, classes: 2))
        let first = try #require(LinearStart.fit(rows, classes: 2))
        let again = try #require(LinearStart.fit(rows, classes: 2))
        #expect(first.weights == fresh.weights && first.biases == fresh.intercepts)
        #expect(again.weights == first.weights && again.biases == first.biases)
        // One value changed: not the remembered fit, but this rows' own.
        var changed = rows
        changed.features[0] += 3
        let other = try #require(LinearStart.fit(changed, classes: 2))
        let expected = try #require(LogisticRegressionFit(changed, classes: 2))
        #expect(other.weights == expected.weights && other.weights != first.weights)
        // The same rows as a regression are a different fit (ridge), not the logistic one.
        var numbers = rows
        numbers.classIndices = nil
        numbers.targets = (0..<rows.rowCount).map { Float($0 % 7) }
        let ridge = try #require(LinearStart.fit(numbers, classes: nil))
        #expect(ridge.weights == RidgeFit(numbers)?.weights)
    }

    @Test("a linear classifier's networks start at the fit; the config and design say so")
    func aLinearClassifierStartsAtItsFit() throws {
        var generator = SeededGenerator(seed: 8)
        var lines = ["a,b,y"]
        for _ in 0..<300 {
            let a = generator.nextNormal()
            let b = generator.nextNormal()
            lines.append("\(a),\(b),\(2 * a - b + 0.5 * generator.nextNormal() > 0 ? "p" : "n")")
        }
        let plan = try RidgeStartTests.plan(
            "two", csv: lines.joined(separator: "\n") + "\n", model: "{hidden_layers: 0}",
            epochs: 5)
        let session = try TrainingSession(config: plan.recommendation.config, data: plan.data)
        #expect(session.startsAtLinearFit)
        let fit = try #require(LogisticRegressionFit(session.data.training, classes: 2))
        #expect(
            RidgeStartTests.parameters(session.trainer.model)
                == [fit.weights.map { Float($0) }, fit.intercepts.map { Float($0) }])
        let evaluation = try #require(
            plan.recommendation.evaluations.first { $0.id == LinearLogisticStartRule.id })
        #expect(evaluation.applies)
        let generated = try plan.generate(outputPath: plan.specPath)
        #expect(generated.text.contains("# INIT-LINEAR-LOGISTIC: no hidden layer"))
        #expect(
            !LinearLogisticStartRule(task: .classification, hiddenLayers: 1, embedded: false)
                .applies)
        #expect(
            !LinearLogisticStartRule(task: .regression, hiddenLayers: 0, embedded: false).applies)
    }
}

/// INIT-HIDDEN-LINEAR: a network with rectifier hidden layers starts as the linear fit, carried
/// by two units per output through each hidden layer.
@Suite struct HiddenLinearStartTests {
    /// `y = 3a - 2b + 0.5 + noise` as standardised-looking rows (regression).
    static let lineRows: EncodedRows = {
        var generator = SeededGenerator(seed: 12)
        var features: [Float] = []
        var targets: [Float] = []
        for _ in 0..<300 {
            let (a, b, c) = (generator.nextNormal(), generator.nextNormal(), generator.nextNormal())
            features += [Float(a), Float(b), Float(c)]
            targets.append(Float(3 * a - 2 * b + 0.5 + 0.3 * generator.nextNormal()))
        }
        return EncodedRows(
            rowCount: 300, featureCount: 3, features: features, targets: targets,
            sourceRows: Array(0..<300))
    }()

    static let numberTarget = TargetEncoding.regression(name: "y", mean: 0, standardDeviation: 1)

    /// `model`'s output layer without the other units' share: what the carrying units compute.
    static func carriedOnly(_ model: Sequential, outputLayer: Int) {
        model.visitParameters { name, parameter in
            guard name.layer == outputLayer, name.local == "weight" else { return }
            let fanIn = parameter.shape[1]
            let carried = 2 * parameter.shape[0]
            for unit in 0..<parameter.shape[0] {
                for j in carried..<fanIn { parameter.value[unit * fanIn + j] = 0 }
            }
        }
    }

    /// The layers' weights by name.
    static func tensors(_ model: Sequential) -> [String: [Float]] {
        var values: [String: [Float]] = [:]
        model.visitParameters { name, parameter in values[name.description] = parameter.value }
        return values
    }

    @Test("two hidden layers (relu, leaky_relu) with dropout carry the ridge fit exactly")
    func deepNetworkCarriesTheRidgeFit() throws {
        let description = ModelDescription(
            inputWidth: 3,
            layers: [
                .dense(units: 8), .activation(.relu), .dropout(rate: 0.3),
                .dense(units: 6), .activation(.leakyReLU(slope: 0.1)), .dense(units: 1),
            ])
        let model = try Sequential(description, seed: 5)
        let random = Self.tensors(try Sequential(description, seed: 5))
        let rows = Self.lineRows
        #expect(LinearStart.apply(to: model, rows: rows, target: Self.numberTarget))
        let started = Self.tensors(model)
        // The other units' output weights are a tenth of their draw; the second layer's
        // other units do not read the carrying pair.
        let output = try #require(started["layers.5.weight"])
        let drawn = try #require(random["layers.5.weight"])
        for j in 2..<6 { #expect(output[j] == drawn[j] * HiddenLinearStartRule.remainderScale) }
        let second = try #require(started["layers.3.weight"])
        for unit in 2..<6 { #expect(second[unit * 8] == 0 && second[unit * 8 + 1] == 0) }
        #expect(started["layers.0.weight"]?[16...] == random["layers.0.weight"]?[16...])
        // Without that share the network computes the fit, whatever the inputs' signs.
        Self.carriedOnly(model, outputLayer: 5)
        let fit = try #require(RidgeFit(rows))
        let predictions = try model.predict(rows.inputMatrix)
        for row in 0..<rows.rowCount {
            let x = (0..<3).map { Double(rows.features[row * 3 + $0]) }
            let expected = fit.intercept + zip(fit.weights, x).map { $0 * $1 }.reduce(0, +)
            #expect(abs(Double(predictions[row, 0]) - expected) < 1e-4)
        }
    }

    @Test("a max-norm constraint holds at the start and the network still computes the fit")
    func maxNormIsKeptByScalingTheCarriers() throws {
        let description = ModelDescription(
            inputWidth: 3,
            layers: [
                .dense(units: 4, maxNorm: 0.5), .activation(.relu),
                .dense(units: 4, maxNorm: 0.5), .activation(.relu), .dense(units: 1),
            ])
        let model = try Sequential(description, seed: 2)
        #expect(LinearStart.apply(to: model, rows: Self.lineRows, target: Self.numberTarget))
        Self.carriedOnly(model, outputLayer: 4)
        // The fit's weights (norm about 3.6) and the read-back pair (norm 1.41) were scaled
        // into the constraint, so imposing it leaves the carrying units as they are (the
        // other units' random draw is not constrained until the first step).
        let carrying = { (values: [String: [Float]]) in
            [values["layers.0.weight"]?.prefix(6), values["layers.2.weight"]?.prefix(8)]
        }
        let before = carrying(Self.tensors(model))
        model.applyConstraints()
        #expect(carrying(Self.tensors(model)) == before)
        let fit = try #require(RidgeFit(Self.lineRows))
        let predictions = try model.predict(Self.lineRows.inputMatrix)
        for row in stride(from: 0, to: 300, by: 7) {
            let x = (0..<3).map { Double(Self.lineRows.features[row * 3 + $0]) }
            let expected = fit.intercept + zip(fit.weights, x).map { $0 * $1 }.reduce(0, +)
            #expect(abs(Double(predictions[row, 0]) - expected) < 1e-4)
        }
    }

    @Test("three classes: the softmax's inputs are the logistic regression's scores")
    func softmaxNetworkCarriesTheLogisticFit() throws {
        let rows = LogisticStartTests.rows(
            400, truth: [[1, 0, 0], [-1, 1, 0.3], [0, -1, -0.2]], seed: 6)
        let description = ModelDescription(
            inputWidth: 2,
            layers: [
                .dense(units: 6), .activation(.prelu()), .dense(units: 3),
                .activation(.softmax),
            ])
        let model = try Sequential(description, seed: 3)
        let target = TargetEncoding.classes(name: "y", labels: ["a", "b", "c"])
        #expect(LinearStart.apply(to: model, rows: rows, target: target))
        Self.carriedOnly(model, outputLayer: 2)
        let fit = try #require(LogisticRegressionFit(rows, classes: 3))
        let scores = try model.predict(rows.inputMatrix, depth: 3)
        for row in 0..<rows.rowCount {
            for k in 0..<3 {
                let expected =
                    fit.intercepts[k]
                    + (0..<2).map {
                        fit.weights[k * 2 + $0] * Double(rows.features[row * 2 + $0])
                    }.reduce(0, +)
                #expect(abs(Double(scores[row, k]) - expected) < 1e-4)
            }
        }
    }

    @Test("tanh, batch norm, a layer narrower than 2 units per output: random start kept")
    func networksThatCannotCarryTheFitStartAtRandom() throws {
        let designs: [[LayerDescription]] = [
            [.dense(units: 8), .activation(.tanh), .dense(units: 1)],
            [.dense(units: 8), .batchNorm(), .activation(.relu), .dense(units: 1)],
            [
                .dense(units: 8), .activation(.relu), .dense(units: 5), .activation(.relu),
                .dense(units: 3), .activation(.softmax),
            ],
        ]
        let classes = TargetEncoding.classes(name: "y", labels: ["a", "b", "c"])
        for (index, layers) in designs.enumerated() {
            let description = ModelDescription(inputWidth: 3, layers: layers)
            let model = try Sequential(description, seed: 1)
            let target = index == 2 ? classes : Self.numberTarget
            var rows = Self.lineRows
            if index == 2 {
                rows.targets = nil
                rows.classIndices = (0..<rows.rowCount).map { Int32($0 % 3) }
            }
            #expect(!LinearStart.apply(to: model, rows: rows, target: target), "\(index)")
            #expect(Self.tensors(model) == Self.tensors(try Sequential(description, seed: 1)))
        }
    }

    @Test("embedded inputs: the advisor and the session both say random start")
    func embeddedInputsStartAtRandom() throws {
        var generator = SeededGenerator(seed: 21)
        var lines = ["city,x,y"]
        // 40 levels with about 21 training rows each: embedded (ENC-EMBED-SIZE).
        for row in 0..<1200 {
            let x = generator.nextNormal()
            lines.append("c\(row % 40),\(x),\(x + 0.3 * generator.nextNormal() > 0 ? "p" : "n")")
        }
        for hidden in [0, 1] {
            let plan = try RidgeStartTests.plan(
                "cities", csv: lines.joined(separator: "\n") + "\n",
                model: "{hidden_layers: \(hidden)}", epochs: 3)
            #expect(plan.data.encoding.embeddingParameters > 0, "40 levels are embedded")
            let session = try TrainingSession(config: plan.recommendation.config, data: plan.data)
            #expect(!session.startsAtLinearFit)
            let evaluations = plan.recommendation.evaluations.filter {
                $0.id == LinearLogisticStartRule.id || $0.id == HiddenLinearStartRule.id
            }
            #expect(evaluations.count == 2 && evaluations.allSatisfy { !$0.applies })
            #expect(evaluations.contains { $0.why.contains("embedded") })
        }
    }

    @Test("model.linear_start: false starts at the random draw; true where it cannot, warns")
    func theSpecKeyTurnsTheStartOffAndWarnsWhenItCannotApply() throws {
        // false: the session's network is exactly the seeded random draw.
        let (off, offPlan) = try RidgeStartTests.session(
            model: "{hidden_layers: 1, neurons: 8, linear_start: false}")
        #expect(!off.startsAtLinearFit)
        let description = try #require(off.trainer.model.modelDescription)
        let drawn = try Sequential(description, seed: off.trainer.model.seed)
        #expect(Self.tensors(off.trainer.model) == Self.tensors(drawn))
        let evaluation = try #require(
            offPlan.recommendation.evaluations.first { $0.id == HiddenLinearStartRule.id })
        #expect(!evaluation.applies && evaluation.why.contains("model.linear_start: false"))
        let text = try offPlan.generate(outputPath: offPlan.specPath).text
        #expect(text.contains("linear_start: false") && text.contains("# set in spec"))
        // The same without hidden layers: INIT-LINEAR-RIDGE is off too.
        let linear = try RidgeStartTests.session(
            model: "{hidden_layers: 0, linear_start: false}"
        ).session
        #expect(!linear.startsAtLinearFit)
        // true where the network cannot carry the fit: random, with a located warning.
        let (tanh, tanhPlan) = try RidgeStartTests.session(
            model: "{hidden_layers: 1, neurons: 8, activation: tanh, linear_start: true}")
        #expect(!tanh.startsAtLinearFit)
        #expect(tanhPlan.recommendation.config.model.linearStart == .fixed(false))
        let warning = try #require(
            tanhPlan.recommendation.warnings.first { $0.keyPath == "model.linear_start" })
        #expect(warning.ruleID == HiddenLinearStartRule.id && warning.location?.line == 3)
        #expect(warning.message.contains("rectifiers"))
        // auto resolves to true in the config, which trains the same way again.
        let (auto, autoPlan) = try RidgeStartTests.session(model: "{hidden_layers: 1, neurons: 8}")
        #expect(auto.startsAtLinearFit)
        #expect(autoPlan.recommendation.config.model.linearStart == .fixed(true))
    }

    @Test("the advisor, the config and the session agree on when the fit is carried")
    func ruleConfigAndSessionAgree() throws {
        let (session, plan) = try RidgeStartTests.session(model: "{hidden_layers: 1, neurons: 8}")
        #expect(session.startsAtLinearFit)
        let evaluation = try #require(
            plan.recommendation.evaluations.first { $0.id == HiddenLinearStartRule.id })
        #expect(evaluation.applies && evaluation.why.contains("the ridge fit"))
        let generated = try plan.generate(outputPath: plan.specPath)
        #expect(
            generated.text.contains("# INIT-HIDDEN-LINEAR: each network starts as the ridge fit"))
        // Its start is the fit's loss, nearly (the other units add a tenth of their draw).
        let rows = session.data.training
        let loss = try session.trainer.evaluate(
            inputs: rows.inputMatrix, targets: rows.engineTargets
        ).loss
        #expect(loss < 0.1, "\(loss)")
        // Each condition, with its reason.
        func rule(_ layers: [LayerConfig], embedded: Bool = false) -> HiddenLinearStartRule {
            HiddenLinearStartRule(task: .regression, layers: layers, embedded: embedded)
        }
        let dense = { (units: Int) in
            LayerConfig.dense(DenseConfig(units: units, initializer: .heNormal))
        }
        let relu = LayerConfig.activation(.relu)
        #expect(rule([dense(8), relu, dense(1)]).applies)
        #expect(rule([dense(8), relu, .dropout(rate: 0.2), dense(8), relu, dense(1)]).applies)
        #expect(rule([dense(1)]).randomReason?.contains("no hidden layer") == true)
        #expect(
            rule([dense(8), .activation(.tanh), dense(1)]).randomReason?.contains("rectifiers")
                == true)
        #expect(
            rule([dense(8), .batchNorm(momentum: 0.1, epsilon: 1e-5), relu, dense(1)])
                .randomReason?.contains("batch norm") == true)
        #expect(
            HiddenLinearStartRule(task: .classification, layers: [dense(5), relu, dense(3)])
                .randomReason?.contains("narrower") == true)
        #expect(rule([dense(8), relu, dense(1)], embedded: true).randomReason != nil)
    }
}
