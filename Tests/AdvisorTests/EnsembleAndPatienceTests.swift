import Spec
import Testing

@testable import Advisor

/// ENSEMBLE-SMALL-DATA and EARLY-STOP-STEPS: their thresholds, and the advisor's choices.
@Suite struct EnsembleAndPatienceTests {
    @Test(arguments: [
        (105, 5), (20_000, 5), (20_001, 4), (22_524, 4), (25_000, 4), (33_334, 2), (50_000, 2),
        (50_001, 1), (1_000_000, 1), (0, 5),
    ])
    func membersWithinTheRowBudget(rows: Int, members: Int) {
        let rule = EnsembleRule(rows: rows, members: 5, rowBudget: 100_000)
        #expect(rule.ensemble == members)
        #expect(rule.applies == (members > 1))
        #expect(rule.evaluate().applies == rule.applies)
        #expect(rule.reason.contains(members > 1 ? "average \(members) networks" : "one network"))
    }

    @Test func oneMemberIsNotAnEnsemble() {
        let rule = EnsembleRule(rows: 10, members: 1, rowBudget: 100_000)
        #expect(!rule.applies)
        #expect(rule.reason.contains("ensemble_members is 1"))
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
        spec.advisor.ensembleRowBudget = 100
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
