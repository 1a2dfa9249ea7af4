import Spec
import Testing

@testable import Advisor

/// Each rule's check of a fixed value: its own warning (rule ID, key path, text) for a value
/// that breaks it, none for one that keeps it. The warnings are not yet located.
@Suite struct RuleCheckTests {
    /// The one warning of `found`, after checking it is the only one and unlocated.
    func only(_ found: [AdvisorWarning]) throws -> AdvisorWarning {
        #expect(found.count == 1)
        let warning = try #require(found.first)
        #expect(warning.location == nil)
        return warning
    }

    // MARK: Sizing

    @Test func capacityChecksTheTotalOfFixedWidths() throws {
        let capacity = CapacityRule(rows: 105, inputs: 4, outputs: 3, alpha: 2)
        let warning = try only(capacity.check(widths: [6, 2], keyPath: "model.neurons"))
        #expect(warning.ruleID == "SIZE-CAPACITY")
        #expect(warning.keyPath == "model.neurons")
        #expect(
            warning.message
                == "8 hidden units in total exceed the capacity 7.5 = Ns / (2 * (Ni + No)) for "
                + "105 rows: expect overfitting")
        #expect(capacity.check(widths: [5, 2], keyPath: "model.neurons").isEmpty)
    }

    @Test func capacityWordsTheImposedDepthWarning() {
        let capacity = CapacityRule(rows: 105, inputs: 4, outputs: 3, alpha: 2)
        let warning = capacity.depthWarning(
            layers: 4, widths: [3, 3, 3, 3], keyPath: "model.hidden_layers")
        #expect(warning.ruleID == CapacityRule.id && warning.keyPath == "model.hidden_layers")
        #expect(
            warning.message
                == "4 hidden layers need at least 12 units, above the capacity of 7.5 for 105 "
                + "rows; fewer layers generalise better")
    }

    @Test func boundsCheckEachWidthOncePerKey() throws {
        let bounds = WidthBoundsRule(inputs: 4, outputs: 3)
        let listed = bounds.check(widths: [9, 5, 2], keyPath: { "model.neurons[\($0)]" })
        #expect(listed.map(\.keyPath) == ["model.neurons[0]", "model.neurons[2]"])
        #expect(listed.allSatisfy { $0.ruleID == "SIZE-BOUNDS" })
        #expect(
            listed.first?.message
                == "width 9 is not under 2 * Ni = 8: wide layers memorise rather than generalise "
                + "(DEPTH-WIDE-VS-DEEP: add a layer instead)")
        #expect(
            listed.last?.message
                == "width 2 is below the output width No = 3: the layer is a bottleneck")
        // One key for all widths: one warning, the first width's.
        let shared = try only(bounds.check(widths: [2, 1], keyPath: { _ in "model.neurons" }))
        #expect(shared.message.hasPrefix("width 2 is below"))
        #expect(bounds.check(widths: [7, 3], keyPath: { _ in "model.neurons" }).isEmpty)
    }

    @Test func taperChecksThatWidthsNeverGrow() throws {
        let warning = try only(TaperRule.check(widths: [4, 8], keyPath: "model.layers"))
        #expect(warning.ruleID == "SIZE-TAPER" && warning.keyPath == "model.layers")
        #expect(
            warning.message
                == "widths [4, 8] grow from layer to layer: each hidden layer should be no wider "
                + "than the one before")
        #expect(TaperRule.check(widths: [8, 8, 4], keyPath: "model.layers").isEmpty)
        #expect(TaperRule.check(widths: [], keyPath: "model.layers").isEmpty)
    }

    // MARK: Depth

    @Test func linearDepthChecksHiddenLayersAgainstTheProbe() throws {
        let linear = LinearDepthRule(
            task: .classification, probe: LinearProbeSummary(trainingAccuracy: 1), margin: 0.01)
        let one = try only(linear.check(layers: 1, keyPath: "model.hidden_layers"))
        #expect(one.ruleID == "DEPTH-LINEAR" && one.keyPath == "model.hidden_layers")
        #expect(
            one.message
                == "1 hidden layer on linearly separable data: a linear model (no hidden layer) "
                + "suffices and generalises better")
        #expect(
            try only(linear.check(layers: 2, keyPath: "k")).message.hasPrefix(
                "2 hidden layers on"))
        #expect(linear.check(layers: 0, keyPath: "k").isEmpty)
        let curved = LinearDepthRule(
            task: .classification, probe: LinearProbeSummary(trainingAccuracy: 0.9), margin: 0.01)
        #expect(
            try only(curved.check(layers: 0, keyPath: "model.layers")).message
                == "no hidden layer, but the data is not linearly separable: the network may "
                + "underfit")
        #expect(curved.check(layers: 2, keyPath: "model.layers").isEmpty)
        // An unknown probe checks nothing.
        let unknown = LinearDepthRule(
            task: .regression, probe: LinearProbeSummary(), margin: 0.01)
        #expect(unknown.check(layers: 0, keyPath: "k").isEmpty)
        #expect(unknown.check(layers: 3, keyPath: "k").isEmpty)
    }

    @Test func lowAndHighDepthCheckTheLayerCount() throws {
        let low = LowDepthRule(inputs: 10, threshold: 32, conservativeCapacity: 0, twoLayerWidth: 0)
        let warning = try only(low.check(layers: 3, keyPath: "model.hidden_layers"))
        #expect(warning.ruleID == "DEPTH-LOW")
        #expect(
            warning.message
                == "3 hidden layers on 10 inputs: few dimensions need 1 to 2 hidden layers "
                + "(Ni <= 32)")
        #expect(low.check(layers: 2, keyPath: "model.hidden_layers").isEmpty)
        // Many inputs: DEPTH-LOW does not apply.
        let manyLow = LowDepthRule(
            inputs: 40, threshold: 32, conservativeCapacity: 0, twoLayerWidth: 0)
        #expect(manyLow.check(layers: 7, keyPath: "k").isEmpty)

        let high = HighDepthRule(inputs: 40, threshold: 32, threeUpTo: 128, fourUpTo: 512)
        let deep = try only(high.check(layers: 6, keyPath: "model.hidden_layers"))
        #expect(deep.ruleID == "DEPTH-HIGH")
        #expect(deep.message == "6 hidden layers: many dimensions need 3 to 5 hidden layers")
        #expect(high.check(layers: 5, keyPath: "k").isEmpty)
        let fewHigh = HighDepthRule(inputs: 10, threshold: 32, threeUpTo: 128, fourUpTo: 512)
        #expect(fewHigh.check(layers: 7, keyPath: "k").isEmpty)
    }

    // MARK: Activation and initialiser

    @Test func defaultHiddenActivationChecksFixedActivations() throws {
        let shallow = DefaultHiddenActivationRule(layers: 2, swishFromLayers: 6)
        let sigmoid = try only(
            shallow.check(.sigmoid, deepFromLayers: 3, keyPath: "model.activation"))
        #expect(sigmoid.ruleID == "ACT-HIDDEN-DEFAULT" && sigmoid.keyPath == "model.activation")
        #expect(
            sigmoid.message
                == "sigmoid in 2 hidden layers: s-shaped units saturate and gradients vanish in "
                + "deep networks; start with relu")
        // tanh only from the deep threshold on.
        #expect(shallow.check(.tanh, deepFromLayers: 3, keyPath: "k").isEmpty)
        let deep = DefaultHiddenActivationRule(layers: 3, swishFromLayers: 6)
        #expect(
            try only(deep.check(.tanh, deepFromLayers: 3, keyPath: "k")).message.hasPrefix(
                "tanh in 3 hidden layers"))
        #expect(
            try only(shallow.check(.linear, deepFromLayers: 3, keyPath: "model.layers[0]")).message
                == "linear hidden layers collapse into one linear map: use relu (or no hidden "
                + "layer)")
        #expect(
            try only(shallow.check(.softmax, deepFromLayers: 3, keyPath: "k")).message
                == "softmax is an output activation: hidden layers start with relu")
        #expect(shallow.check(.relu, deepFromLayers: 3, keyPath: "k").isEmpty)
        #expect(deep.check(.swish, deepFromLayers: 3, keyPath: "k").isEmpty)
        // No hidden layer: the activation is unused.
        let none = DefaultHiddenActivationRule(layers: 0, swishFromLayers: 6)
        #expect(none.check(.sigmoid, deepFromLayers: 3, keyPath: "k").isEmpty)
    }

    @Test func initializerChecksTheFamilyOfTheActivation() throws {
        let warning = try only(
            InitializerRule.check(.glorotUniform, activation: .relu, keyPath: "model.initializer"))
        #expect(warning.ruleID == "INIT-BY-ACTIVATION" && warning.keyPath == "model.initializer")
        #expect(warning.message == "glorot_uniform does not suit relu: use he_normal")
        #expect(InitializerRule.check(.heUniform, activation: .relu, keyPath: "k").isEmpty)
        #expect(InitializerRule.check(.glorotNormal, activation: .tanh, keyPath: "k").isEmpty)
    }

    // MARK: Regularisation

    @Test func dropoutChecksTheRateAndTheLayers() throws {
        let outside = try only(
            DropoutRule.check(rate: 0.7, hiddenLayers: 2, keyPath: "model.dropout"))
        #expect(outside.ruleID == "REG-DROPOUT" && outside.keyPath == "model.dropout")
        #expect(outside.message == "dropout 0.7 is outside 0.1 to 0.5")
        let nothing = try only(DropoutRule.check(rate: 0.3, hiddenLayers: 0, keyPath: "k"))
        #expect(nothing.message == "dropout 0.3 without hidden layers has nothing to drop: ignored")
        #expect(DropoutRule.check(rate: 0.3, hiddenLayers: 2, keyPath: "k").isEmpty)
        #expect(DropoutRule.check(rate: 0, hiddenLayers: 0, keyPath: "k").isEmpty)
    }

    @Test func batchNormReplacesDropoutChecksDropoutUnderBatchNorm() throws {
        let warning = try only(
            BatchNormReplacesDropoutRule(batchNorm: true).check(rate: 0.2, keyPath: "model.dropout")
        )
        #expect(warning.ruleID == "REG-BN-REPLACES-DROPOUT")
        #expect(
            warning.message
                == "dropout 0.2 on a batch-normalised network: batch norm regularises already and "
                + "dropout makes its statistics noisy")
        #expect(BatchNormReplacesDropoutRule(batchNorm: true).check(rate: 0, keyPath: "k").isEmpty)
        #expect(
            BatchNormReplacesDropoutRule(batchNorm: false).check(rate: 0.2, keyPath: "k").isEmpty)
    }

    @Test func batchNormPlacementChecksTheSideOfTheActivation() throws {
        let beforeTanh: [LayerConfig] = [
            .dense(DenseConfig(units: 4, initializer: .heNormal)),
            .batchNorm(momentum: 0.1, epsilon: 1e-5), .activation(.tanh),
        ]
        let before = try only(
            BatchNormPlacementRule.check(
                at: 1, in: beforeTanh, keyPath: "model.layers[1].batch_norm"))
        #expect(before.ruleID == "BN-PLACEMENT" && before.keyPath == "model.layers[1].batch_norm")
        #expect(
            before.message
                == "batch norm before tanh: for s-shaped activations place it after the activation")
        let afterRelu: [LayerConfig] = [
            .dense(DenseConfig(units: 4, initializer: .heNormal)), .activation(.relu),
            .batchNorm(momentum: 0.1, epsilon: 1e-5),
        ]
        #expect(
            try only(BatchNormPlacementRule.check(at: 2, in: afterRelu, keyPath: "k")).message
                == "batch norm after relu: for the ReLU family place it before the activation")
        let fine: [LayerConfig] = [
            .dense(DenseConfig(units: 4, initializer: .heNormal)),
            .batchNorm(momentum: 0.1, epsilon: 1e-5), .activation(.relu),
        ]
        #expect(BatchNormPlacementRule.check(at: 1, in: fine, keyPath: "k").isEmpty)
    }

    @Test func penaltyRangesCheckTheStrength() throws {
        let l1 = try only(L1RangeRule(strength: 1e-3).check(keyPath: "training.regularization"))
        #expect(l1.ruleID == "REG-L1-RANGE" && l1.keyPath == "training.regularization")
        #expect(
            l1.message
                == "L1 of 1e-3 is outside 1e-8..1e-4: larger values make models of little use")
        #expect(L1RangeRule(strength: 1e-6).check(keyPath: "k").isEmpty)
        #expect(L1RangeRule(strength: nil).check(keyPath: "k").isEmpty)
        let strong = try only(L2RangeRule(strength: 0.5).check(keyPath: "training.regularization"))
        #expect(strong.ruleID == "REG-L2-RANGE")
        #expect(
            strong.message
                == "L2 of 0.5 is outside 1e-6..1e-2: so strong the weights cannot fit the data")
        #expect(
            try only(L2RangeRule(strength: 1e-9).check(keyPath: "k")).message
                == "L2 of 1e-9 is outside 1e-6..1e-2: too weak to matter")
        #expect(L2RangeRule(strength: 1e-4).check(keyPath: "k").isEmpty)
    }

    @Test func l1XorL2ChecksACoupledWeightDecayWithL1() throws {
        let rule = L1XorL2Rule(penalty: .l1(1e-5))
        let warning = try only(
            rule.check(weightDecay: 0.01, decoupled: false, keyPath: "training.weight_decay"))
        #expect(warning.ruleID == "REG-L1-XOR-L2" && warning.keyPath == "training.weight_decay")
        #expect(
            warning.message
                == "weight decay 0.01 adds an L2 penalty to the L1 one: choose one or the other")
        #expect(rule.check(weightDecay: 0, decoupled: false, keyPath: "k").isEmpty)
        #expect(rule.check(weightDecay: 0.01, decoupled: true, keyPath: "k").isEmpty)
        #expect(
            L1XorL2Rule(penalty: .l2(1e-4)).check(weightDecay: 0.01, decoupled: false, keyPath: "k")
                .isEmpty)
    }

    @Test func earlyStoppingChecksThatItIsOn() throws {
        let rule = EarlyStoppingRule(patience: 10, minDelta: 1e-4)
        let warning = try only(rule.check(nil, keyPath: "training.early_stopping"))
        #expect(warning.ruleID == "EARLY-STOP" && warning.keyPath == "training.early_stopping")
        #expect(
            warning.message
                == "early stopping is off: on small data the network trains into overfitting; keep "
                + "it on with patience 10")
        #expect(rule.check(rule.config, keyPath: "k").isEmpty)
    }

    // MARK: Optimizer, batch, shuffling

    @Test func momentumChecksSGDWithoutMomentum() throws {
        let warning = try only(
            MomentumRule(optimizer: .sgd(momentum: 0, nesterov: false))
                .check(keyPath: "training.optimizer"))
        #expect(warning.ruleID == "OPT-MOMENTUM" && warning.keyPath == "training.optimizer")
        #expect(
            warning.message == "sgd without momentum oscillates across the valley: use momentum 0.9"
        )
        #expect(
            MomentumRule(optimizer: .sgd(momentum: 0.9, nesterov: false)).check(keyPath: "k")
                .isEmpty)
        #expect(MomentumRule(optimizer: DefaultOptimizerRule.adam).check(keyPath: "k").isEmpty)
    }

    @Test func batchRulesCheckAFixedBatchSize() throws {
        let above = try only(
            BatchWithinDataRule(batchSize: 200, rows: 105).check(keyPath: "training.batch_size"))
        #expect(above.ruleID == "BATCH-NEVER-ABOVE-DATA" && above.keyPath == "training.batch_size")
        #expect(
            above.message
                == "batch size 200 exceeds the 105 training rows: every step sees all rows; use at "
                + "most 105")
        #expect(BatchWithinDataRule(batchSize: 105, rows: 105).check(keyPath: "k").isEmpty)

        let small = try only(MinimumBatchRule(batchSize: 4, minimumBatch: 8).check(keyPath: "k"))
        #expect(small.ruleID == "BATCH-NOT-TOO-SMALL")
        #expect(small.message == "batch size 4 is below 8: very small batches destabilise training")
        #expect(MinimumBatchRule(batchSize: 8, minimumBatch: 8).check(keyPath: "k").isEmpty)

        // 1024 rows of 1024 floats: 8 MiB against a 4 MiB budget.
        let memory = MemoryBatchRule(
            batchSize: 1024, floatsPerRow: 1024, budgetMiB: 4, minimumBatch: 8)
        let large = try only(memory.check(keyPath: "training.batch_size"))
        #expect(large.ruleID == "BATCH-MEMORY")
        #expect(
            large.message
                == "a batch of 1024 needs about 8 MiB for activations and gradients, above the 4 "
                + "MiB budget: halve it")
        let fits = MemoryBatchRule(
            batchSize: 512, floatsPerRow: 1024, budgetMiB: 4, minimumBatch: 8)
        #expect(fits.check(keyPath: "k").isEmpty)
    }

    @Test func shuffleChecksThatShufflingIsOn() throws {
        let warning = try only(ShuffleRule().check(shuffle: false, keyPath: "training.shuffle"))
        #expect(warning.ruleID == "SHUFFLE-ALWAYS" && warning.keyPath == "training.shuffle")
        #expect(
            warning.message
                == "shuffling is off: a random split does not reorder rows, so batches see runs of "
                + "similar rows; shuffle every epoch")
        #expect(ShuffleRule().check(shuffle: true, keyPath: "k").isEmpty)
    }

    // MARK: The design asks the rules

    @Test func theDesignLocatesTheRulesWarningsAtTheirKeys() throws {
        var spec = makeSpec()
        spec.model.hiddenLayers = .fixed(3)
        spec.training.shuffle = false
        let depthAt = SourceLocation(file: "spec.yaml", line: 5, column: 18)
        let shuffleAt = SourceLocation(file: "spec.yaml", line: 7, column: 12)
        spec.locations = ["model.hidden_layers": depthAt, "training.shuffle": shuffleAt]
        // Ni = 10 <= 32: DEPTH-LOW breaks at 3 layers; the probe does not tell DEPTH-LINEAR.
        let result = try SizingAdvisor.recommend(spec: spec, data: Datasets.diabetesProbeUnknown)
        #expect(result.warnings.map(\.ruleID) == [LowDepthRule.id, ShuffleRule.id])
        #expect(result.warnings.map(\.location) == [depthAt, shuffleAt])
        #expect(result.warnings.first?.keyPath == "model.hidden_layers")
    }
}
