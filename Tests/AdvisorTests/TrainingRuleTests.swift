import Spec
import Testing

@testable import Advisor

@Suite struct ActivationRuleTests {
    @Test func outputsByTask() {
        #expect(MulticlassOutputRule(task: .classification, outputs: 3).applies)
        #expect(!MulticlassOutputRule(task: .classification, outputs: 1).applies)
        #expect(BinaryOutputRule(task: .classification, outputs: 1).applies)
        #expect(!BinaryOutputRule(task: .regression, outputs: 1).applies)
        #expect(RegressionOutputRule(task: .regression).applies)
        #expect(!RegressionOutputRule(task: .classification).applies)
    }

    @Test func reluUntilSwishThreshold() {
        #expect(DefaultHiddenActivationRule(layers: 5, swishFromLayers: 6).applies)
        #expect(!DefaultHiddenActivationRule(layers: 6, swishFromLayers: 6).applies)
        #expect(!DefaultHiddenActivationRule(layers: 0, swishFromLayers: 6).applies)
        #expect(!DeepHiddenActivationRule(layers: 5, swishFromLayers: 6).applies)
        #expect(DeepHiddenActivationRule(layers: 6, swishFromLayers: 6).applies)
        #expect(!BetterHiddenActivationRule().evaluate().applies)
        #expect(!LastResortHiddenActivationRule().evaluate().applies)
        #expect(!RecurrentActivationRule().evaluate().applies)
    }

    @Test func initialiserScalesByActivation() {
        let he = InitializerRule(activation: .relu, fanIn: 8, fanOut: 4)
        #expect(he.initializer == .heNormal)
        #expect(approximately(he.scale, 0.5))  // sqrt(2 / 8)
        let leaky = InitializerRule(activation: .leakyReLU(slope: 0.01), fanIn: 8, fanOut: 4)
        #expect(approximately(leaky.heGain, (2 / 1.0001).squareRoot()))
        #expect(approximately(leaky.scale, (2 / 1.0001).squareRoot() / 8.0.squareRoot()))
        let glorot = InitializerRule(activation: .tanh, fanIn: 4, fanOut: 3)
        #expect(glorot.initializer == .glorotUniform)
        #expect(approximately(glorot.scale, (6.0 / 7).squareRoot()))
        #expect(
            InitializerRule(activation: .softmax, fanIn: 4, fanOut: 3).initializer == .glorotUniform
        )
        #expect(
            InitializerRule(activation: .sigmoid, fanIn: 4, fanOut: 1).initializer == .glorotUniform
        )
        #expect(
            InitializerRule(activation: .linear, fanIn: 4, fanOut: 1).initializer == .glorotUniform)
        let lecun = InitializerRule(activation: .selu, fanIn: 4, fanOut: 3)
        #expect(lecun.initializer == .lecunNormal)
        #expect(approximately(lecun.scale, 0.5))
        #expect(InitializerRule.suits(.heUniform, .relu))
        #expect(!InitializerRule.suits(.glorotUniform, .relu))
    }
}

@Suite struct BatchRuleTests {
    @Test func smallAndLargeDataThresholds() {
        #expect(SmallDataBatchRule(rows: 9_999, smallDataRows: 10_000).applies)
        #expect(!SmallDataBatchRule(rows: 10_000, smallDataRows: 10_000).applies)
        func large(_ rows: Int) -> Int {
            LargeDataBatchRule(rows: rows, from128: 10_000, from256: 100_000, from512: 1_000_000)
                .batchSize
        }
        #expect(large(10_000) == 128)
        #expect(large(99_999) == 128)
        #expect(large(100_000) == 256)
        #expect(large(999_999) == 256)
        #expect(large(1_000_000) == 512)
    }

    @Test func memoryHalvesUntilTheBatchFits() {
        // 512 rows * 2 * 4 bytes * 1000 floats = 4,096,000 bytes; 1 MiB = 1,048,576 bytes.
        let rule = MemoryBatchRule(
            batchSize: 512, floatsPerRow: 1000, budgetMiB: 1, minimumBatch: 8)
        #expect(rule.bytes(forBatch: 512) == 4_096_000)
        #expect(rule.fittedBatchSize == 128)  // 1,024,000 bytes fit
        #expect(rule.evaluate().applies)
        let exact = MemoryBatchRule(
            batchSize: 128, floatsPerRow: 1024, budgetMiB: 1, minimumBatch: 8)
        #expect(exact.fittedBatchSize == 128)  // exactly the budget fits
        let tiny = MemoryBatchRule(
            batchSize: 512, floatsPerRow: 1000, budgetMiB: 0.001, minimumBatch: 8)
        #expect(tiny.fittedBatchSize == 8)  // never below BATCH-NOT-TOO-SMALL
    }

    @Test func minimumAndDataBounds() {
        #expect(MinimumBatchRule(batchSize: 4, minimumBatch: 8).result == 8)
        #expect(MinimumBatchRule(batchSize: 8, minimumBatch: 8).result == 8)
        #expect(BatchWithinDataRule(batchSize: 32, rows: 20).result == 20)
        #expect(BatchWithinDataRule(batchSize: 32, rows: 32).result == 32)
        #expect(!BatchWithinDataRule(batchSize: 32, rows: 32).evaluate().applies)
    }

    @Test func epochsAimAtTwentyThousandSteps() {
        func epochs(_ rows: Int, _ batch: Int) -> Int {
            EpochsRule(
                rows: rows, batchSize: batch, targetSteps: 20_000, minimumEpochs: 10,
                maximumEpochs: 500
            ).epochs
        }
        #expect(
            EpochsRule(
                rows: 105, batchSize: 32, targetSteps: 20_000, minimumEpochs: 10, maximumEpochs: 500
            ).stepsPerEpoch == 4)
        #expect(epochs(105, 32) == 500)  // 5000 clamped
        #expect(epochs(20_000, 128) == 127)  // 157 steps: 127.4
        #expect(epochs(100_000, 256) == 51)  // 391 steps: 51.2
        #expect(epochs(1_000_000, 512) == 10)  // 1954 steps: 10.2
        #expect(epochs(10_000_000, 512) == 10)  // 1.02 clamped up
        #expect(ShuffleRule().evaluate().result == .flag(true))
    }
}

@Suite struct OptimizerAndRegularisationRuleTests {
    @Test func learningRateAndOptimizerRules() {
        #expect(RangeTestRule(isAuto: true).evaluate().applies)
        #expect(!RangeTestRule(isAuto: false).evaluate().applies)
        #expect(BatchNormLearningRateRule(batchNorm: true).evaluate().applies)
        #expect(BatchCouplingRule(learningRateFixed: true, batchSize: 64).evaluate().applies)
        #expect(DefaultOptimizerRule.adam == .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8))
        #expect(DefaultOptimizerRule.learningRate == 1e-3)
        #expect(MomentumRule(optimizer: .sgd(momentum: 0, nesterov: false)).applies)
        #expect(!MomentumRule(optimizer: DefaultOptimizerRule.adam).applies)
    }

    @Test func penaltyRanges() {
        #expect(L1RangeRule(strength: 1e-4).holds)
        #expect(L1RangeRule(strength: 1e-8).holds)
        #expect(!L1RangeRule(strength: 1e-2).holds)
        #expect(!L1RangeRule(strength: 1e-9).holds)
        #expect(L1RangeRule(strength: nil).holds)
        #expect(L2RangeRule(strength: 1e-2).holds)
        #expect(L2RangeRule(strength: 1e-6).holds)
        #expect(!L2RangeRule(strength: 0.5).holds)
        #expect(!L2RangeRule(strength: 1e-7).holds)
    }

    @Test func weightDecayShrinksWithData() {
        #expect(approximately(WeightDecayRule(rows: 105, scheduled: false).l2, 0.1 / 105))
        #expect(approximately(WeightDecayRule(rows: 1000, scheduled: false).l2, 1e-4))
        #expect(approximately(WeightDecayRule(rows: 5, scheduled: false).l2, 1e-2))  // clamped
        #expect(approximately(WeightDecayRule(rows: 1_000_000, scheduled: false).l2, 1e-6))
        #expect(approximately(WeightDecayRule(rows: 1000, scheduled: true).l2, 5e-5))
        #expect(approximately(WeightDecayRule(rows: 1000, scheduled: false).decoupledDecay, 0.01))
        #expect(approximately(WeightDecayRule(rows: 10, scheduled: false).decoupledDecay, 0.1))
    }

    @Test func dropoutWhenParametersExceedRows() {
        func rule(_ parameters: Int, batchNorm: Bool = false) -> DropoutRule {
            DropoutRule(
                parameters: parameters, rows: 105, ratio: 1, hiddenLayers: 1, batchNorm: batchNorm)
        }
        #expect(!rule(105).applies)  // equal does not exceed
        #expect(rule(106).applies)
        #expect(approximately(rule(106).rate, 0.1))
        #expect(approximately(rule(210).rate, 0.2))
        #expect(approximately(rule(420).rate, 0.3))
        #expect(approximately(rule(105 * 16).rate, 0.5))
        #expect(approximately(rule(105 * 100).rate, 0.5))
        #expect(!rule(420, batchNorm: true).applies)
        #expect(
            !DropoutRule(parameters: 420, rows: 105, ratio: 1, hiddenLayers: 0, batchNorm: false)
                .applies)
        #expect(
            !DropoutRule(parameters: 420, rows: 105, ratio: 5, hiddenLayers: 1, batchNorm: false)
                .applies)
        #expect(BatchNormReplacesDropoutRule(batchNorm: true).evaluate().applies)
    }

    @Test func dropoutCountsTheEmbeddingTables() throws {
        // A network well within Ns without its embedding tables, far past it with them.
        func summary(embeddingParameters: Int) -> DataSummary {
            DataSummary(
                task: .classification, trainingRows: 5_000, inputs: 20, outputs: 1,
                classCounts: ["a": 2_500, "b": 2_500],
                linearProbe: LinearProbeSummary(trainingAccuracy: 0.8), numericInputs: 4,
                embeddedInputs: 16, embeddingParameters: embeddingParameters)
        }
        var spec = makeSpec()
        spec.model.hiddenLayers = .fixed(1)
        spec.model.batchNorm = .fixed(false)
        let plain = try SizingAdvisor.recommend(spec: spec, data: summary(embeddingParameters: 0))
        let embedded = try SizingAdvisor.recommend(
            spec: spec, data: summary(embeddingParameters: 400 * 16))
        func dropout(_ recommendation: Recommendation) throws -> RuleEvaluation {
            try #require(recommendation.evaluations.first { $0.id == DropoutRule.id })
        }
        #expect(try !dropout(plain).applies)
        let rule = try dropout(embedded)
        #expect(rule.applies)
        let counted = rule.inputs.first { $0.name == "P" }?.value
        #expect(counted == .integer(embedded.parameterCount))
        #expect(embedded.config.model.dropout.value ?? 0 > 0)
    }

    @Test func batchNormRules() {
        #expect(BatchNormPlacementRule(activation: .relu).placement == .beforeActivation)
        #expect(
            BatchNormPlacementRule(activation: .leakyReLU(slope: 0.01)).placement
                == .beforeActivation)
        #expect(BatchNormPlacementRule(activation: .tanh).placement == .afterActivation)
        #expect(BatchNormPlacementRule(activation: .sigmoid).placement == .afterActivation)
        #expect(!DeepBatchNormRule(layers: 2, fromLayers: 3).applies)
        #expect(DeepBatchNormRule(layers: 3, fromLayers: 3).applies)
    }

    @Test func clippingEarlyStoppingAndRecipe() {
        #expect(ClippingRule.clipping == .clipNorm(1.0))
        #expect(
            EarlyStoppingRule(patience: 10, minDelta: 1e-4).config
                == EarlyStoppingConfig(patience: 10, minDelta: 1e-4, restoreBest: true))
        #expect(OverfitRecipeRule(dropout: true).evaluate().result.description.hasPrefix("modern"))
        #expect(
            OverfitRecipeRule(dropout: false).evaluate().result.description.hasPrefix("classical"))
    }

    @Test func numbersFormatForPeople() {
        #expect(NumberText.evidence(105) == "105")
        #expect(NumberText.evidence(3.4641) == "3.46")
        #expect(NumberText.evidence(7.5) == "7.5")
        #expect(NumberText.evidence(0.999) == "0.999")
        #expect(NumberText.evidence(1e-4) == "1e-4")
        #expect(NumberText.evidence(2.5e-4) == "2.5e-4")
        #expect(NumberText.evidence(1e-8) == "1e-8")
    }
}
