// The smooth and row-wise activation layers (tanh, sigmoid, Swish, GELU, identity, maxout,
// softmax), and the elementwise passes every activation layer uses.

// MARK: - Elementwise passes

/// `y = f(x)`, elementwise.
@inline(__always)
func mapElements(
    _ input: MatrixView, _ output: MutableMatrixView, _ f: (Float) -> Float
) {
    let x = input.base
    let y = output.base
    for i in 0..<input.count { y[i] = f(x[i]) }
}

/// `dx = dy * f'(x, y)`, elementwise.
@inline(__always)
func mapGradient(
    _ input: MatrixView, _ output: MatrixView, _ outputGradient: MatrixView,
    _ inputGradient: MutableMatrixView?, _ derivative: (Float, Float) -> Float
) {
    guard let inputGradient else { return }
    let x = input.base
    let y = output.base
    let dy = outputGradient.base
    let dx = inputGradient.base
    for i in 0..<input.count { dx[i] = dy[i] * derivative(x[i], y[i]) }
}

@inline(__always)
func stableSigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + expFloat(-x)) }
    let e = expFloat(x)
    return e / (1 + e)
}

let seluScale: Float = 1.050_700_987_355_480_5
let seluAlpha: Float = 1.673_263_242_354_377_3

public struct Tanh: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }

    /// A tanh over `width` columns.
    public init(width: Int) { inputWidth = width }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        CPUKernels.tanh(count: input.count, input.base, into: output.base)
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        mapGradient(input, output, outputGradient, inputGradient) { _, y in 1 - y * y }
    }
}

/// Logistic sigmoid, computed without overflow for large |x|.
public struct Sigmoid: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }

    /// A sigmoid over `width` columns.
    public init(width: Int) { inputWidth = width }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        CPUKernels.sigmoid(count: input.count, input.base, into: output.base)
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        mapGradient(input, output, outputGradient, inputGradient) { _, y in y * (1 - y) }
    }
}

/// Swish / SiLU, `x * sigmoid(x)`. Ramachandran et al. 2017; Elfwing et al. 2018.
///
/// The forward keeps `sigmoid(x)` (computed 16 lanes at a time, `CPUKernels.sigmoid`) for the
/// backward pass, as Dropout keeps its mask: libm's expf, one element at a time and again in
/// backward, was a seventh of a Swish network's training.
public struct Swish: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    /// `sigmoid(x)` of the last forward (its first `input.count` elements).
    private var kept: [Float] = []

    /// A Swish over `width` columns.
    public init(width: Int) { inputWidth = width }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        let count = input.count
        kept.ensureCount(count)
        kept.withUnsafeMutableBufferPointer { s in
            let x = input.base
            let y = output.base
            CPUKernels.sigmoid(count: count, x, into: s.baseAddress!)
            for i in 0..<count { y[i] = x[i] * s[i] }
        }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        guard let inputGradient else { return }
        kept.withUnsafeBufferPointer { s in
            let y = output.base
            let dy = outputGradient.base
            let dx = inputGradient.base
            for i in 0..<input.count { dx[i] = dy[i] * (s[i] + y[i] * (1 - s[i])) }
        }
    }
}

/// GELU in the exact form `x * Phi(x)` (PyTorch's default). Hendrycks and Gimpel 2016.
///
/// The forward computes `Phi(x) + x phi(x)` beside the output (16 lanes at a time,
/// `CPUKernels.gelu`) and keeps it for backward, as Swish keeps its sigmoid: libm's erff and
/// expf, one element at a time, took most of a GELU network's training.
public struct GELU: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    /// `Phi(x) + x phi(x)` of the last forward (its first `input.count` elements).
    private var kept: [Float] = []

    /// A GELU over `width` columns.
    public init(width: Int) { inputWidth = width }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        let count = input.count
        kept.ensureCount(count)
        kept.withUnsafeMutableBufferPointer { d in
            CPUKernels.gelu(count: count, input.base, into: output.base, derivative: d.baseAddress)
        }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        guard let inputGradient else { return }
        kept.withUnsafeBufferPointer { d in
            let dy = outputGradient.base
            let dx = inputGradient.base
            for i in 0..<input.count { dx[i] = dy[i] * d[i] }
        }
    }
}

/// The identity (a linear output); kept as a layer so configs can name it.
public struct Identity: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }

    /// An identity over `width` columns.
    public init(width: Int) { inputWidth = width }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        output.base.update(from: input.base, count: input.count)
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        inputGradient?.base.update(from: outputGradient.base, count: outputGradient.count)
    }
}

/// Maxout: output unit j is the maximum of inputs `j*pieces ..< (j+1)*pieces`, so a Dense layer
/// of `units * pieces` followed by `Maxout(pieces:)` gives `units` maxout units. The gradient
/// goes to the first maximal input. Goodfellow et al. 2013, "Maxout networks".
public struct Maxout: Layer {
    public let inputWidth: Int
    /// Inputs per output unit.
    public let pieces: Int
    public var outputWidth: Int { inputWidth / pieces }

    /// A maxout over `inputWidth` columns in groups of `pieces` (inputWidth divisible by it).
    public init(inputWidth: Int, pieces: Int) {
        precondition(pieces > 0 && inputWidth % pieces == 0, "Maxout width must divide by pieces")
        self.inputWidth = inputWidth
        self.pieces = pieces
    }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        let units = outputWidth
        let k = pieces
        for row in 0..<input.rows {
            let x = input.base + row * inputWidth
            let y = output.base + row * units
            for j in 0..<units {
                var best = x[j * k]
                for p in 1..<max(k, 1) where x[j * k + p] > best { best = x[j * k + p] }
                y[j] = best
            }
        }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        guard let inputGradient else { return }
        let units = outputWidth
        let k = pieces
        for row in 0..<input.rows {
            let x = input.base + row * inputWidth
            let dy = outputGradient.base + row * units
            let dx = inputGradient.base + row * inputWidth
            for j in 0..<units {
                var bestIndex = j * k
                for p in 1..<max(k, 1) where x[j * k + p] > x[bestIndex] { bestIndex = j * k + p }
                for p in 0..<k { dx[j * k + p] = 0 }
                dx[bestIndex] = dy[j]
            }
        }
    }
}

/// Row-wise softmax (max-subtracted, so it never overflows). For training with cross-entropy
/// the trainer fuses it into the loss (rule ACT-OUTPUT-MULTICLASS): see `Loss`.
public struct Softmax: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }

    /// A softmax over `width` columns.
    public init(width: Int) { inputWidth = width }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        softmaxRows(input, into: output)
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        guard let inputGradient else { return }
        let width = inputWidth
        for row in 0..<input.rows {
            let y = output.base + row * width
            let dy = outputGradient.base + row * width
            let dx = inputGradient.base + row * width
            var dot: Float = 0
            for j in 0..<width { dot += dy[j] * y[j] }
            for j in 0..<width { dx[j] = y[j] * (dy[j] - dot) }
        }
    }
}

/// Row-wise softmax of `input` into `output` (may be the same memory).
func softmaxRows(_ input: MatrixView, into output: MutableMatrixView) {
    let width = input.columns
    for row in 0..<input.rows {
        let x = input.base + row * width
        let y = output.base + row * width
        var largest = -Float.infinity
        for j in 0..<width where x[j] > largest { largest = x[j] }
        var sum: Float = 0
        for j in 0..<width {
            let e = expFloat(x[j] - largest)
            y[j] = e
            sum += e
        }
        let scale = 1 / sum
        for j in 0..<width { y[j] *= scale }
    }
}
