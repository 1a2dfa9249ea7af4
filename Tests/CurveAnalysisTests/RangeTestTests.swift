import Foundation
import Random
import Testing

@testable import CurveAnalysis

/// Gradient descent on a quadratic bowl `0.5 * sum(c_i * w_i^2)`: flat at tiny rates, falling
/// at useful ones, diverging beyond `2 / max(c)`.
/// Each step's reported loss carries +-`noise` relative mini-batch noise from the seeded
/// generator, as a real sweep's would.
final class QuadraticBowl {
    let curvatures: [Double]
    var weights: [Double]
    let noise: Double
    private var random = SeededGenerator(seed: 42)

    init(curvatures: [Double], noise: Double = 0) {
        self.curvatures = curvatures
        self.noise = noise
        weights = curvatures.map { _ in 1 }
    }

    private func uniform() -> Double { random.nextUnitDouble() }

    var loss: Double { zip(curvatures, weights).map { 0.5 * $0 * $1 * $1 }.reduce(0, +) }

    /// One step at `rate`: the loss before the update, as a training step reports it.
    func step(_ rate: Double) -> Double {
        let before = loss * (1 + noise * (2 * uniform() - 1))
        for index in weights.indices { weights[index] -= rate * curvatures[index] * weights[index] }
        return before
    }
}

@Suite("LR-RANGE-TEST")
struct RangeTestTests {
    @Test func scheduleIsExponentialFromLowToHigh() {
        let rates = LearningRateRangeTest().schedule
        #expect(rates.count == 100)
        #expect(abs(rates[0] - 1e-7) < 1e-20)
        #expect(abs(rates[99] - 10) < 1e-9)
        let ratio = rates[1] / rates[0]
        #expect(abs(ratio - pow(1e8, 1.0 / 99)) < 1e-12)
        for k in 1..<rates.count { #expect(abs(rates[k] / rates[k - 1] - ratio) < 1e-9) }
    }

    @Test func findsAGoodRateOnAQuadraticBowl() throws {
        let curvatures = (0..<10).map { 1 + Double($0) }  // 1...10: diverges beyond 0.2
        let bowl = QuadraticBowl(curvatures: curvatures, noise: 0.05)
        let result = LearningRateRangeTest().run(step: bowl.step)
        #expect(result.stopReason == .diverged)
        #expect(result.learningRates.count < 100)
        let suggestion = try #require(result.suggestion)
        #expect(suggestion > 1e-3 && suggestion < 2.0 / 10, "\(result.summary)")
        #expect(result.valley == suggestion)
        // Training from scratch at the suggested rate works; at 10x the divergence bound it fails.
        let fresh = QuadraticBowl(curvatures: curvatures)
        let start = fresh.loss
        for _ in 0..<200 { _ = fresh.step(suggestion) }
        #expect(fresh.loss < start * 0.05)
        // The 0.98 EMA lags the sweep, so minimum/10 sits near the divergence: the three
        // suggestions disagree here, and the confidence says so.
        let suggestions = [result.valley, result.steep, result.minimumOverTen].compactMap { $0 }
        let spread = (suggestions.max() ?? 0) / (suggestions.min() ?? 1)
        #expect(abs((result.spread ?? 0) - spread) < 1e-9)
        #expect(result.confidence == (spread > 10 ? .low : .high))
    }

    @Test func stopsFiveStepsAfterDivergence() {
        // Flat at 1 for 50 steps, then 100: the smoothed loss passes 4 at some step k; the sweep
        // ends 5 steps later.
        var k = 0
        let result = LearningRateRangeTest().run { _ in
            defer { k += 1 }
            return k < 50 ? 1 : 100
        }
        let smoothed = exponentialMovingAverage(result.losses, beta: 0.98)
        let diverged = smoothed.firstIndex { $0 > 4 } ?? -1
        #expect(diverged >= 50)
        #expect(result.learningRates.count == diverged + 6)
        #expect(result.stopReason == .diverged)
    }

    @Test func immediateDivergenceGivesNoSuggestion() {
        var loss = 1.0
        let result = LearningRateRangeTest().run { _ in
            loss *= 10
            return loss
        }
        #expect(result.stopReason == .diverged)
        #expect(result.learningRates.count < 20)
        #expect(result.suggestion == nil)
        #expect(result.confidence == .low)
        #expect(result.reason.contains("diverged"))
    }

    @Test func flatLossGivesNoSuggestion() {
        let result = LearningRateRangeTest().run { _ in 1.0 }
        #expect(result.stopReason == .completed)
        #expect(result.learningRates.count == 100)
        #expect(result.usedRange == 10..<95)
        #expect(result.suggestion == nil)
        #expect(result.confidence == .low)
        #expect(result.reason.contains("did not change"))
    }

    @Test func nanEarlyStopsAtOnce() {
        var k = 0
        let result = LearningRateRangeTest().run { _ in
            defer { k += 1 }
            return k == 3 ? .nan : 2
        }
        #expect(result.stopReason == .nonFinite)
        #expect(result.losses.count == 4)
        #expect(result.smoothedLosses.count == 3)
        #expect(result.suggestion == nil)
    }

    @Test func trimmingDropsTheStartTheEndAndAfterNonFinite() {
        let test = LearningRateRangeTest()
        let rates = test.schedule
        var losses = rates.indices.map { 3 - 0.02 * Double($0) }
        losses[60] = .infinity
        let result = test.analyse(
            learningRates: Array(rates[...60]), losses: Array(losses[...60]), stopReason: .nonFinite
        )
        #expect(result.usedRange == 10..<55)
        #expect(result.smoothedLosses.count == 60)
    }

    /// Indices from fastai's `valley` run in Python on the same sequences.
    @Test func valleyMatchesFastai() {
        let a = [3.0, 2.9, 3.1, 2.5, 2.4, 2.6, 2.0, 1.8, 1.9, 1.2, 1.0, 1.5, 3.0, 8.0]
        let b = [
            1.0, 1.1, 1.05, 0.9, 0.95, 0.7, 0.72, 0.5, 0.55, 0.3, 0.31, 0.2, 0.4, 0.9, 2.0, 5.0,
        ]
        let c = (0..<30).map { 2.0 - 0.05 * Double($0) + 0.3 * sin(Double($0)) }
        #expect(LearningRateRangeTest.valleyIndex(a) == 5)
        #expect(LearningRateRangeTest.valleyIndex(b) == 7)
        #expect(LearningRateRangeTest.valleyIndex(c) == 22)
        // fastai's index can be -1 for a two-point valley at the start; clamped here.
        #expect(LearningRateRangeTest.valleyIndex([2, 1, 3, 4]) == 0)
    }

    @Test func steepIsTheMostNegativeSlopeAgainstLogRate() {
        let rates = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]
        // Slopes per decade: -0.1, -0.5, -0.2, +2.
        let losses = [1.0, 0.9, 0.4, 0.2, 2.2]
        #expect(LearningRateRangeTest.steepIndex(learningRates: rates, losses: losses) == 1)
    }

    @Test func highConfidenceOnAClearValley() {
        let test = LearningRateRangeTest()
        // Flat, a sharp drop around step 50 (a sigmoid in log lr), then a blow-up from step 70.
        let losses: [Double] = (0..<100).map { (k: Int) -> Double in
            let drop = k < 40 ? 0 : 0.8 / (1 + exp(-(Double(k) - 50) / 3))
            return k < 70 ? 1 - drop : 0.2 + 0.5 * Double(k - 70)
        }
        let result = test.analyse(learningRates: test.schedule, losses: losses)
        #expect(result.confidence == .high, "\(result.summary)")
        let valley = result.valley ?? 0
        #expect(valley > test.schedule[35] && valley < test.schedule[70], "\(result.summary)")
        // Trusted: training takes it.
        #expect(result.trustedSuggestion == result.suggestion)
        #expect(!result.summary.contains("not trusted"))
    }

    @Test func lowConfidenceWhenSuggestionsDisagree() {
        let test = LearningRateRangeTest()
        let rates = test.schedule
        // A long gentle slope, then a sharp cliff near the end: steep lands at the cliff, the
        // valley two thirds into the whole slope.
        let losses: [Double] = rates.indices.map { (k: Int) -> Double in
            if k < 80 { return 3 - 0.005 * Double(k) }
            return 2.6 - 0.3 * Double(k - 79)
        }
        let result = test.analyse(learningRates: rates, losses: losses)
        let spread = result.spread ?? 0
        #expect(result.confidence == (spread > 10 ? .low : .high))
        #expect(spread > 10, "valley \(result.valley ?? 0), steep \(result.steep ?? 0)")
        // A suggestion exists but is not trusted: training falls back to OPT-DEFAULT's rate.
        #expect(result.suggestion != nil && result.trustedSuggestion == nil)
        #expect(result.summary.contains("not trusted"))
    }
}

/// Synthetic sweeps with a known shape: loss as a function of x = log10(lr), with seeded relative
/// noise (uniform, +-`noise`), sampled on the default schedule.
struct SyntheticSweep {
    /// A tanh descent from 1 to 0.2 centred on `steepest` (its steepest point, -0.8/`width` per
    /// decade), then an exponential blow-up from `divergesAt` on.
    static func descentThenDivergence(
        steepest: Double = -2, width: Double = 0.5, divergesAt: Double = -0.3,
        noise: Double = 0.05, seed: UInt64 = 1
    ) -> [Double] {
        var random = SeededGenerator(seed: seed)
        return LearningRateRangeTest().schedule.map { rate in
            let x = log10(rate)
            let descent = 1 - 0.4 * (1 + tanh((x - steepest) / width))
            let blowUp = x > divergesAt ? exp(3 * (x - divergesAt)) - 1 : 0
            return (descent + blowUp) * (1 + noise * (2 * random.nextUnitDouble() - 1))
        }
    }

    /// Flat at 1 with seeded relative noise.
    static func flat(noise: Double, seed: UInt64 = 1) -> [Double] {
        var random = SeededGenerator(seed: seed)
        return LearningRateRangeTest().schedule.map { _ in
            1 + noise * (2 * random.nextUnitDouble() - 1)
        }
    }
}

@Suite("LR-RANGE-TEST steep and confidence")
struct RangeTestConfidenceTests {
    let test = LearningRateRangeTest()

    /// Decades between two rates.
    func decades(_ a: Double, _ b: Double) -> Double { abs(log10(a / b)) }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func cleanDescentGivesSteepAtTheSteepestPointAndHighConfidence(seed: UInt64) throws {
        let losses = SyntheticSweep.descentThenDivergence(seed: seed)
        let result = test.analyse(learningRates: test.schedule, losses: losses)
        let steep = try #require(result.steep, "\(result.summary)")
        // The true steepest point is lr 1e-2; within a factor of 2.
        #expect(decades(steep, 1e-2) < 0.3, "\(result.summary)")
        #expect(result.confidence == .high, "\(result.summary)")
        #expect(result.lowConfidenceReasons == [])
        let valley = try #require(result.valley)
        #expect(valley > 1e-3 && valley < 0.5, "\(result.summary)")
        #expect((result.spread ?? .infinity) <= test.confidenceSpread)
        #expect((result.relativeDrop ?? 0) > 0.7, "\(result.summary)")
    }

    @Test func steepFollowsTheDescentWhereverItIs() throws {
        for centre in [-4.0, -3.0, -2.0, -1.5] {
            let losses = SyntheticSweep.descentThenDivergence(
                steepest: centre, divergesAt: centre + 1.5, seed: 9)
            let result = test.analyse(learningRates: test.schedule, losses: losses)
            let steep = try #require(result.steep)
            #expect(decades(steep, pow(10, centre)) < 0.3, "centre \(centre): \(result.summary)")
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func flatNoisyCurveGivesLowConfidenceWithTheFlatReason(seed: UInt64) throws {
        // 10% mini-batch noise: the EMA moves by more than 1%, so there are suggestions, but the
        // curve never really falls.
        let result = test.analyse(
            learningRates: test.schedule, losses: SyntheticSweep.flat(noise: 0.1, seed: seed))
        #expect(result.suggestion != nil)
        #expect(result.confidence == .low, "\(result.summary)")
        let first = try #require(result.lowConfidenceReasons?.first, "\(result.summary)")
        #expect(first.hasPrefix("the loss fell"), "\(result.summary)")
        #expect(result.reason.contains(first))
    }

    @Test func tinyNoiselessFallSaysHowLittleTheLossFell() throws {
        // Falls 3% (above the 1% no-signal guard, below the 5% needed), without noise.
        let losses = test.schedule.map { 1 - 0.03 / (1 + exp(-(log10($0) + 2) / 0.3)) }
        let result = test.analyse(learningRates: test.schedule, losses: losses)
        #expect(result.confidence == .low)
        #expect(result.reason.contains("the loss fell only"), "\(result.reason)")
        #expect(result.reason.contains("%"))
    }

    @Test func earlyNoiseSpikeDoesNotMoveSteep() throws {
        var losses = SyntheticSweep.descentThenDivergence(seed: 3)
        // One batch far below the rest early in the flat part (lr about 1.6e-6).
        losses[15] = 0.2
        let result = test.analyse(learningRates: test.schedule, losses: losses)
        let steep = try #require(result.steep)
        #expect(decades(steep, 1e-2) < 0.3, "\(result.summary)")
        #expect(result.confidence == .high, "\(result.summary)")
        // fastai's adjacent-point steep on the EMA lands at the spike: the old behaviour.
        let smoothed = exponentialMovingAverage(losses, beta: test.beta)
        let used = result.usedRange
        let old =
            used.lowerBound
            + LearningRateRangeTest.steepIndex(
                learningRates: Array(test.schedule[used]), losses: Array(smoothed[used]))
        #expect(old <= 16, "fastai's steep at index \(old)")
    }

    @Test func disagreementNamesTheTwoSuggestionsAndTheFactor() throws {
        // A long gentle slope, then a cliff near the end (as lowConfidenceWhenSuggestionsDisagree).
        let losses: [Double] = test.schedule.indices.map { (k: Int) -> Double in
            k < 80 ? 3 - 0.005 * Double(k) : 2.6 - 0.3 * Double(k - 79)
        }
        let result = test.analyse(learningRates: test.schedule, losses: losses)
        #expect(result.confidence == .low)
        let reasons = try #require(result.lowConfidenceReasons)
        #expect(reasons.contains { $0.contains("differ by") && $0.contains("x (more than 10x)") })
    }

    @Test func trendOfAStraightLineIsTheLine() {
        let rates = test.schedule
        let losses = rates.map { 2 - 0.25 * log10($0) }
        let trend = LearningRateRangeTest.trend(
            learningRates: rates, losses: losses, windowDecades: 1)
        for (k, point) in trend.enumerated() {
            #expect(abs(point.slope + 0.25) < 1e-9)
            #expect(abs(point.level - losses[k]) < 1e-9)
        }
    }

    /// Results in run folders written before the new fields still decode.
    @Test func decodesResultsWithoutTheNewFields() throws {
        let result = test.analyse(
            learningRates: test.schedule, losses: SyntheticSweep.descentThenDivergence())
        var object =
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any]
            ?? [:]
        for key in ["trendLosses", "relativeDrop", "noise", "lowConfidenceReasons"] {
            #expect(object.removeValue(forKey: key) != nil, "\(key)")
        }
        let old = try JSONDecoder().decode(
            RangeTestResult.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.valley == result.valley)
        #expect(old.trendLosses == nil && old.lowConfidenceReasons == nil)
    }
}
