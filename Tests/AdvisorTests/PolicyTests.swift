import Spec
import Testing

@testable import Advisor

@Suite struct DatasetDesignTests {
    @Test func irisGetsOneSmallReLULayer() throws {
        let recommendation = try SizingAdvisor.recommend(
            spec: makeSpec("iris"), data: Datasets.iris)
        #expect(recommendation.diagram == "4 -> 4 -> 3 (softmax)")
        #expect(recommendation.parameterCount == 4 * 4 + 4 + 4 * 3 + 3)
        #expect(
            recommendation.config.model.layers == [
                .dense(DenseConfig(units: 4, initializer: .heNormal)), .activation(.relu),
                .dense(DenseConfig(units: 3, initializer: .glorotUniform)), .activation(.softmax),
            ])
        let training = recommendation.config.training
        #expect(training.loss == .fixed(.crossEntropy))
        #expect(training.optimizer == .fixed(DefaultOptimizerRule.adam))
        #expect(training.learningRate == .auto)
        #expect(training.batchSize == .fixed(32))
        #expect(training.epochs == .fixed(500))
        #expect(training.regularization == .fixed(Regularization(penalty: .l2(0.1 / 105))))
        // 105 rows in batches of 32 are 4 steps per epoch: EARLY-STOP-STEPS's 500 steps would
        // be 125 epochs, capped at 5 x 10.
        #expect(
            training.earlyStopping
                == .fixed(EarlyStoppingConfig(patience: 50, minDelta: 1e-4, restoreBest: true)))
        #expect(training.ensemble == .fixed(5))
        #expect(training.gradientClipping == .fixed(.clipNorm(1.0)))
        #expect(recommendation.choice("model.neurons")?.ruleID == "SIZE-MEAN")
        #expect(recommendation.choice("model.hidden_layers")?.ruleID == "DEPTH-LOW")
        #expect(recommendation.warnings.isEmpty)
    }

    @Test func separableBreastCancerIsALogisticRegression() throws {
        let recommendation = try SizingAdvisor.recommend(
            spec: makeSpec(), data: Datasets.breastCancer)
        #expect(recommendation.diagram == "30 -> 1 (sigmoid)")
        #expect(recommendation.parameterCount == 31)
        #expect(recommendation.config.training.loss == .fixed(.binaryCrossEntropy))
        #expect(recommendation.choice("model.hidden_layers")?.ruleID == "DEPTH-LINEAR")
        // Separable data without a penalty would grow its weights forever: L2 and early stopping.
        #expect(
            recommendation.config.training.regularization
                == .fixed(Regularization(penalty: .l2(0.1 / 398))))
        #expect(recommendation.config.training.earlyStopping.value != nil)
    }

    @Test func breastCancerNotQuiteSeparableGetsCapacityCutLayer() throws {
        let recommendation = try SizingAdvisor.recommend(
            spec: makeSpec(), data: Datasets.breastCancerNotSeparable)
        // median(5.48, 21, 15.5) = 15.5 -> 16, capacity 398 / 62 = 6.42 -> 6.
        #expect(recommendation.diagram == "30 -> 6 -> 1 (sigmoid)")
        #expect(recommendation.parameterCount == 30 * 6 + 6 + 6 + 1)
        let capacity = try #require(recommendation.sizing.first { $0.id == "SIZE-CAPACITY" })
        #expect(capacity.applies)
        #expect(capacity.why.contains("cut"))
    }

    @Test func penguinsGetSevenUnits() throws {
        let recommendation = try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.penguins)
        // median(5.48, 9.67, 6.5) = 6.5 -> 7; bounds [3, 20); capacity 240 / 26 = 9.2.
        #expect(recommendation.diagram == "10 -> 7 -> 3 (softmax)")
        #expect(recommendation.parameterCount == 10 * 7 + 7 + 7 * 3 + 3)
        #expect(recommendation.choice("model.neurons")?.ruleID == "SIZE-MEAN")
    }

    @Test func diabetesWithLinearProbeAsGoodAsMLPIsLinear() throws {
        let recommendation = try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.diabetes)
        #expect(recommendation.diagram == "10 -> 1 (linear)")
        #expect(recommendation.config.training.loss == .fixed(.mse))
        #expect(recommendation.config.model.layers?.last == .activation(.linear))
        #expect(recommendation.choice("model.hidden_layers")?.ruleID == "DEPTH-LINEAR")
        #expect(recommendation.config.data.split.stratify == .fixed(false))
    }

    @Test func diabetesWithoutMLPProbeGetsSmallRegularisedLayer() throws {
        let recommendation = try SizingAdvisor.recommend(
            spec: makeSpec(), data: Datasets.diabetesProbeUnknown)
        #expect(recommendation.diagram == "10 -> 6 -> 1 (linear)")
        let linear = try #require(recommendation.sizing.first { $0.id == "DEPTH-LINEAR" })
        #expect(linear.result == .text("unknown"))
        #expect(!linear.applies)
    }

    @Test func manyInputsLargeDataGoDeepWithBatchNorm() throws {
        let recommendation = try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.wide)
        // median(44.7, 143.3, 105) = 105; 4 layers for 129..512 inputs; capacity 238.
        #expect(recommendation.hiddenWidths == [105, 53, 26, 13])
        #expect(recommendation.config.model.batchNorm == .fixed(true))
        #expect(recommendation.config.model.dropout == .fixed(0))
        let layers = try #require(recommendation.config.model.layers)
        #expect(layers[0] == .dense(DenseConfig(units: 105, initializer: .heNormal, bias: false)))
        #expect(layers[1] == .batchNorm(momentum: 0.1, epsilon: 1e-5))
        #expect(layers[2] == .activation(.relu))
        #expect(recommendation.config.training.batchSize == .fixed(256))
        #expect(recommendation.config.training.epochs == .fixed(51))
        #expect(recommendation.choice("model.dropout")?.ruleID == "REG-BN-REPLACES-DROPOUT")
        #expect(recommendation.choice("model.layers[0].dense.bias")?.value == "false")
    }
}

@Suite struct EdgeCaseTests {
    func design(_ data: DataSummary, _ spec: NetworkSpec = makeSpec()) throws -> Recommendation {
        try SizingAdvisor.recommend(spec: spec, data: data)
    }

    @Test func oneInputOneOutputIsLinear() throws {
        let recommendation = try design(
            DataSummary(task: .regression, trainingRows: 100, inputs: 1, outputs: 1))
        #expect(recommendation.diagram == "1 -> 1 (linear)")
        #expect(recommendation.choice("model.hidden_layers")?.ruleID == "SIZE-BOUNDS")
    }

    @Test func oneInputThreeClassesKeepsTheOutputWidth() throws {
        // SIZE-BOUNDS [3, 2) is empty: No = 3 wins.
        let recommendation = try design(
            DataSummary(task: .classification, trainingRows: 100, inputs: 1, outputs: 3))
        #expect(recommendation.diagram == "1 -> 3 -> 3 (softmax)")
        // 300 rows afford two layers of 3 even at alpha 10 (300 / 40 = 7.5 >= 6).
        let more = try design(
            DataSummary(task: .classification, trainingRows: 300, inputs: 1, outputs: 3))
        #expect(more.diagram == "1 -> 3 -> 3 -> 3 (softmax)")
    }

    @Test func tinyDataBelowCapacityIsLinearAndBatchIsAllRows() throws {
        // Ns = 12: capacity 12 / 14 = 0.86 units.
        let recommendation = try design(
            DataSummary(task: .classification, trainingRows: 12, inputs: 4, outputs: 3))
        #expect(recommendation.hiddenWidths.isEmpty)
        #expect(recommendation.choice("model.hidden_layers")?.ruleID == "SIZE-CAPACITY")
        #expect(recommendation.config.training.batchSize == .fixed(12))
        #expect(recommendation.choice("training.batch_size")?.ruleID == "BATCH-NEVER-ABOVE-DATA")
        #expect(recommendation.config.training.epochs == .fixed(500))
    }

    @Test func fewerRowsThanTheMinimumBatch() throws {
        let recommendation = try design(
            DataSummary(task: .regression, trainingRows: 5, inputs: 3, outputs: 1))
        #expect(recommendation.config.training.batchSize == .fixed(5))
        #expect(
            recommendation.config.training.regularization
                == .fixed(Regularization(penalty: .l2(1e-2))))
    }

    @Test func capacityBelowOutputWidthIsLinear() throws {
        // Ns = 30, Ni = 4, No = 3: capacity 2.14 < No = 3.
        let recommendation = try design(
            DataSummary(task: .classification, trainingRows: 30, inputs: 4, outputs: 3))
        #expect(recommendation.diagram == "4 -> 3 (softmax)")
        // Just enough rows for 3 units: 42 / 14 = 3.
        let enough = try design(
            DataSummary(task: .classification, trainingRows: 42, inputs: 4, outputs: 3))
        #expect(enough.diagram == "4 -> 3 -> 3 (softmax)")
    }

    @Test func manyInputsOnSmallDataDropLayersTheCapacityStarves() throws {
        // Ni = 50, No = 2, Ns = 1000: capacity 9.6; the width rules want 26.
        let recommendation = try design(
            DataSummary(task: .classification, trainingRows: 1000, inputs: 50, outputs: 2))
        #expect(recommendation.diagram == "50 -> 9 -> 2 (softmax)")
        #expect(recommendation.choice("model.hidden_layers")?.ruleID == "DEPTH-HIGH")
        #expect(recommendation.choice("model.hidden_layers")?.why.contains("a layer fewer") == true)
    }

    @Test func outputsPastTwiceTheInputsKeepOneLayerOfOutputWidth() throws {
        // Ni = 3, No = 8: SIZE-BOUNDS is empty, No wins; a second layer would not help.
        let recommendation = try design(
            DataSummary(task: .classification, trainingRows: 400, inputs: 3, outputs: 8))
        #expect(recommendation.hiddenWidths == [8])
        #expect(recommendation.choice("model.hidden_layers")?.ruleID == "DEPTH-LOW")
        let wide = try #require(recommendation.sizing.first { $0.id == "DEPTH-WIDE-VS-DEEP" })
        #expect(!wide.applies)
    }

    @Test func enoughRowsForTwoLayersAtAlphaTen() throws {
        // Ni = 10, No = 1, Ns = 20000: capacity at alpha 10 = 181.8 >= 6 + 3.
        let recommendation = try design(
            DataSummary(task: .regression, trainingRows: 20_000, inputs: 10, outputs: 1))
        #expect(recommendation.hiddenWidths == [6, 3])
        #expect(recommendation.config.training.batchSize == .fixed(128))
    }

    @Test func dropoutAndMaxNormWhenParametersExceedRows() throws {
        // Capacity alpha lowered so the layer may be wide: 10 -> 19 -> 3 has 269 parameters > 150.
        var spec = makeSpec()
        spec.advisor.capacityAlpha = 0.5
        spec.model.neurons = .fixed(.width(19))
        let recommendation = try design(
            DataSummary(task: .classification, trainingRows: 150, inputs: 10, outputs: 3), spec)
        // 0.1 + 0.1 * log2(269 / 150) = 0.18, to 0.05: 0.2.
        #expect(recommendation.config.model.dropout == .fixed(0.2))
        let layers = try #require(recommendation.config.model.layers)
        #expect(layers[0] == .dense(DenseConfig(units: 19, initializer: .heNormal, maxNorm: 3)))
        #expect(layers[2] == .dropout(rate: 0.2))
        #expect(recommendation.config.training.regularization == .fixed(.none))
        #expect(recommendation.choice("training.regularization")?.ruleID == "OVERFIT-RECIPE-MLP")
    }

    @Test func badCountsAreErrorsNotCrashes() {
        #expect(throws: AdvisorError.self) {
            try SizingAdvisor.recommend(
                spec: makeSpec(),
                data: DataSummary(task: .regression, trainingRows: 0, inputs: 3, outputs: 1))
        }
        #expect(throws: AdvisorError.self) {
            try SizingAdvisor.recommend(
                spec: makeSpec(),
                data: DataSummary(task: .regression, trainingRows: 10, inputs: 0, outputs: 1))
        }
        var spec = makeSpec()
        spec.advisor.capacityAlpha = 0
        #expect(throws: AdvisorError.self) {
            try SizingAdvisor.recommend(spec: spec, data: Datasets.iris)
        }
    }

    @Test func summariesThatContradictThemselvesOrTheSpecAreErrors() {
        var spec = makeSpec()
        spec.task = .fixed(.regression)
        #expect(throws: AdvisorError.self) {
            try SizingAdvisor.recommend(spec: spec, data: Datasets.iris)
        }
        let wrongOutputs = DataSummary(
            task: .classification, trainingRows: 50, inputs: 4, outputs: 2,
            classCounts: ["a": 25, "b": 25])
        #expect(throws: AdvisorError.self) {
            try SizingAdvisor.recommend(spec: makeSpec(), data: wrongOutputs)
        }
        let oneClass = DataSummary(
            task: .classification, trainingRows: 50, inputs: 4, outputs: 1, classCounts: ["a": 50])
        #expect(throws: AdvisorError.self) {
            try SizingAdvisor.recommend(spec: makeSpec(), data: oneClass)
        }
    }

    @Test func sameSpecAndDataGiveTheSameRecommendation() throws {
        let first = try design(Datasets.penguins)
        let second = try design(Datasets.penguins)
        #expect(first == second)
    }

    @Test func advisorThresholdsComeFromTheSpec() throws {
        var spec = makeSpec()
        spec.advisor.capacityAlpha = 5
        spec.locations["advisor.capacity_alpha"] = SourceLocation(
            file: "p.yaml", line: 20, column: 19)
        // Capacity 240 / (5 * 13) = 3.69 -> 3 units.
        let recommendation = try SizingAdvisor.recommend(spec: spec, data: Datasets.penguins)
        #expect(recommendation.diagram == "10 -> 3 -> 3 (softmax)")
        #expect(recommendation.choice("advisor.capacity_alpha")?.source == .spec)
        var batchSpec = makeSpec()
        batchSpec.advisor.smallDataRows = 100
        let large = try SizingAdvisor.recommend(spec: batchSpec, data: Datasets.iris)
        #expect(large.config.training.batchSize == .fixed(105))  // 128 cut to the rows
    }
}
