import Foundation
import Spec

/// The learning-rate range test (rule LR-RANGE-TEST), exactly as the rulebook's procedure.
///
/// Sweeps the rate exponentially, one optimizer step per rate, smooths the loss with a
/// bias-corrected EMA, stops on divergence, trims, and suggests a rate (fastai's `valley`), with
/// `steep` and `minimum/10` as cross-checks. The caller owns the model: it copies the weights and
/// optimizer state before `run` and restores both afterwards (procedure step 1).
///
/// `steep` and `minimum/10` are read from a centred trend (a Theil-Sen line through the raw losses
/// within `trendWindowDecades` of each rate), not from the EMA: the EMA lags the sweep by up to
/// 1/(1-beta) = 50 steps (4 decades), and one step's slope of it is mostly noise in the flat start
/// (fastai's and Lightning's steep both take the steepest adjacent-point slope and land there).
/// The confidence is high only when the trend falls clearly (`minimumRelativeDrop`, and
/// `noiseMultiple` times the flat part's step noise), the valley lies in that descent, and the
/// three suggestions agree within `confidenceSpread`.
/// Sources: keras_lr_finder (`lr_finder.py`), fastai `lr_find` and its `valley`/`steep`/`minimum`
/// suggestion functions (`fastai/callback/schedule.py`), Lightning's LR finder `suggestion()`
/// (`np.gradient` of the smoothed loss); Theil (1950), Sen (1968) for the robust slope.
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
    /// Width in decades of log10(lr) of the centred window the trend (and `steep`) is fitted
    /// over. Default 1 (13 points at the default sweep's 0.081 decades per step): half a decade
    /// is too few points against 10% mini-batch noise.
    public var trendWindowDecades: Double = 1
    /// High confidence needs the trend to fall by at least this fraction of its level at the
    /// start of the used range. Default 0.05.
    public var minimumRelativeDrop: Double = 0.05
    /// High confidence needs the fall to exceed this multiple of the step noise of the flat part
    /// (a robust standard deviation of the raw losses about the trend). Default 2.5: on flat
    /// curves of pure noise the trend's fall is under 1.6x the step noise in 95% of sweeps and
    /// under 2.3x in 99%.
    public var noiseMultiple: Double = 2.5

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
        let values = Array(smoothed[start..<end])
        guard let lowest = values.min(), let highest = values.max(), highest > 0,
            (highest - lowest) / highest >= 0.01
        else {
            result.reason = "the loss did not change over the sweep (within 1%)"
            return result
        }
        // The trend over every finite point (so windows at the used range's edges stay full);
        // the searches stay inside the used range.
        let finiteRates = Array(learningRates[..<finiteCount])
        let finiteLosses = Array(losses[..<finiteCount])
        let trend = Self.trend(
            learningRates: finiteRates, losses: finiteLosses, windowDecades: trendWindowDecades)
        let levels = trend.map(\.level)
        result.trendLosses = levels
        let used = start..<end
        let lowestPoint = used.min { levels[$0] < levels[$1] } ?? start
        // The noise of one step about the trend before its lowest point (1.4826 * MAD: a robust
        // standard deviation, blind to the odd outlier batch).
        let flat = (start..<max(lowestPoint, start + 2)).map { abs(finiteLosses[$0] - levels[$0]) }
        let noise = 1.4826 * median(flat)
        // The minimum: the first rate whose trend is within its own noise (`noiseMultiple`
        // standard errors of a window's level) of the lowest point, so a flat floor's noise does
        // not pick its far end.
        let windowPoints = max(
            1, trendWindowDecades * Double(steps - 1) / log10(highestRate / lowestRate))
        let floor = levels[lowestPoint] + noiseMultiple * noise / windowPoints.squareRoot()
        let minimum = used.first { $0 <= lowestPoint && levels[$0] <= floor } ?? lowestPoint
        let steep =
            (start..<lowestPoint).filter { trend[$0].slope < 0 }.min {
                trend[$0].slope < trend[$1].slope
            } ?? used.min { trend[$0].slope < trend[$1].slope } ?? start
        let valley = start + Self.valleyIndex(values)
        result.valley = learningRates[valley]
        result.steep = learningRates[steep]
        result.minimumOverTen = learningRates[minimum] / 10
        result.suggestion = learningRates[valley]
        let suggestions = [
            learningRates[valley], learningRates[steep], learningRates[minimum] / 10,
        ]
        let spread = (suggestions.max() ?? 1) / (suggestions.min() ?? 1)
        result.spread = spread

        let fall = levels[start] - levels[lowestPoint]
        let relativeDrop = levels[start] > 0 ? fall / levels[start] : 0
        result.noise = noise
        result.relativeDrop = relativeDrop

        var reasons: [String] = []
        let descends = relativeDrop >= minimumRelativeDrop && fall >= noiseMultiple * noise
        if relativeDrop < minimumRelativeDrop {
            reasons.append(
                "the loss fell only \(NumberText.significant(max(0, relativeDrop) * 100))% over "
                    + "the sweep (less than \(NumberText.significant(minimumRelativeDrop * 100))%)")
        } else if fall < noiseMultiple * noise {
            reasons.append(
                "the loss fell by \(NumberText.significant(fall)), within "
                    + "\(NumberText.significant(noiseMultiple))x its step noise "
                    + "(\(NumberText.significant(noise)))")
        }
        if descends {
            // The descent starts where the trend has made a tenth of its fall.
            let onset =
                (start..<lowestPoint).last { levels[$0] >= levels[start] - 0.1 * fall } ?? start
            if valley >= lowestPoint {
                reasons.append(
                    "the valley (\(NumberText.significant(learningRates[valley]))) is not below "
                        + "the rate at the lowest loss "
                        + "(\(NumberText.significant(learningRates[lowestPoint])))")
            } else if valley < onset {
                reasons.append(
                    "the valley (\(NumberText.significant(learningRates[valley]))) lies before the "
                        + "descent starts (\(NumberText.significant(learningRates[onset])))")
            }
        }
        if spread > confidenceSpread {
            let pairs = [
                ("valley", learningRates[valley]), ("steep", learningRates[steep]),
                ("minimum/10", learningRates[minimum] / 10),
            ]
            let low = pairs.min { $0.1 < $1.1 }!
            let high = pairs.max { $0.1 < $1.1 }!
            reasons.append(
                "\(low.0) and \(high.0) differ by \(NumberText.significant(spread))x (more than "
                    + "\(NumberText.significant(confidenceSpread))x)")
        }
        result.lowConfidenceReasons = reasons
        result.confidence = reasons.isEmpty ? .high : .low
        result.reason =
            reasons.isEmpty
            ? "the loss fell \(NumberText.significant(relativeDrop * 100))% "
                + "(\(NumberText.significant(fall / max(noise, .leastNormalMagnitude)))x its step "
                + "noise), the valley lies in the descent, and valley, steep and minimum/10 agree "
                + "within \(NumberText.significant(spread))x"
            : reasons.joined(separator: "; ")
        return result
    }

    /// A centred robust trend of a sweep: at each point, the Theil-Sen line through the points
    /// whose log10(lr) lies within `windowDecades / 2` of it (the median of the pairwise slopes,
    /// and the median of the losses moved along that slope to the point). A least-squares line
    /// would follow one outlier batch; the median lines ignore up to about 29% of them.
    /// - Parameters:
    ///   - learningRates: the rates, increasing, all positive.
    ///   - losses: the raw losses at those rates, all finite.
    ///   - windowDecades: the window's full width in decades.
    /// - Returns: per point, the trend's level and its slope in loss per decade.
    /// Source: Theil (1950), Sen (1968), "Estimates of the regression coefficient based on
    /// Kendall's tau".
    public static func trend(
        learningRates: [Double], losses: [Double], windowDecades: Double
    ) -> [(level: Double, slope: Double)] {
        let x = learningRates.map(log10)
        let half = windowDecades / 2 + 1e-9
        var low = 0
        var high = 0
        return x.indices.map { i in
            while x[i] - x[low] > half { low += 1 }
            while high + 1 < x.count, x[high + 1] - x[i] <= half { high += 1 }
            var slopes: [Double] = []
            for a in low...high {
                for b in (a + 1)..<(high + 1) where x[b] > x[a] {
                    slopes.append((losses[b] - losses[a]) / (x[b] - x[a]))
                }
            }
            let slope = slopes.isEmpty ? 0 : median(slopes)
            let level = median((low...high).map { losses[$0] - slope * (x[$0] - x[i]) })
            return (level, slope)
        }
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
    /// `(loss[i+1] - loss[i]) / (log lr[i+1] - log lr[i])`, reported at its left point. Kept for
    /// comparison; `analyse` no longer uses it (on a real sweep it picks noise in the flat start).
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
    /// Steepest descent of the trend against log10 lr, before the trend's minimum.
    public var steep: Double?
    /// The rate at the trend's minimum, divided by 10.
    public var minimumOverTen: Double?
    /// Largest / smallest of the three suggestions.
    public var spread: Double?
    /// `high` only for a clear descent with the valley in it and the suggestions within the
    /// spread limit; otherwise (or without suggestions) `low`.
    public var confidence: Confidence = .low
    /// Why the confidence is what it is, in words (the low-confidence reasons joined by "; ").
    public var reason: String = ""
    /// The centred Theil-Sen trend of the raw losses (steep and minimum/10 are read from it), one
    /// per finite loss; nil in results written before it existed.
    public var trendLosses: [Double]?
    /// The trend's fall from the start of the used range to its minimum, as a fraction of the
    /// start.
    public var relativeDrop: Double?
    /// The step noise of the raw losses about the trend before the minimum (1.4826 * MAD).
    public var noise: Double?
    /// Each reason for low confidence; empty when high, nil without suggestions.
    public var lowConfidenceReasons: [String]?

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

    /// The rate `learning_rate: auto` trains with (LR-RANGE-TEST, calibrated): the suggestion
    /// when the confidence is high; nil otherwise, and the caller takes OPT-DEFAULT's rate. On
    /// the quality suite (`Benchmarks/quality-results.md`, 2026-12-03) low-confidence
    /// suggestions lost to a fixed 1e-3 on 19 of 31 splits, high-confidence ones held even.
    public var trustedSuggestion: Double? { confidence == .high ? suggestion : nil }

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
        if suggestion != nil && trustedSuggestion == nil {
            lines.append("  not trusted: learning_rate auto trains at OPT-DEFAULT's rate")
        }
        return lines.joined(separator: "\n")
    }
}
