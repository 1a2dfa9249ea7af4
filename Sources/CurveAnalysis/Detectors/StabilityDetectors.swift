import Spec

/// DIAG-NONFINITE: a NaN or infinity in a loss, weight or gradient.
///
/// Detects: any non-finite value in the training, validation or per-step losses, in a layer's
/// gradient or weight norms, or a `NonFiniteEvent` the training loop reported.
/// Thresholds: none (any one value fires). Severity: error.
/// Recommends (rulebook): exploding gradients: clip (CLIP-DEFAULTS), lower the rate, smaller
/// batch, fewer layers, weight regularisation; check inputs for NaN. Edits: add
/// `gradient_clipping: {clipnorm: 1.0}`, divide the learning rate by `learningRateDecrease`.
/// Source: notes "Exploding gradient".
public struct NonFiniteDetector: Detector {
    public let ruleID = "DIAG-NONFINITE"
    public init() {}

    public func findings(
        in record: TrainingRecord, spec: NetworkSpec?, thresholds: CurveThresholds
    ) -> [Finding] {
        var evidence: [Evidence] = []
        func firstNonFinite(_ values: [Double]?) -> Int? { values?.firstIndex { !$0.isFinite } }
        if let epoch = firstNonFinite(record.trainLoss) {
            evidence.append(Evidence("train_loss", record.trainLoss[epoch], "epoch \(epoch + 1)"))
        }
        if let epoch = firstNonFinite(record.validationLoss) {
            evidence.append(
                Evidence("validation_loss", record.validationLoss[epoch], "epoch \(epoch + 1)"))
        }
        if let steps = record.stepLosses, let step = firstNonFinite(steps) {
            evidence.append(Evidence("step_loss", steps[step], "step \(step + 1)"))
        }
        for layer in record.layers {
            if let epoch = firstNonFinite(layer.gradientNorm) {
                evidence.append(
                    Evidence(
                        "gradient_norm", layer.gradientNorm[epoch],
                        "layer \(layer.name), epoch \(epoch + 1)"))
            } else if let steps = layer.stepGradientNorm, let step = firstNonFinite(steps) {
                evidence.append(
                    Evidence(
                        "gradient_norm", steps[step], "layer \(layer.name), step \(step + 1)"))
            }
            if let epoch = firstNonFinite(layer.weightNorm) {
                evidence.append(
                    Evidence(
                        "weight_norm", layer.weightNorm[epoch],
                        "layer \(layer.name), epoch \(epoch + 1)"))
            }
        }
        for event in record.nonFiniteEvents.prefix(3) {
            var context = "epoch \(event.epoch + 1)"
            if let step = event.step { context += ", step \(step + 1)" }
            if let layer = event.layer { context += ", layer \(layer)" }
            evidence.append(Evidence(event.quantity.rawValue, .nan, context))
        }
        guard !evidence.isEmpty else { return [] }
        let proposals = EditProposals(record: record, spec: spec, thresholds: thresholds)
        let inputsBad = record.nonFiniteEvents.contains { $0.quantity == .inputs }
        let clipping = proposals.addClipping
        return [
            Finding(
                ruleID: ruleID, severity: .error,
                title: "training produced non-finite values (NaN or infinity)",
                evidence: evidence,
                recommendation: (inputsBad ? "the inputs contain NaN: fix the data first. " : "")
                    + (clipping == nil
                        ? "Gradients exploded though the run clipped them: lower the learning "
                        : "Gradients exploded: clip gradients (CLIP-DEFAULTS), lower the learning ")
                    + "rate; if it persists use a smaller batch, fewer layers or weight "
                    + "regularisation, and check the inputs for NaN.",
                edits: [
                    clipping,
                    proposals.learningRate(times: 1 / thresholds.learningRateDecrease),
                ]
                .compactMap { $0 })
        ]
    }
}

/// DIAG-EXPLODING: the loss or the gradients blow up.
///
/// Detects any of:
/// - the training loss (smoothed per-step, else per-epoch) above `explodingLossFactor` (4) times
///   its running minimum;
/// - a layer's gradient norm (per step if recorded, else per epoch) above
///   `explodingGradientFactor` (10) times its running median (of up to 100 earlier points, after
///   `explodingMinimumHistory` points);
/// - the global gradient norm (the record's per-step global norms, else `sqrt(sum of layer
///   norms²)`) above `largeGradientNorm` (1.0) for more than `largeGradientFraction` (half) of
///   the points, while the loss has stopped improving across the window (under 1%) and the
///   updates are not negligible (median update/weight ratio at least
///   `explodingMinimumUpdateRatio`, 1e-4). Ours: without these, an untrained network's large
///   gradients (a rate far too low, or a run still learning fast) would count as exploding.
///
/// Severity: error when the loss jumped, else warning. Recommends (rulebook): gradient
/// clipping; lower learning rate; fewer layers. Edits: clipnorm 1.0, learning rate / 3.
/// Source: notes "Exploding gradient".
public struct ExplodingGradientDetector: Detector {
    public let ruleID = "DIAG-EXPLODING"
    public init() {}

    public func findings(
        in record: TrainingRecord, spec: NetworkSpec?, thresholds: CurveThresholds
    ) -> [Finding] {
        var evidence: [Evidence] = []
        var lossJumped = false
        let curve = LossCurve.training(record, thresholds)
        var runningMinimum = Double.infinity
        for (index, value) in curve.values.enumerated() where value.isFinite {
            if index > 0, runningMinimum.isFinite,
                value > thresholds.explodingLossFactor * runningMinimum
            {
                evidence.append(Evidence("loss", value, curve.label(index)))
                evidence.append(Evidence("running_min_loss", runningMinimum))
                lossJumped = true
                break
            }
            runningMinimum = min(runningMinimum, value)
        }
        for layer in record.layers {
            let series = layer.stepGradientNorm ?? layer.gradientNorm
            let unit = layer.stepGradientNorm == nil ? "epoch" : "step"
            guard series.count > thresholds.explodingMinimumHistory else { continue }
            for index in thresholds.explodingMinimumHistory..<series.count
            where series[index].isFinite {
                let history = series[max(0, index - 100)..<index].filter(\.isFinite)
                let typical = median(history)
                if typical > 0, series[index] > thresholds.explodingGradientFactor * typical {
                    evidence.append(
                        Evidence(
                            "gradient_norm", series[index],
                            "layer \(layer.name), \(unit) \(index + 1)"))
                    evidence.append(Evidence("running_median_gradient_norm", typical))
                    break
                }
            }
        }
        if let global = globalGradientNorms(record), lossStalled(record, thresholds),
            updatesMatter(record, thresholds)
        {
            let finite = global.filter(\.isFinite)
            let large = finite.filter { $0 > thresholds.largeGradientNorm }.count
            let fraction = finite.isEmpty ? 0 : Double(large) / Double(finite.count)
            if fraction > thresholds.largeGradientFraction {
                evidence.append(Evidence("fraction_gradient_norm_above_1", fraction))
                evidence.append(Evidence("median_global_gradient_norm", median(finite)))
            }
        }
        guard !evidence.isEmpty else { return [] }
        let proposals = EditProposals(record: record, spec: spec, thresholds: thresholds)
        let clipping = proposals.addClipping
        return [
            Finding(
                ruleID: ruleID, severity: lossJumped ? .error : .warning,
                title: lossJumped
                    ? "the loss blew up: exploding gradients"
                    : "gradient norms are large or spiking: exploding gradients",
                evidence: evidence,
                recommendation: (clipping == nil
                    ? "The run already clipped its gradients: lower the learning rate; "
                    : "Clip gradients (CLIP-DEFAULTS: clipnorm 1.0) and lower the learning "
                        + "rate; ")
                    + "if it persists, use fewer layers.",
                edits: [
                    clipping,
                    proposals.learningRate(times: 1 / thresholds.learningRateDecrease),
                ]
                .compactMap { $0 })
        ]
    }

    /// Whether the training loss stopped improving across the window (under
    /// `notConvergedImprovement`): large gradients while the loss still falls are a network
    /// learning, not exploding.
    private func lossStalled(_ record: TrainingRecord, _ thresholds: CurveThresholds) -> Bool {
        let curve = LossCurve.training(record, thresholds)
        let window = curve.window(thresholds)
        guard let start = window.first, let end = window.last, start.isFinite, end.isFinite,
            start > 0
        else { return true }
        return (start - end) / start < thresholds.notConvergedImprovement
    }

    /// Whether the last epoch's median update-to-weight ratio is at least
    /// `explodingMinimumUpdateRatio` (true when not recorded).
    private func updatesMatter(
        _ record: TrainingRecord, _ thresholds: CurveThresholds
    )
        -> Bool
    {
        let ratios = record.layers.compactMap { $0.updateRatio.last }.filter(\.isFinite)
        guard !ratios.isEmpty else { return true }
        return median(ratios) >= thresholds.explodingMinimumUpdateRatio
    }

    /// The record's global per-step norms when recorded; else per step when every layer recorded
    /// step norms, else per epoch; nil without layers.
    private func globalGradientNorms(_ record: TrainingRecord) -> [Double]? {
        if let global = record.globalStepGradientNorm, !global.isEmpty { return global }
        guard !record.layers.isEmpty else { return nil }
        let steps = record.layers.compactMap(\.stepGradientNorm)
        let series = steps.count == record.layers.count ? steps : record.layers.map(\.gradientNorm)
        guard let count = series.map(\.count).min(), count > 0 else { return nil }
        return (0..<count).map { index in
            series.map { $0[index] * $0[index] }.reduce(0, +).squareRoot()
        }
    }
}

/// DIAG-VANISHING: the early layers barely learn.
///
/// Detects, on each layer's median gradient norm over the window (last 10% of epochs, at least
/// 5): first-layer / last-layer ratio below `vanishingRatio` (1e-3), or any layer below
/// `vanishingFloor` (1e-7). Severity: warning. Recommends (rulebook): the ReLU family, batch
/// normalisation, fewer layers. Edits: sigmoid/tanh -> relu, `model.batch_norm: true`.
/// Source: notes "Vanishing Gradient Problem".
public struct VanishingGradientDetector: Detector {
    public let ruleID = "DIAG-VANISHING"
    public init() {}

    public func findings(
        in record: TrainingRecord, spec: NetworkSpec?, thresholds: CurveThresholds
    ) -> [Finding] {
        let typical = record.layers.map { layer -> Double in
            let finite = layer.gradientNorm.filter(\.isFinite)
            return median(finite.suffix(thresholds.windowLength(count: finite.count)))
        }
        guard typical.count >= 2, typical.allSatisfy({ !$0.isNaN }) else { return [] }
        var evidence: [Evidence] = []
        let first = typical[0]
        let last = typical[typical.count - 1]
        if last > 0, first / last < thresholds.vanishingRatio {
            evidence.append(Evidence("first_to_last_gradient_ratio", first / last))
            evidence.append(Evidence("gradient_norm", first, "layer \(record.layers[0].name)"))
            evidence.append(
                Evidence("gradient_norm", last, "layer \(record.layers[typical.count - 1].name)"))
        }
        for (layer, norm) in zip(record.layers, typical) where norm < thresholds.vanishingFloor {
            evidence.append(Evidence("gradient_norm", norm, "layer \(layer.name)"))
        }
        guard !evidence.isEmpty else { return [] }
        let proposals = EditProposals(record: record, spec: spec, thresholds: thresholds)
        var edits = proposals.switchActivation(from: ["sigmoid", "tanh"], to: "relu")
        if let batchNorm = proposals.addBatchNorm { edits.append(batchNorm) }
        return [
            Finding(
                ruleID: ruleID, severity: .warning,
                title: "gradients vanish before they reach the first layers",
                evidence: evidence,
                recommendation:
                    "Use a ReLU-family activation and batch normalisation; if that is not "
                    + "enough, use fewer layers.",
                edits: edits)
        ]
    }
}

/// DIAG-DEAD-RELU: many ReLU units never fire.
///
/// Detects: in the last epoch, a layer whose fraction of units never active over the epoch is
/// above `deadReLUWarning` (10%; warning), or at least `deadReLUError` (40%; error).
/// Recommends (rulebook): Leaky ReLU (ACT-HIDDEN-BETTER), a lower learning rate. Edits:
/// relu -> leaky_relu, learning rate / 3.
/// Source: notes "Choosing an activation function".
public struct DeadReLUDetector: Detector {
    public let ruleID = "DIAG-DEAD-RELU"
    public init() {}

    public func findings(
        in record: TrainingRecord, spec: NetworkSpec?, thresholds: CurveThresholds
    ) -> [Finding] {
        var evidence: [Evidence] = []
        var worst = 0.0
        for layer in record.layers {
            guard let fractions = layer.deadUnitFraction, let last = fractions.last,
                last > thresholds.deadReLUWarning
            else { continue }
            worst = max(worst, last)
            evidence.append(
                Evidence(
                    "dead_unit_fraction", last, "layer \(layer.name), epoch \(fractions.count)"))
        }
        guard !evidence.isEmpty else { return [] }
        let proposals = EditProposals(record: record, spec: spec, thresholds: thresholds)
        var edits = proposals.switchActivation(from: ["relu"], to: "leaky_relu")
        if let rate = proposals.learningRate(times: 1 / thresholds.learningRateDecrease) {
            edits.append(rate)
        }
        return [
            Finding(
                ruleID: ruleID, severity: worst >= thresholds.deadReLUError ? .error : .warning,
                title: "\(Int((worst * 100).rounded()))% of a layer's ReLU units never fire",
                evidence: evidence,
                recommendation:
                    "Switch the hidden activation to Leaky ReLU (ACT-HIDDEN-BETTER) and lower "
                    + "the learning rate.",
                edits: edits)
        ]
    }
}
