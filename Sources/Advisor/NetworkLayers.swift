import Spec

// The explicit layer list: building it from a design, counting it, and reading a user's list.

extension DesignSession {
    /// The layer list of a design: per hidden layer dense (+ batch norm before or after the
    /// activation, BN-PLACEMENT; no dense bias when batch norm follows it) + activation
    /// (+ dropout); then the output dense and the output activation.
    static func layers(
        for design: HiddenDesign, outputs: Int, outputActivation: ActivationFunction
    ) -> [LayerConfig] {
        var layers: [LayerConfig] = []
        let normBefore = design.batchNorm && design.placement == .beforeActivation
        let normAfter = design.batchNorm && design.placement == .afterActivation
        for width in design.widths {
            var units = width
            if case .maxout(let pieces) = design.activation { units = width * max(1, pieces) }
            layers.append(
                .dense(
                    DenseConfig(
                        units: units, initializer: design.initializer, bias: !normBefore,
                        maxNorm: design.maxNorm)))
            if normBefore { layers.append(Self.batchNormLayer) }
            layers.append(.activation(design.activation))
            if normAfter { layers.append(Self.batchNormLayer) }
            if design.dropout > 0 { layers.append(.dropout(rate: design.dropout)) }
        }
        layers.append(
            .dense(
                DenseConfig(
                    units: outputs, initializer: InitializerRule.initializer(for: outputActivation))
            ))
        layers.append(.activation(outputActivation))
        return layers
    }

    static var batchNormLayer: LayerConfig {
        .batchNorm(
            momentum: SizingAdvisor.batchNormMomentum, epsilon: SizingAdvisor.batchNormEpsilon)
    }

    /// The output width of each layer, given the input width.
    static func outputWidths(_ layers: [LayerConfig], inputs: Int) -> [Int] {
        var width = inputs
        return layers.map { layer in
            switch layer {
            case .dense(let dense): width = dense.units
            case .activation(.maxout(let pieces)): width = max(1, width / max(1, pieces))
            default: break
            }
            return width
        }
    }

    /// Trainable parameters: dense weights and biases, batch-norm scale and shift.
    static func parameterCount(_ layers: [LayerConfig], inputs: Int) -> Int {
        var width = inputs
        var count = 0
        for layer in layers {
            switch layer {
            case .dense(let dense):
                count += width * dense.units + (dense.bias ? dense.units : 0)
                width = dense.units
            case .batchNorm:
                count += 2 * width
            case .activation(.maxout(let pieces)):
                width = max(1, width / max(1, pieces))
            case .activation(.prelu):
                count += width
            default:
                break
            }
        }
        return count
    }

    /// Reads a user's explicit layer list: the design it describes, checked against the rules.
    mutating func explicitDesign(
        _ layers: [LayerConfig], outputActivation: ActivationFunction
    ) throws(AdvisorError) -> (HiddenDesign, [LayerConfig]) {
        explicitLayers = true
        let denseIndices = layers.indices.filter {
            if case .dense = layers[$0] { true } else { false }
        }
        guard let outputIndex = denseIndices.last, case .dense(let output) = layers[outputIndex]
        else {
            throw .invalidSpec(
                keyPath: SpecKey.layers.path,
                message:
                    "no dense layer: the network needs an output dense layer of No = \(no) units",
                location: location(of: SpecKey.layers.path))
        }
        guard output.units == no else {
            let key = "model.layers[\(outputIndex)].dense.units"
            throw .invalidSpec(
                keyPath: key,
                message:
                    "the output layer has \(output.units) units but the data has No = \(no) "
                    + "outputs (\(taskDescription))",
                location: location(of: key))
        }
        let widthsAfter = Self.outputWidths(layers, inputs: ni)
        let hiddenDense = denseIndices.dropLast()
        // A hidden layer's width is its output after its activation (maxout narrows it).
        let widths: [Int] = hiddenDense.map { index in
            let next =
                (index + 1..<outputIndex).first {
                    if case .dense = layers[$0] { true } else { false }
                } ?? outputIndex
            return widthsAfter[max(index, next - 1)]
        }
        let hiddenPart = layers[..<outputIndex]
        var activation = ActivationFunction.relu
        if let firstHidden = hiddenDense.first {
            activation = .linear
            for layer in layers[firstHidden..<outputIndex] {
                if case .activation(let found) = layer {
                    activation = found
                    break
                }
            }
        }
        var batchNorm = false
        var placement = BatchNormPlacementRule(activation: activation).placement
        var dropout = 0.0
        for (index, layer) in zip(hiddenPart.indices, hiddenPart) {
            switch layer {
            case .batchNorm:
                if !batchNorm, index > 0, case .activation = layers[index - 1] {
                    placement = .afterActivation
                } else if !batchNorm {
                    placement = .beforeActivation
                }
                batchNorm = true
                checkBatchNormPlacement(at: index, in: layers)
            case .dropout(let rate):
                if dropout == 0 { dropout = rate }
            default:
                break
            }
        }
        // Without hidden layers model.initializer describes nothing: keep the spec's value so a
        // generated config designs back to itself.
        var initializer = spec.model.initializer.value ?? output.initializer
        var maxNorm: Double?
        if let first = hiddenDense.first, case .dense(let dense) = layers[first] {
            initializer = dense.initializer
            maxNorm = dense.maxNorm
        }
        let design = HiddenDesign(
            widths: widths, activation: activation, batchNorm: batchNorm, placement: placement,
            dropout: dropout, initializer: initializer, maxNorm: maxNorm)

        // The rules against the user's network.
        let capacity = CapacityRule(
            rows: ns, inputs: ni, outputs: no, alpha: settings.capacityAlpha)
        let bounds = WidthBoundsRule(inputs: ni, outputs: no)
        let linear = LinearDepthRule(
            task: task, probe: data.linearProbe, margin: settings.linearR2Margin)
        let low = LowDepthRule(
            inputs: ni, threshold: settings.depthHighInputs,
            conservativeCapacity: CapacityRule(
                rows: ns, inputs: ni, outputs: no, alpha: CapacityRule.conservativeAlpha
            ).totalHidden,
            twoLayerWidth: 0)
        let high = HighDepthRule(
            inputs: ni, threshold: settings.depthHighInputs,
            threeUpTo: settings.depthThreeLayersUpTo, fourUpTo: settings.depthFourLayersUpTo)
        checkDepth(
            widths.count, keyPath: SpecKey.layers.path, linear: linear, signal: signalRule,
            low: low, high: high)
        let hiddenKeys = hiddenDense.map { "model.layers[\($0)].dense.units" }
        checkWidths(
            widths, keyPath: { hiddenKeys[$0] }, wholeKeyPath: SpecKey.layers.path,
            capacity: capacity,
            bounds: bounds)
        if !widths.isEmpty {
            var activationIndices: [Int] = []
            for index in layers.indices.prefix(outputIndex) {
                if case .activation = layers[index] { activationIndices.append(index) }
            }
            if activationIndices.isEmpty, let first = hiddenDense.first {
                checkActivation(.linear, depth: widths.count, keyPath: "model.layers[\(first)]")
            } else if let first = activationIndices.first {
                checkActivation(
                    activation, depth: widths.count, keyPath: "model.layers[\(first)].activation")
            }
        }
        for index in denseIndices {
            guard case .dense(let dense) = layers[index] else { continue }
            let after = index == outputIndex ? outputActivation : activationAfter(index, in: layers)
            raise(
                InitializerRule.check(
                    dense.initializer, activation: after,
                    keyPath: "model.layers[\(index)].dense.initializer"))
        }
        for (index, layer) in zip(hiddenPart.indices, hiddenPart) {
            if case .dropout(let rate) = layer {
                checkDropout(
                    rate, depth: widths.count, batchNorm: batchNorm,
                    keyPath: "model.layers[\(index)].dropout")
            }
        }
        if let last = layers[(outputIndex + 1)...].lastIndex(where: {
            if case .activation = $0 { true } else { false }
        }),
            case .activation(let found) = layers[last], found != outputActivation
        {
            warn(
                outputRuleID, "model.layers[\(last)].activation",
                "output activation \(found.name) does not fit \(taskDescription): the rule asks "
                    + "for \(outputActivation.name)"
            )
        }

        // The record: sizing rows describe the rules; the user's list is the network.
        sizing = [
            GeometricWidthRule(inputs: ni, outputs: no).evaluate(), capacity.evaluate(),
            TwoThirdsWidthRule(inputs: ni, outputs: no).evaluate(),
            MeanWidthRule(inputs: ni, outputs: no).evaluate(), bounds.evaluate(),
            TaperRule(firstWidth: widths.first ?? 0, layers: widths.count, floor: bounds.lowest)
                .evaluate(),
            PruneRule(fraction: settings.pruneFraction).evaluate(), linear.evaluate(),
            low.evaluate(),
            high.evaluate(),
        ]
        for index in sizing.indices where sizing[index].id != PruneRule.id {
            sizing[index].applies = false
            sizing[index].why = "model.layers set in spec; " + sizing[index].why
        }
        let defaultRule = DefaultHiddenActivationRule(
            layers: widths.count, swishFromLayers: settings.swishFromLayers)
        let deepRule = DeepHiddenActivationRule(
            layers: widths.count, swishFromLayers: settings.swishFromLayers)
        evaluations += [
            defaultRule.evaluate(), BetterHiddenActivationRule().evaluate(),
            LastResortHiddenActivationRule().evaluate(), deepRule.evaluate(),
            RecurrentActivationRule().evaluate(),
            DeepBatchNormRule(layers: widths.count, fromLayers: settings.batchNormFromLayers)
                .evaluate(),
            BatchNormPlacementRule(activation: activation).evaluate(),
            BatchNormReplacesDropoutRule(batchNorm: batchNorm).evaluate(),
        ]
        let describes = "describes model.layers (set in spec)"
        choose(SpecKey.hiddenLayers.path, String(widths.count), .spec, nil, describes)
        choose(SpecKey.neurons.path, SpecText.neurons(.widths(widths)), .spec, nil, describes)
        choose(SpecKey.activation.path, SpecText.activation(activation), .spec, nil, describes)
        choose(SpecKey.batchNorm.path, String(batchNorm), .spec, nil, describes)
        choose(SpecKey.dropout.path, NumberText.evidence(dropout), .spec, nil, describes)
        choose(SpecKey.initializer.path, initializer.rawValue, .spec, nil, describes)
        widthReasons = widths.map { _ in (.spec, nil, "set in spec") }
        return (design, layers)
    }

    /// The activation that follows the dense layer at `index` (linear when none does).
    func activationAfter(_ index: Int, in layers: [LayerConfig]) -> ActivationFunction {
        for layer in layers[(index + 1)...] {
            switch layer {
            case .activation(let found): return found
            case .dense: return .linear
            default: continue
            }
        }
        return .linear
    }

    /// Warns when a batch-norm layer of a user's list sits on the wrong side of its activation.
    mutating func checkBatchNormPlacement(at index: Int, in layers: [LayerConfig]) {
        raise(
            BatchNormPlacementRule.check(
                at: index, in: layers, keyPath: "model.layers[\(index)].batch_norm"))
    }
}
