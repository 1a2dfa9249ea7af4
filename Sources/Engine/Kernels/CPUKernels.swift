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
        lw_set_kernel_path(path?.rawValue ?? LW_KERNEL_AUTO) != 0
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
