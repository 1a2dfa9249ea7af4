import Random

/// One tensor of a layer's state, with its gradient when it is trained.
///
/// Trainable parameters (a Dense weight, a BatchNorm scale...) carry a gradient of the same
/// size, written by the layer's `backward`. Non-trainable state (BatchNorm running statistics)
/// has an empty gradient and is updated by `forward` in training mode.
public struct Parameter: Sendable, Equatable {
    /// Row-major values.
    public var value: [Float]
    /// d loss / d value from the last `backward`; empty when not trainable.
    public var gradient: [Float]
    /// Dimensions, outermost first (a Dense weight is `[outputWidth, inputWidth]`).
    public let shape: [Int]
    /// Whether the optimizer updates it (false for running statistics).
    public let isTrainable: Bool
    /// Whether L1/L2 penalties apply to it (Keras `kernel_regularizer`: weights, not biases).
    public let isPenalized: Bool

    /// A parameter over `values`.
    /// - Parameters:
    ///   - values: row-major values; count = product of `shape`.
    ///   - shape: dimensions.
    ///   - isTrainable: trained by the optimizer (default true).
    ///   - isPenalized: L1/L2 penalties apply (default false).
    public init(values: [Float], shape: [Int], isTrainable: Bool = true, isPenalized: Bool = false)
    {
        precondition(values.count == shape.reduce(1, *), "Parameter values do not match shape")
        self.value = values
        self.gradient = isTrainable ? [Float](repeating: 0, count: values.count) : []
        self.shape = shape
        self.isTrainable = isTrainable
        self.isPenalized = isPenalized
    }
}

/// What a forward pass needs besides its input: the mode and the generator for dropout.
public struct ForwardContext: Sendable {
    /// Training mode (dropout active, batch statistics) or inference mode.
    public var isTraining: Bool
    /// The generator every stochastic layer draws from, in layer order.
    public var generator: SeededGenerator

    /// A context.
    /// - Parameters:
    ///   - isTraining: training mode.
    ///   - generator: the dropout generator (default: seed 0, unused in inference).
    public init(isTraining: Bool, generator: SeededGenerator = SeededGenerator(seed: 0)) {
        self.isTraining = isTraining
        self.generator = generator
    }
}

/// A neural-network layer: a struct mapping a batch (rows = examples) to a batch.
///
/// In the style of tensorflow/swift-apis and mlx-swift: `layer(x)` runs inference on a
/// `Matrix`. The training path is `forward` / `backward` on borrowed views into buffers that a
/// `Sequential` owns, so that a training step allocates nothing: layers keep what they need
/// between the two calls (a dropout mask, batch statistics) in their own storage, which only
/// grows when a batch is larger than any before.
///
/// Backward passes are written by hand; tests check each against central finite differences.
public protocol Layer: Sendable {
    /// Columns of the input.
    var inputWidth: Int { get }
    /// Columns of the output.
    var outputWidth: Int { get }

    /// Computes the output of `input` into `output` (shaped `input.rows x outputWidth`).
    /// - Parameters:
    ///   - input: the batch, `rows x inputWidth`.
    ///   - output: where to write, `rows x outputWidth`; must not alias `input`.
    ///   - context: training or inference mode, and the dropout generator.
    mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext)

    /// Back-propagates `outputGradient` through the last `forward` on the same `input`.
    ///
    /// Overwrites the gradients of this layer's trainable parameters, and writes d loss /
    /// d input into `inputGradient` when it is given (the first layer needs none).
    /// - Parameters:
    ///   - input: the input of the last `forward`.
    ///   - output: the output of the last `forward`.
    ///   - outputGradient: d loss / d output.
    ///   - inputGradient: where to write d loss / d input, or nil to skip it.
    mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?)

    /// Calls `body` on each parameter with its stable local name (`weight`, `bias`,
    /// `running_mean`, `running_var`), in a fixed order. Default: no parameters.
    mutating func visitParameters(_ body: (_ name: String, _ parameter: inout Parameter) -> Void)

    /// Re-imposes weight constraints after an optimizer step (Dense max-norm). Default: none.
    mutating func applyConstraints()

    /// Starts a new window of activity statistics (dead-unit counting). Default: none.
    mutating func resetActivityStatistics()

    /// Fraction of units that never activated in training since the last reset, for layers
    /// that can die (ReLU; DIAG-DEAD-RELU); nil for the others.
    var deadUnitFraction: Double? { get }

    /// Forward fused with a following ReLU (bias and ReLU applied as the product writes its
    /// output), keeping that ReLU's statistics through `activationMaxima`. Returns false, doing
    /// nothing, for layers that cannot fuse (the default); `Dense` can.
    mutating func forwardFusingReLU(
        _ input: MatrixView, into output: MutableMatrixView,
        activationMaxima: UnsafeMutablePointer<Float>?
    ) -> Bool

    /// Backward through this layer and a following ReLU whose output is `activation` and
    /// whose upstream gradient is `upstream`: masks it into `maskedGradient` (d loss / d this
    /// layer's output) while summing the bias gradient, then back-propagates as `backward`.
    /// Returns false, doing nothing, for layers that cannot fuse (the default).
    mutating func backwardFusingReLU(
        input: MatrixView, activation: MatrixView, upstream: MatrixView,
        maskedGradient: MutableMatrixView, inputGradient: MutableMatrixView?
    ) -> Bool

    /// Calls `body` with a ReLU's per-unit maxima storage, marking its statistics as taken
    /// (the ReLU's forward was fused into the layer before it). Default: body(nil).
    mutating func withActivationMaxima(_ body: (UnsafeMutablePointer<Float>?) -> Void)

    /// Backward inside a chain of products fused with ReLUs (Dense, ReLU, this, ReLU...),
    /// where each ReLU's backward is applied by the product that makes its gradient.
    /// Returns false, doing nothing, for layers that cannot (the default); `Dense` can.
    /// - Parameters:
    ///   - input: the input of the last `forward`.
    ///   - outputGradient: d loss / d output; when `outputGradientSums` is given it was made
    ///     by the layer above through this layer's following ReLU, and those are its column
    ///     sums (this layer's bias gradient).
    ///   - inputGradient: where d loss / d input goes (see `InputGradient`).
    mutating func backward(
        input: MatrixView, outputGradient: MatrixView, outputGradientSums: UnsafePointer<Float>?,
        inputGradient: InputGradient
    ) -> Bool
}

/// Where a layer's backward writes d loss / d input.
public enum InputGradient {
    /// Not wanted (the first layer).
    case none
    /// Into this buffer.
    case plain(MutableMatrixView)
    /// Through the ReLU before the layer, whose output is `activation`: writes
    /// `activation > 0 ? dX : 0` (d loss / d the ReLU's input) into the buffer and its column
    /// sums into `columnSums` (the bias gradient of the Dense before that ReLU), from the same
    /// pass that computes dX (`lw_sgemm_relu_backward`).
    case throughReLU(
        MutableMatrixView, activation: MatrixView, columnSums: UnsafeMutablePointer<Float>)
}

extension Layer {
    public mutating func visitParameters(
        _ body: (_ name: String, _ parameter: inout Parameter) -> Void
    ) {}
    public mutating func applyConstraints() {}
    public mutating func resetActivityStatistics() {}
    public var deadUnitFraction: Double? { nil }
    public mutating func forwardFusingReLU(
        _ input: MatrixView, into output: MutableMatrixView,
        activationMaxima: UnsafeMutablePointer<Float>?
    ) -> Bool { false }
    public mutating func backwardFusingReLU(
        input: MatrixView, activation: MatrixView, upstream: MatrixView,
        maskedGradient: MutableMatrixView, inputGradient: MutableMatrixView?
    ) -> Bool { false }
    public mutating func withActivationMaxima(_ body: (UnsafeMutablePointer<Float>?) -> Void) {
        body(nil)
    }
    public mutating func backward(
        input: MatrixView, outputGradient: MatrixView, outputGradientSums: UnsafePointer<Float>?,
        inputGradient: InputGradient
    ) -> Bool { false }

    /// Inference on a batch: returns the output matrix (allocates; the training path does not).
    /// - Parameter input: `rows x inputWidth`.
    public func callAsFunction(_ input: Matrix) -> Matrix {
        precondition(
            input.columns == inputWidth,
            "Input has \(input.columns) columns, the layer expects \(inputWidth)")
        var copy = self
        var output = Matrix(rows: input.rows, columns: outputWidth)
        var context = ForwardContext(isTraining: false)
        input.withView { inputView in
            output.withMutableView { outputView in
                copy.forward(inputView, into: outputView, context: &context)
            }
        }
        return output
    }
}

extension Array where Element == Float {
    /// Grows (never shrinks) to at least `count` elements; used for per-batch caches.
    @inline(__always)
    mutating func ensureCount(_ count: Int) {
        if self.count < count { append(contentsOf: repeatElement(0, count: count - self.count)) }
    }
}
