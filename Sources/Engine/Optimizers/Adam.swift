/// Adam, PyTorch's `torch.optim.Adam` (single-tensor form): `m += (1 - beta1)(g - m)`,
/// `v = beta2 v + (1 - beta2) g^2`, `w -= lr / (1 - beta1^t) m / (sqrt(v) / sqrt(1 - beta2^t)
/// + eps)`. Defaults betas 0.9 / 0.999, eps 1e-8. Kingma and Ba 2015, "Adam: a method for
/// stochastic optimization". Runs in one C kernel pass (`lw_adam_step`).
public struct Adam: Optimizer {
    /// First-moment decay (default 0.9).
    public var beta1: Float
    /// Second-moment decay (default 0.999).
    public var beta2: Float
    /// Added to the denominator (default 1e-8).
    public var epsilon: Float

    /// An Adam rule.
    /// - Parameters:
    ///   - beta1: first-moment decay (default 0.9).
    ///   - beta2: second-moment decay (default 0.999).
    ///   - epsilon: denominator term (default 1e-8).
    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public var slotNames: [String] { ["exp_avg", "exp_avg_sq"] }

    public func update(
        parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>,
        state: UnsafeMutableBufferPointer<Float>, clip: GradientClip, step: Int,
        learningRate: Float
    ) -> (update: Float, weight: Float)? {
        adamStep(
            parameter: parameter, gradient: gradient, state: state, clip: clip, step: step,
            learningRate: learningRate, decayFactor: 1)
    }

    /// The step shared with `AdamW`, whose decoupled decay multiplies the weights by
    /// `decayFactor` before it.
    func adamStep(
        parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>,
        state: UnsafeMutableBufferPointer<Float>, clip: GradientClip, step: Int,
        learningRate: Float, decayFactor: Float
    ) -> (update: Float, weight: Float) {
        // Bias corrections in double precision, as PyTorch computes them in Python floats.
        let correction1 = 1 - powDouble(Double(beta1), Double(step))
        let correction2 = 1 - powDouble(Double(beta2), Double(step))
        let stepSize = Float(Double(learningRate) / correction1)
        let correction2Root = Float(correction2.squareRoot())
        let count = parameter.count
        return CPUKernels.adamStep(
            count: count, weights: parameter.baseAddress!, gradient: gradient.baseAddress!,
            firstMoment: state.baseAddress!, secondMoment: state.baseAddress! + count,
            scale: clip.scale, clip: clip.limit, beta1: beta1, beta2: beta2, epsilon: epsilon,
            stepSize: stepSize, correction2Root: correction2Root, decayFactor: decayFactor)
    }
}
