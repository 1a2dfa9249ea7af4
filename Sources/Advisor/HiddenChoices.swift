import Spec

// Activation, batch norm, initialiser and dropout of a rule design's hidden layers (ACT-*,
// BN-*, INIT-BY-ACTIVATION, REG-DROPOUT): the spec's fixed values, then the template's, then
// the rules.

extension DesignSession {
    /// Activation, batch norm, initialiser and dropout of the hidden layers from the rules and
    /// the user's fixed settings (model.activation, model.batch_norm, model.initializer,
    /// model.dropout), with their evaluations, reasons and warnings.
    mutating func hiddenChoices(widths: [Int]) -> HiddenDesign {
        let depth = widths.count
        let activation = decideActivation(depth: depth)
        let (batchNorm, placement) = decideBatchNorm(depth: depth, activation: activation)
        let initializer = decideInitializer(depth: depth, activation: activation)
        var design = HiddenDesign(
            widths: widths, activation: activation, batchNorm: batchNorm && depth > 0,
            placement: placement, dropout: 0, initializer: initializer, maxNorm: nil)
        design.dropout = decideDropout(design)
        if design.dropout > 0 && spec.training.regularization.isAuto {
            design.maxNorm = OverfitRecipeRule.maxNorm
        }
        return design
    }

    /// The hidden activation: the spec's, the template's, else ReLU (ACT-HIDDEN-DEFAULT) or
    /// Swish for a really deep network (ACT-HIDDEN-DEEP); a fixed one checked.
    mutating func decideActivation(depth: Int) -> ActivationFunction {
        let defaultRule = DefaultHiddenActivationRule(
            layers: depth, swishFromLayers: settings.swishFromLayers)
        let deepRule = DeepHiddenActivationRule(
            layers: depth, swishFromLayers: settings.swishFromLayers)
        evaluations += [
            defaultRule.evaluate(), BetterHiddenActivationRule().evaluate(),
            LastResortHiddenActivationRule().evaluate(), deepRule.evaluate(),
            RecurrentActivationRule().evaluate(),
        ]
        let preferred = spec.model.activation.isAuto ? preferences?.activation : nil
        let activation =
            spec.model.activation.value ?? preferred ?? (deepRule.applies ? .swish : .relu)
        let rule = deepRule.applies ? DeepHiddenActivationRule.id : DefaultHiddenActivationRule.id
        if let preferred, let source = preferences?.source {
            choose(
                SpecKey.activation.path, SpecText.activation(preferred), .template, nil,
                "\(source): activation \(preferred.name)")
            if depth > 0 {
                let start = warnings.count
                checkActivation(preferred, depth: depth, keyPath: SpecKey.activation.path)
                attributeWarnings(since: start)
            }
        } else {
            chooseSetting(
                SpecKey.activation.path, SpecText.activation(activation),
                fixed: !spec.model.activation.isAuto, rule,
                depth == 0
                    ? "no hidden layer (unused)"
                    : (deepRule.applies
                        ? "a really deep network: swish" : "hidden layers start with ReLU"))
        }
        if let fixed = spec.model.activation.value, depth > 0 {
            checkActivation(fixed, depth: depth, keyPath: SpecKey.activation.path)
        }
        return activation
    }

    /// Batch norm and its placement: the spec's, the template's, else BN-DEEP; BN-PLACEMENT
    /// by activation.
    mutating func decideBatchNorm(
        depth: Int, activation: ActivationFunction
    ) -> (batchNorm: Bool, placement: BatchNormPlacement) {
        let rule = DeepBatchNormRule(layers: depth, fromLayers: settings.batchNormFromLayers)
        let preferred = spec.model.batchNorm.isAuto ? preferences?.batchNorm : nil
        let batchNorm = spec.model.batchNorm.value ?? preferred ?? rule.applies
        let placement = BatchNormPlacementRule(activation: activation)
        evaluations += [rule.evaluate(), placement.evaluate()]
        if let preferred, let source = preferences?.source {
            choose(
                SpecKey.batchNorm.path, String(preferred), .template, nil,
                "\(source): " + (preferred ? "batch norm in every hidden layer" : "no batch norm"))
        } else {
            chooseSetting(
                SpecKey.batchNorm.path, String(batchNorm), fixed: !spec.model.batchNorm.isAuto,
                DeepBatchNormRule.id,
                depth == 0
                    ? "no hidden layer"
                    : (rule.applies
                        ? "\(depth) hidden layers: deep"
                        : "\(depth) hidden layer\(depth == 1 ? "" : "s"): shallow, not needed"))
        }
        return (batchNorm, placement.placement)
    }

    /// The initialiser: the spec's, the template's, else INIT-BY-ACTIVATION's; a fixed one
    /// checked against the activation.
    mutating func decideInitializer(depth: Int, activation: ActivationFunction) -> Initializer {
        let preferred = spec.model.initializer.isAuto ? preferences?.initializer : nil
        let initializer =
            spec.model.initializer.value ?? preferred
            ?? InitializerRule.initializer(for: activation)
        if let preferred, let source = preferences?.source {
            choose(
                SpecKey.initializer.path, initializer.rawValue, .template, nil,
                "\(source): initializer \(preferred.rawValue)")
        } else {
            chooseSetting(
                SpecKey.initializer.path, initializer.rawValue,
                fixed: !spec.model.initializer.isAuto,
                InitializerRule.id, "\(initializer.rawValue) suits \(activation.name)")
        }
        if let chosen = spec.model.initializer.value ?? preferred, depth > 0 {
            let start = warnings.count
            raise(
                InitializerRule.check(
                    chosen, activation: activation, keyPath: SpecKey.initializer.path))
            if spec.model.initializer.isAuto { attributeWarnings(since: start) }
        }
        return initializer
    }

    /// The dropout rate after each hidden layer: the spec's, the template's (both checked),
    /// else REG-DROPOUT's, none with batch norm (REG-BN-REPLACES-DROPOUT).
    mutating func decideDropout(_ design: HiddenDesign) -> Double {
        let depth = design.widths.count
        // REG-DROPOUT reads the parameter count of the network without dropout, the embedding
        // tables included: they are fitted on the same rows (ENC-EMBED-SIZE).
        let parameters =
            Self.parameterCount(
                Self.layers(for: design, outputs: no, outputActivation: .linear), inputs: ni)
            + data.embeddingParameters
        let rule = DropoutRule(
            parameters: parameters, rows: ns, ratio: settings.dropoutParameterRatio,
            hiddenLayers: depth, batchNorm: design.batchNorm)
        let replaces = BatchNormReplacesDropoutRule(batchNorm: design.batchNorm)
        evaluations += [rule.evaluate(), replaces.evaluate()]
        if let fixed = spec.model.dropout.value {
            checkDropout(
                fixed, depth: depth, batchNorm: design.batchNorm, keyPath: SpecKey.dropout.path)
            choose(SpecKey.dropout.path, NumberText.evidence(fixed), .spec, nil, "set in spec")
            return depth > 0 ? fixed : 0
        }
        if let preferred = preferences?.dropout, let source = preferences?.source {
            let dropout = depth > 0 ? preferred : 0
            let start = warnings.count
            checkDropout(
                preferred, depth: depth, batchNorm: design.batchNorm, keyPath: SpecKey.dropout.path)
            attributeWarnings(since: start)
            choose(
                SpecKey.dropout.path, NumberText.evidence(dropout), .template, nil,
                "\(source): dropout \(NumberText.evidence(preferred)) after each hidden layer")
            return dropout
        }
        let dropout = rule.applies ? rule.rate : 0
        choose(
            SpecKey.dropout.path, NumberText.evidence(dropout), .rule,
            design.batchNorm ? BatchNormReplacesDropoutRule.id : DropoutRule.id,
            design.batchNorm ? "batch normalisation replaces dropout" : rule.evaluate().why)
        return dropout
    }
}
