import Spec

/// One rulebook rule applied to a finished run: reads the record, returns findings.
public protocol Detector: Sendable {
    /// The rulebook ID this detector applies (`DIAG-OVERFIT`).
    var ruleID: String { get }

    /// The findings for this rule (empty when the run is healthy in this respect).
    /// - Parameters:
    ///   - record: the run's history and gradient statistics.
    ///   - spec: the spec that ran, for the old values of proposed edits; nil proposes edits
    ///     from the record alone.
    ///   - thresholds: the proposed thresholds.
    func findings(
        in record: TrainingRecord, spec: NetworkSpec?, thresholds: CurveThresholds
    ) -> [Finding]
}

/// Every detector, in the rulebook's order: DIAG-NONFINITE, EXPLODING, VANISHING, DEAD-RELU,
/// OSCILLATING, SLOW, NOT-CONVERGED, FLAT, OVERFIT, UNDERFIT, INITIAL-LOSS, CONTRADICTION, then
/// SIZE-PRUNE.
public let allDetectors: [any Detector] = [
    NonFiniteDetector(), ExplodingGradientDetector(), VanishingGradientDetector(),
    DeadReLUDetector(), OscillatingLossDetector(), SlowTrainingDetector(),
    NotConvergedDetector(), FlatLossDetector(), OverfitDetector(), UnderfitDetector(),
    InitialLossDetector(), ContradictionDetector(), SizePruneDetector(),
]

/// Runs every detector on a finished run: the findings, most severe first (rulebook order within
/// a severity).
///
/// - Parameters:
///   - record: the run's history and gradient statistics.
///   - spec: the spec that ran (old values of edits, `advisor.prune_fraction`); default nil.
///   - thresholds: default `CurveThresholds()`; pass `CurveThresholds(spec:)` to apply
///     the spec's overrides.
///   - detectors: default `allDetectors`.
public func diagnose(
    _ record: TrainingRecord, spec: NetworkSpec? = nil,
    thresholds: CurveThresholds = CurveThresholds(),
    detectors: [any Detector] = allDetectors
) -> [Finding] {
    let findings = detectors.flatMap {
        $0.findings(in: record, spec: spec, thresholds: thresholds)
    }
    // A stable sort: most severe first, detector order kept within a severity.
    return findings.enumerated().sorted { lhs, rhs in
        lhs.element.severity != rhs.element.severity
            ? lhs.element.severity > rhs.element.severity : lhs.offset < rhs.offset
    }.map(\.element)
}
