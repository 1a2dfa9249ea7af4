import Spec
import Testing

@testable import Advisor

/// Template preferences: weaker than the spec, stronger than the rules, warned when they break
/// a rule; `model.template: auto` named by `TemplatePolicy`.
@Suite struct PreferenceTests {
    let deep = DesignPreferences(
        source: "deep-mlp", minHiddenLayers: 3, batchNorm: true, swishFromLayers: 6,
        batchNormFromLayers: 3)
    let wide = DesignPreferences(
        source: "wide-shallow", hiddenLayers: 1, widthFactor: 4, batchNorm: false, dropout: 0.3)

    @Test func deepTemplateRaisesTheDepthAndAddsBatchNorm() throws {
        let result = try SizingAdvisor.recommend(
            spec: makeSpec(), data: Datasets.diabetes, preferences: deep)
        #expect(result.hiddenWidths.count == 3)
        #expect(result.config.model.batchNorm == .fixed(true))
        #expect(result.config.model.template == .fixed("deep-mlp"))
        let layers = result.config.model.layers ?? []
        #expect(layers.filter { $0.kindName == "batch_norm" }.count == 3)
        let depth = try #require(result.choice("model.hidden_layers"))
        #expect(depth.source == .template)
        #expect(depth.annotation == "template deep-mlp: at least 3 hidden layers")
        #expect(result.choice("model.batch_norm")?.source == .template)
        // Ni = 10 <= 32: DEPTH-LOW wants 1 to 2 layers; the template's 3 are kept and warned.
        let low = result.warnings(LowDepthRule.id)
        #expect(low.count == 1 && low.first?.message.hasPrefix("template deep-mlp: ") == true)
        // The rules' own depth is unchanged without preferences.
        let plain = try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.diabetes)
        #expect(plain.hiddenWidths.count < 3 && plain.warnings.isEmpty)
    }

    @Test func wideTemplateScalesTheWidthAndWarnsPastSizeBounds() throws {
        let result = try SizingAdvisor.recommend(
            spec: makeSpec(), data: Datasets.iris, preferences: wide)
        let plain = try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.iris)
        #expect(result.hiddenWidths.count == 1)
        #expect(result.hiddenWidths == [plain.hiddenWidths[0] * 4])
        #expect(result.config.model.dropout == .fixed(0.3))
        #expect(result.config.model.layers?.contains(.dropout(rate: 0.3)) == true)
        // 16 >= 2 * Ni = 8: kept, warned with SIZE-BOUNDS naming DEPTH-WIDE-VS-DEEP.
        let bounds = result.warnings(WidthBoundsRule.id)
        #expect(bounds.count == 1)
        #expect(bounds.first?.message.hasPrefix("template wide-shallow: width 16") == true)
        #expect(bounds.first?.message.contains("DEPTH-WIDE-VS-DEEP") == true)
        let row = try #require(result.sizing.first { $0.id == WidthBoundsRule.id })
        #expect(!row.applies && row.why.contains("outside (warned)"))
        #expect(result.choice("model.neurons")?.source == .template)
        #expect(
            result.choice("model.layers[0].dense.units")?.annotation.hasPrefix(
                "template wide-shallow: width x 4") == true)
    }

    @Test func theSpecWinsOverThePreferences() throws {
        var spec = makeSpec()
        spec.model.hiddenLayers = .fixed(2)
        spec.model.dropout = .fixed(0.1)
        spec.model.batchNorm = .fixed(false)
        let result = try SizingAdvisor.recommend(
            spec: spec, data: Datasets.diabetes, preferences: deep)
        #expect(result.hiddenWidths.count == 2)
        #expect(result.config.model.batchNorm == .fixed(false))
        #expect(result.config.model.dropout == .fixed(0.1))
        #expect(result.choice("model.hidden_layers")?.source == .spec)
        let widthSpec = try SizingAdvisor.recommend(
            spec: {
                var s = makeSpec(); s.model.neurons = .fixed(.widths([5])); return s
            }(),
            data: Datasets.iris, preferences: wide)
        #expect(widthSpec.hiddenWidths == [5])
    }

    @Test func autoTemplateFollowsThePolicy() throws {
        func template(_ data: DataSummary) throws -> String? {
            try SizingAdvisor.recommend(spec: makeSpec(), data: data).config.model.template.value
        }
        #expect(try template(Datasets.iris) == TemplatePolicy.classifier)
        #expect(try template(Datasets.diabetes) == TemplatePolicy.regressor)
        // Ni = 200 > 32: DEPTH-HIGH gives 4 layers: the deep template.
        #expect(try template(Datasets.wide) == TemplatePolicy.deep)
        #expect(
            TemplatePolicy.automaticTemplate(task: .regression, hiddenLayers: 3).name == "deep-mlp")
        // A template fixed in the spec is kept; the preferences' source is what is written.
        var spec = makeSpec()
        spec.model.template = .fixed("wide-shallow")
        let fixed = try SizingAdvisor.recommend(spec: spec, data: Datasets.iris)
        #expect(fixed.config.model.template == .fixed("wide-shallow"))
        #expect(fixed.choice("model.template")?.source == .spec)
        let chosen = try SizingAdvisor.recommend(
            spec: makeSpec(), data: Datasets.iris,
            preferences: DesignPreferences(source: "house", reason: "chosen with --template"))
        #expect(chosen.config.model.template == .fixed("house"))
        #expect(chosen.annotations["model.template"] == "chosen with --template")
    }

    @Test func templateThresholdsMoveIntoTheConfig() throws {
        let early = DesignPreferences(source: "swishy", minHiddenLayers: 3, swishFromLayers: 3)
        let result = try SizingAdvisor.recommend(
            spec: makeSpec(), data: Datasets.diabetes, preferences: early)
        #expect(result.config.model.activation == .fixed(.swish))
        #expect(result.config.advisor.swishFromLayers == 3)
        #expect(result.choice("advisor.swish_from_layers")?.source == .template)
        // The spec's own threshold wins.
        var spec = makeSpec()
        spec.advisor.swishFromLayers = 8
        let kept = try SizingAdvisor.recommend(
            spec: spec, data: Datasets.diabetes, preferences: early)
        #expect(kept.config.model.activation == .fixed(.relu))
    }
}
