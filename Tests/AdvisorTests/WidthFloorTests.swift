import Spec
import Testing

@testable import Advisor

/// SIZE-FLOOR, the calibrated default: rule designs get a first hidden layer of at least 128.
@Suite struct WidthFloorTests {
    func design(_ data: DataSummary, floor: Int = 128) throws -> Recommendation {
        try SizingAdvisor.recommend(spec: makeSpec(widthFloor: floor), data: data)
    }

    @Test func theDefaultSpecHasTheFloor() {
        #expect(AdvisorSettings().widthFloor == 128)
        #expect(AdvisorSettings.thresholds.contains { $0.key == "width_floor" })
    }

    @Test func irisGetsOneLayerOf128WithDropout() throws {
        let recommendation = try design(Datasets.iris)
        #expect(recommendation.diagram == "4 -> 128 -> 3 (softmax)")
        #expect(recommendation.parameterCount == 4 * 128 + 128 + 128 * 3 + 3)
        let floor = try #require(recommendation.sizing.first { $0.id == "SIZE-FLOOR" })
        #expect(floor.applies)
        #expect(floor.result == .integer(128))
        // The floor goes past SIZE-BOUNDS [3, 8) and SIZE-CAPACITY 7.5: both say so.
        let bounds = try #require(recommendation.sizing.first { $0.id == "SIZE-BOUNDS" })
        #expect(!bounds.applies)
        #expect(bounds.why.contains("SIZE-FLOOR goes past the upper bound"))
        let capacity = try #require(recommendation.sizing.first { $0.id == "SIZE-CAPACITY" })
        #expect(capacity.why.contains("SIZE-FLOOR keeps the width"))
        #expect(recommendation.choice("model.neurons")?.why.contains("SIZE-FLOOR -> 128") == true)
        // 1027 parameters on 105 rows: REG-DROPOUT's rate with max-norm, not L2.
        let dropout = try #require(recommendation.config.model.dropout.value)
        #expect(dropout > 0.1 && dropout <= 0.5)
        #expect(recommendation.choice("model.dropout")?.ruleID == "REG-DROPOUT")
        #expect(recommendation.warnings.isEmpty)
    }

    @Test func separableDataStaysLinear() throws {
        #expect(try design(Datasets.breastCancer).diagram == "30 -> 1 (sigmoid)")
        #expect(try design(Datasets.diabetes).diagram == "10 -> 1 (linear)")
    }

    @Test func aFloorOfZeroIsTheFormulasAlone() throws {
        #expect(try design(Datasets.iris, floor: 0).diagram == "4 -> 4 -> 3 (softmax)")
        let floor = try #require(
            try design(Datasets.iris, floor: 0).sizing.first { $0.id == "SIZE-FLOOR" })
        #expect(!floor.applies)
    }

    @Test func wideRuleWidthsAreRaisedAndTapered() throws {
        // The rules want 105 (median(44.7, 143.3, 105)) for 4 layers: raised to 128, halved.
        #expect(try design(Datasets.wide).hiddenWidths == [128, 64, 32, 16])
        // A floor below the rules' width changes nothing.
        #expect(try design(Datasets.wide, floor: 64).hiddenWidths == [105, 53, 26, 13])
    }

    @Test func theCapacityStillChoosesTheDepth() throws {
        // Ni = 50, Ns = 1000: DEPTH-HIGH's 3 layers starve at capacity 9.6; one layer is left,
        // and the floor widens it.
        let recommendation = try design(
            DataSummary(task: .classification, trainingRows: 1000, inputs: 50, outputs: 2))
        #expect(recommendation.diagram == "50 -> 128 -> 2 (softmax)")
        #expect(recommendation.choice("model.hidden_layers")?.why.contains("a layer fewer") == true)
    }

    @Test func twoLayersOnlyWhenAlphaTenAffordsTheFlooredPair() throws {
        // DEPTH-LOW's second layer needs Ns / (10 * (Ni + No)) >= 128 + 64: 13,440 rows here.
        let few = try design(
            DataSummary(task: .classification, trainingRows: 13_000, inputs: 4, outputs: 3))
        #expect(few.hiddenWidths == [128])
        let many = try design(
            DataSummary(task: .classification, trainingRows: 14_000, inputs: 4, outputs: 3))
        #expect(many.hiddenWidths == [128, 64])
    }

    @Test func widthsTheSpecFixesAreNotRaised() throws {
        var spec = makeSpec(widthFloor: 128)
        spec.model.neurons = .fixed(.width(8))
        let recommendation = try SizingAdvisor.recommend(spec: spec, data: Datasets.iris)
        #expect(recommendation.hiddenWidths == [8])
        let floor = try #require(recommendation.sizing.first { $0.id == "SIZE-FLOOR" })
        #expect(!floor.applies)
    }
}
