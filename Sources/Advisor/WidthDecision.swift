import Spec

// The widths of a rule design: the median of SIZE-GEOMETRIC, SIZE-TWO-THIRDS and SIZE-MEAN,
// clamped to SIZE-BOUNDS, tapered by SIZE-TAPER and fitted to SIZE-CAPACITY; or what
// `model.neurons` fixes; then the template's width factor.

/// The widths of a rule design and why.
struct WidthDecision {
    /// One width per hidden layer.
    var widths: [Int] = []
    /// The rule behind the first width: the three width rules' label, or the rule
    /// `model.neurons` names.
    var rule = "SIZE-GEOMETRIC/TWO-THIRDS/MEAN"
    /// The first width's derivation (empty unless the rules chose the widths).
    var why = ""
    /// The rules' widths before the template's width factor scaled them; nil when unscaled.
    var ruleWidths: [Int]?
}

extension DesignSession {
    /// The widths for `depth`: the rules' (fitted to the capacity, which may take layers off
    /// `depth`), or those `model.neurons` fixes, scaled by the template's width factor.
    mutating func decideWidths(
        depth: inout DepthDecision, rules: ShapeRules, shape: UserShape
    ) -> WidthDecision {
        var decision = WidthDecision()
        switch shape.neurons {
        case nil:
            if depth.depth > 0 {
                decision.widths = fitToCapacity(&depth, rules: rules, shape: shape)
                decision.why = rules.medianWhy(first: decision.widths.first)
            }
        case .width(let width)?:
            decision.widths = Array(repeating: width, count: depth.depth)
        case .widths(let list)?:
            decision.widths = list
        case .rule(let rule)?:
            decision.widths = widths(by: rule, layers: depth.depth, rules: rules)
            decision.rule = ruleID(of: rule)
        }
        // The template's width factor scales the rules' widths (not widths the user fixed).
        if shape.neurons == nil, let factor = preferences?.widthFactor, factor != 1,
            !decision.widths.isEmpty
        {
            decision.ruleWidths = decision.widths
            decision.widths = decision.widths.map { max(1, Int((Double($0) * factor).rounded())) }
        }
        return decision
    }

    /// The rules' tapered widths within SIZE-CAPACITY, then raised to SIZE-FLOOR. Without a
    /// fixed or preferred depth a layer goes while the capacity starves the first below half
    /// the width the rules want (DEPTH-WIDE-VS-DEEP's converse), never below the template's
    /// minimum; an imposed depth that nothing fits keeps its layers and SIZE-CAPACITY warns.
    mutating func fitToCapacity(
        _ depth: inout DepthDecision, rules: ShapeRules, shape: UserShape
    ) -> [Int] {
        var fit = rules.fitted(depth.depth, from: rules.bounded)
        if shape.depth == nil && preferences?.hiddenLayers == nil {
            let floor = max(1, preferences?.lowestDepth ?? 1)
            while depth.depth > floor, fit == nil || (fit?.first ?? 0) * 2 < rules.bounded {
                depth.depth -= 1
                fit = rules.fitted(depth.depth, from: rules.bounded)
                depth.why +=
                    "; a layer fewer: SIZE-CAPACITY \(rules.capacityUnits) starves deeper layers"
            }
        }
        if let fit { return floored(fit, rules: rules) }
        let widths = rules.taper(
            min(rules.bounded, max(rules.minimumUseful, rules.capacityUnits)), depth.depth)
        if depth.imposed {
            let start = warnings.count
            raise([
                rules.capacity.depthWarning(
                    layers: depth.depth, widths: widths, keyPath: SpecKey.hiddenLayers.path)
            ])
            // Without a fixed depth the template imposed it.
            if shape.depth == nil { attributeWarnings(since: start) }
        }
        return floored(widths, rules: rules)
    }

    /// SIZE-FLOOR on capacity-fitted widths: the first at least the floor, the rest tapered
    /// from it. The depth stays the capacity's; early stopping and REG-DROPOUT hold the
    /// parameters past SIZE-CAPACITY.
    private func floored(_ widths: [Int], rules: ShapeRules) -> [Int] {
        guard rules.floor.floor > 0, let first = widths.first, first < rules.floor.floor else {
            return widths
        }
        return rules.taper(rules.floor.floor, widths.count)
    }

    /// The widths the sizing rule `model.neurons` names gives `layers` hidden layers.
    func widths(by rule: SizingRule, layers: Int, rules: ShapeRules) -> [Int] {
        switch rule {
        case .geometric: rules.taper(roundedWidth(rules.geometric.width), layers)
        case .twoThirds: rules.taper(roundedWidth(rules.twoThirds.width), layers)
        case .mean: rules.taper(roundedWidth(rules.mean.width), layers)
        case .capacity:
            rules.fitted(layers, from: max(1, rules.capacityUnits)) ?? rules.taper(1, layers)
        }
    }

    private func ruleID(of rule: SizingRule) -> String {
        switch rule {
        case .geometric: GeometricWidthRule.id
        case .capacity: CapacityRule.id
        case .twoThirds: TwoThirdsWidthRule.id
        case .mean: MeanWidthRule.id
        }
    }
}
