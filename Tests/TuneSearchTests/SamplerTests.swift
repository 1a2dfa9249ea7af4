import Foundation
import Random
import Testing

@testable import TuneSearch

@Suite("Samplers")
struct SamplerTests {
    /// Every sampler, past TPE's startup so that TPE itself proposes.
    static let samplers: [(String, any Sampler)] = [
        ("quasi-random", QuasiRandomSampler(seed: 3)),
        ("tpe", TPESampler(seed: 3, startupTrials: 5)),
        ("rule-seeded", RuleSeededSampler(seed: 3, startupTrials: 5)),
    ]

    @Test func everySamplerGivesEveryParameterAValueInsideItsDomain() {
        let history = completedHistory(space: mixedSpace, count: 12, seed: 9) {
            number($0, "dropout") + number($0, "lr") * 10
        }
        for (label, sampler) in Self.samplers {
            for trial in 13...40 {
                let assignment = sampler.assignment(
                    for: trial, space: mixedSpace, history: history,
                    pending: [history[3].assignment], direction: .minimize)
                #expect(assignment.count == mixedSpace.parameters.count, "\(label)")
                for parameter in mixedSpace.parameters {
                    let value = assignment[parameter.name]
                    #expect(
                        value.map(parameter.domain.contains) == true,
                        "\(label) \(parameter.name) = \(String(describing: value))")
                }
                #expect(assignment["fixedReal"] == .real(0.25))
                #expect(assignment["fixedInteger"] == .integer(7))
                #expect(assignment["onlyChoice"] == .choice("yes"))
            }
        }
    }

    @Test func unitMappingFollowsTheDomainsScale() {
        // Integers 1...3 are padded to [0.5, 3.5] and rounded: each gets a third of the axis.
        let small = ParameterDomain.integer(low: 1, high: 3, log: false)
        #expect(small.value(atUnit: 0) == .integer(1))
        #expect(small.value(atUnit: 0.32) == .integer(1))
        #expect(small.value(atUnit: 0.34) == .integer(2))
        #expect(small.value(atUnit: 0.999) == .integer(3))
        // Log integers 1...100: the middle of [log 0.5, log 100.5] is sqrt(0.5 * 100.5) ≈ 7.09.
        #expect(
            ParameterDomain.integer(low: 1, high: 100, log: true).value(atUnit: 0.5) == .integer(7))
        // Log reals: the middle of 1e-4...1e-2 is 1e-3.
        let lr = ParameterDomain.real(low: 1e-4, high: 1e-2, log: true).value(atUnit: 0.5)
        #expect(abs((lr?.number ?? 0) - 1e-3) < 1e-12)
        #expect(ParameterDomain.real(low: 2, high: 4, log: false).value(atUnit: 0.25) == .real(2.5))
        let choice = ParameterDomain.choice(["a", "b", "c", "d"])
        #expect(choice.value(atUnit: 0.49) == .choice("b"))
        #expect(choice.value(atUnit: 0.5) == .choice("c"))
        #expect(choice.value(atUnit: 1) == .choice("d"))
        #expect(ParameterDomain.choice([]).value(atUnit: 0.5) == nil)
        // Reversed bounds and a log range that cannot be logged stay inside the domain.
        #expect(ParameterDomain.real(low: 3, high: 1, log: false).value(atUnit: 0) == .real(1))
        let zeroLow = ParameterDomain.real(low: 0, high: 1, log: true).value(atUnit: 0.5)
        #expect(zeroLow == .real(0.5))
        let huge = ParameterDomain.integer(low: Int.min, high: Int.max, log: false)
        #expect(huge.value(atUnit: 0.999_999_999).map(huge.contains) == true)
    }

    @Test func logRangesSpreadEvenlyOverDecades() {
        // Log-uniform over 1e-5...1e-1: half the points below 1e-3, a quarter below 1e-4.
        let sampler = QuasiRandomSampler(seed: 11)
        let values = (1...64).map { trial in
            number(
                sampler.assignment(
                    for: trial, space: mixedSpace, history: [], pending: [], direction: .minimize),
                "lr")
        }
        let belowMiddle = values.filter { $0 < 1e-3 }.count
        let belowQuarter = values.filter { $0 < 1e-4 }.count
        #expect(abs(belowMiddle - 32) <= 2)
        #expect(abs(belowQuarter - 16) <= 2)
    }

    @Test func oddSpacesAndHistoriesDoNotCrash() {
        let empty = SearchSpace(parameters: [])
        for (_, sampler) in Self.samplers {
            #expect(
                sampler.assignment(
                    for: 20, space: empty, history: [], pending: [], direction: .maximize
                ).isEmpty)
        }
        let odd = SearchSpace(parameters: [
            SearchParameter(
                name: "none", domain: .choice([]), zeroTrial: .choice("kept"), rule: "test"),
            SearchParameter(
                name: "x", domain: .real(low: -1, high: 1, log: false), zeroTrial: .real(0),
                rule: "test"),
            SearchParameter(
                name: "n", domain: .integer(low: 5, high: 2, log: true), zeroTrial: .integer(3),
                rule: "test"),
        ])
        // Non-finite values, wrong kinds, missing keys, out-of-domain values, failed and
        // running trials: all must be skipped or clamped, never crash.
        var history: [TrialObservation] = []
        for number in 0..<30 {
            let value: Double? = [Double.nan, .infinity, -.infinity, nil, Double(number)][
                number % 5]
            let assignment: Assignment =
                number % 3 == 0
                ? ["x": .choice("wrong"), "n": .real(1e9)]
                : ["x": .real(Double(number) - 15), "n": .integer(number)]
            let state: TrialState = [.complete, .pruned, .failed, .running, .complete][number % 5]
            let steps = number % 2 == 0 ? [] : [IntermediateValue(step: 1, value: .nan)]
            history.append(
                TrialObservation(
                    number: number, assignment: assignment, state: state, value: value,
                    intermediate: steps))
        }
        for (label, sampler) in Self.samplers {
            for direction in Direction.allCases {
                let assignment = sampler.assignment(
                    for: 31, space: odd, history: history, pending: [["x": .real(.nan)]],
                    direction: direction)
                #expect(assignment["none"] == .choice("kept"), "\(label)")
                #expect(assignment["x"].map(odd.parameters[1].domain.contains) == true, "\(label)")
                #expect(assignment["n"].map(odd.parameters[2].domain.contains) == true, "\(label)")
            }
        }
    }

    @Test func sameArgumentsSameAssignmentAndSeedsDiffer() {
        let history = completedHistory(space: mixedSpace, count: 15, seed: 2) {
            number($0, "dropout")
        }
        let makers: [(UInt64) -> any Sampler] = [
            { QuasiRandomSampler(seed: $0) }, { TPESampler(seed: $0) },
            { RuleSeededSampler(seed: $0) },
        ]
        for make in makers {
            let proposals = { (seed: UInt64) in
                (14...20).map {
                    make(seed).assignment(
                        for: $0, space: mixedSpace, history: history, pending: [],
                        direction: .minimize)
                }
            }
            #expect(proposals(5) == proposals(5))
            #expect(proposals(5) != proposals(6))
        }
    }

    /// The L2-star discrepancy (Warnock's formula): the root mean square, over boxes anchored
    /// at the origin, of the gap between a box's share of points and its volume.
    static func l2StarDiscrepancy(_ points: [[Double]]) -> Double {
        let n = Double(points.count)
        let d = Double(points[0].count)
        var single = 0.0
        var pairs = 0.0
        for p in points {
            single += p.map { 1 - $0 * $0 }.reduce(1, *)
            for q in points { pairs += zip(p, q).map { 1 - max($0, $1) }.reduce(1, *) }
        }
        let squared = pow(3, -d) - pow(2, 1 - d) / n * single + pairs / (n * n)
        return max(squared, 0).squareRoot()
    }

    @Test func quasiRandomPointsCoverTheCubeBetterThanRandomOnes() {
        // Three measures on 64 points, against iid uniform points (a seeded random sampler):
        // - L2-star discrepancy; for iid points its mean square is (2^-d - 3^-d) / n (0.047 rms
        //   in 2-D, 0.021 in 5-D), and low-discrepancy points do markedly better;
        // - in 2-D, the empty cells of an 8 x 8 grid (iid: 64 (63/64)^64 ≈ 23 on average);
        // - in 5-D, per axis, the chi-square of the counts in 8 equal bins against the 8
        //   expected (about 7 per axis for iid points, 0 when perfectly stratified).
        func emptyCells(_ points: [[Double]]) -> Int {
            var cells = Set<Int>()
            for p in points { cells.insert(Int(p[0] * 8) * 8 + Int(p[1] * 8)) }
            return 64 - cells.count
        }
        func axisChiSquare(_ points: [[Double]]) -> Double {
            (0..<points[0].count).map { axis in
                var counts = [Double](repeating: 0, count: 8)
                for p in points { counts[Int(p[axis] * 8)] += 1 }
                return counts.map { ($0 - 8) * ($0 - 8) / 8 }.reduce(0, +)
            }.reduce(0, +)
        }
        let iidRMS = { (d: Double) in ((pow(2, -d) - pow(3, -d)) / 64).squareRoot() }
        var quasiEmpty = 0
        var randomEmpty = 0
        var quasiDiscrepancy5 = 0.0
        var randomDiscrepancy5 = 0.0
        for seed: UInt64 in 1...5 {
            let sampler = QuasiRandomSampler(seed: seed)
            var random = SeededGenerator(seed: seed, stream: 99)
            let uniform = { (d: Int) in
                (0..<64).map { _ in (0..<d).map { _ in random.nextUnitDouble() } }
            }
            let quasi2 = (0..<64).map { sampler.unitPoint(index: $0, dimensions: 2) }
            let quasi5 = (0..<64).map { sampler.unitPoint(index: $0, dimensions: 5) }
            let random2 = uniform(2)
            let random5 = uniform(5)
            #expect(Self.l2StarDiscrepancy(quasi2) < 0.5 * iidRMS(2), "seed \(seed)")
            #expect(Self.l2StarDiscrepancy(quasi5) < 0.8 * iidRMS(5), "seed \(seed)")
            #expect(axisChiSquare(quasi5) < axisChiSquare(random5) / 2, "seed \(seed)")
            // The base-2 axis of 64 Halton points: exactly 8 in every bin.
            #expect(axisChiSquare(quasi2.map { [$0[0]] }) == 0)
            quasiEmpty += emptyCells(quasi2)
            randomEmpty += emptyCells(random2)
            quasiDiscrepancy5 += Self.l2StarDiscrepancy(quasi5)
            randomDiscrepancy5 += Self.l2StarDiscrepancy(random5)
        }
        #expect(Double(quasiEmpty) < 0.75 * Double(randomEmpty))
        #expect(quasiDiscrepancy5 < randomDiscrepancy5)
    }

    @Test func trialZeroIsNeverSampledAndTrialOneIsPointZero() {
        let sampler = QuasiRandomSampler(seed: 4)
        let first = sampler.assignment(
            for: 1, space: mixedSpace, history: [], pending: [], direction: .minimize)
        let point = sampler.unitPoint(index: 0, dimensions: mixedSpace.parameters.count)
        for (parameter, u) in zip(mixedSpace.parameters, point) {
            #expect(first[parameter.name] == parameter.domain.value(atUnit: u))
        }
    }

    @Test func startupTrialsComeFromTheQuasiRandomSequence() {
        let history = completedHistory(space: mixedSpace, count: 20, seed: 1) {
            number($0, "dropout")
        }
        let quasi = QuasiRandomSampler(seed: 8)
        let rule = RuleSeededSampler(seed: 8, startupTrials: 10)
        let tpe = TPESampler(seed: 8, startupTrials: 10)
        for trial in 1...10 {
            // RuleSeeded: by trial number, whatever has finished.
            #expect(
                rule.assignment(
                    for: trial, space: mixedSpace, history: history, pending: [],
                    direction: .minimize)
                    == quasi.assignment(
                        for: trial, space: mixedSpace, history: [], pending: [],
                        direction: .minimize))
            // TPE alone: by counted trials (here only trials 0...trial-2 have finished).
            #expect(
                tpe.assignment(
                    for: trial, space: mixedSpace, history: Array(history.prefix(trial - 1)),
                    pending: [], direction: .minimize)
                    == quasi.assignment(
                        for: trial, space: mixedSpace, history: [], pending: [],
                        direction: .minimize))
        }
        #expect(
            rule.assignment(
                for: 21, space: mixedSpace, history: history, pending: [], direction: .minimize)
                == tpe.assignment(
                    for: 21, space: mixedSpace, history: history, pending: [],
                    direction: .minimize))
    }
}
