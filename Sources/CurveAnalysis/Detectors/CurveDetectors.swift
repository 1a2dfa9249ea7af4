import Spec

/// DIAG-OSCILLATING: the loss bounces instead of settling.
///
/// Detects, on the window of the training loss (last 10% of points, at least 5):
/// - coefficient of variation of the detrended window (residual std / window mean) above
///   `oscillationVariation` (0.1) and a drop between the window's halves (mean of the first half
///   vs the second) under `oscillationMaximumDrop` (1%); or
/// - sign changes of the point-to-point difference in more than `oscillationSignChanges` (60%)
///   of the steps, with a mean absolute change of at least `oscillationMinimumAmplitude` (2%) of
///   the window mean (so noise on a converged plateau does not count).
///
/// Severity: warning. Recommends (rulebook): lower the learning rate (it is too high). Edit:
/// learning rate / 3. Source: notes "Summary of hyperparameter tuning"; Google's loss-curve guide.
public struct OscillatingLossDetector: Detector {
    public let ruleID = "DIAG-OSCILLATING"
    public init() {}

    public func findings(
        in record: TrainingRecord, spec: NetworkSpec?, thresholds: CurveThresholds
    ) -> [Finding] {
        let curve = LossCurve.training(record, thresholds)
        guard curve.values.count >= thresholds.windowMinimum,
            curve.values.allSatisfy(\.isFinite)
        else { return [] }
        let window = Array(curve.window(thresholds))
        let windowMean = mean(window)
        guard windowMean > 0 else { return [] }
        let variation = standardDeviation(detrended(window)) / windowMean
        let half = window.count / 2
        let firstHalf = mean(window[..<half])
        let secondHalf = mean(window[(window.count - half)...])
        let drop = (firstHalf - secondHalf) / firstHalf
        let differences = zip(window.dropFirst(), window).map { $0 - $1 }.filter { $0 != 0 }
        let changes = zip(differences.dropFirst(), differences).filter { ($0 > 0) != ($1 > 0) }
            .count
        let changeFraction =
            differences.count >= 2 ? Double(changes) / Double(differences.count - 1) : 0
        let amplitude = mean(differences.map(abs)) / windowMean

        let byVariation =
            variation > thresholds.oscillationVariation && drop < thresholds.oscillationMaximumDrop
        let bySignChanges =
            changeFraction > thresholds.oscillationSignChanges
            && amplitude >= thresholds.oscillationMinimumAmplitude
        guard byVariation || bySignChanges else { return [] }
        let proposals = EditProposals(record: record, spec: spec, thresholds: thresholds)
        return [
            Finding(
                ruleID: ruleID, severity: .warning,
                title: "the training loss oscillates instead of settling",
                evidence: [
                    Evidence(
                        "detrended_variation", variation, "last \(window.count) \(curve.unit)s"),
                    Evidence("drop_between_window_halves", drop),
                    Evidence("sign_change_fraction", changeFraction),
                ],
                recommendation: "The learning rate is too high: lower it.",
                edits: [proposals.learningRate(times: 1 / thresholds.learningRateDecrease)]
                    .compactMap { $0 })
        ]
    }
}

/// DIAG-SLOW: the loss falls steadily, but slowly.
///
/// Detects, on the per-epoch training loss (its noise-free evaluation when recorded; 4 epochs or
/// more): at least `slowSteadyFraction`
/// (80%) of epoch-to-epoch changes are decreases, the whole run drops more than `flatTolerance`
/// (1%, else DIAG-FLAT applies), yet the first half of training drops under
/// `slowFirstHalfDrop` (20%) from the first epoch. Severity: warning. Recommends (rulebook):
/// raise the learning rate. Edit: learning rate x 3. Source: notes "Summary of hyperparameter
/// tuning".
public struct SlowTrainingDetector: Detector {
    public let ruleID = "DIAG-SLOW"
    public init() {}

    public func findings(
        in record: TrainingRecord, spec: NetworkSpec?, thresholds: CurveThresholds
    ) -> [Finding] {
        let losses = LossCurve.epochs(record).values
        guard losses.count >= 4, losses.allSatisfy(\.isFinite), let first = losses.first,
            first > 0, let last = losses.last
        else { return [] }
        let differences = zip(losses.dropFirst(), losses).map { $0 - $1 }
        let falling = Double(differences.filter { $0 < 0 }.count) / Double(differences.count)
        let totalDrop = (first - last) / first
        let halfIndex = (losses.count - 1) / 2
        let firstHalfDrop = (first - losses[halfIndex]) / first
        guard falling >= thresholds.slowSteadyFraction, totalDrop > thresholds.flatTolerance,
            firstHalfDrop < thresholds.slowFirstHalfDrop
        else { return [] }
        let proposals = EditProposals(record: record, spec: spec, thresholds: thresholds)
        return [
            Finding(
                ruleID: ruleID, severity: .warning,
                title: "the loss falls steadily but slowly: the learning rate is low",
                evidence: [
                    Evidence("first_half_drop", firstHalfDrop, "epochs 1-\(halfIndex + 1)"),
                    Evidence("total_drop", totalDrop),
                    Evidence("falling_epoch_fraction", falling),
                ],
                recommendation: "Raise the learning rate.",
                edits: [proposals.learningRate(times: thresholds.learningRateIncrease)]
                    .compactMap { $0 })
        ]
    }
}

/// DIAG-NOT-CONVERGED: the run ended while the loss was still improving.
///
/// Detects: the training loss (smoothed per-step, else per-epoch) improved more than
/// `notConvergedImprovement` (1%) across the window (last 10% of points, at least 5), the run
/// used all planned epochs (no early stop), and the validation loss (if any) is still within
/// `overfitFactor` (1.05x) of its minimum (else more epochs would only overfit).
/// Severity: warning. Recommends (rulebook): more epochs. Edit: epochs x 2.
/// Source: notes "Summary of hyperparameter tuning".
public struct NotConvergedDetector: Detector {
    public let ruleID = "DIAG-NOT-CONVERGED"
    public init() {}

    public func findings(
        in record: TrainingRecord, spec: NetworkSpec?, thresholds: CurveThresholds
    ) -> [Finding] {
        guard !record.stoppedEarly, record.epochsRun >= record.epochsPlanned else { return [] }
        let curve = LossCurve.training(record, thresholds)
        guard curve.values.count >= 2, curve.values.allSatisfy(\.isFinite) else { return [] }
        let window = curve.window(thresholds)
        guard let start = window.first, let end = window.last, start > 0 else { return [] }
        let improvement = (start - end) / start
        guard improvement > thresholds.notConvergedImprovement else { return [] }
        if let minimum = record.validationLoss.filter(\.isFinite).min(),
            let last = record.validationLoss.last,
            !(last <= thresholds.overfitFactor * minimum)
        {
            return []
        }
        let proposals = EditProposals(record: record, spec: spec, thresholds: thresholds)
        return [
            Finding(
                ruleID: ruleID, severity: .warning,
                title: "training stopped while the loss was still improving",
                evidence: [
                    Evidence(
                        "window_improvement", improvement, "last \(window.count) \(curve.unit)s"),
                    Evidence("epochs_run", Double(record.epochsRun)),
                ],
                recommendation:
                    "Train for more epochs (early stopping ends the run when it is done).",
                edits: [proposals.moreEpochs])
        ]
    }
}

/// DIAG-FLAT: the loss never moves.
///
/// Detects: from `flatAfterFraction` (5%) of the points on, every training loss (smoothed
/// per-step, else per-epoch) is within `flatTolerance` (1%) of the first value (the first-batch
/// loss for a per-step curve). Severity: error. Recommends (rulebook): the learning rate is far too low,
/// units are dead, or there is a bug: run the tiny-overfit check. Edit: learning rate x 10.
/// Source: notes "Summary of hyperparameter tuning"; Google's loss-curve guide.
public struct FlatLossDetector: Detector {
    public let ruleID = "DIAG-FLAT"
    public init() {}

    public func findings(
        in record: TrainingRecord, spec: NetworkSpec?, thresholds: CurveThresholds
    ) -> [Finding] {
        let curve = LossCurve.training(record, thresholds)
        guard curve.values.count >= 2, curve.values.allSatisfy(\.isFinite) else { return [] }
        // The first-batch loss starts a per-step curve; a per-epoch curve starts at its own first
        // point (one batch's loss is noisier than the 1% tolerance).
        let first =
            curve.unit == "step"
            ? record.firstBatchLoss.flatMap { $0.isFinite ? $0 : nil } ?? curve.values[0]
            : curve.values[0]
        guard first != 0 else { return [] }
        let start = max(
            1, Int((thresholds.flatAfterFraction * Double(curve.values.count)).rounded(.up)))
        guard start < curve.values.count else { return [] }
        let deviation = curve.values[start...].map { abs($0 - first) / abs(first) }.max() ?? 0
        guard deviation <= thresholds.flatTolerance else { return [] }
        let proposals = EditProposals(record: record, spec: spec, thresholds: thresholds)
        return [
            Finding(
                ruleID: ruleID, severity: .error,
                title: "the loss did not move from its first value",
                evidence: [
                    Evidence("first_loss", first),
                    Evidence("final_loss", curve.values[curve.values.count - 1]),
                    Evidence(
                        "largest_relative_change", deviation, "after \(curve.label(start - 1))"),
                ],
                recommendation:
                    "The learning rate is far too low, the units are dead, or there is a bug: "
                    + "raise the learning rate (or set it to auto for the range test) and run the "
                    + "tiny-overfit check (train on a few rows until the loss is near zero).",
                edits: [proposals.learningRate(times: thresholds.flatLearningRateIncrease)]
                    .compactMap { $0 })
        ]
    }
}
