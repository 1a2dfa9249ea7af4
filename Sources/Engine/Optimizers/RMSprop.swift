/// RMSprop, PyTorch's `torch.optim.RMSprop`: `sq = alpha sq + (1 - alpha) g^2`, step
/// `g / (sqrt(sq) + eps)`; centered, `sq` less the squared running mean gradient; with
/// momentum, `buf = momentum buf + step` and `w -= lr buf`. Defaults alpha 0.99, eps 1e-8,
/// momentum 0, not centered. Hinton, Coursera "Neural networks for machine learning",
/// lecture 6e, 2012.
public struct RMSprop: Optimizer {
    /// Decay of the squared-gradient average (default 0.99).
    public var alpha: Float
    /// Added to the denominator (default 1e-8).
    public var epsilon: Float
    /// Momentum factor (default 0: none).
    public var momentum: Float
    /// Normalise by the gradient's variance rather than its second moment (default false).
    public var centered: Bool

    /// An RMSprop rule.
    /// - Parameters:
    ///   - alpha: squared-average decay (default 0.99).
    ///   - epsilon: denominator term (default 1e-8).
    ///   - momentum: momentum factor (default 0).
    ///   - centered: centered variant (default false).
    public init(
        alpha: Float = 0.99, epsilon: Float = 1e-8, momentum: Float = 0, centered: Bool = false
    ) {
        self.alpha = alpha
        self.epsilon = epsilon
        self.momentum = momentum
        self.centered = centered
    }

    public var slotNames: [String] {
        ["square_avg"] + (momentum > 0 ? ["momentum_buffer"] : []) + (centered ? ["grad_avg"] : [])
    }

    public func update(
        parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>,
        state: UnsafeMutableBufferPointer<Float>, clip: GradientClip, step: Int,
        learningRate lr: Float
    ) -> (update: Float, weight: Float)? {
        let count = parameter.count
        let w = parameter.baseAddress!
        let g = gradient.baseAddress!
        // The slots in `slotNames` order.
        let squares = state.baseAddress!
        let buffers = squares + count
        let means = momentum > 0 ? squares + 2 * count : squares + count
        for i in 0..<count {
            let d = clip(g[i])
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
        return nil
    }
}
