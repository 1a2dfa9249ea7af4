/// AdamW, PyTorch's `torch.optim.AdamW`: Adam with decoupled weight decay, the weights
/// multiplied by `1 - lr * weightDecay` before the Adam step (default decay 0.01; applied to
/// every trainable tensor, as PyTorch does with a single parameter group). Loshchilov and
/// Hutter 2019, "Decoupled weight decay regularization".
public struct AdamW: Optimizer {
    /// The Adam part (betas and epsilon).
    public var adam: Adam
    /// The decoupled decay (default 0.01).
    public var weightDecay: Float

    /// An AdamW rule.
    /// - Parameters:
    ///   - beta1: first-moment decay (default 0.9).
    ///   - beta2: second-moment decay (default 0.999).
    ///   - epsilon: denominator term (default 1e-8).
    ///   - weightDecay: decoupled decay (default 0.01).
    public init(
        beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01
    ) {
        adam = Adam(beta1: beta1, beta2: beta2, epsilon: epsilon)
        self.weightDecay = weightDecay
    }

    public var slotNames: [String] { adam.slotNames }

    public func update(
        parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>,
        state: UnsafeMutableBufferPointer<Float>, clip: GradientClip, step: Int,
        learningRate: Float
    ) -> (update: Float, weight: Float)? {
        // Fused into the Adam kernel's pass over the weights.
        let decayFactor = weightDecay != 0 ? 1 - learningRate * weightDecay : 1
        return adam.adamStep(
            parameter: parameter, gradient: gradient, state: state, clip: clip, step: step,
            learningRate: learningRate, decayFactor: decayFactor)
    }
}
