import Spec

/// Builds the spec edits findings propose, from the record and the spec that ran.
///
/// Old values come from the spec: a fixed value's YAML text, `auto` when the user wrote `auto`,
/// nil when the key is absent. Without a spec the old value is what the run used, when the
/// record knows it. With an explicit `model.layers` list (a generated config), layer edits go to
/// `model.layers[i]`, since the shape keys then only describe the network.
struct EditProposals {
    let record: TrainingRecord
    let spec: NetworkSpec?
    let thresholds: CurveThresholds

    /// The old value's text for a `Setting`, following the rules above.
    func oldText<Value>(
        _ setting: Setting<Value>?, keyPath: String, text: (Value) -> String
    )
        -> String?
    {
        guard let spec, let setting else { return nil }
        if let value = setting.value { return text(value) }
        return spec.location(of: keyPath) != nil ? "auto" : nil
    }

    /// The base learning rate the run used: the spec's fixed value, else the largest rate in the
    /// record (the schedule's peak; warmup starts lower).
    var baseLearningRate: Double? {
        if let fixed = spec?.training.learningRate.value { return fixed }
        return record.learningRate.filter(\.isFinite).max()
    }

    /// `training.learning_rate: old -> old * factor`.
    func learningRate(times factor: Double) -> SpecEdit? {
        guard let base = baseLearningRate, base > 0 else { return nil }
        let old =
            spec.map { _ in
                oldText(spec?.training.learningRate, keyPath: SpecKey.learningRate.path) {
                    yamlNumber($0)
                }
            } ?? yamlNumber(base)
        return SpecEdit(SpecKey.learningRate.path, from: old, to: yamlNumber(base * factor))
    }

    /// `training.epochs: old -> old * epochMultiplier`.
    var moreEpochs: SpecEdit {
        let current = spec?.training.epochs.value ?? record.epochsPlanned
        let old =
            spec == nil
            ? yamlInteger(current)
            : oldText(spec?.training.epochs, keyPath: SpecKey.epochs.path, text: yamlInteger)
        let more = Int((Double(current) * thresholds.epochMultiplier).rounded(.up))
        return SpecEdit(SpecKey.epochs.path, from: old, to: yamlInteger(max(more, current + 1)))
    }

    /// `training.gradient_clipping: ... -> {clipnorm: 1.0}`, unless clipping is already on (in
    /// the spec, or in the run: CLIP-DEFAULTS turns it on for `auto`).
    var addClipping: SpecEdit? {
        if let clipping = spec?.training.gradientClipping.value, clipping != .none { return nil }
        if record.clippedGradients == true { return nil }
        let old = oldText(
            spec?.training.gradientClipping, keyPath: SpecKey.gradientClipping.path,
            text: Self.clippingText)
        return SpecEdit(
            SpecKey.gradientClipping.path, from: old,
            to: "{clipnorm: \(yamlNumber(thresholds.clipNorm))}")
    }

    static func clippingText(_ clipping: GradientClipping) -> String {
        switch clipping {
        case .none: "none"
        case .clipNorm(let value): "{clipnorm: \(yamlNumber(value))}"
        case .globalClipNorm(let value): "{global_clipnorm: \(yamlNumber(value))}"
        case .clipValue(let value): "{clipvalue: \(yamlNumber(value))}"
        }
    }

    static func regularizationText(_ regularization: Regularization) -> String {
        var parts: [String] = []
        switch regularization.penalty {
        case .none: break
        case .l1(let value): parts.append("l1: \(yamlNumber(value))")
        case .l2(let value): parts.append("l2: \(yamlNumber(value))")
        }
        if let maxNorm = regularization.maxNorm { parts.append("max_norm: \(yamlNumber(maxNorm))") }
        return parts.isEmpty ? "none" : "{" + parts.joined(separator: ", ") + "}"
    }

    static func classWeightsText(_ weights: ClassWeights) -> String {
        switch weights {
        case .none:
            return "none"
        case .balanced:
            return "balanced"
        case .explicit(let map):
            let pairs: [String] = map.keys.sorted().map { key in
                let weight: Double = map[key] ?? 0
                return key + ": " + yamlNumber(weight)
            }
            return "{" + pairs.joined(separator: ", ") + "}"
        }
    }

    static func neuronsText(_ neurons: NeuronsChoice) -> String {
        switch neurons {
        case .rule(let rule): rule.rawValue
        case .width(let width): String(width)
        case .widths(let widths): "[" + widths.map(String.init).joined(separator: ", ") + "]"
        }
    }

    /// The hidden activation the run used: the spec's, or the record's first hidden layer's.
    var hiddenActivation: String? {
        if let activation = spec?.model.activation.value { return activation.name }
        return record.hiddenLayers.first?.activation
    }

    /// Switch the hidden activation from `from` to `to` (in `model.activation`, or in every
    /// matching `activation` entry of an explicit layer list).
    func switchActivation(from: [String], to: String) -> [SpecEdit] {
        if let layers = spec?.model.layers {
            return layers.enumerated().compactMap { index, layer in
                guard case .activation(let activation) = layer, from.contains(activation.name)
                else { return nil }
                return SpecEdit("model.layers[\(index)].activation", from: activation.name, to: to)
            }
        }
        guard let current = hiddenActivation, from.contains(current) else { return [] }
        let old =
            spec == nil
            ? current
            : oldText(spec?.model.activation, keyPath: SpecKey.activation.path) { $0.name }
        return [SpecEdit(SpecKey.activation.path, from: old, to: to)]
    }

    /// Turn batch normalisation on, unless it is on already or the layers are explicit.
    var addBatchNorm: SpecEdit? {
        guard spec?.model.layers == nil, spec?.model.batchNorm.value != true else { return nil }
        let old = oldText(spec?.model.batchNorm, keyPath: SpecKey.batchNorm.path) { String($0) }
        return SpecEdit(SpecKey.batchNorm.path, from: old, to: "true")
    }

    /// Add dropout (REG-DROPOUT) when the run had none (an `auto` dropout the advisor set
    /// counts); not possible by a key edit with explicit layers.
    var addDropout: SpecEdit? {
        guard spec?.model.layers == nil else { return nil }
        if let rate = spec?.model.dropout.value, rate > 0 { return nil }
        if let ran = record.largestDropout, ran >= thresholds.dropoutRate { return nil }
        let old = oldText(spec?.model.dropout, keyPath: SpecKey.dropout.path) { yamlNumber($0) }
        return SpecEdit(SpecKey.dropout.path, from: old, to: yamlNumber(thresholds.dropoutRate))
    }

    /// A stronger L2 penalty (REG-L2-RANGE) against overfitting: the threshold's strength
    /// without one, ten times the strength the run used with one (the spec's, or the
    /// advisor's for `auto`), never weaker than it, at most the range's top; a max-norm the
    /// spec fixed stays. Nil with an L1 penalty (the user chose it) or at the top already.
    var addL2: SpecEdit? {
        let fixed = spec?.training.regularization.value
        if case .l1? = fixed?.penalty { return nil }
        var used = record.l2Strength ?? 0
        if case .l2(let strength)? = fixed?.penalty { used = strength }
        let strength = min(Self.l2Maximum, max(thresholds.l2Strength, used * 10))
        guard strength > used else { return nil }
        let old = oldText(
            spec?.training.regularization, keyPath: SpecKey.regularization.path,
            text: Self.regularizationText)
        let maxNorm = fixed?.maxNorm.map { ", max_norm: \(yamlNumber($0))" } ?? ""
        return SpecEdit(
            SpecKey.regularization.path, from: old, to: "{l2: \(yamlNumber(strength))\(maxNorm)}")
    }

    /// The top of REG-L2-RANGE (1e-6 to 1e-2): stronger penalties mostly underfit.
    static let l2Maximum = 1e-2

    /// Remove the weight penalty and dropout (less regularisation against underfitting).
    var lessRegularization: [SpecEdit] {
        var edits: [SpecEdit] = []
        if let regularization = spec?.training.regularization.value,
            regularization.penalty != .none
        {
            edits.append(
                SpecEdit(
                    SpecKey.regularization.path, from: Self.regularizationText(regularization),
                    to: "none"))
        }
        if spec?.model.layers == nil, let rate = spec?.model.dropout.value, rate > 0 {
            edits.append(SpecEdit(SpecKey.dropout.path, from: yamlNumber(rate), to: "0"))
        }
        return edits
    }

    /// Turn on class weighting (DIAG-CONTRADICTION).
    var balanceClasses: SpecEdit? {
        if spec?.training.classWeights.value == .balanced { return nil }
        let old = oldText(
            spec?.training.classWeights, keyPath: SpecKey.classWeights.path,
            text: Self.classWeightsText)
        return SpecEdit(SpecKey.classWeights.path, from: old, to: "balanced")
    }

    /// Set the hidden widths: `model.neurons` as a list, or each hidden `dense` entry's `units`
    /// with an explicit layer list. `widths` has one entry per hidden layer of the record.
    func setHiddenWidths(_ widths: [Int]) -> [SpecEdit] {
        let current = record.hiddenLayers.map(\.units)
        guard widths.count == current.count, widths != current else { return [] }
        if let layers = spec?.model.layers {
            let denseIndices = layers.indices.filter { layers[$0].kindName == "dense" }
            let hiddenIndices = denseIndices.dropLast()
            guard hiddenIndices.count == widths.count else { return [] }
            var edits: [SpecEdit] = []
            for (position, index) in hiddenIndices.enumerated()
            where current[position] != widths[position] {
                edits.append(
                    SpecEdit(
                        "model.layers[\(index)].dense.units", from: String(current[position]),
                        to: String(widths[position])))
            }
            return edits
        }
        let old =
            spec == nil
            ? Self.neuronsText(.widths(current))
            : oldText(spec?.model.neurons, keyPath: SpecKey.neurons.path, text: Self.neuronsText)
        return [SpecEdit(SpecKey.neurons.path, from: old, to: Self.neuronsText(.widths(widths)))]
    }
}
