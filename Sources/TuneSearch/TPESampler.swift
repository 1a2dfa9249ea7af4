import Random

/// The Tree-structured Parzen Estimator, as Optuna's `TPESampler` with `multivariate=False`
/// (each parameter on its own) and its defaults (Bergstra et al., "Algorithms for
/// Hyper-Parameter Optimization", NeurIPS 2011; Watanabe, "Tree-Structured Parzen Estimator:
/// Understanding Its Algorithm Components...", 2023).
///
/// The observed trials split into the best `gamma(n) = min(ceil(n / 10), 25)` ("below") and
/// the rest ("above"). Each group gives each parameter a Parzen estimator: a kernel per trial
/// (weighted by Optuna's `default_weights`: older trials beyond the newest 25 ramp down) plus
/// a prior kernel of weight 1 over the whole domain; numeric kernels are truncated normals on
/// the transformed (log, when asked) axis, with Optuna's widths (neighbour gaps,
/// `consider_endpoints=False`, the "magic clip" at range / min(100, kernels + 1)); integers use
/// the normals' mass over each integer's cell; choices put weight on their own choice plus a
/// share of the prior. The proposal is the best of `candidates` draws from l (below) by
/// log l(x) - log g(x) (above).
///
/// Which trials count:
/// - complete trials with a finite value (trial 0, the zero-trial design, like any other);
/// - pruned trials, ranked after every complete one for the below group, among themselves by
///   their furthest step (more is better), then by their value there, as Optuna's
///   `_split_pruned_trials` does: a trial pruned late was competitive for longer;
/// - `pending` assignments (trials running elsewhere) join the above group, as Optuna's constant
///   liar does with running trials. That is the "worst value seen" lie: a trial at the worst
///   value always ranks above; like Optuna, they are not counted in `n`. So l(x)/g(x) drops
///   around a running trial's values and parallel workers spread out;
/// - failed, running and queued trials in `history` are ignored (pass running ones as
///   `pending`), and so are complete trials whose value is NaN or infinite.
/// Before `startupTrials` trials count, the proposal is the `QuasiRandomSampler`'s point for the
/// same seed and trial number.
///
/// A trial's value for a parameter counts only when of the domain's kind (numbers are clamped
/// into the domain; unknown choices are skipped). Single-valued domains give their value; a
/// choice with no names keeps the zero-trial value.
public struct TPESampler: Sampler {
    /// The seed: with the trial number (and the parameter's name) it seeds every draw.
    public let seed: UInt64
    /// How many counted trials TPE needs; before that, quasi-random points.
    public let startupTrials: Int
    /// How many draws from l(x) are scored per parameter.
    public let candidates: Int
    /// The prior kernel's weight (Optuna's `prior_weight`).
    public let priorWeight: Double

    /// A TPE sampler.
    /// - Parameters:
    ///   - seed: seeds every draw, with the trial number.
    ///   - startupTrials: counted (complete or pruned) trials before TPE starts; default 10
    ///     (Optuna's `n_startup_trials`).
    ///   - candidates: draws from l(x) scored per parameter; default 24 (`n_ei_candidates`).
    ///   - priorWeight: the prior kernel's weight; default 1.0 (`prior_weight`).
    public init(
        seed: UInt64, startupTrials: Int = 10, candidates: Int = 24, priorWeight: Double = 1.0
    ) {
        self.seed = seed
        self.startupTrials = max(startupTrials, 0)
        self.candidates = max(candidates, 1)
        self.priorWeight = priorWeight.isFinite ? max(priorWeight, 0) : 1.0
    }

    /// How many of `n` counted trials form l(x): Optuna's `default_gamma`, min(ceil(n/10), 25).
    public static func gamma(_ n: Int) -> Int {
        min((max(n, 0) + 9) / 10, 25)
    }

    public func assignment(
        for number: Int, space: SearchSpace, history: [TrialObservation],
        pending: [Assignment], direction: Direction
    ) -> Assignment {
        let split = TrialSplit(
            history: history.filter { $0.number != number }, pending: pending,
            direction: direction)
        guard split.counted >= startupTrials, !space.parameters.isEmpty else {
            return QuasiRandomSampler(seed: seed).assignment(
                for: number, space: space, history: history, pending: pending,
                direction: direction)
        }
        var result = Assignment()
        for parameter in space.parameters {
            var generator = SeededGenerator(
                seed: seed, stream: Self.stream(number: number, name: parameter.name))
            result[parameter.name] = proposal(
                for: parameter, split: split, using: &generator)
        }
        return result
    }

    private func proposal(
        for parameter: SearchParameter, split: TrialSplit, using generator: inout SeededGenerator
    ) -> ParameterValue {
        let name = parameter.name
        switch parameter.domain {
        case .choice(let names):
            guard let first = names.first else { return parameter.zeroTrial }
            if parameter.domain.isSingleValued { return .choice(first) }
            func indices(_ group: [Assignment]) -> [Int] {
                group.compactMap { assignment in
                    guard case .choice(let chosen)? = assignment[name] else { return nil }
                    return names.firstIndex(of: chosen)
                }
            }
            let below = CategoricalParzenEstimator(
                observations: indices(split.below), count: names.count, priorWeight: priorWeight)
            let above = CategoricalParzenEstimator(
                observations: indices(split.above), count: names.count, priorWeight: priorWeight)
            var best = 0
            var bestScore = -Double.infinity
            for _ in 0..<candidates {
                let c = below.sample(using: &generator)
                let score = below.logProbability(of: c) - above.logProbability(of: c)
                if score > bestScore {
                    best = c
                    bestScore = score
                }
            }
            return .choice(names[best])
        case .real, .integer:
            guard let axis = NumericAxis(parameter.domain) else { return parameter.zeroTrial }
            if parameter.domain.isSingleValued { return axis.value(atTransformed: axis.low) }
            func points(_ group: [Assignment]) -> [Double] {
                group.compactMap { assignment in
                    switch assignment[name] {
                    case .real(let x)?: return axis.transformed(x)
                    case .integer(let n)?: return axis.transformed(Double(n))
                    default: return nil
                    }
                }
            }
            let below = NumericParzenEstimator(
                observations: points(split.below), axis: axis, priorWeight: priorWeight)
            let above = NumericParzenEstimator(
                observations: points(split.above), axis: axis, priorWeight: priorWeight)
            var best: ParameterValue?
            var bestScore = -Double.infinity
            // Integers repeat among the draws: score each value once.
            var scored: [ParameterValue: Double] = [:]
            for _ in 0..<candidates {
                let (value, point) = below.sample(using: &generator)
                let score: Double
                if axis.isInteger, let known = scored[value] {
                    score = known
                } else {
                    score =
                        below.logDensity(at: point, value: value)
                        - above.logDensity(at: point, value: value)
                    if axis.isInteger { scored[value] = score }
                }
                if best == nil || score > bestScore {
                    best = value
                    bestScore = score
                }
            }
            return best ?? axis.value(atTransformed: 0.5 * (axis.low + axis.high))
        }
    }

    /// A stream per trial number and parameter name (FNV-1a of the name: Swift's `Hasher` is
    /// seeded per process), so adding a parameter does not change the others' draws.
    static func stream(number: Int, name: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash ^ (UInt64(bitPattern: Int64(number)) &* 0x9E37_79B9_7F4A_7C15)
    }
}

/// The counted trials split into l(x)'s and g(x)'s assignments, each in trial-number order
/// (the order the weights read), after Optuna's `_split_trials`.
struct TrialSplit {
    var below: [Assignment] = []
    var above: [Assignment] = []
    /// Complete and pruned trials counted (pending ones not).
    var counted = 0

    init(history: [TrialObservation], pending: [Assignment], direction: Direction) {
        let sign = direction == .minimize ? 1.0 : -1.0
        let complete = history.filter {
            $0.state == .complete && ($0.value?.isFinite ?? false)
        }
        let pruned = history.filter { $0.state == .pruned }
        counted = complete.count + pruned.count
        var remaining = TPESampler.gamma(counted)

        // Lower key = better; ties by trial number for a deterministic order.
        let rankedComplete = complete.sorted {
            let a = sign * ($0.value ?? .infinity)
            let b = sign * ($1.value ?? .infinity)
            return a != b ? a < b : $0.number < $1.number
        }
        func prunedKey(_ trial: TrialObservation) -> (Double, Double) {
            // Optuna's _get_pruned_trial_score: (-last step, value there); none: (1, 0).
            guard let last = trial.intermediate.max(by: { $0.step < $1.step }) else {
                return (1, 0)
            }
            let value = last.value.isFinite ? sign * last.value : .infinity
            return (-Double(last.step), value.isNaN ? .infinity : value)
        }
        let rankedPruned = pruned.sorted {
            let a = prunedKey($0)
            let b = prunedKey($1)
            return a != b ? a < b : $0.number < $1.number
        }
        let belowComplete = min(remaining, rankedComplete.count)
        remaining -= belowComplete
        let belowPruned = min(remaining, rankedPruned.count)

        let belowTrials =
            Array(rankedComplete.prefix(belowComplete)) + rankedPruned.prefix(belowPruned)
        let aboveTrials =
            Array(rankedComplete.dropFirst(belowComplete)) + rankedPruned.dropFirst(belowPruned)
        below = belowTrials.sorted { $0.number < $1.number }.map(\.assignment)
        // Pending trials are the newest: last, at full weight.
        above = aboveTrials.sorted { $0.number < $1.number }.map(\.assignment) + pending
    }
}
