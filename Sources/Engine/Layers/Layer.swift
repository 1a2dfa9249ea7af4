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
/// The protocol is what every layer has. What only some layers have is a separate protocol
/// they adopt: `ConstrainedLayer` (a weight constraint, Dense max-norm) and `ActivityTracking`
/// (dead-unit statistics, ReLU). Fusions across layers (a Dense and the ReLU after it run as
/// one product) are stages that `Sequential` builds (`FusedDenseReLU`), not layer methods.
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
}

/// A layer with a weight constraint that is re-imposed after each optimizer step (Dense
/// max-norm). `Sequential.applyConstraints()` calls it on the layers that adopt it.
public protocol ConstrainedLayer: Layer {
    /// Re-imposes the constraint on the current weights.
    mutating func applyConstraints()
}

/// A layer that keeps activity statistics over training forwards for the diagnostics
/// (ReLU's dead units, DIAG-DEAD-RELU).
public protocol ActivityTracking: Layer {
    /// Starts a new window of statistics.
    mutating func resetActivityStatistics()

    /// Fraction of units that never activated in training since the last reset; nil before
    /// any training forward.
    var deadUnitFraction: Double? { get }
}

extension Layer {
    public mutating func visitParameters(
        _ body: (_ name: String, _ parameter: inout Parameter) -> Void
    ) {}

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

extension Array where Element: Numeric {
    /// Grows (never shrinks) to at least `count` elements; used for per-batch caches.
    @inline(__always)
    mutating func ensureCount(_ count: Int) {
        if self.count < count { append(contentsOf: repeatElement(0, count: count - self.count)) }
    }
}
