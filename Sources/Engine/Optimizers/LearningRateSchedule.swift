/// How the learning rate moves during training.
public enum ScheduleKind: Codable, Equatable, Sendable {
    /// The base rate throughout.
    case constant
    /// `base * factor^floor(epoch / every)` (PyTorch `StepLR`; factor default 0.1).
    case step(every: Int, factor: Float = 0.1)
    /// `base * factor^epoch` (PyTorch `ExponentialLR`).
    case exponential(factor: Float)
    /// Cosine annealing by epoch: `min + (base - min) (1 + cos(pi epoch / period)) / 2`, period
    /// default the total epochs (PyTorch `CosineAnnealingLR`, closed form). Loshchilov and
    /// Hutter 2017, "SGDR".
    case cosine(minimumRate: Float = 0, period: Int? = nil)
    /// Multiply the rate by `factor` when the monitored loss (validation, else training) has
    /// not improved by more than `minDelta` for `patience` epochs, then wait `cooldown` epochs;
    /// never below `minimumRate`. Keras `ReduceLROnPlateau` semantics and defaults (factor 0.1,
    /// patience 10, min_delta 1e-4).
    case reduceOnPlateau(
        factor: Float = 0.1, patience: Int = 10, minDelta: Float = 1e-4, cooldown: Int = 0,
        minimumRate: Float = 0)
    /// One-cycle by step (PyTorch `OneCycleLR`, cosine annealing, no momentum cycling): from
    /// `max / initialDivisor` up to `max` over the first `warmupFraction` of all steps, then
    /// down to `max / initialDivisor / finalDivisor`. `maximumRate` nil: the base rate.
    /// Defaults 0.3, 25, 1e4. Smith and Topin 2019, "Super-convergence".
    case oneCycle(
        maximumRate: Float? = nil, warmupFraction: Float = 0.3, initialDivisor: Float = 25,
        finalDivisor: Float = 1e4)
}

/// A learning-rate schedule: a kind, optionally preceded by a linear warmup that multiplies it
/// by `(step + 1) / warmupSteps` over the first `warmupSteps` optimizer steps (Goyal et al.
/// 2017, "Accurate, large minibatch SGD").
public struct LearningRateSchedule: Codable, Equatable, Sendable {
    /// The schedule after (and under) the warmup.
    public var kind: ScheduleKind
    /// Optimizer steps of linear warmup (default 0: none).
    public var warmupSteps: Int

    /// A schedule.
    /// - Parameters:
    ///   - kind: the schedule (default constant).
    ///   - warmupSteps: steps of linear warmup (default 0).
    public init(_ kind: ScheduleKind = .constant, warmupSteps: Int = 0) {
        self.kind = kind
        self.warmupSteps = warmupSteps
    }

    /// The rate for one optimizer step.
    /// - Parameters:
    ///   - base: the optimizer's base rate.
    ///   - step: the 0-based index of this step over the whole run.
    ///   - epoch: the 0-based epoch it belongs to.
    ///   - stepsPerEpoch: steps in one epoch (> 0).
    ///   - totalEpochs: the run's planned epochs.
    ///   - state: the plateau state (only `reduceOnPlateau` reads it).
    public func rate(
        base: Float, step: Int, epoch: Int, stepsPerEpoch: Int, totalEpochs: Int,
        state: ScheduleState = ScheduleState()
    ) -> Float {
        var rate: Float
        switch kind {
        case .constant:
            rate = base
        case .step(let every, let factor):
            rate = base * powFloat(factor, Float(epoch / max(every, 1)))
        case .exponential(let factor):
            rate = base * powFloat(factor, Float(epoch))
        case .cosine(let minimum, let period):
            let length = Double(max(period ?? totalEpochs, 1))
            let progress = Double(min(epoch, Int(length))) / length
            rate = Float(
                Double(minimum) + Double(base - minimum) * (1 + cosDouble(Double.pi * progress)) / 2
            )
        case .reduceOnPlateau:
            rate = base * state.plateauScale
        case .oneCycle(let maximum, let fraction, let initialDivisor, let finalDivisor):
            let top = Double(maximum ?? base)
            let initial = top / Double(initialDivisor)
            let final = initial / Double(finalDivisor)
            let total = Double(max(totalEpochs * stepsPerEpoch, 2))
            let risingEnd = Double(fraction) * total - 1
            let fallingEnd = total - 1
            let s = Double(step)
            func anneal(_ start: Double, _ end: Double, _ pct: Double) -> Double {
                end + (start - end) / 2 * (cosDouble(Double.pi * min(max(pct, 0), 1)) + 1)
            }
            if s <= risingEnd {
                rate = Float(anneal(initial, top, risingEnd > 0 ? s / risingEnd : 1))
            } else {
                rate = Float(anneal(top, final, (s - risingEnd) / (fallingEnd - risingEnd)))
            }
        }
        if warmupSteps > 0 && step < warmupSteps {
            rate *= Float(step + 1) / Float(warmupSteps)
        }
        return rate
    }

    /// Feeds the epoch's monitored loss to a plateau schedule (others ignore it).
    /// - Parameters:
    ///   - loss: validation loss, or training loss without validation.
    ///   - base: the optimizer's base rate (for the minimum).
    ///   - state: the plateau state to update.
    /// - Returns: true when the rate was reduced.
    @discardableResult
    public func epochEnded(loss: Double, base: Float, state: inout ScheduleState) -> Bool {
        guard
            case .reduceOnPlateau(
                let factor, let patience, let minDelta, let cooldown, let minimum) =
                kind
        else { return false }
        if state.cooldownLeft > 0 {
            state.cooldownLeft -= 1
            state.wait = 0
        }
        if loss < (state.best ?? .infinity) - Double(minDelta) {
            state.best = loss
            state.wait = 0
            return false
        }
        guard state.cooldownLeft == 0 else { return false }
        state.wait += 1
        guard state.wait >= patience else { return false }
        let current = base * state.plateauScale
        let reduced = max(current * factor, minimum)
        state.wait = 0
        state.cooldownLeft = cooldown
        guard reduced < current else { return false }
        state.plateauScale = reduced / base
        return true
    }
}

/// The mutable part of a schedule (reduce-on-plateau), saved in checkpoints.
public struct ScheduleState: Codable, Equatable, Sendable {
    /// Current multiplier of the base rate.
    public var plateauScale: Float = 1
    /// Best monitored loss so far (nil before the first epoch; not infinity, so JSON can
    /// encode it).
    public var best: Double?
    /// Epochs without improvement.
    public var wait = 0
    /// Cooldown epochs left.
    public var cooldownLeft = 0

    /// A fresh state.
    public init() {}
}
