import Foundation
import Spec

/// DIAG-OVERFIT: validation loss rises while training loss keeps falling.
///
/// Detects: the last `overfitEvaluations` (3) or more validation losses are all above
/// `overfitFactor` (1.05) times the minimum validation loss, and above it by
/// `overfitStandardErrors` (2) standard errors of a mean over the validation rows (factor
/// `1 + 2 / sqrt(rows)` when larger: a small validation split's loss wanders), and the training
/// loss at the last epoch is below its value at the validation minimum; the curve is read up to
/// `overfitWindow` (10) epochs after its minimum, or to its end when the spec turns early
/// stopping off (the last epoch is then the model). Severity: warning. Recommends (rulebook,
/// OVERFIT-RECIPE-MLP): regularisation, dropout, batch normalisation, early stopping, more data, a
/// smaller network. Edits: `model.dropout: 0.2` and `training.regularization: {l2: 1.0e-4}` where
/// absent; early stopping when it was off. Source: notes "Overfitting".
public struct OverfitDetector: Detector {
    public let ruleID = "DIAG-OVERFIT"
    public init() {}

    public func findings(
        in record: TrainingRecord, spec: NetworkSpec?, thresholds: CurveThresholds
    ) -> [Finding] {
        let whole = record.validationLoss
        guard whole.count >= thresholds.overfitEvaluations + 1,
            whole.allSatisfy(\.isFinite), record.trainLoss.allSatisfy(\.isFinite),
            let minimum = whole.min(), let best = whole.firstIndex(of: minimum)
        else { return [] }
        var earlyStoppingOff = false
        if let spec, case .fixed(nil) = spec.training.earlyStopping { earlyStoppingOff = true }
        // With early stopping, the tail past its patience is what it cuts off; without it the
        // last epoch is the model, and the whole curve counts.
        let window = earlyStoppingOff ? whole.count : thresholds.overfitWindow
        let end = min(whole.count, record.trainLoss.count, best + 1 + window)
        let validation = whole.prefix(end)
        let noise = record.validationRows.map { rows in
            thresholds.overfitStandardErrors / Double(max(rows, 1)).squareRoot()
        }
        let factor = max(thresholds.overfitFactor, 1 + (noise ?? 0))
        let risen = validation.reversed().prefix { $0 > factor * minimum }.count
        guard risen >= thresholds.overfitEvaluations, best < record.trainLoss.count,
            let lastTrain = record.trainLoss.prefix(end).last, lastTrain < record.trainLoss[best]
        else { return [] }
        let proposals = EditProposals(record: record, spec: spec, thresholds: thresholds)
        var edits = [proposals.addDropout, proposals.addL2].compactMap { $0 }
        if earlyStoppingOff {
            edits.append(
                SpecEdit(
                    SpecKey.earlyStopping.path, from: "none",
                    to: "{patience: 10, min_delta: 1.0e-4, restore_best: true}"))
        }
        return [
            Finding(
                ruleID: ruleID, severity: .warning,
                title: "the network overfits: validation loss rose for \(risen) evaluations "
                    + "while training loss fell",
                evidence: [
                    Evidence("validation_loss_min", minimum, "epoch \(best + 1)"),
                    Evidence("validation_loss_last", validation[end - 1], "epoch \(end)"),
                    Evidence("train_loss_at_min", record.trainLoss[best]),
                    Evidence("train_loss_last", lastTrain),
                ]
                    + (record.validationRows.map { rows in
                        let needed = "a rise above x\(NumberText.significant(factor)) is not noise"
                        return [Evidence("validation_rows", Double(rows), needed)]
                    } ?? []),
                recommendation:
                    "Regularise (OVERFIT-RECIPE-MLP): early stopping with L2, or dropout; batch "
                    + "normalisation, more data or a smaller network also help.",
                edits: edits)
        ]
    }
}

/// DIAG-UNDERFIT: the network does not even fit the training data.
///
/// Detects either:
/// - the final training score is no better than the trivial baseline (majority-class accuracy,
///   or the mean predictor's R² of 0) plus `underfitMargin` (0.05); or
/// - the training loss is high and flat: at least `underfitLossFraction` (0.9) of the trivial
///   baseline's loss, improving under `notConvergedImprovement` (1%) across the window.
///
/// Severity: warning. Recommends (rulebook): more capacity (width or depth), more epochs, less
/// regularisation. Edits: hidden widths x 2 (or one hidden layer when there is none), remove the
/// weight penalty and dropout. Source: notes "Summary of hyperparameter tuning".
public struct UnderfitDetector: Detector {
    public let ruleID = "DIAG-UNDERFIT"
    public init() {}

    public func findings(
        in record: TrainingRecord, spec: NetworkSpec?, thresholds: CurveThresholds
    ) -> [Finding] {
        var evidence: [Evidence] = []
        if let score = record.trainMetric.last, score.isFinite,
            let baseline = record.trivialBaselineScore,
            score <= baseline + thresholds.underfitMargin
        {
            evidence.append(Evidence("train_\(record.metricName)", score))
            evidence.append(Evidence("trivial_baseline_\(record.metricName)", baseline))
        }
        let curve = LossCurve.training(record, thresholds)
        if let baselineLoss = record.trivialBaselineLoss, baselineLoss > 0,
            curve.values.count >= 2, curve.values.allSatisfy(\.isFinite)
        {
            let window = curve.window(thresholds)
            let last = curve.values[curve.values.count - 1]
            let improvement = ((window.first ?? last) - last) / (window.first ?? last)
            if last >= thresholds.underfitLossFraction * baselineLoss,
                improvement < thresholds.notConvergedImprovement
            {
                evidence.append(Evidence("train_loss_last", last))
                evidence.append(Evidence("trivial_baseline_loss", baselineLoss))
            }
        }
        guard !evidence.isEmpty else { return [] }
        if record.signalFree == true, let lift = record.signalLift {
            // Near the trivial score is all signal-free data allows: capacity would fit noise.
            evidence.append(Evidence("linear_lift_cv", lift))
            return [
                Finding(
                    ruleID: ruleID, severity: .info,
                    title:
                        "the training score is near the trivial baseline: the data holds little "
                        + "signal",
                    evidence: evidence,
                    recommendation:
                        "A cross-validated linear model lifts the score only "
                        + "\(NumberText.evidence(lift)) above predicting without the inputs "
                        + "(DEPTH-NO-SIGNAL), so more capacity would fit noise. Add informative "
                        + "columns, or check that the target is the one meant.",
                    edits: [])
            ]
        }
        let proposals = EditProposals(record: record, spec: spec, thresholds: thresholds)
        var edits: [SpecEdit] = []
        let hidden = record.hiddenLayers.map(\.units)
        if hidden.isEmpty {
            if spec?.model.layers == nil {
                let old = proposals.oldText(
                    spec?.model.hiddenLayers, keyPath: SpecKey.hiddenLayers.path
                ) {
                    String($0)
                }
                edits.append(
                    SpecEdit(SpecKey.hiddenLayers.path, from: spec == nil ? "0" : old, to: "1"))
            }
        } else {
            edits += proposals.setHiddenWidths(
                hidden.map { Int((Double($0) * thresholds.widthMultiplier).rounded()) })
        }
        edits += proposals.lessRegularization
        return [
            Finding(
                ruleID: ruleID, severity: .warning,
                title: "the network underfits: the training score is near the trivial baseline",
                evidence: evidence,
                recommendation:
                    "Give the network more capacity (wider or deeper layers), train longer, and "
                    + "regularise less.",
                edits: edits)
        ]
    }
}

/// DIAG-INITIAL-LOSS: the first loss is not what an untrained classifier gives.
///
/// Detects (classification): the first-batch loss differs from ln C (C classes; ln 2 for binary
/// cross-entropy) by a relative gap above `initialLossGap` (0.5). Severity: warning. Recommends
/// (rulebook): check initialisation and labels. No spec edit. Source: Karpathy's "A recipe for
/// training neural networks" via the notes.
public struct InitialLossDetector: Detector {
    public let ruleID = "DIAG-INITIAL-LOSS"
    public init() {}

    public func findings(
        in record: TrainingRecord, spec: NetworkSpec?, thresholds: CurveThresholds
    ) -> [Finding] {
        guard record.task == .classification, let classes = record.classCount, classes >= 2,
            let first = record.firstBatchLoss, first.isFinite
        else { return [] }
        let expected = log(Double(classes))
        let gap = abs(first - expected) / expected
        guard gap > thresholds.initialLossGap else { return [] }
        return [
            Finding(
                ruleID: ruleID, severity: .warning,
                title: "the first loss is far from ln C, the loss of an untrained classifier",
                evidence: [
                    Evidence("first_batch_loss", first),
                    Evidence("ln_C", expected, "C = \(classes)"),
                    Evidence("relative_gap", gap),
                ],
                recommendation:
                    "Check the initialisation (INIT-BY-ACTIVATION; the output layer should start "
                    + "near uniform predictions) and that the labels match the outputs.")
        ]
    }
}

/// DIAG-CONTRADICTION: the loss falls while some class is never predicted.
///
/// Detects (classification): the training loss fell over the run while a class's recall was 0 at
/// each of the last `zeroRecallEvaluations` (3) or more evaluations. Severity: warning.
/// Recommends (rulebook): class imbalance: reweight classes, watch AUC. Edit:
/// `training.class_weights: balanced`. Source: notes "Summary of hyperparameter tuning".
public struct ContradictionDetector: Detector {
    public let ruleID = "DIAG-CONTRADICTION"
    public init() {}

    public func findings(
        in record: TrainingRecord, spec: NetworkSpec?, thresholds: CurveThresholds
    ) -> [Finding] {
        guard record.task == .classification, !record.classRecall.isEmpty,
            let first = record.trainLoss.first, let last = record.trainLoss.last, last < first
        else { return [] }
        let classes = record.classRecall.map(\.count).min() ?? 0
        var evidence: [Evidence] = []
        for index in 0..<classes {
            let zeros = record.classRecall.reversed().prefix { $0[index] <= 0 }.count
            guard zeros >= thresholds.zeroRecallEvaluations else { continue }
            let name = index < record.classNames.count ? record.classNames[index] : "\(index)"
            evidence.append(Evidence("recall", 0, "class \(name), last \(zeros) evaluations"))
        }
        guard !evidence.isEmpty else { return [] }
        evidence.append(Evidence("train_loss_drop", first - last))
        let proposals = EditProposals(record: record, spec: spec, thresholds: thresholds)
        return [
            Finding(
                ruleID: ruleID, severity: .warning,
                title: "the loss falls while some class is never predicted",
                evidence: evidence,
                recommendation:
                    "The classes are imbalanced: weight the classes in the loss and watch "
                    + "per-class recall or AUC rather than accuracy.",
                edits: [proposals.balanceClasses].compactMap { $0 })
        ]
    }
}

/// SIZE-PRUNE: hidden units whose weights all went to zero can go.
///
/// Detects: in a hidden layer, units whose incoming and outgoing weight norms are both below
/// `pruneFraction` (1%, the spec's `advisor.prune_fraction`) of the layer's median incoming and
/// outgoing norms. Suggests the width minus those units (at least 1). Severity: info. Edit: the
/// smaller widths (`model.neurons`, or `model.layers[i].dense.units`). Source: notes "How to
/// configure layers and neurons" (pruning).
public struct SizePruneDetector: Detector {
    public let ruleID = "SIZE-PRUNE"
    public init() {}

    public func findings(
        in record: TrainingRecord, spec: NetworkSpec?, thresholds: CurveThresholds
    ) -> [Finding] {
        var widths: [Int] = []
        var evidence: [Evidence] = []
        for layer in record.hiddenLayers {
            guard let incoming = layer.incomingUnitNorms, let outgoing = layer.outgoingUnitNorms,
                incoming.count == outgoing.count, !incoming.isEmpty
            else {
                widths.append(layer.units)
                continue
            }
            let incomingMedian = median(incoming)
            let outgoingMedian = median(outgoing)
            let dead = zip(incoming, outgoing).filter { inNorm, outNorm in
                inNorm < thresholds.pruneFraction * incomingMedian
                    && outNorm < thresholds.pruneFraction * outgoingMedian
            }.count
            widths.append(max(1, layer.units - dead))
            if dead > 0 {
                evidence.append(
                    Evidence("dead_units", Double(dead), "layer \(layer.name) of \(layer.units)"))
            }
        }
        guard !evidence.isEmpty else { return [] }
        let proposals = EditProposals(record: record, spec: spec, thresholds: thresholds)
        let current = record.hiddenLayers.map { String($0.units) }.joined(separator: ", ")
        let smaller = widths.map(String.init).joined(separator: ", ")
        return [
            Finding(
                ruleID: ruleID, severity: .info,
                title: "hidden units with near-zero weights could go: widths [\(current)] -> "
                    + "[\(smaller)]",
                evidence: evidence,
                recommendation:
                    "Shrink the hidden layers by the dead units; the network computes the same "
                    + "function with fewer parameters.",
                edits: proposals.setHiddenWidths(widths))
        ]
    }
}
