/// Stochastic gradient descent with optional momentum, PyTorch's `torch.optim.SGD`:
/// `buf = momentum buf + (1 - dampening) g` (buf = g on the first step), direction
/// `g + momentum buf` with Nesterov, else `buf` (plain `g` without momentum), then
/// `w -= lr direction`. Sutskever et al. 2013, "On the importance of initialization and
/// momentum in deep learning". Runs in one C kernel pass (`lw_sgd_step`).
public struct SGD: Optimizer {
    /// Momentum factor (default 0: plain SGD).
    public var momentum: Float
    /// Dampening of the gradient in the momentum buffer (default 0).
    public var dampening: Float
    /// Nesterov momentum (default false).
    public var nesterov: Bool

    /// An SGD rule.
    /// - Parameters:
    ///   - momentum: momentum factor (default 0).
    ///   - dampening: dampening (default 0).
    ///   - nesterov: Nesterov momentum (default false).
    public init(momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false) {
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
    }

    public var slotNames: [String] { momentum != 0 ? ["momentum_buffer"] : [] }

    public func update(
        parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>,
        state: UnsafeMutableBufferPointer<Float>, clip: GradientClip, step: Int,
        learningRate: Float
    ) -> (update: Float, weight: Float)? {
        guard momentum != 0 else {
            return CPUKernels.sgdStep(
                count: parameter.count, weights: parameter.baseAddress!,
                gradient: gradient.baseAddress!, momentumBuffer: nil, learningRate: learningRate,
                momentum: 0, dampening: 0, nesterov: false, isFirstStep: false,
                scale: clip.scale, clip: clip.limit)
        }
        return CPUKernels.sgdStep(
            count: parameter.count, weights: parameter.baseAddress!,
            gradient: gradient.baseAddress!, momentumBuffer: state.baseAddress,
            learningRate: learningRate, momentum: momentum, dampening: dampening,
            nesterov: nesterov, isFirstStep: step == 1, scale: clip.scale, clip: clip.limit)
    }
}
