import Foundation
import Spec
import Testing

@testable import CurveAnalysis

private typealias Records = SyntheticRecords

private func ruleIDs(_ record: TrainingRecord, spec: NetworkSpec? = nil) -> Set<String> {
    Set(diagnose(record, spec: spec).map(\.ruleID))
}

private func finding(
    _ rule: String, in record: TrainingRecord, spec: NetworkSpec? = nil
)
    -> Finding?
{
    diagnose(record, spec: spec).first { $0.ruleID == rule }
}

@Suite("Detectors stay silent on a healthy run")
struct HealthyRunTests {
    @Test("no finding on a healthy run", arguments: allDetectors.map(\.ruleID))
    func silent(rule: String) throws {
        let detector = try #require(allDetectors.first { $0.ruleID == rule })
        let findings = detector.findings(
            in: Records.healthy(), spec: Records.spec(), thresholds: CurveThresholds())
        #expect(findings.isEmpty, "\(findings.map(\.description))")
    }

    @Test func everyRuleHasADetector() {
        let expected: Set = [
            "DIAG-NONFINITE", "DIAG-EXPLODING", "DIAG-VANISHING", "DIAG-DEAD-RELU",
            "DIAG-OSCILLATING", "DIAG-SLOW", "DIAG-NOT-CONVERGED", "DIAG-FLAT", "DIAG-OVERFIT",
            "DIAG-UNDERFIT", "DIAG-INITIAL-LOSS", "DIAG-CONTRADICTION", "SIZE-PRUNE",
        ]
        #expect(Set(allDetectors.map(\.ruleID)) == expected)
        #expect(allDetectors.count == expected.count)
    }
}

@Suite("Each detector fires on its pathology")
struct PathologyTests {
    @Test func nonFiniteLoss() throws {
        var losses = Records.healthy().trainLoss
        for epoch in 30..<losses.count { losses[epoch] = .nan }
        let result = try #require(
            finding("DIAG-NONFINITE", in: Records.withTrainLoss(losses), spec: Records.spec()))
        #expect(result.severity == .error)
        #expect(result.evidence.contains { $0.name == "train_loss" && $0.context == "epoch 31" })
        #expect(
            result.edits == [
                SpecEdit("training.gradient_clipping", from: nil, to: "{clipnorm: 1.0}"),
                SpecEdit("training.learning_rate", from: "0.1", to: "0.033"),
            ])
    }

    @Test func nonFiniteGradientEvent() throws {
        var record = Records.healthy()
        record.nonFiniteEvents = [
            NonFiniteEvent(quantity: .gradients, epoch: 4, step: 17, layer: "dense_1")
        ]
        let result = try #require(finding("DIAG-NONFINITE", in: record))
        #expect(result.evidence.first?.context == "epoch 5, step 18, layer dense_1")
    }

    @Test func explodingLoss() throws {
        var losses = Records.healthy().trainLoss
        for epoch in 40..<losses.count { losses[epoch] = 0.1 * 5 * Double(epoch - 38) }
        let result = try #require(finding("DIAG-EXPLODING", in: Records.withTrainLoss(losses)))
        #expect(result.severity == .error)
        #expect(result.edits.map(\.keyPath).contains("training.gradient_clipping"))
        // Without a spec the old rate comes from the record.
        #expect(
            result.edits.contains(SpecEdit("training.learning_rate", from: "0.01", to: "0.0033")))
    }

    @Test func aRunThatClippedIsNotToldToClip() throws {
        // CLIP-DEFAULTS clips a spec's `auto`: the record says so, and the findings propose
        // only the rate (the clipping edit would change nothing the run did).
        var losses = Records.healthy().trainLoss
        for epoch in 40..<losses.count { losses[epoch] = 0.1 * 5 * Double(epoch - 38) }
        var record = Records.withTrainLoss(losses)
        record.clippedGradients = true
        let exploding = try #require(finding("DIAG-EXPLODING", in: record))
        #expect(exploding.edits.map(\.keyPath) == ["training.learning_rate"])
        #expect(exploding.recommendation.hasPrefix("The run already clipped its gradients"))
        for epoch in 30..<losses.count { losses[epoch] = .nan }
        record.trainLoss = losses
        let nonFinite = try #require(finding("DIAG-NONFINITE", in: record))
        #expect(nonFinite.edits.map(\.keyPath) == ["training.learning_rate"])
        #expect(nonFinite.recommendation.contains("though the run clipped them"))
        // Unknown (an older record) or off: clipping is proposed, as before.
        record.clippedGradients = false
        #expect(
            try #require(finding("DIAG-NONFINITE", in: record)).edits.map(\.keyPath)
                == ["training.gradient_clipping", "training.learning_rate"])
    }

    @Test func explodingGradientSpike() throws {
        var record = Records.healthy()
        record.layers[1].gradientNorm[30] *= 50
        let result = try #require(finding("DIAG-EXPLODING", in: record))
        #expect(result.severity == .warning)
        #expect(result.evidence.contains { $0.context == "layer dense_2, epoch 31" })
    }

    @Test func explodingLargeGradientsMostSteps() throws {
        var record = Records.healthy()
        for index in record.layers.indices {
            record.layers[index].stepGradientNorm = (0..<500).map { 2 + 0.1 * sin(Double($0)) }
        }
        let result = try #require(finding("DIAG-EXPLODING", in: record))
        #expect(
            result.evidence.contains {
                $0.name == "fraction_gradient_norm_above_1" && $0.value == 1
            })
    }

    @Test func vanishingInADeepSigmoidStack() throws {
        var record = Records.healthy()
        let epochs = record.epochsRun
        record.layers = (0..<6).map { index in
            // Each layer back from the output gets 5x less gradient.
            let scale = 0.1 * pow(0.2, Double(5 - index))
            return LayerRecord(
                name: index == 5 ? "output" : "dense_\(index + 1)", units: index == 5 ? 3 : 8,
                activation: index == 5 ? "softmax" : "sigmoid",
                gradientNorm: (0..<epochs).map { _ in scale })
        }
        let spec = Records.spec(activation: .sigmoid, neurons: [8, 8, 8, 8, 8])
        let result = try #require(finding("DIAG-VANISHING", in: record, spec: spec))
        let ratio = try #require(
            result.evidence.first { $0.name == "first_to_last_gradient_ratio" })
        #expect(abs(ratio.value - pow(0.2, 5)) < 1e-12)
        #expect(
            result.edits == [
                SpecEdit("model.activation", from: "sigmoid", to: "relu"),
                SpecEdit("model.batch_norm", from: nil, to: "true"),
            ])
    }

    @Test func vanishingFloor() throws {
        var record = Records.healthy()
        record.layers[0].gradientNorm = record.layers[0].gradientNorm.map { _ in 1e-9 }
        #expect(finding("DIAG-VANISHING", in: record) != nil)
    }

    @Test(arguments: [(0.2, Severity.warning), (0.5, Severity.error)])
    func deadReLU(fraction: Double, severity: Severity) throws {
        var record = Records.healthy()
        record.layers[0].deadUnitFraction = record.layers[0].deadUnitFraction?.map { _ in fraction }
        let result = try #require(finding("DIAG-DEAD-RELU", in: record, spec: Records.spec()))
        #expect(result.severity == severity)
        #expect(result.edits.first == SpecEdit("model.activation", from: "relu", to: "leaky_relu"))
    }

    @Test func deadReLUWithExplicitLayers() throws {
        var record = Records.healthy()
        record.layers[1].deadUnitFraction = record.layers[1].deadUnitFraction?.map { _ in 0.3 }
        var spec = Records.spec()
        spec.model.layers = [
            .dense(DenseConfig(units: 16, initializer: .heNormal)), .activation(.relu),
            .dense(DenseConfig(units: 8, initializer: .heNormal)), .activation(.relu),
            .dense(DenseConfig(units: 3, initializer: .glorotUniform)), .activation(.softmax),
        ]
        let result = try #require(finding("DIAG-DEAD-RELU", in: record, spec: spec))
        #expect(
            result.edits.prefix(2) == [
                SpecEdit("model.layers[1].activation", from: "relu", to: "leaky_relu"),
                SpecEdit("model.layers[3].activation", from: "relu", to: "leaky_relu"),
            ])
    }

    @Test func oscillatingLoss() throws {
        let losses: [Double] = (0..<60).map { (epoch: Int) -> Double in
            if epoch < 20 { return 1.0 - 0.025 * Double(epoch) }
            return epoch % 2 == 0 ? 0.65 : 0.35
        }
        let result = try #require(
            finding("DIAG-OSCILLATING", in: Records.withTrainLoss(losses), spec: Records.spec()))
        #expect(result.edits == [SpecEdit("training.learning_rate", from: "0.1", to: "0.033")])
        #expect(result.evidence.contains { $0.name == "sign_change_fraction" && $0.value == 1 })
    }

    @Test func oscillatingByVariationWithoutAlternation() throws {
        // Bursts up and down every few epochs: not alternating, but noisy and not falling.
        let pattern = [0.5, 0.8, 0.8, 0.45, 0.45, 0.8]
        let losses = (0..<60).map { pattern[$0 % pattern.count] }
        var record = Records.withTrainLoss(losses)
        record.epochsPlanned = 60
        #expect(finding("DIAG-OSCILLATING", in: record) != nil)
    }

    @Test func slowTraining() throws {
        let losses = (0..<60).map { 1.0 - 0.004 * Double($0) }
        let result = try #require(
            finding(
                "DIAG-SLOW", in: Records.withTrainLoss(losses),
                spec: Records.spec(learningRate: 1e-4)))
        #expect(result.edits == [SpecEdit("training.learning_rate", from: "1.0e-4", to: "3.0e-4")])
        #expect(!ruleIDs(Records.withTrainLoss(losses)).contains("DIAG-FLAT"))
    }

    @Test func notConverged() throws {
        var record = Records.withTrainLoss((0..<30).map { 0.1 + exp(-Double($0) / 15) })
        record.epochsPlanned = 30
        let result = try #require(finding("DIAG-NOT-CONVERGED", in: record, spec: Records.spec()))
        #expect(result.edits == [SpecEdit("training.epochs", from: "60", to: "120")])
        // Stopped early: it converged by the early-stopping criterion.
        record.stoppedEarly = true
        #expect(finding("DIAG-NOT-CONVERGED", in: record) == nil)
    }

    @Test func flatLoss() throws {
        let losses = (0..<60).map { 1.0986 + 0.001 * sin(Double($0)) }
        var record = Records.withTrainLoss(losses)
        record.firstBatchLoss = 1.0986
        let result = try #require(
            finding("DIAG-FLAT", in: record, spec: Records.spec(learningRate: 1e-6)))
        #expect(result.severity == .error)
        #expect(result.edits == [SpecEdit("training.learning_rate", from: "1.0e-6", to: "1.0e-5")])
    }

    @Test func flatUsesSmoothedStepLosses() throws {
        var record = Records.healthy()
        record.stepLosses = (0..<1000).map { 2.0 + 0.3 * sin(Double($0) * 2.1) }
        record.firstBatchLoss = 2.0
        #expect(finding("DIAG-FLAT", in: record) != nil)
    }

    @Test func overfit() throws {
        var record = Records.healthy()
        // Validation bottoms out at epoch 20, then climbs while training keeps falling.
        record.validationLoss = (0..<60).map { epoch in
            let t = Double(epoch)
            return 0.3 + 0.002 * (t - 20) * (t - 20)
        }
        let result = try #require(finding("DIAG-OVERFIT", in: record, spec: Records.spec()))
        #expect(
            result.edits == [
                SpecEdit("model.dropout", from: nil, to: "0.2"),
                SpecEdit("training.regularization", from: nil, to: "{l2: 1.0e-4}"),
            ])
        #expect(result.evidence.first == Evidence("validation_loss_min", 0.3, "epoch 21"))
        // The advisor's auto dropout (the spec says nothing) ran at 0.45: no dropout edit,
        // the L2 only. A run with less dropout than the proposal still gets it.
        record.largestDropout = 0.45
        let withDropout = try #require(
            finding("DIAG-OVERFIT", in: record, spec: Records.spec()))
        #expect(
            withDropout.edits == [
                SpecEdit("training.regularization", from: nil, to: "{l2: 1.0e-4}")
            ])
        record.largestDropout = 0.1
        let lowDropout = try #require(finding("DIAG-OVERFIT", in: record, spec: Records.spec()))
        #expect(lowDropout.edits.first == SpecEdit("model.dropout", from: nil, to: "0.2"))
    }

    @Test("against overfitting the L2 proposal is stronger than what the run used (issue 19)")
    func overfitL2MovesUp() throws {
        var record = Records.healthy()
        record.validationLoss = (0..<60).map { epoch -> Double in
            let t = Double(epoch) - 20
            return 0.3 + 0.002 * t * t
        }
        record.largestDropout = 0.45
        func l2Edit(_ spec: NetworkSpec) throws -> SpecEdit? {
            try #require(finding("DIAG-OVERFIT", in: record, spec: spec)).edits.first {
                $0.keyPath == "training.regularization"
            }
        }
        // The advisor's auto L2 of 1.34e-4 ran: ten times it, not the weaker default 1e-4.
        record.l2Strength = 1.34e-4
        let auto = try l2Edit(Records.spec())
        #expect(auto?.newValue == "{l2: 0.0013}", "\(String(describing: auto))")
        // A fixed L2 (with a max-norm that stays) is raised from its own value.
        var fixed = Records.spec()
        fixed.training.regularization = .fixed(Regularization(penalty: .l2(1e-5), maxNorm: 3))
        let raised = try l2Edit(fixed)
        #expect(raised?.newValue == "{l2: 1.0e-4, max_norm: 3.0}", "\(String(describing: raised))")
        // At the top of REG-L2-RANGE already: no stronger L2 to propose; an L1 stays the user's.
        fixed.training.regularization = .fixed(Regularization(penalty: .l2(1e-2)))
        #expect(try l2Edit(fixed) == nil)
        fixed.training.regularization = .fixed(Regularization(penalty: .l1(1e-5)))
        #expect(try l2Edit(fixed) == nil)
    }

    @Test("DIAG-OVERFIT: a rise within the noise of a small validation split is not overfitting")
    func overfitKnowsTheValidationSize() throws {
        var record = Records.healthy()
        // The minimum at epoch 21, then 20% above it for the rest of the run.
        record.validationLoss = (0..<60).map { $0 == 20 ? 0.3 : ($0 < 20 ? 0.5 : 0.36) }
        // Unknown size (an old record) and a large split: 5% decides, the rise counts.
        #expect(finding("DIAG-OVERFIT", in: record) != nil)
        record.validationRows = 10_000
        let large = try #require(finding("DIAG-OVERFIT", in: record))
        #expect(large.evidence.contains { $0.name == "validation_rows" && $0.value == 10_000 })
        // 23 rows: two standard errors are 42% of the mean; 20% is noise.
        record.validationRows = 23
        #expect(finding("DIAG-OVERFIT", in: record) == nil)
        // 64 rows need 25%; 144 rows need 16.7%: the boundary moves with the size.
        record.validationRows = 64
        #expect(finding("DIAG-OVERFIT", in: record) == nil)
        record.validationRows = 144
        #expect(finding("DIAG-OVERFIT", in: record) != nil)
        // A real overfit of a tiny split (the loss doubles) still fires.
        record.validationRows = 23
        record.validationLoss = record.validationLoss.enumerated().map { $0 > 20 ? 0.6 : $1 }
        #expect(finding("DIAG-OVERFIT", in: record) != nil)
    }

    @Test func overfitNeedsThreeRisingEvaluations() {
        var record = Records.healthy()
        record.validationLoss[59] = record.validationLoss[58] * 2
        record.validationLoss[58] *= 1.5
        #expect(finding("DIAG-OVERFIT", in: record) == nil)
        record.validationLoss[57] *= 1.5
        #expect(finding("DIAG-OVERFIT", in: record) != nil)
    }

    @Test func underfitByScore() throws {
        var record = Records.healthy()
        record.trainMetric = record.trainMetric.map { _ in 0.36 }
        let result = try #require(finding("DIAG-UNDERFIT", in: record, spec: Records.spec()))
        #expect(result.edits == [SpecEdit("model.neurons", from: "[16, 8]", to: "[32, 16]")])
    }

    @Test func underfitByHighFlatLoss() throws {
        let record = Records.withTrainLoss((0..<60).map { 1.0 + 0.2 * exp(-Double($0) / 3) })
        #expect(finding("DIAG-UNDERFIT", in: record) != nil)
    }

    @Test func underfitWithoutHiddenLayersAddsOne() throws {
        var record = Records.healthy()
        record.layers = [record.layers[2]]
        record.trainMetric = record.trainMetric.map { _ in 0.35 }
        let result = try #require(finding("DIAG-UNDERFIT", in: record))
        #expect(result.edits == [SpecEdit("model.hidden_layers", from: "0", to: "1")])
    }

    @Test func underfitOnSignalFreeDataIsInformationWithoutEdits() throws {
        var record = Records.healthy()
        record.trainMetric = record.trainMetric.map { _ in 0.36 }
        record.signalLift = -0.002
        record.signalFree = true
        let quiet = try #require(finding("DIAG-UNDERFIT", in: record, spec: Records.spec()))
        #expect(quiet.severity == .info && quiet.edits.isEmpty)
        #expect(quiet.title.contains("little signal"))
        #expect(quiet.evidence.contains { $0.name == "linear_lift_cv" && $0.value == -0.002 })
        // Data with signal: the warning and its capacity edit, as before.
        record.signalLift = 0.3
        record.signalFree = false
        let loud = try #require(finding("DIAG-UNDERFIT", in: record, spec: Records.spec()))
        #expect(loud.severity == .warning)
        #expect(loud.edits == [SpecEdit("model.neurons", from: "[16, 8]", to: "[32, 16]")])
        // Unknown lift: as before.
        record.signalLift = nil
        record.signalFree = nil
        #expect(try #require(finding("DIAG-UNDERFIT", in: record)).severity == .warning)
    }

    @Test func initialLossFarFromLnC() throws {
        var record = Records.healthy()
        record.firstBatchLoss = 3.5
        let result = try #require(finding("DIAG-INITIAL-LOSS", in: record))
        #expect(result.evidence.contains { $0.name == "ln_C" && abs($0.value - log(3)) < 1e-12 })
        record.firstBatchLoss = log(3) * 1.4
        #expect(finding("DIAG-INITIAL-LOSS", in: record) == nil)
    }

    @Test func contradictionZeroRecall() throws {
        var record = Records.healthy()
        record.classRecall = (0..<60).map { epoch in [0.98, 0.95, epoch < 50 ? 0.4 : 0] }
        let result = try #require(finding("DIAG-CONTRADICTION", in: record, spec: Records.spec()))
        #expect(result.evidence.first?.context == "class virginica, last 10 evaluations")
        #expect(result.edits == [SpecEdit("training.class_weights", from: nil, to: "balanced")])
    }

    @Test func sizePrune() throws {
        var record = Records.healthy()
        var incoming = record.layers[0].incomingUnitNorms ?? []
        var outgoing = record.layers[0].outgoingUnitNorms ?? []
        for unit in [1, 4, 9, 12] {
            incoming[unit] = 1e-4
            outgoing[unit] = 2e-4
        }
        // A unit with a small incoming norm but a live outgoing one stays.
        incoming[7] = 1e-4
        record.layers[0].incomingUnitNorms = incoming
        record.layers[0].outgoingUnitNorms = outgoing
        let result = try #require(finding("SIZE-PRUNE", in: record, spec: Records.spec()))
        #expect(result.severity == .info)
        #expect(result.evidence == [Evidence("dead_units", 4, "layer dense_1 of 16")])
        #expect(result.edits == [SpecEdit("model.neurons", from: "[16, 8]", to: "[12, 8]")])

        var spec = Records.spec()
        spec.advisor.pruneFraction = 1e-5
        let stricter = diagnose(record, spec: spec, thresholds: CurveThresholds(spec: spec))
        #expect(!stricter.contains { $0.ruleID == "SIZE-PRUNE" })
    }
}

@Suite("Findings as text and data")
struct FindingTests {
    @Test func renderedText() {
        let finding = Finding(
            ruleID: "DIAG-OVERFIT", severity: .warning, title: "the network overfits",
            evidence: [
                Evidence("validation_loss_min", 0.2123, "epoch 14"), Evidence("ratio", 1.5e-5),
            ],
            recommendation: "Regularise.",
            edits: [SpecEdit("model.dropout", from: nil, to: "0.2")])
        #expect(
            finding.description == """
                warning[DIAG-OVERFIT]: the network overfits
                  evidence: validation_loss_min = 0.212 (epoch 14), ratio = 1.50e-05
                  fix: Regularise.
                  edit: model.dropout: (absent) -> 0.2
                """)
    }

    @Test func diagnoseSortsBySeverity() {
        var record = Records.healthy()
        record.firstBatchLoss = 3.5
        var losses = record.trainLoss
        losses[59] = .infinity
        record.trainLoss = losses
        let severities = diagnose(record).map(\.severity)
        #expect(severities.first == .error)
        #expect(severities == severities.sorted(by: >))
    }

    @Test func mergedEditsKeepOneEditPerKey() {
        let findings = [
            Finding(
                ruleID: "A", severity: .warning, title: "", evidence: [], recommendation: "",
                edits: [SpecEdit("training.learning_rate", from: "0.1", to: "0.3")]),
            Finding(
                ruleID: "B", severity: .error, title: "", evidence: [], recommendation: "",
                edits: [
                    SpecEdit("training.learning_rate", from: "0.1", to: "0.033"),
                    SpecEdit("model.activation", from: "relu", to: "leaky_relu"),
                ]),
        ]
        #expect(
            findings.mergedEdits == [
                SpecEdit("training.learning_rate", from: "0.1", to: "0.033"),
                SpecEdit("model.activation", from: "relu", to: "leaky_relu"),
            ])
    }

    @Test func yamlNumbers() {
        #expect(yamlNumber(0.1 / 3) == "0.033")
        #expect(yamlNumber(0.3) == "0.3")
        #expect(yamlNumber(1e-3 / 3) == "3.3e-4")
        #expect(yamlNumber(1.0) == "1.0")
        #expect(yamlNumber(0.001) == "0.001")
        #expect(yamlNumber(30) == "30.0")
    }

    @Test func recordRoundTripsThroughJSONWithNaN() throws {
        var record = Records.healthy()
        record.trainLoss[3] = .nan
        record.trainLoss[4] = .infinity
        let data = try TrainingRecord.jsonEncoder().encode(record)
        let decoded = try TrainingRecord.jsonDecoder().decode(TrainingRecord.self, from: data)
        #expect(decoded.trainLoss[3].isNaN)
        #expect(decoded.trainLoss[4] == .infinity)
        #expect(decoded.layers == record.layers)
    }

    @Test func emaIsBiasCorrected() {
        #expect(
            exponentialMovingAverage([2, 2, 2, 2], beta: 0.98).allSatisfy { abs($0 - 2) < 1e-12 })
        let smoothed = exponentialMovingAverage([1, 3], beta: 0.5)
        // avg1 = 0.5, smooth1 = 0.5 / 0.5 = 1; avg2 = 0.25 + 1.5 = 1.75, smooth2 = 1.75 / 0.75.
        #expect(abs(smoothed[0] - 1) < 1e-12)
        #expect(abs(smoothed[1] - 1.75 / 0.75) < 1e-12)
    }
}
