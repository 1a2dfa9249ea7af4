import Spec

// The record of a rule design's shape: the sizing table (SIZE-*, DEPTH-* evaluated, with what
// the design took from each) and the reasons of `model.hidden_layers`, `model.neurons` and
// each width.

extension DesignSession {
    /// The sizing table: every SIZE-* and DEPTH-* rule evaluated, marked as used or not and
    /// why, for the depth and widths decided.
    mutating func recordSizing(
        depth: DepthDecision, widths decided: WidthDecision, rules: ShapeRules, shape: UserShape
    ) {
        let widths = decided.widths
        var rows = [
            rules.geometric.evaluate(), rules.capacity.evaluate(), rules.twoThirds.evaluate(),
            rules.mean.evaluate(), rules.bounds.evaluate(), rules.floor.evaluate(),
            TaperRule(
                firstWidth: widths.first ?? 0, layers: widths.count, floor: rules.bounds.lowest
            ).evaluate(),
            PruneRule(fraction: settings.pruneFraction).evaluate(),
            rules.linear.evaluate(), rules.signal.evaluate(), rules.low.evaluate(),
            rules.high.evaluate(),
            rules.wide.evaluate(),
        ]
        for index in rows.indices {
            markWidthRow(&rows[index], depth: depth, widths: decided, rules: rules, shape: shape)
            if rows[index].id.hasPrefix("DEPTH-") {
                markDepthRow(&rows[index], depth: depth, shape: shape)
            }
        }
        sizing = rows
    }

    /// Marks a SIZE-* row: the median's candidates, the capacity, the bounds and the taper
    /// against the widths decided.
    private func markWidthRow(
        _ row: inout RuleEvaluation, depth: DepthDecision, widths decided: WidthDecision,
        rules: ShapeRules, shape: UserShape
    ) {
        let widths = decided.widths
        let neurons = shape.neurons
        switch row.id {
        case _ where ShapeRules.medianIDs.contains(row.id):
            let autoWidths = neurons == nil && !widths.isEmpty
            row.applies = autoWidths
            row.why =
                !autoWidths
                ? (widths.isEmpty ? "no hidden layer" : "widths set in spec")
                : (row.id == rules.medianSource
                    ? "the median of the three: chosen"
                    : "a candidate of the median (\(NumberText.evidence(rules.median)))")
        case CapacityRule.id:
            let total = widths.reduce(0, +)
            let origin = neurons != nil ? "set in spec" : templateLabel
            let cut = (widths.first ?? 0) < rules.bounded && neurons == nil
            row.applies = !widths.isEmpty || depth.rule == CapacityRule.id
            row.why =
                widths.isEmpty
                ? (depth.rule == CapacityRule.id ? depth.why : "no hidden layer")
                : (total <= rules.capacityUnits
                    ? "total hidden \(total) <= \(rules.capacityUnits)"
                        + (cut ? ": cut the width" : "")
                    : (neurons == nil && decided.ruleWidths == nil
                        && rules.floorSetFirst(of: widths)
                        ? "total hidden \(total) exceeds \(rules.capacityUnits): SIZE-FLOOR keeps "
                            + "the width; early stopping and dropout hold the excess"
                        : "total hidden \(total) exceeds \(rules.capacityUnits) (\(origin), "
                            + "warned)"))
        case WidthBoundsRule.id:
            let outside = widths.filter { !rules.bounds.admits($0) }
            row.applies = !widths.isEmpty && (neurons == nil || outside.isEmpty)
            if widths.isEmpty {
                row.why = "no hidden layer"
            } else if let ruleWidths = decided.ruleWidths {
                row.applies = outside.isEmpty
                row.why =
                    "\(templateLabel) scales \(SpecText.neurons(.widths(ruleWidths))) to "
                    + SpecText.neurons(.widths(widths))
                    + (outside.isEmpty ? ", within bounds" : ", outside (warned)")
            } else if neurons == nil {
                row.why =
                    rules.bounded != rules.desired
                    ? "clamped \(rules.desired) -> \(rules.bounded)" : "widths within bounds"
                if !outside.isEmpty {
                    row.applies = false
                    row.why += "; SIZE-FLOOR goes past the upper bound"
                }
            } else {
                row.why =
                    outside.isEmpty
                    ? "widths set in spec, within bounds"
                    : "widths set in spec; \(SpecText.neurons(.widths(outside))) outside (warned)"
            }
        case WidthFloorRule.id:
            // The floor acts after SIZE-CAPACITY: it applies when it set the first width.
            let floor = rules.floor.floor
            row.applies = neurons == nil && rules.floorSetFirst(of: widths)
            if widths.isEmpty {
                row.why = "no hidden layer"
            } else if neurons != nil {
                row.why = "widths set in spec"
            } else if row.applies && rules.bounded > floor {
                row.why = "SIZE-CAPACITY cut the rules' \(rules.bounded) below the floor: \(floor)"
            }
        case TaperRule.id where neurons != nil:
            let tapered = TaperRule.isTapered(widths)
            row.result = .text(widths.map(String.init).joined(separator: ", "))
            row.applies = widths.count > 1 && tapered
            row.why = tapered ? "widths set in spec, tapered" : "widths set in spec grow (warned)"
        default:
            break
        }
    }

    /// Marks a DEPTH-* row: off when the spec or the template set the depth; the deciding
    /// rule on; DEPTH-LOW / DEPTH-HIGH off when another rule ruled hidden layers out.
    private func markDepthRow(_ row: inout RuleEvaluation, depth: DepthDecision, shape: UserShape) {
        let used = depth.ruleUsed(shape)
        if shape.depth != nil {
            row.applies = false
            row.why = "hidden_layers set in spec; " + row.why
        } else if let templateWhy = depth.templateWhy {
            row.applies = false
            row.why = "\(templateLabel): \(templateWhy); " + row.why
        } else if row.id == used {
            row.applies = true
        } else if row.id == LowDepthRule.id || row.id == HighDepthRule.id {
            row.applies =
                row.applies && depth.depth > 0 && used != CapacityRule.id
                && used != WidthBoundsRule.id && used != LinearDepthRule.id
                && used != SignalDepthRule.id
        }
    }

    /// The reasons of `model.hidden_layers`, `model.neurons` and each hidden width
    /// (`widthReasons`, for the `dense.units` annotations).
    mutating func recordShapeReasons(
        depth: DepthDecision, widths decided: WidthDecision, rules: ShapeRules, shape: UserShape
    ) {
        let widths = decided.widths
        let fromRule = depth.ruleUsed(shape) != nil
        if let templateWhy = depth.templateWhy, let source = preferences?.source {
            choose(
                SpecKey.hiddenLayers.path, String(depth.depth), .template, nil,
                "\(source): \(templateWhy)")
        } else {
            chooseSetting(
                SpecKey.hiddenLayers.path, String(depth.depth), fixed: shape.depth != nil,
                fromRule ? depth.rule : nil,
                fromRule ? depth.why : "one per width of model.neurons", source: .spec)
        }
        let widthRule = rules.medianSource ?? decided.rule
        let factorWhy = decided.ruleWidths.map { scaled in
            "\(preferences?.source ?? ""): width x \(NumberText.evidence(preferences?.widthFactor ?? 1)) "
                + "of the rules' \(SpecText.neurons(.widths(scaled))) (\(widthRule))"
        }
        let listed = SpecText.neurons(.widths(widths))
        if shape.neurons != nil {
            choose(SpecKey.neurons.path, listed, .spec, nil, "set in spec")
        } else if let factorWhy {
            choose(SpecKey.neurons.path, listed, .template, nil, factorWhy)
        } else {
            choose(
                SpecKey.neurons.path, listed, .rule,
                widths.isEmpty ? (depth.rule.isEmpty ? LinearDepthRule.id : depth.rule) : widthRule,
                widths.isEmpty
                    ? "no hidden layer"
                    : decided.why + (widths.count > 1 ? ", SIZE-TAPER halves it per layer" : ""))
        }
        widthReasons = widths.indices.map { index in
            if shape.neurons != nil { return (.spec, nil, "set in spec (model.neurons)") }
            if let factorWhy { return (.template, nil, factorWhy) }
            if index == 0 { return (.rule, widthRule, decided.why) }
            return (
                .rule, TaperRule.id, "half the layer before, at least No = \(rules.bounds.lowest)"
            )
        }
    }
}
