// The ReLU family: ReLU (fused with the Dense before it by `Sequential`, see `FusedDenseReLU`),
// Leaky ReLU, PReLU, ELU and SELU. The elementwise passes they share are in
// ActivationLayers.swift.

/// ReLU, `max(x, 0)`; counts units that never activate (DIAG-DEAD-RELU). Nair and Hinton 2010.
///
/// After a `Dense`, `Sequential` runs the two as one `FusedDenseReLU` stage, which keeps this
/// layer's statistics through `withActivationMaxima`.
public struct ReLU: ActivityTracking {
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
            CPUKernels.reluForward(
                rows: input.rows, columns: inputWidth, input.base, into: output.base,
                columnMaxima: nil)
            return
        }
        // The same pass keeps each unit's largest output (the dead-unit statistic).
        let width = inputWidth
        withActivationMaxima { maxima in
            CPUKernels.reluForward(
                rows: input.rows, columns: width, input.base, into: output.base,
                columnMaxima: maxima)
        }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        guard let inputGradient else { return }
        CPUKernels.reluBackward(
            count: input.count, activation: input.base, upstream: outputGradient.base,
            into: inputGradient.base)
    }

    /// Calls `body` with the per-unit maxima storage (to be raised to each unit's largest
    /// output of a training forward), marking the statistics as taken.
    mutating func withActivationMaxima(_ body: (UnsafeMutablePointer<Float>?) -> Void) {
        hasStatistics = true
        largestActivation.withUnsafeMutableBufferPointer { body($0.baseAddress) }
    }

    public mutating func resetActivityStatistics() {
        hasStatistics = false
        for j in largestActivation.indices { largestActivation[j] = 0 }
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
        // Both sides computed, then a select: no branch, so the loop vectorises.
        mapElements(input, output) { x in
            let scaled = a * x
            return x > 0 ? x : scaled
        }
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
                // Both sides, then a select (a branch on the sign kept this loop scalar).
                for j in 0..<width {
                    let scaled = a[j] * x[j]
                    y[j] = x[j] > 0 ? x[j] : scaled
                }
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
                    // Selects of values, not of computations, so both loops vectorise; the
                    // products are those of the branches (0 * dy adds a zero).
                    for j in 0..<width { g[j] += (x[j] > 0 ? 0 : x[j]) * dy[j] }
                    if let inputGradient {
                        let dx = inputGradient.base + row * width
                        for j in 0..<width {
                            let slope = a[j]  // loaded on both sides, so it can be selected
                            dx[j] = (x[j] > 0 ? 1 : slope) * dy[j]
                        }
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

/// ELU: `x` for x > 0, else `alpha (e^x - 1)`. Clevert et al. 2016. The forward runs 16 lanes
/// at a time (`CPUKernels.elu`); the backward reads the output (`y + alpha` below 0).
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
        CPUKernels.elu(count: input.count, input.base, into: output.base, scale: 1, alpha: alpha)
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
        CPUKernels.elu(
            count: input.count, input.base, into: output.base, scale: seluScale, alpha: seluAlpha)
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
