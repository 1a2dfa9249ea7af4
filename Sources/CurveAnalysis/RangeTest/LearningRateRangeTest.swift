import Foundation
import Spec

/// The learning-rate range test (rule LR-RANGE-TEST), exactly as the rulebook's procedure.
///
/// Sweeps the rate exponentially, one optimizer step per rate, smooths the loss with a
/// bias-corrected EMA, stops on divergence, trims, and suggests a rate (fastai's `valley`), with
/// `steep` and `minimum/10` as cross-checks. The caller owns the model: it copies the weights and
/// optimizer state before `run` and restores both afterwards (procedure step 1).
/// Sources: keras_lr_finder (`lr_finder.py`), fastai `lr_find` and its `valley`/`steep`/`minimum`
/// suggestion functions, Lightning's LR finder.
public struct LearningRateRangeTest: Codable, Sendable, Equatable {
    /// Lowest rate of the sweep. Default 1e-7.
    public var lowestRate: Double = 1e-7
    /// Highest rate of the sweep. Default 10.
    public var highestRate: Double = 10
    /// Optimizer steps (one rate each). Default 100.
    public var steps: Int = 100
    /// EMA smoothing factor, bias-corrected. Default 0.98.
    public var beta: Double = 0.98
    /// Divergence: the smoothed loss above this multiple of the best smoothed loss. Default 4.
    public var divergenceFactor: Double = 4
    /// Steps still taken after divergence before stopping. Default 5.
    public var stepsAfterDivergence: Int = 5
    /// Fraction of the planned steps dropped at the start. Default 0.1.
    public var trimStartFraction: Double = 0.1
    /// Points dropped at the end. Default 5.
    public var trimEnd: Int = 5
    /// Suggestions further apart than this factor mean low confidence. Default 10.
    public var confidenceSpread: Double = 10

    /// The rulebook's procedure with its defaults.
    public init() {}

    /// The sweep's rates: `lr_k = lo * (hi/lo)^(k/(n-1))`, k = 0..<n.
    public var schedule: [Double] {
        guard steps > 1 else { return [lowestRate] }
        return (0..<steps).map { k in
            lowestRate * pow(highestRate / lowestRate, Double(k) / Double(steps - 1))
        }
    }

    /// Runs the sweep: `step(rate)` takes one optimizer step at `rate` on the next mini-batch and
    /// returns that batch's loss. Stops early on a non-finite loss, or `stepsAfterDivergence`
    /// steps after the smoothed loss first exceeds `divergenceFactor` times the best.
    public func run(step: (Double) throws -> Double) rethrows -> RangeTestResult {
        var learningRates: [Double] = []
        var losses: [Double] = []
        var stopReason = RangeTestResult.StopReason.completed
        var average = 0.0
        var best = Double.infinity
        var divergedAt: Int?
        for (k, rate) in schedule.enumerated() {
            let loss = try step(rate)
            learningRates.append(rate)
            losses.append(loss)
            guard loss.isFinite else {
                stopReason = .nonFinite
                break
            }
            average = beta * average + (1 - beta) * loss
            let smooth = average / (1 - pow(beta, Double(k + 1)))
            best = min(best, smooth)
            if divergedAt == nil, smooth > divergenceFactor * best { divergedAt = k }
            if let diverged = divergedAt, k - diverged >= stepsAfterDivergence {
                stopReason = .diverged
                break
            }
        }
        return analyse(learningRates: learningRates, losses: losses, stopReason: stopReason)
    }

    /// Smoothing, trimming and suggestions for a recorded sweep (what `run` does after the
    /// steps); exposed so recorded sweeps can be re-analysed.
    public func analyse(
        learningRates: [Double], losses: [Double],
        stopReason: RangeTestResult.StopReason = .completed
    ) -> RangeTestResult {
        let finiteCount = losses.firstIndex { !$0.isFinite } ?? losses.count
        let smoothed = exponentialMovingAverage(Array(losses[..<finiteCount]), beta: beta)
        let start = Int(Double(steps) * trimStartFraction)
        let end = finiteCount - trimEnd
        var result = RangeTestResult(
            learningRates: learningRates, losses: losses, smoothedLosses: smoothed,
            usedRange: start..<max(start, end), stopReason: stopReason)
        guard end - start >= 2 else {
            result.reason =
                "only \(max(0, end - start)) usable points: the loss "
                + (stopReason == .completed ? "sweep was too short" : "diverged almost at once")
                + " (at lr \(NumberText.significant(learningRates.last ?? lowestRate)))"
            return result
        }
        let rates = Array(learningRates[start..<end])
        let values = Array(smoothed[start..<end])
        guard let lowest = values.min(), let highest = values.max(), highest > 0,
            (highest - lowest) / highest >= 0.01
        else {
            result.reason = "the loss did not change over the sweep (within 1%)"
            return result
        }
        let valley = Self.valleyIndex(values)
        let steep = Self.steepIndex(learningRates: rates, losses: values)
        let minimum = values.firstIndex(of: lowest) ?? 0
        result.valley = rates[valley]
        result.steep = rates[steep]
        result.minimumOverTen = rates[minimum] / 10
        result.suggestion = rates[valley]
        let suggestions = [rates[valley], rates[steep], rates[minimum] / 10]
        let spread = (suggestions.max() ?? 1) / (suggestions.min() ?? 1)
        result.spread = spread
        result.confidence = spread > confidenceSpread ? .low : .high
        result.reason =
            result.confidence == .high
            ? "valley, steep and minimum/10 agree within \(NumberText.significant(spread))x"
            : "valley, steep and minimum/10 differ by \(NumberText.significant(spread))x (more than "
                + "\(NumberText.significant(confidenceSpread))x)"
        return result
    }

    /// fastai's `valley`: the longest decreasing subsequence of the losses (`lds[i]` = length of
    /// the longest decreasing run ending at i, over any earlier points), and the point about two
    /// thirds into it: `start + int(len/3) + int(len/6)`. Clamped to the valid range (fastai
    /// indexes from the end when the start is -1).
    public static func valleyIndex(_ losses: [Double]) -> Int {
        let count = losses.count
        guard count > 1 else { return 0 }
        var lengths = [Int](repeating: 1, count: count)
        var maxStart = 0
        var maxEnd = 0
        for i in 1..<count {
            for j in 0..<i {
                if losses[i] < losses[j] && lengths[i] < lengths[j] + 1 {
                    lengths[i] = lengths[j] + 1
                }
                if lengths[maxEnd] < lengths[i] {
                    maxEnd = i
                    maxStart = maxEnd - lengths[maxEnd]
                }
            }
        }
        let sections = Double(maxEnd - maxStart) / 3
        let index = maxStart + Int(sections) + Int(sections / 2)
        return min(count - 1, max(0, index))
    }

    /// fastai's `steep`: the index with the most negative slope of loss against log(lr),
    /// `(loss[i+1] - loss[i]) / (log lr[i+1] - log lr[i])`, reported at its left point.
    public static func steepIndex(learningRates: [Double], losses: [Double]) -> Int {
        guard losses.count > 1 else { return 0 }
        var best = 0
        var steepest = Double.infinity
        for i in 0..<(losses.count - 1) {
            let slope =
                (losses[i + 1] - losses[i])
                / (log10(learningRates[i + 1]) - log10(learningRates[i]))
            if slope < steepest {
                steepest = slope
                best = i
            }
        }
        return best
    }
}

/// What a range test found: every point, the smoothed curve, and the suggestions.
public struct RangeTestResult: Codable, Sendable, Equatable {
    /// Why the sweep ended.
    public enum StopReason: String, Codable, Sendable, Equatable {
        /// All planned steps ran.
        case completed
        /// A loss was NaN or infinite.
        case nonFinite
        /// The smoothed loss exceeded the divergence factor times the best.
        case diverged
    }

    /// How far to trust the suggestion.
    public enum Confidence: String, Codable, Sendable, Equatable {
        case high
        case low
    }

    /// The rate of every step taken.
    public var learningRates: [Double]
    /// The raw loss of every step taken (the last may be non-finite).
    public var losses: [Double]
    /// The bias-corrected EMA of the losses up to the first non-finite one.
    public var smoothedLosses: [Double]
    /// The indices the suggestions were computed from (after trimming).
    public var usedRange: Range<Int>
    /// Why the sweep ended.
    public var stopReason: StopReason
    /// The chosen rate (`valley`); nil when the curve gave no signal (flat, or diverged at once):
    /// the caller falls back to OPT-DEFAULT's rate.
    public var suggestion: Double?
    /// fastai's valley suggestion.
    public var valley: Double?
    /// Steepest descent of loss against log10 lr.
    public var steep: Double?
    /// The rate at the smoothed minimum, divided by 10.
    public var minimumOverTen: Double?
    /// Largest / smallest of the three suggestions.
    public var spread: Double?
    /// `low` when the suggestions differ by more than the spread limit, or there is none.
    public var confidence: Confidence = .low
    /// Why the confidence is what it is, in words.
    public var reason: String = ""

    /// Creates a result without suggestions.
    public init(
        learningRates: [Double], losses: [Double], smoothedLosses: [Double],
        usedRange: Range<Int>, stopReason: StopReason
    ) {
        self.learningRates = learningRates
        self.losses = losses
        self.smoothedLosses = smoothedLosses
        self.usedRange = usedRange
        self.stopReason = stopReason
    }

    /// A summary for the terminal: the suggestions and the confidence.
    public var summary: String {
        var lines: [String] = []
        if let valley, let steep, let minimumOverTen {
            lines.append(
                "LR-RANGE-TEST: suggested learning rate \(NumberText.significant(valley)) (valley)")
            lines.append(
                "  steep: \(NumberText.significant(steep)), minimum/10: \(NumberText.significant(minimumOverTen))"
            )
        } else {
            lines.append("LR-RANGE-TEST: no suggestion")
        }
        lines.append("  confidence: \(confidence.rawValue): \(reason)")
        return lines.joined(separator: "\n")
    }
}
