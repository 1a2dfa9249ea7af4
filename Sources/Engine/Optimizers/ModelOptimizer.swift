/// An `Optimizer` (the per-tensor update rule) applied over a model's parameter walk, with
/// what is shared by every rule: the weight penalty, gradient clipping, the rule's state and
/// the norms the diagnostics read.
///
/// `update(_:learningRate:)` walks the trainable tensors in order; for each it adds the penalty
/// gradient, works out the clipping, applies the rule, and records norms. State is kept per
/// tensor in walk order (no lookups by name in a step) and exported by name. The learning rate
/// comes from the caller (the trainer's schedule).
public struct ModelOptimizer: Sendable {
    /// The configuration.
    public let configuration: OptimizerDescription
    /// The update rule, made from `configuration.rule`.
    public let rule: any Optimizer
    /// Steps taken so far (PyTorch's `step`, used by bias corrections).
    public private(set) var step = 0

    /// Per trainable tensor, in walk order: its slots, `slotCount` runs of its element count.
    private var states: [[Float]] = []
    private var slotCount = 0
    private var names: [ParameterName] = []

    /// Per trainable tensor, in walk order: its name.
    public var parameterNames: [ParameterName] { names }
    /// Per trainable tensor: the gradient norm of the last step (with the penalty, before
    /// clipping).
    public private(set) var gradientNorms: [Float] = []
    /// Per trainable tensor: the norm of the last step's change to the weights.
    public private(set) var updateNorms: [Float] = []
    /// Per trainable tensor: the weight norm after the last step.
    public private(set) var weightNorms: [Float] = []
    /// The global gradient norm of the last step (before clipping).
    public private(set) var globalGradientNorm: Float = 0

    /// An optimizer.
    /// - Parameter configuration: the rule, learning rate, penalty and clipping.
    public init(_ configuration: OptimizerDescription) {
        self.configuration = configuration
        rule = configuration.rule.makeOptimizer()
    }

    private mutating func prepare(_ model: Sequential) {
        guard names.isEmpty else { return }
        let slotCount = rule.slotNames.count
        let initial = rule.initialSlotValue
        var newStates: [[Float]] = []
        var newNames: [ParameterName] = []
        model.visitParameters { name, parameter in
            guard parameter.isTrainable else { return }
            newNames.append(name)
            newStates.append(
                [Float](repeating: initial, count: slotCount * parameter.value.count))
        }
        names = newNames
        states = newStates
        self.slotCount = slotCount
        gradientNorms = [Float](repeating: 0, count: names.count)
        updateNorms = gradientNorms
        weightNorms = gradientNorms
    }

    /// Applies one step to every trainable tensor of `model` from the gradients left by its
    /// `backward`. Afterwards each gradient buffer holds the change that was applied.
    /// - Parameters:
    ///   - model: the model (its walk order must not change between steps).
    ///   - learningRate: the rate for this step (the schedule's value).
    /// - Returns: false, with no weight changed and the step not counted, when a gradient is
    ///   not finite (DIAG-NONFINITE).
    @discardableResult
    public mutating func update(_ model: Sequential, learningRate: Float) -> Bool {
        prepare(model)
        step += 1
        let penalty = configuration.penalty
        // Pass 1: penalty gradient in place, and gradient norms.
        var index = 0
        var globalSquared: Float = 0
        var l1: Float = 0
        var l2: Float = 0
        switch penalty {
        case .none: break
        case .l1(let lambda): l1 = lambda
        case .l2(let lambda): l2 = lambda
        }
        let hasPenalty = l1 != 0 || l2 != 0
        model.visitParameters { _, parameter in
            guard parameter.isTrainable else { return }
            let count = parameter.value.count
            let squared = parameter.value.withUnsafeBufferPointer { w in
                parameter.gradient.withUnsafeMutableBufferPointer { g in
                    hasPenalty && parameter.isPenalized
                        ? CPUKernels.penalizeSumOfSquares(
                            count: count, weights: w.baseAddress, gradient: g.baseAddress, l1: l1,
                            l2: l2)
                        : CPUKernels.sumOfSquares(g.baseAddress, count: count)
                }
            }
            gradientNorms[index] = squared.squareRoot()
            globalSquared += squared
            index += 1
        }
        globalGradientNorm = globalSquared.squareRoot()
        guard globalSquared.isFinite else {
            step -= 1
            return false
        }
        // Pass 2: clip and update, then the update and weight norms.
        index = 0
        let clipping = configuration.clipping
        let globalScale: Float
        if case .globalNorm(let c) = clipping {
            globalScale = c / max(globalGradientNorm, c)
        } else {
            globalScale = 1
        }
        let rule = self.rule
        let step = self.step
        model.visitParameters { _, parameter in
            guard parameter.isTrainable else { return }
            var clip = GradientClip(scale: globalScale)
            switch clipping {
            case .norm(let c): clip.scale = c / max(gradientNorms[index], c)
            case .value(let c): clip.limit = c
            default: break
            }
            let squares = parameter.value.withUnsafeMutableBufferPointer { w in
                parameter.gradient.withUnsafeMutableBufferPointer { g in
                    // The rules with a C kernel return the squared norms of the change and of
                    // the new weights from the same pass (no extra reads for the diagnostics).
                    let fused = states[index].withUnsafeMutableBufferPointer { state in
                        rule.update(
                            parameter: w, gradient: g, state: state, clip: clip, step: step,
                            learningRate: learningRate)
                    }
                    return fused
                        ?? (
                            CPUKernels.sumOfSquares(g.baseAddress, count: g.count),
                            CPUKernels.sumOfSquares(w.baseAddress, count: w.count)
                        )
                }
            }
            updateNorms[index] = squares.update.squareRoot()
            weightNorms[index] = squares.weight.squareRoot()
            index += 1
        }
        return true
    }

    /// The step count and every slot tensor by name.
    public func exportState() -> OptimizerState {
        var tensors: [NamedTensor] = []
        let slotNames = rule.slotNames
        for (index, name) in names.enumerated() {
            let count = slotCount == 0 ? 0 : states[index].count / slotCount
            for (slot, slotName) in slotNames.enumerated() {
                let values = Array(states[index][slot * count..<(slot + 1) * count])
                tensors.append(
                    NamedTensor(name: "\(name).\(slotName)", shape: [values.count], values: values))
            }
        }
        return OptimizerState(step: step, tensors: tensors)
    }

    /// Restores the state exported by an optimizer of the same configuration on the same model.
    /// - Throws: `EngineError.missingTensor` / `.shapeMismatch` / `.unexpectedTensor`; the
    ///   optimizer is unchanged when it throws.
    public mutating func importState(_ state: OptimizerState, model: Sequential) throws {
        var copy = ModelOptimizer(configuration)
        copy.prepare(model)
        copy.step = state.step
        if state.step == 0 && state.tensors.isEmpty {
            self = copy
            return
        }
        var byName: [String: NamedTensor] = [:]
        for tensor in state.tensors { byName[tensor.name] = tensor }
        let slotNames = rule.slotNames
        var used = 0
        for (index, name) in copy.names.enumerated() {
            let count = copy.slotCount == 0 ? 0 : copy.states[index].count / copy.slotCount
            for (slot, slotName) in slotNames.enumerated() {
                let key = "\(name).\(slotName)"
                guard let tensor = byName[key] else { throw EngineError.missingTensor(name: key) }
                guard tensor.values.count == count else {
                    throw EngineError.shapeMismatch(
                        name: key, expected: [count], found: tensor.shape)
                }
                copy.states[index].replaceSubrange(
                    slot * count..<(slot + 1) * count, with: tensor.values)
                used += 1
            }
        }
        if used != state.tensors.count {
            let known = Set(copy.names.flatMap { n in slotNames.map { "\(n).\($0)" } })
            let extra = state.tensors.first { !known.contains($0.name) }
            throw EngineError.unexpectedTensor(name: extra?.name ?? "?")
        }
        self = copy
    }
}
