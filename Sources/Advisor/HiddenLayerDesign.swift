import Foundation
import Spec

// The hidden layers: depth and widths (SIZE-*, DEPTH-*), then activation, batch norm,
// initialiser and dropout. See CombinationPolicy for the policy in words.

extension DesignSession {
    /// Median of a non-empty list.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The design from the rules and the user's shape settings (no explicit layer list).
    mutating func ruleDesign() throws(AdvisorError) -> HiddenDesign {
        let geometric = GeometricWidthRule(inputs: ni, outputs: no)
        let twoThirds = TwoThirdsWidthRule(inputs: ni, outputs: no)
        let mean = MeanWidthRule(inputs: ni, outputs: no)
        let capacity = CapacityRule(
            rows: ns, inputs: ni, outputs: no, alpha: settings.capacityAlpha)
        let bounds = WidthBoundsRule(inputs: ni, outputs: no)
        let median = Self.median([geometric.width, twoThirds.width, mean.width])
        let desired = roundedWidth(median)
        let minimumUseful = max(bounds.lowest, SizingAdvisor.minimumUsefulWidth)
        let bounded =
            bounds.highest >= minimumUseful
            ? max(bounds.clamp(desired), minimumUseful) : bounds.clamp(desired)
        let capacityUnits = capacity.totalHiddenUnits
        let twoLayerWidth = TaperRule(firstWidth: bounded, layers: 2, floor: bounds.lowest).widths
            .reduce(0, +)
        let conservative = CapacityRule(
            rows: ns, inputs: ni, outputs: no, alpha: CapacityRule.conservativeAlpha
        ).totalHidden
        let linear = LinearDepthRule(
            task: task, probe: data.linearProbe, margin: settings.linearR2Margin)
        let low = LowDepthRule(
            inputs: ni, threshold: settings.depthHighInputs, conservativeCapacity: conservative,
            twoLayerWidth: twoLayerWidth)
        let high = HighDepthRule(
            inputs: ni, threshold: settings.depthHighInputs,
            threeUpTo: settings.depthThreeLayersUpTo, fourUpTo: settings.depthFourLayersUpTo)
        let wide = WideVersusDeepRule(
            desiredWidth: desired, inputs: ni, outputs: no, capacity: capacityUnits,
            twoLayerWidth: twoLayerWidth)

        let fixedDepth = spec.model.hiddenLayers.value
        let neurons = spec.model.neurons.value
        if case .widths(let list)? = neurons, let fixedDepth, fixedDepth != list.count {
            throw .invalidSpec(
                keyPath: "model.neurons",
                message:
                    "\(list.count) widths listed but model.hidden_layers is \(fixedDepth); give "
                    + "one width per hidden layer",
                location: location(of: "model.neurons"))
        }

        // Depth: the rules' answer, before fitting the capacity.
        var depth: Int
        var depthRule: String
        var depthWhy: String
        if linear.isLinear == true {
            (depth, depthRule, depthWhy) = (0, LinearDepthRule.id, "linear data: no hidden layer")
        } else if capacityUnits < minimumUseful {
            (depth, depthRule, depthWhy) = (
                0, CapacityRule.id,
                "capacity \(formatNumber(capacity.totalHidden)) hidden units is below "
                    + "\(minimumUseful): too few rows for a hidden layer; a linear model"
            )
        } else if bounds.highest < minimumUseful {
            (depth, depthRule, depthWhy) = (
                0, WidthBoundsRule.id,
                "SIZE-BOUNDS allows width 1 only: one ReLU unit is a hinge that dies easily; a "
                    + "linear model"
            )
        } else if low.applies {
            depth = wide.addsLayer ? 2 : low.layers
            depthRule = wide.addsLayer ? WideVersusDeepRule.id : LowDepthRule.id
            depthWhy =
                wide.addsLayer
                ? "few inputs; the width rules want more than 2 * Ni: a second layer instead"
                : (depth == 2
                    ? "few inputs, rows for two layers" : "few inputs, small data: one layer")
        } else {
            (depth, depthRule, depthWhy) = (high.layers, HighDepthRule.id, "many inputs")
        }

        // A width fixed without a depth asks for hidden layers.
        if fixedDepth == nil, let neurons {
            if case .widths(let list) = neurons {
                depth = list.count
            } else if depth == 0 {
                depth = 1
            }
            (depthRule, depthWhy) = ("", "follows model.neurons")
        }
        if let fixedDepth { depth = fixedDepth }

        // The template's depth, unless the spec fixes the depth or lists the widths.
        let widthListFixed = neurons.map({ if case .widths = $0 { true } else { false } }) == true
        var templateDepthWhy: String?
        if fixedDepth == nil, !widthListFixed, let preferred = preferences?.depth(from: depth) {
            depth = preferred.depth
            templateDepthWhy = preferred.why
        }
        let depthImposed =
            fixedDepth != nil || templateDepthWhy != nil
            || (preferences.map { depth > 0 && $0.lowestDepth >= depth } ?? false)

        // Widths.
        var widths: [Int] = []
        var widthRule = "SIZE-GEOMETRIC/TWO-THIRDS/MEAN"
        var widthWhy = ""
        func taper(_ first: Int, _ layers: Int) -> [Int] {
            TaperRule(firstWidth: first, layers: layers, floor: bounds.lowest).widths
        }
        func fitted(_ layers: Int, from first: Int) -> [Int]? {
            guard layers > 0 else { return [] }
            var width = first
            while width >= 1 {
                let candidate = taper(width, layers)
                if candidate.reduce(0, +) <= capacityUnits
                    && candidate.allSatisfy({ $0 >= min(minimumUseful, first) })
                {
                    return candidate
                }
                width -= 1
            }
            return nil
        }
        switch neurons {
        case nil:
            if depth > 0 {
                var fit = fitted(depth, from: bounded)
                if fixedDepth == nil && preferences?.hiddenLayers == nil {
                    // A layer fewer while the capacity starves the first layer below half the
                    // width the rules want (DEPTH-WIDE-VS-DEEP's converse); never below the
                    // template's minimum.
                    let floor = max(1, preferences?.lowestDepth ?? 1)
                    while depth > floor, fit == nil || (fit?.first ?? 0) * 2 < bounded {
                        depth -= 1
                        fit = fitted(depth, from: bounded)
                        depthWhy +=
                            "; a layer fewer: SIZE-CAPACITY \(capacityUnits) starves deeper layers"
                    }
                }
                if let fit {
                    widths = fit
                } else {
                    widths = taper(min(bounded, max(minimumUseful, capacityUnits)), depth)
                    if depthImposed {
                        let start = warnings.count
                        warn(
                            CapacityRule.id, "model.hidden_layers",
                            "\(depth) hidden layers need at least \(widths.reduce(0, +)) units, "
                                + "above the capacity of \(formatNumber(capacity.totalHidden)) for "
                                + "\(ns) rows; fewer layers generalise better"
                        )
                        if fixedDepth == nil { attributeWarnings(since: start) }
                    }
                }
                widthWhy =
                    "median(\(formatNumber(geometric.width)), \(formatNumber(twoThirds.width)), "
                    + "\(formatNumber(mean.width))) = \(formatNumber(median)) -> \(desired)"
                if bounded != desired { widthWhy += ", SIZE-BOUNDS -> \(bounded)" }
                if let first = widths.first, first != bounded {
                    widthWhy += ", SIZE-CAPACITY (total <= \(capacityUnits)) -> \(first)"
                }
            }
        case .width(let width)?:
            widths = Array(repeating: width, count: depth)
        case .widths(let list)?:
            widths = list
        case .rule(let rule)?:
            switch rule {
            case .geometric: widths = taper(roundedWidth(geometric.width), depth)
            case .twoThirds: widths = taper(roundedWidth(twoThirds.width), depth)
            case .mean: widths = taper(roundedWidth(mean.width), depth)
            case .capacity:
                widths = fitted(depth, from: max(1, capacityUnits)) ?? taper(1, depth)
            }
            widthRule = ruleID(of: rule)
        }

        // The template's width factor scales the rules' widths (not widths the user fixed).
        var ruleWidths: [Int]?
        if neurons == nil, let factor = preferences?.widthFactor, factor != 1, !widths.isEmpty {
            ruleWidths = widths
            widths = widths.map { max(1, Int((Double($0) * factor).rounded())) }
        }

        // The user's shape choices against the rules.
        if fixedDepth != nil || widthListFixed {
            let key = fixedDepth != nil ? "model.hidden_layers" : "model.neurons"
            checkDepth(depth, keyPath: key, linear: linear, low: low, high: high)
        } else if templateDepthWhy != nil {
            let start = warnings.count
            checkDepth(depth, keyPath: "model.hidden_layers", linear: linear, low: low, high: high)
            attributeWarnings(since: start)
        }
        if neurons != nil {
            checkWidths(
                widths,
                keyPath: { index in
                    if case .widths = neurons { return "model.neurons[\(index)]" }
                    return "model.neurons"
                }, wholeKeyPath: "model.neurons", capacity: capacity, bounds: bounds)
        } else if ruleWidths != nil {
            let start = warnings.count
            checkWidths(
                widths, keyPath: { _ in "model.neurons" }, wholeKeyPath: "model.neurons",
                capacity: capacity, bounds: bounds)
            attributeWarnings(since: start)
        }
        let widthOrigin = neurons != nil ? "set in spec" : templateLabel

        // Sizing table.
        let medianIDs = [GeometricWidthRule.id, TwoThirdsWidthRule.id, MeanWidthRule.id]
        let medianSource = zip(medianIDs, [geometric.width, twoThirds.width, mean.width])
            .first { $0.1 == median }?.0
        var rows = [
            geometric.evaluate(), capacity.evaluate(), twoThirds.evaluate(), mean.evaluate(),
            bounds.evaluate(),
            TaperRule(firstWidth: widths.first ?? 0, layers: widths.count, floor: bounds.lowest)
                .evaluate(),
            PruneRule(fraction: settings.pruneFraction).evaluate(),
            linear.evaluate(), low.evaluate(), high.evaluate(), wide.evaluate(),
        ]
        let autoWidths = neurons == nil && !widths.isEmpty
        for index in rows.indices where medianIDs.contains(rows[index].id) {
            rows[index].applies = autoWidths
            rows[index].why =
                !autoWidths
                ? (widths.isEmpty ? "no hidden layer" : "widths set in spec")
                : (rows[index].id == medianSource
                    ? "the median of the three: chosen"
                    : "a candidate of the median (\(formatNumber(median)))")
        }
        if let index = rows.firstIndex(where: { $0.id == CapacityRule.id }) {
            let total = widths.reduce(0, +)
            rows[index].applies = !widths.isEmpty || depthRule == CapacityRule.id
            rows[index].why =
                widths.isEmpty
                ? (depthRule == CapacityRule.id ? depthWhy : "no hidden layer")
                : (total <= capacityUnits
                    ? "total hidden \(total) <= \(capacityUnits)"
                        + ((widths.first ?? 0) < bounded && neurons == nil ? ": cut the width" : "")
                    : "total hidden \(total) exceeds \(capacityUnits) (\(widthOrigin), warned)")
        }
        if let index = rows.firstIndex(where: { $0.id == WidthBoundsRule.id }) {
            let outside = widths.filter { !bounds.admits($0) }
            rows[index].applies = !widths.isEmpty && (neurons == nil || outside.isEmpty)
            if widths.isEmpty {
                rows[index].why = "no hidden layer"
            } else if let ruleWidths {
                rows[index].applies = outside.isEmpty
                rows[index].why =
                    "\(templateLabel) scales \(SpecText.neurons(.widths(ruleWidths))) to "
                    + SpecText.neurons(.widths(widths))
                    + (outside.isEmpty ? ", within bounds" : ", outside (warned)")
            } else if neurons == nil {
                rows[index].why =
                    bounded != desired ? "clamped \(desired) -> \(bounded)" : "widths within bounds"
            } else {
                rows[index].why =
                    outside.isEmpty
                    ? "widths set in spec, within bounds"
                    : "widths set in spec; \(SpecText.neurons(.widths(outside))) outside (warned)"
            }
        }
        if neurons != nil, let index = rows.firstIndex(where: { $0.id == TaperRule.id }) {
            let tapered = TaperRule.isTapered(widths)
            rows[index].result = .text(widths.map(String.init).joined(separator: ", "))
            rows[index].applies = widths.count > 1 && tapered
            rows[index].why =
                tapered ? "widths set in spec, tapered" : "widths set in spec grow (warned)"
        }
        let usedDepthRule = fixedDepth == nil && !depthRule.isEmpty ? depthRule : nil
        for index in rows.indices where rows[index].id.hasPrefix("DEPTH-") {
            if fixedDepth != nil {
                rows[index].applies = false
                rows[index].why = "hidden_layers set in spec; " + rows[index].why
            } else if let templateDepthWhy {
                rows[index].applies = false
                rows[index].why = "\(templateLabel): \(templateDepthWhy); " + rows[index].why
            } else if rows[index].id == usedDepthRule {
                rows[index].applies = true
            } else if rows[index].id == LowDepthRule.id || rows[index].id == HighDepthRule.id {
                rows[index].applies =
                    rows[index].applies && depth > 0 && usedDepthRule != CapacityRule.id
                    && usedDepthRule != WidthBoundsRule.id && usedDepthRule != LinearDepthRule.id
            }
        }
        sizing = rows

        // Reasons for the shape keys.
        let depthFromRule = fixedDepth == nil && !depthRule.isEmpty
        if let templateDepthWhy, let source = preferences?.source {
            choose(
                "model.hidden_layers", String(depth), .template, nil,
                "\(source): \(templateDepthWhy)")
        } else {
            chooseSetting(
                "model.hidden_layers", String(depth), fixed: fixedDepth != nil,
                depthFromRule ? depthRule : nil,
                depthFromRule ? depthWhy : "one per width of model.neurons", source: .spec)
        }
        let factorWhy = ruleWidths.map { rule in
            "\(preferences?.source ?? ""): width x \(formatNumber(preferences?.widthFactor ?? 1)) "
                + "of the rules' \(SpecText.neurons(.widths(rule))) (\(medianSource ?? widthRule))"
        }
        if neurons != nil {
            choose("model.neurons", SpecText.neurons(.widths(widths)), .spec, nil, "set in spec")
        } else if let factorWhy {
            choose("model.neurons", SpecText.neurons(.widths(widths)), .template, nil, factorWhy)
        } else {
            choose(
                "model.neurons", SpecText.neurons(.widths(widths)), .rule,
                widths.isEmpty ? depthRuleOrLinear(depthRule) : medianSource ?? widthRule,
                widths.isEmpty
                    ? "no hidden layer"
                    : widthWhy + (widths.count > 1 ? ", SIZE-TAPER halves it per layer" : ""))
        }
        widthReasons = widths.indices.map { index in
            if neurons != nil { return (.spec, nil, "set in spec (model.neurons)") }
            if let factorWhy { return (.template, nil, factorWhy) }
            if index == 0 { return (.rule, medianSource ?? widthRule, widthWhy) }
            return (.rule, TaperRule.id, "half the layer before, at least No = \(bounds.lowest)")
        }

        return hiddenChoices(widths: widths)
    }

    private func depthRuleOrLinear(_ rule: String) -> String {
        rule.isEmpty ? LinearDepthRule.id : rule
    }

    private func ruleID(of rule: SizingRule) -> String {
        switch rule {
        case .geometric: GeometricWidthRule.id
        case .capacity: CapacityRule.id
        case .twoThirds: TwoThirdsWidthRule.id
        case .mean: MeanWidthRule.id
        }
    }

    /// Warns when a user's depth breaks DEPTH-*.
    mutating func checkDepth(
        _ depth: Int, keyPath: String, linear: LinearDepthRule, low: LowDepthRule,
        high: HighDepthRule
    ) {
        if linear.isLinear == true && depth > 0 {
            warn(
                LinearDepthRule.id, keyPath,
                "\(depth) hidden layer\(depth == 1 ? "" : "s") on linearly separable data: a "
                    + "linear model (no hidden layer) suffices and generalises better"
            )
        } else if linear.isLinear == false && depth == 0 {
            warn(
                LinearDepthRule.id, keyPath,
                "no hidden layer, but the data is not linearly separable: the network may underfit")
        }
        if low.applies && depth > 2 {
            warn(
                LowDepthRule.id, keyPath,
                "\(depth) hidden layers on \(ni) inputs: few dimensions need 1 to 2 hidden "
                    + "layers (Ni <= \(low.threshold))"
            )
        } else if high.applies && depth > 5 {
            warn(
                HighDepthRule.id, keyPath,
                "\(depth) hidden layers: many dimensions need 3 to 5 hidden layers")
        }
    }

    /// Warns when a user's widths break SIZE-BOUNDS, SIZE-TAPER or SIZE-CAPACITY.
    mutating func checkWidths(
        _ widths: [Int], keyPath: (Int) -> String, wholeKeyPath: String, capacity: CapacityRule,
        bounds: WidthBoundsRule
    ) {
        var reported = Set<String>()
        for (index, width) in widths.enumerated() where !bounds.admits(width) {
            let key = keyPath(index)
            guard reported.insert(key).inserted else { continue }
            let message =
                width < no
                ? "width \(width) is below the output width No = \(no): the layer is a bottleneck"
                : "width \(width) is not under 2 * Ni = \(2 * ni): wide layers memorise rather "
                    + "than generalise (DEPTH-WIDE-VS-DEEP: add a layer instead)"
            warn(WidthBoundsRule.id, key, message)
        }
        if !TaperRule.isTapered(widths) {
            warn(
                TaperRule.id, wholeKeyPath,
                "widths \(SpecText.neurons(.widths(widths))) grow from layer to layer: each "
                    + "hidden layer should be no wider than the one before"
            )
        }
        let total = widths.reduce(0, +)
        if total > capacity.totalHiddenUnits {
            warn(
                CapacityRule.id, wholeKeyPath,
                "\(total) hidden units in total exceed the capacity "
                    + "\(formatNumber(capacity.totalHidden)) = Ns / "
                    + "(\(formatNumber(capacity.alpha)) * (Ni + No)) for \(ns) rows: expect "
                    + "overfitting"
            )
        }
    }

    /// Activation, batch norm, initialiser and dropout of the hidden layers from the rules and
    /// the user's fixed settings (model.activation, model.batch_norm, model.initializer,
    /// model.dropout), with their evaluations, reasons and warnings.
    mutating func hiddenChoices(widths: [Int]) -> HiddenDesign {
        let depth = widths.count
        let defaultRule = DefaultHiddenActivationRule(
            layers: depth, swishFromLayers: settings.swishFromLayers)
        let deepRule = DeepHiddenActivationRule(
            layers: depth, swishFromLayers: settings.swishFromLayers)
        evaluations += [
            defaultRule.evaluate(), BetterHiddenActivationRule().evaluate(),
            LastResortHiddenActivationRule().evaluate(), deepRule.evaluate(),
            RecurrentActivationRule().evaluate(),
        ]
        let preferredActivation = spec.model.activation.isAuto ? preferences?.activation : nil
        let activation =
            spec.model.activation.value ?? preferredActivation
            ?? (deepRule.applies ? .swish : .relu)
        let activationRule =
            deepRule.applies ? DeepHiddenActivationRule.id : DefaultHiddenActivationRule.id
        if let preferredActivation, let source = preferences?.source {
            choose(
                "model.activation", SpecText.activation(preferredActivation), .template, nil,
                "\(source): activation \(preferredActivation.name)")
            if depth > 0 {
                let start = warnings.count
                checkActivation(preferredActivation, depth: depth, keyPath: "model.activation")
                attributeWarnings(since: start)
            }
        } else {
            chooseSetting(
                "model.activation", SpecText.activation(activation),
                fixed: !spec.model.activation.isAuto,
                activationRule,
                depth == 0
                    ? "no hidden layer (unused)"
                    : (deepRule.applies
                        ? "a really deep network: swish" : "hidden layers start with ReLU"))
        }
        if let fixed = spec.model.activation.value, depth > 0 {
            checkActivation(fixed, depth: depth, keyPath: "model.activation")
        }

        let bnRule = DeepBatchNormRule(layers: depth, fromLayers: settings.batchNormFromLayers)
        let preferredBatchNorm = spec.model.batchNorm.isAuto ? preferences?.batchNorm : nil
        let batchNorm = spec.model.batchNorm.value ?? preferredBatchNorm ?? bnRule.applies
        let placementRule = BatchNormPlacementRule(activation: activation)
        evaluations += [bnRule.evaluate(), placementRule.evaluate()]
        if let preferredBatchNorm, let source = preferences?.source {
            choose(
                "model.batch_norm", String(preferredBatchNorm), .template, nil,
                "\(source): "
                    + (preferredBatchNorm ? "batch norm in every hidden layer" : "no batch norm"))
        } else {
            chooseSetting(
                "model.batch_norm", String(batchNorm), fixed: !spec.model.batchNorm.isAuto,
                DeepBatchNormRule.id,
                depth == 0
                    ? "no hidden layer"
                    : (bnRule.applies
                        ? "\(depth) hidden layers: deep"
                        : "\(depth) hidden layer\(depth == 1 ? "" : "s"): shallow, not needed"))
        }

        let preferredInitializer = spec.model.initializer.isAuto ? preferences?.initializer : nil
        let initializer =
            spec.model.initializer.value ?? preferredInitializer
            ?? InitializerRule.initializer(for: activation)
        if let preferredInitializer, let source = preferences?.source {
            choose(
                "model.initializer", initializer.rawValue, .template, nil,
                "\(source): initializer \(preferredInitializer.rawValue)")
        } else {
            chooseSetting(
                "model.initializer", initializer.rawValue, fixed: !spec.model.initializer.isAuto,
                InitializerRule.id, "\(initializer.rawValue) suits \(activation.name)")
        }
        if let chosen = spec.model.initializer.value ?? preferredInitializer, depth > 0,
            !InitializerRule.suits(chosen, activation)
        {
            let start = warnings.count
            warn(
                InitializerRule.id, "model.initializer",
                "\(chosen.rawValue) does not suit \(activation.name): use "
                    + "\(InitializerRule.initializer(for: activation).rawValue)"
            )
            if spec.model.initializer.isAuto { attributeWarnings(since: start) }
        }

        var design = HiddenDesign(
            widths: widths, activation: activation, batchNorm: batchNorm && depth > 0,
            placement: placementRule.placement, dropout: 0, initializer: initializer, maxNorm: nil)
        // REG-DROPOUT reads the parameter count of the network without dropout.
        let parameters = Self.parameterCount(
            Self.layers(for: design, outputs: no, outputActivation: .linear), inputs: ni)
        let dropoutRule = DropoutRule(
            parameters: parameters, rows: ns, ratio: settings.dropoutParameterRatio,
            hiddenLayers: depth, batchNorm: design.batchNorm)
        let replaces = BatchNormReplacesDropoutRule(batchNorm: design.batchNorm)
        evaluations += [dropoutRule.evaluate(), replaces.evaluate()]
        if let fixed = spec.model.dropout.value {
            design.dropout = depth > 0 ? fixed : 0
            checkDropout(fixed, depth: depth, batchNorm: design.batchNorm, keyPath: "model.dropout")
            choose("model.dropout", formatNumber(fixed), .spec, nil, "set in spec")
        } else if let preferred = preferences?.dropout, let source = preferences?.source {
            design.dropout = depth > 0 ? preferred : 0
            let start = warnings.count
            checkDropout(
                preferred, depth: depth, batchNorm: design.batchNorm, keyPath: "model.dropout")
            attributeWarnings(since: start)
            choose(
                "model.dropout", formatNumber(design.dropout), .template, nil,
                "\(source): dropout \(formatNumber(preferred)) after each hidden layer")
        } else {
            design.dropout = dropoutRule.applies ? dropoutRule.rate : 0
            let rule = design.batchNorm ? BatchNormReplacesDropoutRule.id : DropoutRule.id
            choose(
                "model.dropout", formatNumber(design.dropout), .rule, rule,
                design.batchNorm
                    ? "batch normalisation replaces dropout" : dropoutRule.evaluate().why)
        }
        if design.dropout > 0 && spec.training.regularization.isAuto {
            design.maxNorm = OverfitRecipeRule.maxNorm
        }
        return design
    }

    /// Warns when a fixed hidden activation breaks ACT-HIDDEN-*.
    mutating func checkActivation(_ activation: ActivationFunction, depth: Int, keyPath: String) {
        switch activation {
        case .sigmoid,
            .tanh where depth >= settings.batchNormFromLayers:
            warn(
                DefaultHiddenActivationRule.id, keyPath,
                "\(activation.name) in \(depth) hidden layers: s-shaped units saturate and "
                    + "gradients vanish in deep networks; start with relu"
            )
        case .linear:
            warn(
                DefaultHiddenActivationRule.id, keyPath,
                "linear hidden layers collapse into one linear map: use relu (or no hidden layer)")
        case .softmax:
            warn(
                DefaultHiddenActivationRule.id, keyPath,
                "softmax is an output activation: hidden layers start with relu")
        default:
            break
        }
    }

    /// Warns when a fixed dropout breaks REG-DROPOUT or REG-BN-REPLACES-DROPOUT.
    mutating func checkDropout(_ rate: Double, depth: Int, batchNorm: Bool, keyPath: String) {
        guard rate > 0 else { return }
        if depth == 0 {
            warn(
                DropoutRule.id, keyPath,
                "dropout \(formatNumber(rate)) without hidden layers has nothing to drop: ignored")
            return
        }
        if batchNorm {
            warn(
                BatchNormReplacesDropoutRule.id, keyPath,
                "dropout \(formatNumber(rate)) on a batch-normalised network: batch norm "
                    + "regularises already and dropout makes its statistics noisy"
            )
        }
        if !DropoutRule.range.contains(rate) {
            warn(
                DropoutRule.id, keyPath,
                "dropout \(formatNumber(rate)) is outside 0.1 to 0.5")
        }
    }
}
