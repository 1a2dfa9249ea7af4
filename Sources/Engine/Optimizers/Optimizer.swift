import CKernels

/// The update rule of an optimizer, with PyTorch's defaults and formulas (rule OPT-DEFAULT:
/// Adam; OPT-MOMENTUM: SGD with momentum 0.9 when chosen, set by the caller).
public enum UpdateRule: Codable, Equatable, Sendable {
    /// SGD: `buf = momentum buf + (1 - dampening) g` (buf = g on the first step); the step is
    /// `g + momentum buf` with Nesterov, else `buf`. Defaults: momentum 0, dampening 0, no
    /// Nesterov. Sutskever et al. 2013.
    case sgd(momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false)
    /// Adam, betas 0.9/0.999, eps 1e-8 (PyTorch). Kingma and Ba 2015.
    case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)
    /// AdamW: Adam with decoupled weight decay `w *= 1 - lr * decay` before the step
    /// (default decay 0.01, PyTorch; applied to every trainable tensor, as PyTorch does with a
    /// single parameter group). Loshchilov and Hutter 2019.
    case adamW(
        beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01)
    /// RMSprop: `sq = alpha sq + (1 - alpha) g^2`, step `g / (sqrt(sq) + eps)` (centered:
    /// subtract the squared mean gradient), optional momentum. Defaults alpha 0.99, eps 1e-8,
    /// momentum 0, not centered (PyTorch). Hinton, Coursera lecture 6e, 2012.
    case rmsprop(
        alpha: Float = 0.99, epsilon: Float = 1e-8, momentum: Float = 0, centered: Bool = false)
    /// Adagrad: `sum += g^2`, step `lr / (1 + (t-1) decay) * g / (sqrt(sum) + eps)`. Defaults
    /// eps 1e-10, initial accumulator 0, learning-rate decay 0 (PyTorch). Duchi et al. 2011.
    case adagrad(
        epsilon: Float = 1e-10, initialAccumulator: Float = 0, learningRateDecay: Float = 0)

    /// PyTorch's default learning rate for this rule: 1e-3 for SGD, Adam and AdamW; 1e-2 for
    /// RMSprop and Adagrad.
    public var defaultLearningRate: Float {
        switch self {
        case .sgd, .adam, .adamW: return 1e-3
        case .rmsprop, .adagrad: return 1e-2
        }
    }

    /// Names of the per-parameter state tensors (PyTorch's names).
    public var slotNames: [String] {
        switch self {
        case .sgd(let momentum, _, _): return momentum != 0 ? ["momentum_buffer"] : []
        case .adam, .adamW: return ["exp_avg", "exp_avg_sq"]
        case .rmsprop(_, _, let momentum, let centered):
            return ["square_avg"] + (momentum > 0 ? ["momentum_buffer"] : [])
                + (centered ? ["grad_avg"] : [])
        case .adagrad: return ["sum"]
        }
    }
}

/// A weight penalty added to the loss (Keras `kernel_regularizer`): it applies to penalised
/// tensors only (Dense weights, not biases). Rules REG-L1-RANGE, REG-L2-RANGE, REG-L1-XOR-L2.
public enum Penalty: Codable, Equatable, Sendable {
    /// No penalty.
    case none
    /// `lambda * sum |w|`; gradient `lambda * sign(w)`.
    case l1(Float)
    /// `lambda * sum w^2`; gradient `2 lambda w` (Keras `l2`, not PyTorch `weight_decay`).
    case l2(Float)
}

/// Gradient clipping with Keras semantics (rule CLIP-DEFAULTS), applied after the penalty and
/// before the update rule.
public enum Clipping: Codable, Equatable, Sendable {
    /// No clipping.
    case none
    /// Keras `clipnorm`: each tensor's gradient `g * c / max(||g||, c)`.
    case norm(Float)
    /// Keras `global_clipnorm`: every gradient `g * c / max(global norm, c)`.
    case globalNorm(Float)
    /// Keras `clipvalue`: each element clamped to `[-c, c]`.
    case value(Float)
}

/// Everything that configures an optimizer, as a value.
public struct OptimizerDescription: Codable, Equatable, Sendable {
    /// The update rule and its hyperparameters.
    public var rule: UpdateRule
    /// The base learning rate (a schedule scales it).
    public var learningRate: Float
    /// L1 or L2 penalty (default none).
    public var penalty: Penalty
    /// Gradient clipping (default none).
    public var clipping: Clipping

    /// A description.
    /// - Parameters:
    ///   - rule: the update rule (default Adam with PyTorch defaults, OPT-DEFAULT).
    ///   - learningRate: base rate (default: the rule's PyTorch default).
    ///   - penalty: weight penalty (default none).
    ///   - clipping: gradient clipping (default none).
    public init(
        rule: UpdateRule = .adam(), learningRate: Float? = nil, penalty: Penalty = .none,
        clipping: Clipping = .none
    ) {
        self.rule = rule
        self.learningRate = learningRate ?? rule.defaultLearningRate
        self.penalty = penalty
        self.clipping = clipping
    }
}

/// An optimizer's saved state: the step count and every slot tensor, named
/// `layers.0.weight.exp_avg` and so on.
public struct OptimizerState: Codable, Equatable, Sendable {
    /// Steps taken.
    public var step: Int
    /// Slot tensors.
    public var tensors: [NamedTensor]
}

/// An optimizer: one per-parameter update rule applied over the model's parameter walk.
///
/// `update(_:learningRate:)` walks the trainable tensors in order; for each it adds the penalty
/// gradient, clips, applies the rule, and records norms for the diagnostics. State is kept per
/// tensor in walk order (no lookups by name in a step) and exported by name.
public struct Optimizer: Sendable {
    /// The configuration.
    public let configuration: OptimizerDescription
    /// Steps taken so far (PyTorch's `step`, used by bias corrections).
    public private(set) var step = 0

    /// Slot tensors, flat: tensor `i`'s slot `s` is at `i * slotCount + s`.
    private var slots: [[Float]] = []
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
    }

    private mutating func prepare(_ model: Sequential) {
        guard names.isEmpty else { return }
        let slotCount = configuration.rule.slotNames.count
        var initial: Float = 0
        if case .adagrad(_, let accumulator, _) = configuration.rule { initial = accumulator }
        var newSlots: [[Float]] = []
        var newNames: [ParameterName] = []
        model.visitParameters { name, parameter in
            guard parameter.isTrainable else { return }
            newNames.append(name)
            for _ in 0..<slotCount {
                newSlots.append([Float](repeating: initial, count: parameter.value.count))
            }
        }
        names = newNames
        slots = newSlots
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
                        ? lw_penalize_sum_squares(count, w.baseAddress, g.baseAddress, l1, l2)
                        : lw_sum_squares(count, g.baseAddress)
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
        model.visitParameters { _, parameter in
            guard parameter.isTrainable else { return }
            let count = parameter.value.count
            var scale = globalScale
            var clipValue = Float.infinity
            switch clipping {
            case .norm(let c): scale = c / max(gradientNorms[index], c)
            case .value(let c): clipValue = c
            default: break
            }
            parameter.value.withUnsafeMutableBufferPointer { w in
                parameter.gradient.withUnsafeMutableBufferPointer { g in
                    // The rules with a C kernel return the squared norms of the change and of
                    // the new weights from the same pass (no extra reads for the diagnostics).
                    let squares = applyRule(
                        index: index, w.baseAddress!, g.baseAddress!, count, scale: scale,
                        clipValue: clipValue, learningRate: learningRate)
                    updateNorms[index] = squares.update.squareRoot()
                    weightNorms[index] = squares.weight.squareRoot()
                }
            }
            index += 1
        }
        return true
    }

    /// The rule for one tensor: `g` holds the (penalised) gradient on entry and the applied
    /// change on exit. SGD and Adam/AdamW run in C kernels (`lw_sgd_step`, `lw_adam_step`);
    /// RMSprop and Adagrad are Swift loops.
    /// - Returns: the sums of squares of the change and of the new weights.
    private mutating func applyRule(
        index: Int, _ w: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>,
        _ count: Int, scale: Float, clipValue: Float, learningRate lr: Float
    ) -> (update: Float, weight: Float) {
        var squares: (Float, Float) = (0, 0)
        switch configuration.rule {
        case .sgd(let momentum, let dampening, let nesterov):
            withUnsafeMutableBytes(of: &squares) { raw in
                let out = raw.baseAddress!.assumingMemoryBound(to: Float.self)
                if momentum == 0 {
                    lw_sgd_step(
                        count, w, g, nil, lr, 0, 0, 0, 0, scale, clipValue, out)
                    return
                }
                slots[index * slotCount].withUnsafeMutableBufferPointer { buffer in
                    lw_sgd_step(
                        count, w, g, buffer.baseAddress, lr, momentum, dampening,
                        nesterov ? 1 : 0, step == 1 ? 1 : 0, scale, clipValue, out)
                }
            }
            return squares
        case .adam(let beta1, let beta2, let epsilon), .adamW(let beta1, let beta2, let epsilon, _):
            var decayFactor: Float = 1
            if case .adamW(_, _, _, let decay) = configuration.rule, decay != 0 {
                decayFactor = 1 - lr * decay
            }
            let correction1 = 1 - powDouble(Double(beta1), Double(step))
            let correction2 = 1 - powDouble(Double(beta2), Double(step))
            let stepSize = Float(Double(lr) / correction1)
            let correction2Root = Float(correction2.squareRoot())
            // Swapped out (no copy, no allocation) so both can be written at once.
            var firstSlot = takeSlot(index, 0)
            var secondSlot = takeSlot(index, 1)
            withUnsafeMutableBytes(of: &squares) { raw in
                let out = raw.baseAddress!.assumingMemoryBound(to: Float.self)
                firstSlot.withUnsafeMutableBufferPointer { m in
                    secondSlot.withUnsafeMutableBufferPointer { v in
                        lw_adam_step(
                            count, w, g, m.baseAddress, v.baseAddress, scale, clipValue, beta1,
                            beta2, epsilon, stepSize, correction2Root, decayFactor, out)
                    }
                }
            }
            putSlot(index, 0, &firstSlot)
            putSlot(index, 1, &secondSlot)
            return squares
        default:
            applySwiftRule(
                index: index, w, g, count, scale: scale, clipValue: clipValue, learningRate: lr)
            return (lw_sum_squares(count, g), lw_sum_squares(count, w))
        }
    }

    /// The rules without a C kernel (RMSprop, Adagrad).
    private mutating func applySwiftRule(
        index: Int, _ w: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>,
        _ count: Int, scale: Float, clipValue: Float, learningRate lr: Float
    ) {
        let t = step
        @inline(__always) func gradient(_ i: Int) -> Float {
            let v = g[i] * scale
            return min(max(v, -clipValue), clipValue)
        }
        switch configuration.rule {
        case .sgd, .adam, .adamW:
            return  // C kernels (applyRule)
        case .rmsprop(let alpha, let epsilon, let momentum, let centered):
            var squares = takeSlot(index, 0)
            var buffers = momentum > 0 ? takeSlot(index, 1) : []
            var means = centered ? takeSlot(index, momentum > 0 ? 2 : 1) : []
            for i in 0..<count {
                let d = gradient(i)
                let square = squares[i] * alpha + (1 - alpha) * d * d
                squares[i] = square
                var average = square
                if centered {
                    let mean = means[i] + (1 - alpha) * (d - means[i])
                    means[i] = mean
                    average = square - mean * mean
                }
                let denominator = average.squareRoot() + epsilon
                let delta: Float
                if momentum > 0 {
                    let buffer = buffers[i] * momentum + d / denominator
                    buffers[i] = buffer
                    delta = -lr * buffer
                } else {
                    delta = -lr * (d / denominator)
                }
                w[i] += delta
                g[i] = delta
            }
            putSlot(index, 0, &squares)
            if momentum > 0 { putSlot(index, 1, &buffers) }
            if centered { putSlot(index, momentum > 0 ? 2 : 1, &means) }
        case .adagrad(let epsilon, _, let decay):
            let rate = lr / (1 + Float(t - 1) * decay)
            slots[index * slotCount].withUnsafeMutableBufferPointer { sumBuffer in
                let sum = sumBuffer.baseAddress!
                for i in 0..<count {
                    let d = gradient(i)
                    sum[i] += d * d
                    let delta = -rate * (d / (sum[i].squareRoot() + epsilon))
                    w[i] += delta
                    g[i] = delta
                }
            }
        }
    }

    private mutating func takeSlot(_ index: Int, _ slot: Int) -> [Float] {
        var taken: [Float] = []
        swap(&taken, &slots[index * slotCount + slot])
        return taken
    }

    private mutating func putSlot(_ index: Int, _ slot: Int, _ values: inout [Float]) {
        swap(&values, &slots[index * slotCount + slot])
    }

    /// The step count and every slot tensor by name.
    public func exportState() -> OptimizerState {
        var tensors: [NamedTensor] = []
        let slotNames = configuration.rule.slotNames
        for (index, name) in names.enumerated() {
            for (slot, slotName) in slotNames.enumerated() {
                let values = slots[index * slotCount + slot]
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
        var copy = Optimizer(configuration)
        copy.prepare(model)
        copy.step = state.step
        if state.step == 0 && state.tensors.isEmpty {
            self = copy
            return
        }
        var byName: [String: NamedTensor] = [:]
        for tensor in state.tensors { byName[tensor.name] = tensor }
        let slotNames = configuration.rule.slotNames
        var used = 0
        for (index, name) in copy.names.enumerated() {
            for (slot, slotName) in slotNames.enumerated() {
                let key = "\(name).\(slotName)"
                guard let tensor = byName[key] else { throw EngineError.missingTensor(name: key) }
                let position = index * copy.slotCount + slot
                guard tensor.values.count == copy.slots[position].count else {
                    throw EngineError.shapeMismatch(
                        name: key, expected: [copy.slots[position].count], found: tensor.shape)
                }
                copy.slots[position] = tensor.values
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

/// Sum of squares in a fixed order (`lw_sum_squares`: deterministic for a given kernel path).
func sumOfSquares(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
    lw_sum_squares(count, x)
}
