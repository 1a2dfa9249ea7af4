import Spec
import Testing

@testable import Advisor

/// DEPTH-NO-SIGNAL: a cross-validated linear model that barely beats predicting without the
/// inputs means no hidden layer.
@Suite struct SignalRuleTests {
    /// Iris's summary with the probe's scores: a linear score of `linear` against a trivial
    /// (majority) score of `trivial`.
    static func iris(linear: Double?, trivial: Double?) -> DataSummary {
        var summary = Datasets.iris
        summary.numericEncoding = NumericEncodingChoice(
            encoding: .standard, binnableColumns: 4, standardScore: linear,
            trivialScore: trivial)
        return summary
    }

    @Test func theLiftDecidesAndAnUnknownScoreDoesNot() {
        let weak = SignalDepthRule(linearScore: 0.53, trivialScore: 0.52, minimumLift: 0.05)
        #expect(weak.isWeak == true)
        #expect(abs((weak.lift ?? 0) - 0.01) < 1e-12)
        #expect(weak.evaluate().applies)
        let strong = SignalDepthRule(linearScore: 0.70, trivialScore: 0.52, minimumLift: 0.05)
        #expect(strong.isWeak == false)
        #expect(!strong.evaluate().applies)
        let unknown = SignalDepthRule(linearScore: nil, trivialScore: 0.52, minimumLift: 0.05)
        #expect(unknown.isWeak == nil)
        #expect(!unknown.evaluate().applies)
        // Signal only the random features see (XOR, a product) is signal.
        let interaction = SignalDepthRule(
            linearScore: 0.50, featuresScore: 0.94, trivialScore: 0.51, minimumLift: 0.05)
        #expect(interaction.isWeak == false)
        #expect(abs((interaction.lift ?? 0) - 0.43) < 1e-12)
        #expect(interaction.evaluate().why.hasPrefix("with random ReLU features"))
        let noise = SignalDepthRule(
            linearScore: 0.515, featuresScore: 0.49, trivialScore: 0.52, minimumLift: 0.05)
        #expect(noise.isWeak == true)
        #expect(noise.evaluate().why.contains("with random ReLU features or without"))
        // Regression: R² against 0.
        #expect(
            SignalDepthRule(linearScore: 0.03, trivialScore: 0, minimumLift: 0.05).isWeak == true)
    }

    @Test func noSignalGivesALinearModelWithTheRuleAsItsReason() throws {
        let spec = makeSpec(widthFloor: 128)
        let weak = try SizingAdvisor.recommend(
            spec: spec, data: Self.iris(linear: 0.36, trivial: 0.333))
        #expect(weak.hiddenWidths.isEmpty)
        #expect(weak.choice("model.hidden_layers")?.ruleID == SignalDepthRule.id)
        let row = try #require(weak.sizing.first { $0.id == SignalDepthRule.id })
        #expect(row.applies)
        // DEPTH-LOW does not claim the depth it did not set.
        #expect(weak.sizing.first { $0.id == LowDepthRule.id }?.applies == false)

        let strong = try SizingAdvisor.recommend(
            spec: spec, data: Self.iris(linear: 0.95, trivial: 0.333))
        #expect(strong.hiddenWidths == [128])
        #expect(strong.sizing.first { $0.id == SignalDepthRule.id }?.applies == false)
        // Without the probe's scores the rule says nothing.
        let unknown = try SizingAdvisor.recommend(spec: spec, data: Datasets.iris)
        #expect(unknown.hiddenWidths == [128])
    }

    @Test func theSpecsThresholdAndFixedDepthWin() throws {
        var spec = makeSpec(widthFloor: 128)
        spec.advisor.signalMinimumLift = 0
        let off = try SizingAdvisor.recommend(
            spec: spec, data: Self.iris(linear: 0.36, trivial: 0.333))
        #expect(off.hiddenWidths == [128])
        var fixed = makeSpec(widthFloor: 128)
        fixed.model.hiddenLayers = .fixed(1)
        let kept = try SizingAdvisor.recommend(
            spec: fixed, data: Self.iris(linear: 0.36, trivial: 0.333))
        #expect(kept.hiddenWidths.count == 1)
    }

    @Test func noHiddenLayerOnSignalFreeDataIsNotCalledAnUnderfit() throws {
        // Iris's probe is not separable (98.1%): a fixed depth of 0 draws DEPTH-LINEAR's
        // "may underfit", unless DEPTH-NO-SIGNAL finds no signal (a config tune or recommend
        // wrote for such data fixes that depth).
        var spec = makeSpec(widthFloor: 128)
        spec.model.hiddenLayers = .fixed(0)
        func linearWarnings(_ data: DataSummary) throws -> [AdvisorWarning] {
            try SizingAdvisor.recommend(spec: spec, data: data).warnings.filter {
                $0.ruleID == LinearDepthRule.id
            }
        }
        #expect(try linearWarnings(Self.iris(linear: 0.36, trivial: 0.333)).isEmpty)
        let signal = try linearWarnings(Self.iris(linear: 0.95, trivial: 0.333))
        #expect(signal.count == 1)
        #expect(signal.first?.message.contains("may underfit") == true)
        #expect(try linearWarnings(Datasets.iris).count == 1)
    }
}
