/// An optimizer's update rule for one tensor: what `SGD`, `Adam`, `AdamW`, `RMSprop` and
/// `Adagrad` implement, in the manner of mlx-swift's `applySingle`.
///
/// `ModelOptimizer` applies a rule over a model: it walks the trainable tensors, adds the
/// weight penalty to each gradient, works out the clipping (`GradientClip`), keeps the rule's
/// per-tensor state and calls `update` once per tensor and step. A rule only updates.
public protocol Optimizer: Sendable {
    /// Names of the per-tensor state slots, in storage order (PyTorch's names: `exp_avg`...).
    var slotNames: [String] { get }

    /// The value every state slot starts at (default 0; Adagrad's initial accumulator).
    var initialSlotValue: Float { get }

    /// Applies one step to one tensor.
    /// - Parameters:
    ///   - parameter: the values, updated in place.
    ///   - gradient: on entry the gradient (penalty included, not yet clipped); on exit the
    ///     change applied to `parameter`.
    ///   - state: the tensor's slots, `slotNames.count` runs of `parameter.count` floats in
    ///     `slotNames` order (empty without slots).
    ///   - clip: the clipping to apply to each gradient element before the rule.
    ///   - step: the 1-based step number (for bias corrections and decays).
    ///   - learningRate: the rate for this step.
    /// - Returns: the sums of squares of the change and of the new values when the rule's
    ///   kernel computes them in the same pass; nil to have the caller compute them.
    func update(
        parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>,
        state: UnsafeMutableBufferPointer<Float>, clip: GradientClip, step: Int,
        learningRate: Float
    ) -> (update: Float, weight: Float)?
}

extension Optimizer {
    public var initialSlotValue: Float { 0 }
}

/// How each gradient element is clipped before an update rule uses it: scaled (Keras
/// `clipnorm` / `global_clipnorm`, worked out per tensor by `ModelOptimizer`), then clamped to
/// `[-limit, limit]` (Keras `clipvalue`).
public struct GradientClip: Sendable, Equatable {
    /// Factor on every element (1: none).
    public var scale: Float
    /// Bound on each scaled element (infinity: none).
    public var limit: Float

    /// A clip.
    /// - Parameters:
    ///   - scale: the factor (default 1).
    ///   - limit: the element bound (default infinity).
    public init(scale: Float = 1, limit: Float = .infinity) {
        self.scale = scale
        self.limit = limit
    }

    /// The clipped element, `clamp(g * scale, -limit, limit)`.
    @inline(__always)
    public func callAsFunction(_ g: Float) -> Float {
        min(max(g * scale, -limit), limit)
    }
}
