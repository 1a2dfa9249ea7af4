import CKernels

/// An activation function, as a description value (what a config names).
///
/// Each case has a layer struct (`ReLU`, `LeakyReLU`, ...) and a free function (`relu(_:)`,
/// ...). Rules ACT-HIDDEN-DEFAULT, ACT-HIDDEN-BETTER, ACT-HIDDEN-LAST-RESORT, ACT-HIDDEN-DEEP.
public enum Activation: Codable, Equatable, Sendable {
    /// `max(x, 0)`.
    case relu
    /// `x` for x > 0, else `slope * x` (default slope 0.01, as PyTorch).
    case leakyReLU(slope: Float = 0.01)
    /// Leaky ReLU with one learned slope per unit, starting at `initialSlope` (default 0.25,
    /// as PyTorch). He et al. 2015.
    case prelu(initialSlope: Float = 0.25)
    /// `x` for x > 0, else `alpha (e^x - 1)` (default alpha 1). Clevert et al. 2016.
    case elu(alpha: Float = 1)
    /// Scaled ELU with the self-normalising constants. Klambauer et al. 2017.
    case selu
    /// Hyperbolic tangent.
    case tanh
    /// Logistic sigmoid `1 / (1 + e^-x)`.
    case sigmoid
    /// Swish / SiLU: `x * sigmoid(x)`. Ramachandran et al. 2017.
    case swish
    /// GELU, exact erf form: `x * Phi(x)`. Hendrycks and Gimpel 2016.
    case gelu
    /// Maxout: the maximum of each group of `pieces` consecutive inputs; the output is
    /// `pieces` times narrower. Goodfellow et al. 2013.
    case maxout(pieces: Int)
    /// Row-wise softmax.
    case softmax
    /// The identity (a linear output).
    case identity

    /// The layer computing this activation on `width` input columns.
    /// - Parameter width: input columns.
    public func makeLayer(width: Int) -> any Layer {
        switch self {
        case .relu: return ReLU(width: width)
        case .leakyReLU(let slope): return LeakyReLU(width: width, slope: slope)
        case .prelu(let slope): return PReLU(width: width, initialSlope: slope)
        case .elu(let alpha): return ELU(width: width, alpha: alpha)
        case .selu: return SELU(width: width)
        case .tanh: return Tanh(width: width)
        case .sigmoid: return Sigmoid(width: width)
        case .swish: return Swish(width: width)
        case .gelu: return GELU(width: width)
        case .maxout(let pieces): return Maxout(inputWidth: width, pieces: pieces)
        case .softmax: return Softmax(width: width)
        case .identity: return Identity(width: width)
        }
    }
}

// MARK: - Elementwise kernels

@inline(__always)
private func mapElements(
    _ input: MatrixView, _ output: MutableMatrixView, _ f: (Float) -> Float
) {
    let x = input.base
    let y = output.base
    for i in 0..<input.count { y[i] = f(x[i]) }
}

/// `dx = dy * f'(x, y)`, elementwise.
@inline(__always)
private func mapGradient(
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
private let inverseSquareRootTwo: Float = 0.707_106_781_186_547_5
private let inverseSquareRootTwoPi: Float = 0.398_942_280_401_432_7

// MARK: - Layers

/// ReLU, `max(x, 0)`; counts units that never activate (DIAG-DEAD-RELU). Nair and Hinton 2010.
public struct ReLU: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    /// Per unit: the largest training output since the last reset (0 means never active).
    public private(set) var largestActivation: [Float]
    private var hasStatistics = false

    /// A ReLU over `width` columns.
    public init(width: Int) {
        inputWidth = width
        largestActivation = [Float](repeating: 0, count: width)
    }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        guard context.isTraining else {
            // `x < 0 ? 0 : x` rather than `x > 0 ? x : 0`: NaN propagates (DIAG-NONFINITE).
            lw_relu_forward(Int32(input.rows), Int32(inputWidth), input.base, output.base, nil)
            return
        }
        hasStatistics = true
        // The same pass keeps each unit's largest output (the dead-unit statistic).
        largestActivation.withUnsafeMutableBufferPointer { largest in
            lw_relu_forward(
                Int32(input.rows), Int32(inputWidth), input.base, output.base,
                largest.baseAddress)
        }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        guard let inputGradient else { return }
        lw_relu_backward(input.count, input.base, outputGradient.base, inputGradient.base)
    }

    public mutating func resetActivityStatistics() {
        hasStatistics = false
        for j in largestActivation.indices { largestActivation[j] = 0 }
    }

    public mutating func withActivationMaxima(_ body: (UnsafeMutablePointer<Float>?) -> Void) {
        hasStatistics = true
        largestActivation.withUnsafeMutableBufferPointer { body($0.baseAddress) }
    }

    public var deadUnitFraction: Double? {
        guard hasStatistics, inputWidth > 0 else { return nil }
        let dead = largestActivation.reduce(0) { $0 + ($1 > 0 ? 0 : 1) }
        return Double(dead) / Double(inputWidth)
    }
}

/// Leaky ReLU: `x` for x > 0, else `slope * x`. Maas et al. 2013.
public struct LeakyReLU: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    /// The negative slope (default 0.01).
    public var slope: Float

    /// A Leaky ReLU over `width` columns with negative `slope` (default 0.01).
    public init(width: Int, slope: Float = 0.01) {
        inputWidth = width
        self.slope = slope
    }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        let a = slope
        mapElements(input, output) { $0 > 0 ? $0 : a * $0 }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        let a = slope
        mapGradient(input, output, outputGradient, inputGradient) { x, _ in x > 0 ? 1 : a }
    }
}

/// PReLU: Leaky ReLU with one learned slope per unit (parameter `weight`, shape `[width]`, not
/// penalised). He et al. 2015, "Delving deep into rectifiers".
public struct PReLU: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    /// The slopes, one per unit.
    public var slopes: Parameter

    /// A PReLU over `width` columns, slopes starting at `initialSlope` (default 0.25).
    public init(width: Int, initialSlope: Float = 0.25) {
        inputWidth = width
        slopes = Parameter(values: [Float](repeating: initialSlope, count: width), shape: [width])
    }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        let width = inputWidth
        slopes.value.withUnsafeBufferPointer { a in
            for row in 0..<input.rows {
                let x = input.base + row * width
                let y = output.base + row * width
                for j in 0..<width { y[j] = x[j] > 0 ? x[j] : a[j] * x[j] }
            }
        }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        let width = inputWidth
        let a = slopes.value
        slopes.gradient.withUnsafeMutableBufferPointer { ga in
            let g = ga.baseAddress!
            g.update(repeating: 0, count: width)
            a.withUnsafeBufferPointer { a in
                for row in 0..<input.rows {
                    let x = input.base + row * width
                    let dy = outputGradient.base + row * width
                    for j in 0..<width { g[j] += x[j] > 0 ? 0 : x[j] * dy[j] }
                    if let inputGradient {
                        let dx = inputGradient.base + row * width
                        for j in 0..<width { dx[j] = x[j] > 0 ? dy[j] : a[j] * dy[j] }
                    }
                }
            }
        }
    }

    public mutating func visitParameters(
        _ body: (_ name: String, _ parameter: inout Parameter) -> Void
    ) {
        body("weight", &slopes)
    }
}

/// ELU: `x` for x > 0, else `alpha (e^x - 1)`. Clevert et al. 2016.
public struct ELU: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    /// The negative saturation value (default 1).
    public var alpha: Float

    /// An ELU over `width` columns (alpha default 1).
    public init(width: Int, alpha: Float = 1) {
        inputWidth = width
        self.alpha = alpha
    }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        let a = alpha
        mapElements(input, output) { $0 > 0 ? $0 : a * expm1Float($0) }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        let a = alpha
        mapGradient(input, output, outputGradient, inputGradient) { x, y in x > 0 ? 1 : y + a }
    }
}

/// SELU: `scale * (x if x > 0 else alpha (e^x - 1))` with scale 1.0507 and alpha 1.6733.
/// Klambauer et al. 2017, "Self-normalizing neural networks". Initialise with LeCun normal.
public struct SELU: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }

    /// A SELU over `width` columns.
    public init(width: Int) { inputWidth = width }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        mapElements(input, output) {
            $0 > 0 ? seluScale * $0 : seluScale * seluAlpha * expm1Float($0)
        }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        mapGradient(input, output, outputGradient, inputGradient) { x, y in
            x > 0 ? seluScale : y + seluScale * seluAlpha
        }
    }
}

/// Hyperbolic tangent.
public struct Tanh: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }

    /// A tanh over `width` columns.
    public init(width: Int) { inputWidth = width }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        mapElements(input, output) { tanhFloat($0) }
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
        mapElements(input, output) { stableSigmoid($0) }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        mapGradient(input, output, outputGradient, inputGradient) { _, y in y * (1 - y) }
    }
}

/// Swish / SiLU, `x * sigmoid(x)`. Ramachandran et al. 2017; Elfwing et al. 2018.
public struct Swish: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }

    /// A Swish over `width` columns.
    public init(width: Int) { inputWidth = width }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        mapElements(input, output) { $0 * stableSigmoid($0) }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        mapGradient(input, output, outputGradient, inputGradient) { x, y in
            let s = stableSigmoid(x)
            return s + y * (1 - s)
        }
    }
}

/// GELU in the exact form `x * Phi(x)` (PyTorch's default). Hendrycks and Gimpel 2016.
public struct GELU: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }

    /// A GELU over `width` columns.
    public init(width: Int) { inputWidth = width }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        mapElements(input, output) { 0.5 * $0 * (1 + erfFloat($0 * inverseSquareRootTwo)) }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        mapGradient(input, output, outputGradient, inputGradient) { x, _ in
            let cdf = 0.5 * (1 + erfFloat(x * inverseSquareRootTwo))
            let pdf = inverseSquareRootTwoPi * expFloat(-0.5 * x * x)
            return cdf + x * pdf
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

// MARK: - Free functions

private func apply(_ layer: some Layer, _ x: Matrix) -> Matrix { layer(x) }

/// ReLU of every element.
public func relu(_ x: Matrix) -> Matrix { apply(ReLU(width: x.columns), x) }
/// Leaky ReLU of every element (negative `slope`, default 0.01).
public func leakyReLU(_ x: Matrix, slope: Float = 0.01) -> Matrix {
    apply(LeakyReLU(width: x.columns, slope: slope), x)
}
/// PReLU with one slope per column (`slopes.count == x.columns`).
public func prelu(_ x: Matrix, slopes: [Float]) -> Matrix {
    var layer = PReLU(width: x.columns)
    layer.slopes.value = slopes
    return apply(layer, x)
}
/// ELU of every element (alpha default 1).
public func elu(_ x: Matrix, alpha: Float = 1) -> Matrix {
    apply(ELU(width: x.columns, alpha: alpha), x)
}
/// SELU of every element.
public func selu(_ x: Matrix) -> Matrix { apply(SELU(width: x.columns), x) }
/// tanh of every element.
public func tanh(_ x: Matrix) -> Matrix { apply(Tanh(width: x.columns), x) }
/// Sigmoid of every element.
public func sigmoid(_ x: Matrix) -> Matrix { apply(Sigmoid(width: x.columns), x) }
/// Swish (SiLU) of every element.
public func swish(_ x: Matrix) -> Matrix { apply(Swish(width: x.columns), x) }
/// SiLU, the same function as `swish`.
public func silu(_ x: Matrix) -> Matrix { swish(x) }
/// GELU (exact erf form) of every element.
public func gelu(_ x: Matrix) -> Matrix { apply(GELU(width: x.columns), x) }
/// Maxout over groups of `pieces` consecutive columns.
public func maxout(_ x: Matrix, pieces: Int) -> Matrix {
    apply(Maxout(inputWidth: x.columns, pieces: pieces), x)
}
/// Row-wise softmax.
public func softmax(_ x: Matrix) -> Matrix { apply(Softmax(width: x.columns), x) }
