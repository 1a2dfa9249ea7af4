import Spec

// The user's (or a template's) fixed shape values against the rules. Each rule's `check`
// words its own warning; these ask the relevant rules in the order the warnings are reported.

extension DesignSession {
    /// The spec's shape choices against the rules: a fixed depth or width list against
    /// DEPTH-*, fixed widths against SIZE-*; a template's depth or scaled widths likewise,
    /// the warnings attributed to the template.
    mutating func checkShape(
        depth: DepthDecision, widths: WidthDecision, rules: ShapeRules, shape: UserShape
    ) {
        if shape.depth != nil || shape.listsWidths {
            let key = shape.depth != nil ? SpecKey.hiddenLayers.path : SpecKey.neurons.path
            checkDepth(
                depth.depth, keyPath: key, linear: rules.linear, signal: rules.signal,
                low: rules.low, high: rules.high)
        } else if depth.templateWhy != nil {
            let start = warnings.count
            checkDepth(
                depth.depth, keyPath: SpecKey.hiddenLayers.path, linear: rules.linear,
                signal: rules.signal, low: rules.low,
                high: rules.high)
            attributeWarnings(since: start)
        }
        if shape.neurons != nil {
            let listed = shape.listsWidths
            checkWidths(
                widths.widths, keyPath: { listed ? "model.neurons[\($0)]" : SpecKey.neurons.path },
                wholeKeyPath: SpecKey.neurons.path, capacity: rules.capacity, bounds: rules.bounds)
        } else if widths.ruleWidths != nil {
            let start = warnings.count
            checkWidths(
                widths.widths, keyPath: { _ in SpecKey.neurons.path },
                wholeKeyPath: SpecKey.neurons.path,
                capacity: rules.capacity, bounds: rules.bounds)
            attributeWarnings(since: start)
        }
    }

    /// Warns when a user's depth breaks DEPTH-LINEAR, DEPTH-LOW or DEPTH-HIGH (the last two
    /// never both: one applies to few inputs, the other to many). No hidden layer on data
    /// DEPTH-NO-SIGNAL finds signal-free is the rules' own design, not a DEPTH-LINEAR underfit.
    mutating func checkDepth(
        _ depth: Int, keyPath: String, linear: LinearDepthRule, signal: SignalDepthRule,
        low: LowDepthRule, high: HighDepthRule
    ) {
        if !(depth == 0 && signal.isWeak == true) {
            raise(linear.check(layers: depth, keyPath: keyPath))
        }
        raise(low.check(layers: depth, keyPath: keyPath))
        raise(high.check(layers: depth, keyPath: keyPath))
    }

    /// DEPTH-NO-SIGNAL on this data: ENC-NUMERIC-PLE's ridge probe against the trivial score.
    var signalRule: SignalDepthRule {
        SignalDepthRule(encoding: data.numericEncoding, minimumLift: settings.signalMinimumLift)
    }

    /// Warns when a user's widths break SIZE-BOUNDS (at `keyPath` of each width), SIZE-TAPER
    /// or SIZE-CAPACITY (at `wholeKeyPath`).
    mutating func checkWidths(
        _ widths: [Int], keyPath: (Int) -> String, wholeKeyPath: String, capacity: CapacityRule,
        bounds: WidthBoundsRule
    ) {
        raise(bounds.check(widths: widths, keyPath: keyPath))
        raise(TaperRule.check(widths: widths, keyPath: wholeKeyPath))
        raise(capacity.check(widths: widths, keyPath: wholeKeyPath))
    }

    /// Warns when a fixed hidden activation of `depth` hidden layers breaks ACT-HIDDEN-DEFAULT.
    mutating func checkActivation(_ activation: ActivationFunction, depth: Int, keyPath: String) {
        let rule = DefaultHiddenActivationRule(
            layers: depth, swishFromLayers: settings.swishFromLayers)
        raise(
            rule.check(activation, deepFromLayers: settings.batchNormFromLayers, keyPath: keyPath))
    }

    /// Warns when a fixed dropout breaks REG-DROPOUT or REG-BN-REPLACES-DROPOUT; without
    /// hidden layers only REG-DROPOUT speaks (nothing to drop).
    mutating func checkDropout(_ rate: Double, depth: Int, batchNorm: Bool, keyPath: String) {
        if depth > 0 {
            raise(
                BatchNormReplacesDropoutRule(batchNorm: batchNorm).check(
                    rate: rate, keyPath: keyPath))
        }
        raise(DropoutRule.check(rate: rate, hiddenLayers: depth, keyPath: keyPath))
    }
}
