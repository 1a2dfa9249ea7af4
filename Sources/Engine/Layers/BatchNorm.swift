/// Batch normalisation over the rows of a batch, with PyTorch's `BatchNorm1d` semantics.
///
/// Training: normalise with the batch mean and biased variance, then update the running
/// statistics `running = (1 - momentum) * running + momentum * batch`, the variance unbiased
/// (`n / (n - 1)`). Inference: normalise with the running statistics. Then scale by `weight`
/// (gamma, starts at 1) and shift by `bias` (beta, starts at 0). Tensors: `weight`, `bias`
/// (trained, not penalised), `running_mean`, `running_var` (state). Rule BN-PLACEMENT.
/// Ioffe and Szegedy 2015.
public struct BatchNorm: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    /// Weight of the batch in the running statistics (default 0.1, PyTorch).
    public var momentum: Float
    /// Added to the variance before the square root (default 1e-5, PyTorch).
    public var epsilon: Float
    /// Scale (gamma), shape `[width]`.
    public var scale: Parameter
    /// Shift (beta), shape `[width]`.
    public var offset: Parameter
    /// Running mean, shape `[width]` (state).
    public var runningMean: Parameter
    /// Running variance, shape `[width]` (state).
    public var runningVariance: Parameter

    // Statistics of the last forward, kept for backward.
    private var mean: [Float]
    private var inverseStd: [Float]
    private var sumGradient: [Float]
    private var sumGradientNormalized: [Float]

    /// A batch normalisation over `width` columns.
    /// - Parameters:
    ///   - width: columns.
    ///   - momentum: running-statistics momentum (default 0.1).
    ///   - epsilon: variance epsilon (default 1e-5).
    public init(width: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        inputWidth = width
        self.momentum = momentum
        self.epsilon = epsilon
        let zeros = [Float](repeating: 0, count: width)
        let ones = [Float](repeating: 1, count: width)
        scale = Parameter(values: ones, shape: [width])
        offset = Parameter(values: zeros, shape: [width])
        runningMean = Parameter(values: zeros, shape: [width], isTrainable: false)
        runningVariance = Parameter(values: ones, shape: [width], isTrainable: false)
        mean = zeros
        inverseStd = ones
        sumGradient = zeros
        sumGradientNormalized = zeros
    }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        let width = inputWidth
        let rows = input.rows
        if context.isTraining {
            let count = Float(rows)
            mean.withUnsafeMutableBufferPointer { meanBuffer in
                inverseStd.withUnsafeMutableBufferPointer { invBuffer in
                    let mu = meanBuffer.baseAddress!
                    let inv = invBuffer.baseAddress!
                    // Two passes (mean, then squared deviations) for accuracy.
                    mu.update(repeating: 0, count: width)
                    for row in 0..<rows {
                        let x = input.base + row * width
                        for j in 0..<width { mu[j] += x[j] }
                    }
                    for j in 0..<width { mu[j] /= count }
                    inv.update(repeating: 0, count: width)
                    for row in 0..<rows {
                        let x = input.base + row * width
                        for j in 0..<width {
                            let d = x[j] - mu[j]
                            inv[j] += d * d
                        }
                    }
                    let unbias = rows > 1 ? count / (count - 1) : 1
                    let m = momentum
                    runningMean.value.withUnsafeMutableBufferPointer { rm in
                        runningVariance.value.withUnsafeMutableBufferPointer { rv in
                            for j in 0..<width {
                                let variance = inv[j] / count
                                rm[j] = (1 - m) * rm[j] + m * mu[j]
                                rv[j] = (1 - m) * rv[j] + m * variance * unbias
                                inv[j] = 1 / (variance + epsilon).squareRoot()
                            }
                        }
                    }
                }
            }
        } else {
            let rm = runningMean.value
            let rv = runningVariance.value
            for j in 0..<width {
                mean[j] = rm[j]
                inverseStd[j] = 1 / (rv[j] + epsilon).squareRoot()
            }
        }
        mean.withUnsafeBufferPointer { mu in
            inverseStd.withUnsafeBufferPointer { inv in
                scale.value.withUnsafeBufferPointer { gamma in
                    offset.value.withUnsafeBufferPointer { beta in
                        for row in 0..<rows {
                            let x = input.base + row * width
                            let y = output.base + row * width
                            for j in 0..<width {
                                y[j] = (x[j] - mu[j]) * inv[j] * gamma[j] + beta[j]
                            }
                        }
                    }
                }
            }
        }
        usedBatchStatistics = context.isTraining
    }

    /// Whether the last forward normalised with batch statistics (training mode).
    public private(set) var usedBatchStatistics = false

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        let width = inputWidth
        let rows = input.rows
        let training = usedBatchStatistics
        mean.withUnsafeBufferPointer { muBuffer in
            inverseStd.withUnsafeBufferPointer { invBuffer in
                sumGradient.withUnsafeMutableBufferPointer { sdyBuffer in
                    sumGradientNormalized.withUnsafeMutableBufferPointer { sdxhBuffer in
                        let mu = muBuffer.baseAddress!
                        let inv = invBuffer.baseAddress!
                        let sdy = sdyBuffer.baseAddress!
                        let sdxh = sdxhBuffer.baseAddress!
                        sdy.update(repeating: 0, count: width)
                        sdxh.update(repeating: 0, count: width)
                        for row in 0..<rows {
                            let x = input.base + row * width
                            let dy = outputGradient.base + row * width
                            for j in 0..<width {
                                sdy[j] += dy[j]
                                sdxh[j] += dy[j] * (x[j] - mu[j]) * inv[j]
                            }
                        }
                        scale.gradient.withUnsafeMutableBufferPointer { gGamma in
                            offset.gradient.withUnsafeMutableBufferPointer { gBeta in
                                for j in 0..<width {
                                    gGamma[j] = sdxh[j]
                                    gBeta[j] = sdy[j]
                                }
                            }
                        }
                        guard let inputGradient else { return }
                        scale.value.withUnsafeBufferPointer { gamma in
                            let invCount = 1 / Float(rows)
                            for row in 0..<rows {
                                let x = input.base + row * width
                                let dy = outputGradient.base + row * width
                                let dx = inputGradient.base + row * width
                                if training {
                                    for j in 0..<width {
                                        let xHat = (x[j] - mu[j]) * inv[j]
                                        dx[j] =
                                            gamma[j] * inv[j]
                                            * (dy[j] - invCount * sdy[j]
                                                - xHat * invCount * sdxh[j])
                                    }
                                } else {
                                    for j in 0..<width { dx[j] = gamma[j] * inv[j] * dy[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public mutating func visitParameters(
        _ body: (_ name: String, _ parameter: inout Parameter) -> Void
    ) {
        body("weight", &scale)
        body("bias", &offset)
        body("running_mean", &runningMean)
        body("running_var", &runningVariance)
    }
}

/// Inverted dropout: in training, each element is zeroed with probability `rate` and the others
/// are scaled by `1 / (1 - rate)`, so inference is the identity. The mask is drawn from the
/// context's seeded generator in row-major order, four elements per 64-bit draw: each element
/// reads 16 of its bits as a uniform in [0, 1) on a grid of 1/65536, and the rate is rounded to
/// that grid (off by at most 7.7e-6). One draw per element was a fifth of a small dropout
/// network's training time. Rule REG-DROPOUT; Srivastava et al. 2014.
public struct Dropout: Layer {
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    /// Probability of zeroing an element, in [0, 1).
    public var rate: Float
    private var mask: [Float] = []

    /// A dropout over `width` columns with drop probability `rate` (0 <= rate < 1).
    public init(width: Int, rate: Float) {
        precondition(rate >= 0 && rate < 1, "Dropout rate must be in [0, 1)")
        inputWidth = width
        self.rate = rate
    }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        let count = input.count
        guard context.isTraining, rate > 0 else {
            output.base.update(from: input.base, count: count)
            usedMask = false
            return
        }
        usedMask = true
        mask.ensureCount(count)
        let keep = 1 / (1 - rate)
        // An element is dropped when its 16 bits, read as an integer, are below this.
        let threshold = UInt16(min(65535, (Double(rate) * 65536).rounded()))
        // The draws first (a serial chain), then a loop without one that the compiler
        // vectorises: element i reads the i-th 16-bit lane of the draws (stored little-endian,
        // so lane k of a draw is its bits 16k..16k+15 on any machine).
        let draws = (count + 3) / 4
        lanes.ensureCount(4 * draws)
        var generator = context.generator  // a local copy stays in registers
        lanes.withUnsafeMutableBytes { raw in
            for k in 0..<draws {
                raw.storeBytes(
                    of: generator.next().littleEndian, toByteOffset: 8 * k, as: UInt64.self)
            }
        }
        context.generator = generator
        lanes.withUnsafeBufferPointer { lane in
            mask.withUnsafeMutableBufferPointer { m in
                let source = input.base
                let target = output.base
                for i in 0..<count {
                    let factor: Float = lane[i] >= threshold ? keep : 0
                    m[i] = factor
                    target[i] = source[i] * factor
                }
            }
        }
    }

    /// The last forward's random draws as 16-bit lanes, four per draw.
    private var lanes: [UInt16] = []

    private var usedMask = false

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        guard let inputGradient else { return }
        let count = input.count
        guard usedMask else {
            inputGradient.base.update(from: outputGradient.base, count: count)
            return
        }
        mask.withUnsafeBufferPointer { m in
            for i in 0..<count { inputGradient.base[i] = outputGradient.base[i] * m[i] }
        }
    }
}
