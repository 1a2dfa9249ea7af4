/// Decides, after a trial reports an intermediate value, whether to stop it.
public protocol Pruner: Sendable {
    /// Whether to stop `trial` now.
    /// - Parameters:
    ///   - trial: the trial, its intermediate values so far (the newest last reported).
    ///   - others: the study's other trials, any state, with their intermediate values.
    ///   - direction: whether lower or higher values are better.
    func shouldPrune(
        trial: TrialObservation, others: [TrialObservation], direction: Direction
    )
        -> Bool
}

/// Asynchronous successive halving (ASHA: Li et al., "A System for Massively Parallel
/// Hyperparameter Tuning", MLSys 2020), as Optuna's `SuccessiveHalvingPruner`.
///
/// Rung `k` sits at step `minResource * reductionFactor^(minEarlyStoppingRate + k)`. When a
/// trial's newest report reaches one or more rungs it has not passed before, its value (the
/// newest) is ranked among the values every trial had at that rung (the first report at or
/// after the rung's step; itself included). It continues only if within the top
/// `1 / reductionFactor`: sorted best first, at or above index `count / reductionFactor - 1`
/// (Optuna's `_is_trial_promotable_to_next_rung`; index -1, fewer than `reductionFactor`
/// values, becomes 0: only a trial best so far goes on, since trials are not paused and
/// resumed as the paper's ASHA would). A rung once passed is not checked again (ASHA's
/// promotions are final), so this must be asked after every report, as Optuna does. A NaN
/// value is pruned.
public struct SuccessiveHalvingPruner: Pruner {
    /// The first rung's step (epochs).
    public let minResource: Int
    /// η: the rungs' spacing and the kept fraction 1/η.
    public let reductionFactor: Int
    /// s: the rungs start at `minResource * η^s`.
    public let minEarlyStoppingRate: Int
    /// A trial is pruned at a rung reached by at most this many trials (itself included).
    public let bootstrapCount: Int
    /// A rung reached by fewer trials than this (itself included) never prunes. 0 is Optuna's
    /// behaviour (with fewer than η values only a trial best so far goes on); `tune` passes η,
    /// so the first trials of a small study run to their end and later ones are ranked
    /// against them, not against one early curve.
    public let minimumCompetitors: Int

    /// A pruner.
    /// - Parameters:
    ///   - minResource: the first rung's step; default 1 (at least 1).
    ///   - reductionFactor: η; default 3 (the paper uses 3 or 4; at least 2).
    ///   - minEarlyStoppingRate: s; default 0.
    ///   - bootstrapCount: default 0 (Optuna's `bootstrap_count`).
    ///   - minimumCompetitors: default 0 (see the property).
    public init(
        minResource: Int = 1, reductionFactor: Int = 3, minEarlyStoppingRate: Int = 0,
        bootstrapCount: Int = 0, minimumCompetitors: Int = 0
    ) {
        self.minimumCompetitors = max(minimumCompetitors, 0)
        self.minResource = max(minResource, 1)
        self.reductionFactor = max(reductionFactor, 2)
        self.minEarlyStoppingRate = max(minEarlyStoppingRate, 0)
        self.bootstrapCount = max(bootstrapCount, 0)
    }

    /// The rungs' steps up to `step`, in order.
    public func rungSteps(through step: Int) -> [Int] {
        var rung = minResource
        for _ in 0..<minEarlyStoppingRate {
            let (next, overflow) = rung.multipliedReportingOverflow(by: reductionFactor)
            if overflow || next > step { return [] }
            rung = next
        }
        var steps: [Int] = []
        while rung <= step {
            steps.append(rung)
            let (next, overflow) = rung.multipliedReportingOverflow(by: reductionFactor)
            if overflow { break }
            rung = next
        }
        return steps
    }

    public func shouldPrune(
        trial: TrialObservation, others: [TrialObservation], direction: Direction
    ) -> Bool {
        let reports = trial.intermediate.sorted { $0.step < $1.step }
        guard let newest = reports.last else { return false }
        let previousStep = reports.dropLast().last?.step ?? Int.min
        let reached = rungSteps(through: newest.step).filter { $0 > previousStep }
        guard !reached.isEmpty else { return false }
        if newest.value.isNaN { return true }
        let competitors = others.filter { $0.number != trial.number }
        for rung in reached {
            var values = competitors.compactMap { Self.value(of: $0, atRung: rung) }
            values.append(newest.value)
            if values.count <= bootstrapCount { return true }
            if values.count < minimumCompetitors { continue }
            if !isPromotable(newest.value, among: values, direction: direction) { return true }
        }
        return false
    }

    /// A trial's value at a rung: its first report at or after the rung's step (the report at
    /// which the pruner checked it there); nil if it never got there or the value is NaN.
    static func value(of trial: TrialObservation, atRung step: Int) -> Double? {
        let first = trial.intermediate.filter { $0.step >= step }.min { $0.step < $1.step }
        guard let value = first?.value, !value.isNaN else { return nil }
        return value
    }

    private func isPromotable(
        _ value: Double, among values: [Double], direction: Direction
    )
        -> Bool
    {
        let index = max(values.count / reductionFactor - 1, 0)
        let bestFirst = values.sorted { direction.isBetter($0, than: $1) }
        let threshold = bestFirst[index]
        return value == threshold || direction.isBetter(value, than: threshold)
    }
}
