/// The study's sampler: quasi-random exploration around the rules' ranges, then TPE.
///
/// Trial 0 is the zero-trial design (the advisor's values; the caller gives it, not this
/// sampler). Trials `1...startupTrials` take the `QuasiRandomSampler`'s points, whatever has
/// finished, so parallel workers explore the whole space first (the Deep Learning Tuning
/// Playbook's exploration phase); later trials take the `TPESampler`'s proposal, which counts
/// trial 0 like any other complete trial and falls back to the same quasi-random sequence
/// while fewer than `startupTrials` trials have finished.
public struct RuleSeededSampler: Sampler {
    /// The exploration sampler (same seed).
    public let quasiRandom: QuasiRandomSampler
    /// The exploitation sampler (same seed, same startup count).
    public let tpe: TPESampler

    /// The study's sampler.
    /// - Parameters:
    ///   - seed: seeds both samplers.
    ///   - startupTrials: trial numbers `1...startupTrials` are quasi-random; default 10.
    ///   - candidates: TPE's draws scored per parameter; default 24.
    public init(seed: UInt64, startupTrials: Int = 10, candidates: Int = 24) {
        quasiRandom = QuasiRandomSampler(seed: seed)
        tpe = TPESampler(seed: seed, startupTrials: startupTrials, candidates: candidates)
    }

    public func assignment(
        for number: Int, space: SearchSpace, history: [TrialObservation],
        pending: [Assignment], direction: Direction
    ) -> Assignment {
        let sampler: any Sampler = number <= tpe.startupTrials ? quasiRandom : tpe
        return sampler.assignment(
            for: number, space: space, history: history, pending: pending, direction: direction)
    }
}
