import Spec
import Testing

@testable import Advisor

/// ENSEMBLE-SMALL-DATA and EARLY-STOP-STEPS: their thresholds, and the advisor's choices.
@Suite struct EnsembleAndPatienceTests {
    @Test(arguments: [(10_000, 5), (10_001, 1), (105, 5)])
    func ensembleUpToTheRowLimit(rows: Int, members: Int) {
        let rule = EnsembleRule(rows: rows, members: 5, maximumRows: 10_000)
        #expect(rule.ensemble == members)
        #expect(rule.applies == (members > 1))
        #expect(rule.evaluate().applies == rule.applies)
    }

    @Test func oneMemberIsNotAnEnsemble() {
        #expect(!EnsembleRule(rows: 10, members: 1, maximumRows: 10_000).applies)
    }

    @Test(arguments: [(4, 50), (20, 25), (13, 39), (50, 10), (1_000, 10)])
    func patienceCoversFiveHundredSteps(stepsPerEpoch: Int, patience: Int) {
        let rule = PatienceByStepsRule(
            basePatience: 10, stepsPerEpoch: stepsPerEpoch, minimumSteps: 500)
        #expect(rule.patience == patience)
        #expect(rule.applies == (patience > 10))
    }

    @Test func patienceRuleOffKeepsEarlyStopsPatience() {
        #expect(
            PatienceByStepsRule(basePatience: 10, stepsPerEpoch: 1, minimumSteps: 0).patience == 10)
        #expect(
            PatienceByStepsRule(basePatience: 7, stepsPerEpoch: 1, minimumSteps: 500).patience
                == 35)
    }

    @Test func advisorChoosesTheEnsembleAndAThresholdMovesIt() throws {
        let auto = try SizingAdvisor.recommend(spec: makeSpec(), data: Datasets.iris)
        #expect(auto.config.training.ensemble == .fixed(5))
        #expect(auto.choice("training.ensemble")?.ruleID == EnsembleRule.id)
        var spec = makeSpec()
        spec.advisor.ensembleMaxRows = 100
        spec.advisor.patienceMinimumSteps = 0
        let large = try SizingAdvisor.recommend(spec: spec, data: Datasets.iris)
        #expect(large.config.training.ensemble == .fixed(1))
        #expect(large.choice("training.ensemble")?.value == "1")
        #expect(large.config.training.earlyStopping == .fixed(EarlyStoppingConfig()))
        #expect(large.choice("training.early_stopping.patience")?.ruleID == EarlyStoppingRule.id)
    }

    @Test func aFixedEnsembleIsKept() throws {
        var spec = makeSpec()
        spec.training.ensemble = .fixed(2)
        let recommendation = try SizingAdvisor.recommend(spec: spec, data: Datasets.iris)
        #expect(recommendation.config.training.ensemble == .fixed(2))
        #expect(recommendation.choice("training.ensemble")?.value == "2")
    }
}
