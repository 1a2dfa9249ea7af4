import Testing

@testable import TuneSearch

@Suite("Successive halving")
struct PrunerTests {
    /// A trial with one intermediate value per listed step.
    static func trial(
        _ number: Int, _ values: [Int: Double], state: TrialState = .running
    )
        -> TrialObservation
    {
        TrialObservation(
            number: number, assignment: [:], state: state, value: nil,
            intermediate: values.keys.sorted().map {
                IntermediateValue(step: $0, value: values[$0]!)
            }
        )
    }

    /// Five earlier trials with losses 0.1...0.5 at epoch 1 (rung 0 for min resource 1).
    static let rungZero = (1...5).map { trial($0, [1: Double($0) / 10], state: .complete) }

    @Test func rungsAreMinResourceTimesEtaToTheK() {
        #expect(SuccessiveHalvingPruner().rungSteps(through: 30) == [1, 3, 9, 27])
        #expect(
            SuccessiveHalvingPruner(minResource: 2, reductionFactor: 2, minEarlyStoppingRate: 1)
                .rungSteps(through: 20) == [4, 8, 16])
        #expect(SuccessiveHalvingPruner(minResource: 4).rungSteps(through: 3) == [])
        #expect(SuccessiveHalvingPruner().rungSteps(through: Int.max).count == 40)
    }

    @Test func minimiseKeepsTheTopThirdAtARung() {
        let pruner = SuccessiveHalvingPruner()
        // 6 values at rung 1 (5 others + this one): promotable index 6 / 3 - 1 = 1, the second
        // best. 0.15 is second best of {0.1, 0.15, 0.2, ...}: continue. 0.25 is third of
        // {0.1, 0.2, 0.25, ...}, worse than the second best 0.2: prune.
        #expect(
            !pruner.shouldPrune(
                trial: Self.trial(6, [1: 0.15]), others: Self.rungZero, direction: .minimize))
        #expect(
            pruner.shouldPrune(
                trial: Self.trial(6, [1: 0.25]), others: Self.rungZero, direction: .minimize))
        // A tie with the threshold value continues (Optuna's `<=`).
        #expect(
            !pruner.shouldPrune(
                trial: Self.trial(6, [1: 0.2]), others: Self.rungZero, direction: .minimize))
        // Alone, or with fewer than eta values, index -1 becomes 0: only the best goes on.
        #expect(!pruner.shouldPrune(trial: Self.trial(1, [1: 9]), others: [], direction: .minimize))
        let one = [Self.trial(1, [1: 0.2])]
        #expect(
            pruner.shouldPrune(trial: Self.trial(2, [1: 0.3]), others: one, direction: .minimize))
        #expect(
            !pruner.shouldPrune(trial: Self.trial(2, [1: 0.1]), others: one, direction: .minimize))
    }

    @Test func aRungWithFewerThanTheMinimumCompetitorsNeverPrunes() {
        let pruner = SuccessiveHalvingPruner(minimumCompetitors: 3)
        // Two values at rung 1 (one other + this one) < 3: the worse trial goes on, where
        // Optuna's rule (minimumCompetitors 0, above) prunes it.
        let one = [Self.trial(1, [1: 0.2])]
        #expect(
            !pruner.shouldPrune(trial: Self.trial(2, [1: 0.3]), others: one, direction: .minimize))
        // Three values: index 3 / 3 - 1 = 0, only the best goes on: 0.3 of {0.1, 0.2, 0.3} is
        // pruned, 0.05 continues.
        let two = [Self.trial(1, [1: 0.2]), Self.trial(3, [1: 0.1])]
        #expect(
            pruner.shouldPrune(trial: Self.trial(2, [1: 0.3]), others: two, direction: .minimize))
        #expect(
            !pruner.shouldPrune(trial: Self.trial(2, [1: 0.05]), others: two, direction: .minimize))
    }

    @Test func maximiseKeepsTheTopThirdAtARung() {
        let pruner = SuccessiveHalvingPruner()
        // Accuracies 0.1...0.5: with 0.45 the sorted-best-first list is 0.5, 0.45, 0.4, ...;
        // index 1 is 0.45 itself: continue. 0.35 is fourth: prune.
        #expect(
            !pruner.shouldPrune(
                trial: Self.trial(6, [1: 0.45]), others: Self.rungZero, direction: .maximize))
        #expect(
            pruner.shouldPrune(
                trial: Self.trial(6, [1: 0.35]), others: Self.rungZero, direction: .maximize))
    }

    @Test func onlyTheRungJustReachedIsJudged() {
        let pruner = SuccessiveHalvingPruner()
        // Step 2 is no rung: no decision, however bad the value.
        let between = Self.trial(6, [1: 0.15, 2: 100])
        #expect(!pruner.shouldPrune(trial: between, others: Self.rungZero, direction: .minimize))
        // At step 3 (rung 1), the competitors are the trials that reached step 3: trials 1 and 2
        // (the others were pruned at step 1 and stop there). With 3 values, index 3 / 3 - 1 = 0:
        // it must be the best. Rung 0 is not judged again, though the trial was 0.15 there.
        var others = Self.rungZero
        others[0].intermediate += [
            IntermediateValue(step: 2, value: 0.09), IntermediateValue(step: 3, value: 0.08),
        ]
        others[1].intermediate += [
            IntermediateValue(step: 2, value: 0.15), IntermediateValue(step: 3, value: 0.12),
        ]
        let good = Self.trial(6, [1: 0.15, 2: 0.1, 3: 0.07])
        let behind = Self.trial(6, [1: 0.15, 2: 0.1, 3: 0.09])
        #expect(!pruner.shouldPrune(trial: good, others: others, direction: .minimize))
        #expect(pruner.shouldPrune(trial: behind, others: others, direction: .minimize))
        // A trial that skipped from step 1 to step 4 is judged at rung 3 with its step-4 value,
        // against the others' values at their first step >= 3.
        let skipped = Self.trial(6, [1: 0.15, 4: 0.075])
        #expect(!pruner.shouldPrune(trial: skipped, others: others, direction: .minimize))
        let skippedBehind = Self.trial(6, [1: 0.15, 4: 0.085])
        #expect(pruner.shouldPrune(trial: skippedBehind, others: others, direction: .minimize))
    }

    @Test func nanIsPrunedAndTheTrialIsNotItsOwnCompetitor() {
        let pruner = SuccessiveHalvingPruner()
        #expect(
            pruner.shouldPrune(
                trial: Self.trial(6, [1: .nan]), others: Self.rungZero, direction: .minimize))
        // The trial itself among `others` (same number) is left out: alone, it continues.
        let me = Self.trial(3, [1: 0.5])
        #expect(!pruner.shouldPrune(trial: me, others: [me, me], direction: .minimize))
        // A trial with no reports is never pruned.
        #expect(
            !pruner.shouldPrune(
                trial: Self.trial(7, [:]), others: Self.rungZero, direction: .minimize))
    }

    @Test func reductionFactorFourAndALaterFirstRung() {
        // eta 4, min resource 2: rungs at 2, 8, 32. With 8 values at step 2, index 8 / 4 - 1
        // = 1: the best two continue.
        let pruner = SuccessiveHalvingPruner(minResource: 2, reductionFactor: 4)
        let others = (1...7).map { Self.trial($0, [1: 0, 2: Double($0)]) }
        #expect(
            !pruner.shouldPrune(
                trial: Self.trial(8, [2: 1.5]), others: others, direction: .minimize))
        #expect(
            pruner.shouldPrune(trial: Self.trial(8, [2: 2.5]), others: others, direction: .minimize)
        )
        // Step 1 is before the first rung: never pruned.
        #expect(
            !pruner.shouldPrune(trial: Self.trial(8, [1: 99]), others: others, direction: .minimize)
        )
    }
}
