/// Adagrad, PyTorch's `torch.optim.Adagrad`: `sum += g^2`, then
/// `w -= lr / (1 + (t - 1) decay) * g / (sqrt(sum) + eps)`. Defaults eps 1e-10, initial
/// accumulator 0, learning-rate decay 0. Duchi, Hazan and Singer 2011, "Adaptive subgradient
/// methods for online learning and stochastic optimization".
public struct Adagrad: Optimizer {
    /// Added to the denominator (default 1e-10).
    public var epsilon: Float
    /// The value the sum of squares starts at (default 0).
    public var initialAccumulator: Float
    /// Learning-rate decay per step (default 0).
    public var learningRateDecay: Float

    /// An Adagrad rule.
    /// - Parameters:
    ///   - epsilon: denominator term (default 1e-10).
    ///   - initialAccumulator: starting sum of squares (default 0).
    ///   - learningRateDecay: rate decay per step (default 0).
    public init(epsilon: Float = 1e-10, initialAccumulator: Float = 0, learningRateDecay: Float = 0)
    {
        self.epsilon = epsilon
        self.initialAccumulator = initialAccumulator
        self.learningRateDecay = learningRateDecay
    }

    public var slotNames: [String] { ["sum"] }

    public var initialSlotValue: Float { initialAccumulator }

    public func update(
        parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>,
        state: UnsafeMutableBufferPointer<Float>, clip: GradientClip, step: Int,
        learningRate lr: Float
    ) -> (update: Float, weight: Float)? {
        let rate = lr / (1 + Float(step - 1) * learningRateDecay)
        let w = parameter.baseAddress!
        let g = gradient.baseAddress!
        let sum = state.baseAddress!
        for i in 0..<parameter.count {
            let d = clip(g[i])
            sum[i] += d * d
            let delta = -rate * (d / (sum[i].squareRoot() + epsilon))
            w[i] += delta
            g[i] = delta
        }
        return nil
    }
}
