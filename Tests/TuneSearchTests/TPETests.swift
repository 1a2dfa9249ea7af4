import Foundation
import Testing

@testable import TuneSearch

@Suite("TPE")
struct TPETests {
    @Test func gammaAndWeightsAreOptunasDefaults() {
        // min(ceil(n / 10), 25)
        #expect(
            [0, 1, 10, 11, 20, 21, 250, 251, 1000].map(TPESampler.gamma)
                == [0, 1, 1, 2, 2, 3, 25, 25, 25])
        // Below 25 observations all weigh the same as the prior.
        let few = parzenWeights(count: 4, priorWeight: 1)
        #expect(few.allSatisfy { abs($0 - 0.2) < 1e-12 })
        // 30 observations: the oldest 5 ramp from 1/30 up to 1; the newest 25 and the prior
        // weigh 1; all normalised to sum 1.
        let many = parzenWeights(count: 30, priorWeight: 1)
        #expect(many.count == 31)
        #expect(abs(many.reduce(0, +) - 1) < 1e-12)
        #expect(abs(many[0] / many[30] - 1.0 / 30) < 1e-12)
        #expect(abs(many[4] - many[30]) < 1e-12)
        #expect(zip(many, many.dropFirst()).allSatisfy { $0 <= $1 + 1e-15 })
    }

    @Test func prunedTrialsRankAfterCompleteOnesByFurthestStep() {
        func trial(
            _ n: Int, _ state: TrialState, _ value: Double?, steps: Int = 0
        )
            -> TrialObservation
        {
            TrialObservation(
                number: n, assignment: ["x": .integer(n)], state: state, value: value,
                intermediate: (0..<steps).map { IntermediateValue(step: $0 + 1, value: 5) })
        }
        // 1 complete + 14 pruned + 1 failed + 1 running: 15 counted, gamma 2. The complete one
        // is below; of the pruned, the one that got furthest (trial 7, 9 steps) joins it,
        // although its value equals the others'.
        var history = [trial(0, .complete, 100)]
        for n in 1...14 { history.append(trial(n, .pruned, 5, steps: n == 7 ? 9 : 1 + n % 3)) }
        history.append(trial(15, .failed, nil))
        history.append(trial(16, .running, nil))
        let split = TrialSplit(
            history: history, pending: [["x": .integer(99)]], direction: .minimize)
        #expect(split.counted == 15)
        #expect(split.below == [["x": .integer(0)], ["x": .integer(7)]])
        #expect(split.above.count == 13 + 1)
        #expect(split.above.last == ["x": .integer(99)])

        // Maximise: the best two complete values are below; NaN and infinity are ignored.
        let values: [Double] = [3, 9, .nan, 7, .infinity, 1, 8]
        let maxSplit = TrialSplit(
            history: values.enumerated().map { trial($0.offset, .complete, $0.element) }
                + (10..<20).map { trial($0, .complete, 0) },
            pending: [], direction: .maximize)
        #expect(maxSplit.counted == 15)
        #expect(maxSplit.below == [["x": .integer(1)], ["x": .integer(6)]])
    }

    /// A 3-D quadratic bowl (log10 learning rate, dropout, log2 width) plus a categorical
    /// penalty: 0 at lr = 10^-2.5, dropout 0.1, width 128, gelu.
    static let bowlSpace = SearchSpace(parameters: [
        SearchParameter(
            name: "lr", domain: .real(low: 1e-5, high: 1, log: true), zeroTrial: .real(1e-3),
            rule: "test"),
        SearchParameter(
            name: "dropout", domain: .real(low: 0, high: 0.5, log: false), zeroTrial: .real(0),
            rule: "test"),
        SearchParameter(
            name: "width", domain: .integer(low: 8, high: 1024, log: true),
            zeroTrial: .integer(64), rule: "test"),
        SearchParameter(
            name: "activation", domain: .choice(["relu", "gelu", "tanh", "sigmoid"]),
            zeroTrial: .choice("relu"), rule: "test"),
    ])

    static func bowl(_ a: Assignment) -> Double {
        let lr = (log10(number(a, "lr")) + 2.5) / 2
        let dropout = (number(a, "dropout") - 0.1) / 0.25
        let width = (log2(number(a, "width")) - 7) / 1.5
        let penalty = a["activation"] == .choice("gelu") ? 0.0 : 1.0
        return lr * lr + dropout * dropout + width * width + penalty
    }

    static func bestAfter40(_ sampler: any Sampler) -> Double {
        var history = [
            TrialObservation(
                number: 0, assignment: bowlSpace.zeroTrial, state: .complete,
                value: bowl(bowlSpace.zeroTrial))
        ]
        for number in 1..<40 {
            let a = sampler.assignment(
                for: number, space: bowlSpace, history: history, pending: [],
                direction: .minimize)
            history.append(
                TrialObservation(number: number, assignment: a, state: .complete, value: bowl(a)))
        }
        return history.compactMap(\.value).min() ?? .infinity
    }

    @Test func tpeBeatsQuasiRandomSearchOnABowl() {
        // 40 trials, 16 seeds. Quasi-random search rarely lands near the bowl's floor in all
        // four parameters at once (gelu alone is a quarter of the points); TPE, after its 10
        // startup trials, concentrates where the best ones were. Asked for: TPE's mean best
        // below 3/4 of quasi-random search's, and TPE ahead on at least 10 of the 16 seeds. (A
        // sampler no better than quasi-random would be near 1 and 8; over ten other blocks of
        // 16 seeds, TPE measured 0.26-0.64 and 11-14.)
        let seeds: [UInt64] = Array(1...16)
        let tpe = seeds.map { Self.bestAfter40(RuleSeededSampler(seed: $0)) }
        let quasi = seeds.map { Self.bestAfter40(QuasiRandomSampler(seed: $0)) }
        let tpeMean = tpe.reduce(0, +) / Double(seeds.count)
        let quasiMean = quasi.reduce(0, +) / Double(seeds.count)
        #expect(tpeMean < 0.75 * quasiMean, "tpe \(tpe) quasi \(quasi)")
        #expect(zip(tpe, quasi).filter { $0 < $1 }.count >= 10, "tpe \(tpe) quasi \(quasi)")
    }

    @Test func constantLiarSteersAwayFromPendingTrials() {
        // One real parameter, optimum at 0.5; 25 finished trials make TPE propose near 0.5.
        // Three workers already train x = 0.5: as above-group observations they raise g(x)
        // there, so proposals move away from it.
        let space = SearchSpace(parameters: [
            SearchParameter(
                name: "x", domain: .real(low: 0, high: 1, log: false), zeroTrial: .real(0.9),
                rule: "test")
        ])
        let history = completedHistory(space: space, count: 25, seed: 5) {
            let d = number($0, "x") - 0.5
            return d * d
        }
        let pending: [Assignment] = Array(repeating: ["x": .real(0.5)], count: 3)
        let sampler = TPESampler(seed: 12)
        var free: [Double] = []
        var lied: [Double] = []
        for trial in 26...45 {
            free.append(
                number(
                    sampler.assignment(
                        for: trial, space: space, history: history, pending: [],
                        direction: .minimize), "x"))
            lied.append(
                number(
                    sampler.assignment(
                        for: trial, space: space, history: history, pending: pending,
                        direction: .minimize), "x"))
        }
        let distance = { (xs: [Double]) in xs.map { abs($0 - 0.5) }.reduce(0, +) / 20 }
        // Measured over 12 other history and sampler seeds: 3.7x to 8.6x farther, 18-20 of
        // the 20 proposals changed.
        #expect(zip(free, lied).filter { $0 != $1 }.count >= 15, "free \(free) lied \(lied)")
        #expect(distance(lied) > 2 * distance(free), "free \(free) lied \(lied)")
    }

    @Test func aProposalWithTwoHundredTrialsAndTenParametersIsFast() {
        let space = SearchSpace(
            parameters: (0..<10).map { i in
                let domain: ParameterDomain =
                    switch i % 4 {
                    case 0: .real(low: 1e-6, high: 1, log: true)
                    case 1: .real(low: -3, high: 3, log: false)
                    case 2: .integer(low: 1, high: 512, log: i % 8 == 2)
                    default: .choice(["a", "b", "c", "d", "e"])
                    }
                return SearchParameter(
                    name: "p\(i)", domain: domain,
                    zeroTrial: domain.value(atUnit: 0.5) ?? .real(0), rule: "test")
            })
        let history = completedHistory(space: space, count: 200, seed: 3) {
            number($0, "p1") * number($0, "p1") + number($0, "p2") / 512
        }
        let sampler = TPESampler(seed: 1)
        let clock = ContinuousClock()
        var proposals: [Assignment] = []
        let elapsed = clock.measure {
            for trial in 201...205 {
                proposals.append(
                    sampler.assignment(
                        for: trial, space: space, history: history, pending: [],
                        direction: .minimize))
            }
        }
        #expect(proposals.allSatisfy { $0.count == 10 })
        // The budget is 10 ms a proposal in release builds; a debug build is allowed 10x.
        #expect(elapsed < .milliseconds(5 * 100), "\(elapsed) for 5 proposals")
    }
}
