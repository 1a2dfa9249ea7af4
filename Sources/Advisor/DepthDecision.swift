import Spec

// The number of hidden layers of a rule design: DEPTH-LINEAR, SIZE-CAPACITY and SIZE-BOUNDS
// can rule hidden layers out, DEPTH-LOW / DEPTH-HIGH / DEPTH-WIDE-VS-DEEP give the count; the
// spec's shape and the template's preferences override it.

/// The depth of a rule design and why.
struct DepthDecision {
    /// The number of hidden layers.
    var depth: Int
    /// The rule that chose it; empty when the depth follows `model.neurons`.
    var rule: String
    /// Why, for the `model.hidden_layers` annotation.
    var why: String
    /// The template's reason when its preferences set the depth.
    var templateWhy: String? = nil
    /// Whether the spec or the template imposes the depth: the capacity then warns rather
    /// than takes layers away.
    var imposed = false

    /// The deciding rule when the rules chose the depth (not the spec, not `model.neurons`).
    func ruleUsed(_ shape: UserShape) -> String? {
        shape.depth == nil && !rule.isEmpty ? rule : nil
    }
}

extension DesignSession {
    /// The depth: the rules' answer, then what `model.neurons` and `model.hidden_layers` ask,
    /// then the template's preferred depth (unless the spec fixes the depth or lists widths).
    func decideDepth(rules: ShapeRules, shape: UserShape) -> DepthDecision {
        var decision = rulesDepth(rules)
        // A width fixed without a depth asks for hidden layers.
        if shape.depth == nil, let neurons = shape.neurons {
            if case .widths(let list) = neurons {
                decision.depth = list.count
            } else if decision.depth == 0 {
                decision.depth = 1
            }
            (decision.rule, decision.why) = ("", "follows model.neurons")
        }
        if let fixed = shape.depth { decision.depth = fixed }
        if shape.depth == nil, !shape.listsWidths,
            let preferred = preferences?.depth(from: decision.depth)
        {
            decision.depth = preferred.depth
            decision.templateWhy = preferred.why
        }
        decision.imposed =
            shape.depth != nil || decision.templateWhy != nil
            || (preferences.map { decision.depth > 0 && $0.lowestDepth >= decision.depth }
                ?? false)
        return decision
    }

    /// The rules' depth before fitting the capacity: no hidden layer for linear data, too
    /// little capacity or bounds of width 1; else DEPTH-LOW (or DEPTH-WIDE-VS-DEEP's second
    /// layer) for few inputs, DEPTH-HIGH for many.
    func rulesDepth(_ rules: ShapeRules) -> DepthDecision {
        if rules.linear.isLinear == true {
            return DepthDecision(
                depth: 0, rule: LinearDepthRule.id, why: "linear data: no hidden layer")
        }
        if rules.signal.isWeak == true {
            return DepthDecision(
                depth: 0, rule: SignalDepthRule.id,
                why: "too little signal (a linear model lifts the score "
                    + "\(NumberText.evidence(rules.signal.lift ?? 0))): no hidden layer")
        }
        if rules.capacityUnits < rules.minimumUseful {
            return DepthDecision(
                depth: 0, rule: CapacityRule.id,
                why:
                    "capacity \(NumberText.evidence(rules.capacity.totalHidden)) hidden units is below "
                    + "\(rules.minimumUseful): too few rows for a hidden layer; a linear model")
        }
        if rules.bounds.highest < rules.minimumUseful {
            return DepthDecision(
                depth: 0, rule: WidthBoundsRule.id,
                why: "SIZE-BOUNDS allows width 1 only: one ReLU unit is a hinge that dies easily; "
                    + "a linear model")
        }
        if rules.low.applies {
            if rules.wide.addsLayer {
                return DepthDecision(
                    depth: 2, rule: WideVersusDeepRule.id,
                    why: "few inputs; the width rules want more than 2 * Ni: a second layer "
                        + "instead")
            }
            return DepthDecision(
                depth: rules.low.layers, rule: LowDepthRule.id,
                why: rules.low.layers == 2
                    ? "few inputs, rows for two layers" : "few inputs, small data: one layer")
        }
        return DepthDecision(depth: rules.high.layers, rule: HighDepthRule.id, why: "many inputs")
    }
}
