import CKernels

/// An instruction-set path of the CPU kernels (GEMM micro-kernels and elementwise passes).
public enum KernelPath: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// Plain C vectorized for the baseline ISA; runs everywhere. 4 x 8 GEMM tiles.
    case portable = 1
    /// x86-64 AVX2 with FMA. 6 x 16 GEMM tiles.
    case avx2 = 2
    /// x86-64 AVX-512F. 8 x 32 GEMM tiles.
    case avx512 = 3

    /// Whether this CPU and OS can run the path.
    public var isSupported: Bool { lw_kernel_path_supported(rawValue) != 0 }

    public var description: String {
        switch self {
        case .portable: "portable"
        case .avx2: "AVX2+FMA"
        case .avx512: "AVX-512"
        }
    }
}

/// Process-wide settings of the CPU kernels, and the fused elementwise passes the layers and
/// optimizers use. Results are bit-identical at every thread count; they may differ between
/// kernel paths (different FMA grouping).
public enum CPUKernels {
    /// Threads one large matrix product may use. Default: the active processor count (capped
    /// at 16). Set 1 for single-threaded runs; setting 0 or less restores the default.
    public static var threadCount: Int {
        get { Int(lw_thread_count()) }
        set { lw_set_thread_count(Int32(clamping: newValue)) }
    }

    /// Runs `body` with the kernels it starts on this thread limited to `threads` (1 ...
    /// `maximumThreadCount`), leaving the process-wide `threadCount` to other threads. Results
    /// are the same at every count; tests use it to show that.
    /// - Parameters:
    ///   - threads: the thread count for products started by `body` on this thread.
    ///   - body: synchronous work (it must not move to another thread).
    public static func withThreadCount<Result>(
        _ threads: Int, _ body: () throws -> Result
    ) rethrows -> Result {
        lw_set_local_thread_count(Int32(clamping: threads))
        defer { lw_set_local_thread_count(0) }
        return try body()
    }

    /// The largest `threadCount` the kernels use (`LW_MAX_THREADS`).
    public static var maximumThreadCount: Int { Int(LW_MAX_THREADS) }

    /// The path in use: the best the CPU supports unless `forcePath` chose another.
    public static var path: KernelPath { KernelPath(rawValue: lw_kernel_path()) ?? .portable }

    /// Forces all later kernels onto `path` (`nil` restores the automatic choice).
    /// - Returns: false, changing nothing, when the CPU lacks `path`.
    @discardableResult
    public static func forcePath(_ path: KernelPath?) -> Bool {
        lw_set_kernel_path(path.code) != 0
    }

    /// Products with fewer floating-point operations (2·m·n·k) than this run on one thread.
    public static var parallelMinimumFLOPs: Double { lw_parallel_min_flops() }

    /// Adds `bias` to every row of `x` in place, optionally applying ReLU in the same pass
    /// (ReLU keeps NaN so non-finite checks still see it).
    /// - Parameters:
    ///   - bias: one value per column of `x`.
    ///   - x: the pre-activations, a batch of rows.
    ///   - applyingReLU: also compute max(0, ·) (default false).
    public static func addBias(
        _ bias: [Float], toRowsOf x: inout Matrix, applyingReLU: Bool = false
    ) {
        precondition(bias.count == x.columns, "Bias length differs from the column count")
        let (rows, columns) = (Int32(x.rows), Int32(x.columns))
        bias.withUnsafeBufferPointer { b in
            x.storage.withUnsafeMutableBufferPointer { xp in
                lw_add_bias_rows(
                    rows, columns, xp.baseAddress, columns, b.baseAddress,
                    applyingReLU ? 1 : 0)
            }
        }
    }

    /// Sums `x` over its rows into `sums` (the bias gradient: upstream gradient summed over
    /// the batch), in row order so the result is deterministic.
    /// - Parameters:
    ///   - x: the matrix to reduce.
    ///   - sums: one value per column of `x`; overwritten, or added to when `accumulating`.
    ///   - accumulating: add to the existing `sums` instead of overwriting (default false).
    public static func columnSums(
        of x: Matrix, into sums: inout [Float], accumulating: Bool = false
    ) {
        precondition(sums.count == x.columns, "Sums length differs from the column count")
        let (rows, columns) = (Int32(x.rows), Int32(x.columns))
        x.storage.withUnsafeBufferPointer { xp in
            sums.withUnsafeMutableBufferPointer { s in
                lw_column_sums(
                    rows, columns, xp.baseAddress, columns, accumulating ? 1 : 0,
                    s.baseAddress)
            }
        }
    }

    /// ReLU backward: `gradient[i] = activation[i] > 0 ? gradient[i] : 0`, in place.
    /// - Parameters:
    ///   - activation: the ReLU's output (or input; the sign is what matters).
    ///   - gradient: the upstream gradient, same shape; becomes the gradient of the input.
    public static func reluBackward(activation: Matrix, gradient: inout Matrix) {
        precondition(
            activation.rows == gradient.rows && activation.columns == gradient.columns,
            "ReLU activation and gradient shapes differ")
        activation.storage.withUnsafeBufferPointer { y in
            gradient.storage.withUnsafeMutableBufferPointer { g in
                lw_relu_backward(g.count, y.baseAddress, g.baseAddress, g.baseAddress)
            }
        }
    }

    /// One Adam or AdamW step over a parameter tensor, in place (Kingma & Ba 2015; decoupled
    /// weight decay per Loshchilov & Hutter 2019, with PyTorch's semantics).
    /// - Parameters:
    ///   - parameters: the values to update.
    ///   - gradient: their gradient, same count.
    ///   - firstMoment: Adam's m, same count (start at zeros).
    ///   - secondMoment: Adam's v, same count (start at zeros).
    ///   - learningRate: lr.
    ///   - beta1: first-moment decay (PyTorch default 0.9).
    ///   - beta2: second-moment decay (PyTorch default 0.999).
    ///   - epsilon: added to the denominator (PyTorch default 1e-8).
    ///   - step: the 1-based step number, for bias correction.
    ///   - decoupledWeightDecay: AdamW's decay (0 gives plain Adam).
    public static func adamUpdate(
        _ parameters: inout [Float], gradient: [Float], firstMoment: inout [Float],
        secondMoment: inout [Float], learningRate: Float, beta1: Float = 0.9,
        beta2: Float = 0.999, epsilon: Float = 1e-8, step: Int, decoupledWeightDecay: Float = 0
    ) {
        let count = parameters.count
        precondition(
            gradient.count == count && firstMoment.count == count && secondMoment.count == count,
            "Adam state lengths differ from the parameter count")
        precondition(step >= 1, "Adam steps count from 1")
        let correction1 = Float(1 - power(Double(beta1), step))
        let correction2 = Float(1 - power(Double(beta2), step))
        parameters.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in
                firstMoment.withUnsafeMutableBufferPointer { m in
                    secondMoment.withUnsafeMutableBufferPointer { v in
                        lw_adam_update(
                            count, p.baseAddress, g.baseAddress, m.baseAddress,
                            v.baseAddress, learningRate, beta1, beta2, epsilon,
                            correction1, correction2, decoupledWeightDecay)
                    }
                }
            }
        }
    }

    /// `base` to a non-negative integer power by squaring (no Foundation dependency).
    static func power(_ base: Double, _ exponent: Int) -> Double {
        var (result, factor, remaining) = (1.0, base, exponent)
        while remaining > 0 {
            if remaining & 1 == 1 { result *= factor }
            factor *= factor
            remaining >>= 1
        }
        return result
    }
}

// MARK: - The engine's calls into the C kernels

// Every other Engine file reaches the C kernels through these thin wrappers, so that this is the
// one file that imports CKernels: the C signatures (Int32 sizes, 0/1 flags) stay here and the
// layers and optimizers read in Swift terms. Each forwards to exactly one C call.
extension CPUKernels {
    /// `c = alpha op(a) op(b) + beta c` on row-major matrices (`lw_sgemm`); beta 0 overwrites
    /// `c` without reading it.
    @inline(__always)
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>?, lda: Int, b: UnsafePointer<Float>?, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>?, ldc: Int
    ) {
        lw_sgemm(
            transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a,
            Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `c = op(a) op(b) + bias`, then with `relu` `c < 0 ? 0 : c`, and with `columnMaxima` the
    /// per-column maxima of `c` (`lw_sgemm_bias_act`): the Dense forward and its epilogue.
    @inline(__always)
    static func gemmBiasActivation(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>?,
        lda: Int, b: UnsafePointer<Float>?, ldb: Int, c: UnsafeMutablePointer<Float>?, ldc: Int,
        bias: UnsafePointer<Float>?, relu: Bool, columnMaxima: UnsafeMutablePointer<Float>?
    ) {
        lw_sgemm_bias_act(
            transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), a, Int32(lda),
            b, Int32(ldb), c, Int32(ldc), bias, relu ? 1 : 0, columnMaxima)
    }

    /// `c = op(a) op(b)` masked by `activation > 0` (the backward of the ReLU below), with the
    /// column sums of the result in `columnSums` when given (`lw_sgemm_relu_backward`).
    @inline(__always)
    static func gemmReLUBackward(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>?,
        lda: Int, b: UnsafePointer<Float>?, ldb: Int, c: UnsafeMutablePointer<Float>?, ldc: Int,
        activation: UnsafePointer<Float>?, ldActivation: Int,
        columnSums: UnsafeMutablePointer<Float>?
    ) {
        lw_sgemm_relu_backward(
            transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), a, Int32(lda),
            b, Int32(ldb), c, Int32(ldc), activation, Int32(ldActivation), columnSums)
    }

    /// `sums[j] = beta sums[j] + sum over rows of x[i][j]`, rows in order (`lw_column_sums`).
    @inline(__always)
    static func columnSums(
        rows: Int, columns: Int, _ x: UnsafePointer<Float>?, ldx: Int, beta: Float = 0,
        into sums: UnsafeMutablePointer<Float>?
    ) {
        lw_column_sums(Int32(rows), Int32(columns), x, Int32(ldx), beta, sums)
    }

    /// ReLU forward, `y = x < 0 ? 0 : x` (NaN kept), with the per-column maxima of `y` in
    /// `columnMaxima` when given (`lw_relu_forward`).
    @inline(__always)
    static func reluForward(
        rows: Int, columns: Int, _ x: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>?,
        columnMaxima: UnsafeMutablePointer<Float>?
    ) {
        lw_relu_forward(Int32(rows), Int32(columns), x, y, columnMaxima)
    }

    /// Logistic sigmoid of `count` floats, `s = 1 / (1 + exp(-x))` without overflow, 16 lanes
    /// at a time (`lw_sigmoid`: Cephes' expf, relative error under 3e-7; NaN kept). `s` may
    /// alias `x`.
    /// - Parameter path: the kernel path (default nil: the active one).
    @inline(__always)
    public static func sigmoid(
        count: Int, _ x: UnsafePointer<Float>?, into s: UnsafeMutablePointer<Float>?,
        path: KernelPath? = nil
    ) {
        lw_sigmoid(path.code, count, x, s)
    }

    /// The binary cross-entropy's exponential parts of `count` logits, 16 lanes at a time
    /// (`lw_logistic_parts`): `tail = log(1 + exp(-|x|))` (relative error under 1e-6) and
    /// `s = sigmoid(x)` (under 3e-7); NaN kept.
    /// - Parameter path: the kernel path (default nil: the active one).
    @inline(__always)
    public static func logisticParts(
        count: Int, _ x: UnsafePointer<Float>?, tail: UnsafeMutablePointer<Float>?,
        sigmoid s: UnsafeMutablePointer<Float>?, path: KernelPath? = nil
    ) {
        lw_logistic_parts(path.code, count, x, tail, s)
    }

    /// ELU / SELU of `count` floats, `y = x > 0 ? scale x : scale alpha expm1(x)`, 16 lanes at
    /// a time (`lw_elu`: relative error under 3e-7; NaN kept). `y` may alias `x`.
    /// - Parameter path: the kernel path (default nil: the active one).
    @inline(__always)
    public static func elu(
        count: Int, _ x: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>?,
        scale: Float, alpha: Float, path: KernelPath? = nil
    ) {
        lw_elu(path.code, count, x, y, scale, alpha)
    }

    /// tanh of `count` floats, 16 lanes at a time (`lw_tanh`: Cephes' tanhf, relative error
    /// under 3e-7; NaN kept). `y` may alias `x`.
    /// - Parameter path: the kernel path (default nil: the active one).
    @inline(__always)
    public static func tanh(
        count: Int, _ x: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>?,
        path: KernelPath? = nil
    ) {
        lw_tanh(path.code, count, x, y)
    }

    /// GELU (exact erf form) of `count` floats, `y = x Phi(x)`, and the backward factor
    /// `derivative = Phi(x) + x phi(x)`, 16 lanes at a time (`lw_gelu`: Cephes' erff and
    /// erfcf). `y` may alias `x`; `derivative` may not.
    /// - Parameter path: the kernel path (default nil: the active one).
    @inline(__always)
    public static func gelu(
        count: Int, _ x: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>?,
        derivative: UnsafeMutablePointer<Float>?, path: KernelPath? = nil
    ) {
        lw_gelu(path.code, count, x, y, derivative)
    }

    /// ReLU backward, `dx = activation > 0 ? upstream : 0` (`lw_relu_backward`).
    @inline(__always)
    static func reluBackward(
        count: Int, activation: UnsafePointer<Float>?, upstream: UnsafePointer<Float>?,
        into dx: UnsafeMutablePointer<Float>?
    ) {
        lw_relu_backward(count, activation, upstream, dx)
    }

    /// ReLU backward with the column sums of the result (the bias gradient of the layer
    /// before it) from the same pass (`lw_relu_backward_column_sums`).
    @inline(__always)
    static func reluBackwardColumnSums(
        rows: Int, columns: Int, activation: UnsafePointer<Float>?,
        upstream: UnsafePointer<Float>?, into dx: UnsafeMutablePointer<Float>?,
        sums: UnsafeMutablePointer<Float>?
    ) {
        lw_relu_backward_column_sums(Int32(rows), Int32(columns), activation, upstream, dx, sums)
    }

    /// Sum of squares in a fixed order (`lw_sum_squares`: deterministic for a kernel path).
    @inline(__always)
    static func sumOfSquares(_ x: UnsafePointer<Float>?, count: Int) -> Float {
        lw_sum_squares(count, x)
    }

    /// `g += l1 sign(w) + 2 l2 w` in place, returning the sum of squares of the new `g`
    /// (`lw_penalize_sum_squares`).
    @inline(__always)
    static func penalizeSumOfSquares(
        count: Int, weights: UnsafePointer<Float>?, gradient: UnsafeMutablePointer<Float>?,
        l1: Float, l2: Float
    ) -> Float {
        lw_penalize_sum_squares(count, weights, gradient, l1, l2)
    }

    /// One SGD step over a tensor (`lw_sgd_step`; see `SGD`).
    /// - Returns: the sums of squares of the change and of the new weights.
    @inline(__always)
    static func sgdStep(
        count: Int, weights: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>,
        momentumBuffer: UnsafeMutablePointer<Float>?, learningRate: Float, momentum: Float,
        dampening: Float, nesterov: Bool, isFirstStep: Bool, scale: Float, clip: Float
    ) -> (update: Float, weight: Float) {
        var squares: (Float, Float) = (0, 0)
        withUnsafeMutableBytes(of: &squares) { raw in
            lw_sgd_step(
                count, weights, gradient, momentumBuffer, learningRate, momentum, dampening,
                nesterov ? 1 : 0, isFirstStep ? 1 : 0, scale, clip,
                raw.baseAddress!.assumingMemoryBound(to: Float.self))
        }
        return squares
    }

    /// One Adam / AdamW step over a tensor (`lw_adam_step`; see `Adam`).
    /// - Returns: the sums of squares of the change and of the new weights.
    @inline(__always)
    static func adamStep(
        count: Int, weights: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>,
        firstMoment: UnsafeMutablePointer<Float>, secondMoment: UnsafeMutablePointer<Float>,
        scale: Float, clip: Float, beta1: Float, beta2: Float, epsilon: Float, stepSize: Float,
        correction2Root: Float, decayFactor: Float
    ) -> (update: Float, weight: Float) {
        var squares: (Float, Float) = (0, 0)
        withUnsafeMutableBytes(of: &squares) { raw in
            lw_adam_step(
                count, weights, gradient, firstMoment, secondMoment, scale, clip, beta1, beta2,
                epsilon, stepSize, correction2Root, decayFactor,
                raw.baseAddress!.assumingMemoryBound(to: Float.self))
        }
        return squares
    }

    /// Copies rows `indices[0 ..< rows]` of `source` into `destination` (`lw_gather_rows`).
    @inline(__always)
    static func gatherRows(
        rows: Int, width: Int, from source: UnsafePointer<Float>?,
        indices: UnsafePointer<Int>, into destination: UnsafeMutablePointer<Float>?
    ) {
        lw_gather_rows(Int32(rows), Int32(width), source, indices, destination)
    }
}

extension Optional<KernelPath> {
    /// The C kernels' path argument: the path's value, or LW_KERNEL_AUTO (the active path) for
    /// nil.
    var code: Int32 { self?.rawValue ?? LW_KERNEL_AUTO }
}
