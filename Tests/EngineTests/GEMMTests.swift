import CKernels
import Testing

@testable import Engine

/// Deterministic values in [-1, 1) (a 64-bit LCG), so failures reproduce.
private func testValues(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int64(bitPattern: state >> 11) % (1 << 24)) / Float(1 << 23) - 1
    }
}

/// One GEMM problem, stored the way `lw_sgemm` reads it.
private struct Problem {
    var transposeA: Bool, transposeB: Bool
    var m: Int, n: Int, k: Int
    var alpha: Float, beta: Float
    var a: [Float], b: [Float], c: [Float]
    var lda: Int { transposeA ? m : k }
    var ldb: Int { transposeB ? k : n }

    init(
        _ transposeA: Bool, _ transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        beta: Float = 0, cFill: Float? = nil
    ) {
        (self.transposeA, self.transposeB) = (transposeA, transposeB)
        (self.m, self.n, self.k, self.alpha, self.beta) = (m, n, k, alpha, beta)
        a = testValues(m * k, seed: UInt64(m * 31 + k))
        b = testValues(k * n, seed: UInt64(n * 17 + k * 3 + 1))
        c = cFill.map { [Float](repeating: $0, count: m * n) } ?? testValues(m * n, seed: 99)
    }

    /// Runs the kernel on a copy of C with an explicit path and thread count.
    func run(path: KernelPath, threads: Int) -> [Float] {
        var result = c
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                result.withUnsafeMutableBufferPointer { cp in
                    lw_sgemm_with(
                        path.rawValue, Int32(threads), transposeA ? 1 : 0, transposeB ? 1 : 0,
                        Int32(m), Int32(n), Int32(k), alpha, ap.baseAddress, Int32(lda),
                        bp.baseAddress, Int32(ldb), beta, cp.baseAddress, Int32(n))
                }
            }
        }
        return result
    }

    /// Rows the reference checks: all of them for small problems; otherwise both ends, the
    /// rows on either side of the A block heights (120 for AVX2, 128 for the others) and a
    /// stride sample. Every column of a checked row is compared.
    var checkedRows: [Int] {
        if m * n * k <= 4_000_000 { return Array(0..<m) }
        return (0..<m).filter { i in
            i < 3 || i >= m - 3 || [119, 120, 121, 127, 128, 129].contains(i) || i % 37 == 0
        }
    }

    /// Compares `result` with a double-precision triple loop. The tolerance is the standard
    /// bound for a k-term float dot product: 2·k·ulp times the sum of magnitudes.
    func expectMatchesReference(_ result: [Float], _ label: String) {
        var worst = 0.0
        var firstFailure: String?
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                // Element strides of op(A) along i and p, and of op(B) along p and j.
                let (ai, ap) = transposeA ? (1, lda) : (lda, 1)
                let (bp, bj) = transposeB ? (1, ldb) : (ldb, 1)
                for i in checkedRows {
                    for j in 0..<n {
                        var sum = 0.0
                        var magnitude = 0.0
                        for p in 0..<k {
                            let product = Double(a[i * ai + p * ap]) * Double(b[p * bp + j * bj])
                            sum += product
                            magnitude += abs(product)
                        }
                        let prior = beta == 0 ? 0 : Double(beta) * Double(c[i * n + j])
                        let expected = Double(alpha) * sum + prior
                        let scale = abs(Double(alpha)) * magnitude + abs(prior) + 1e-30
                        let error = abs(Double(result[i * n + j]) - expected)
                        let tolerance = 2 * Double(k + 2) * Double(Float.ulpOfOne) * scale
                        worst = max(worst, error / scale)
                        if !(error <= tolerance) && firstFailure == nil {
                            firstFailure =
                                "C[\(i),\(j)] = \(result[i * n + j]), expected \(expected)"
                        }
                    }
                }
            }
        }
        #expect(firstFailure == nil, "\(label): \(firstFailure ?? "") (worst rel. \(worst))")
    }
}

private let supportedPaths = KernelPath.allCases.filter(\.isSupported)
private let transposes = [(false, false), (false, true), (true, false), (true, true)]

/// Shapes that hit the direct (unpacked) path, tiny and odd ones, each tile edge.
private let directShapes: [(Int, Int, Int)] = [
    (1, 1, 1), (7, 13, 5), (2, 3, 1), (32, 64, 30), (32, 2, 32), (9, 33, 17), (6, 16, 8),
    (257, 129, 65), (13, 7, 300),
]
/// Shapes that hit the packed path: k over the direct limit (k blocks), m across the A block
/// heights (120, 128) and n across the B panel width (2048).
private let packedShapes: [(Int, Int, Int)] = [
    (33, 1, 1000), (1, 33, 1000), (257, 129, 600), (129, 65, 777),
]

@Suite("GEMM kernels")
struct GEMMTests {
    @Test(
        "Every path and transpose matches the reference on direct-path shapes",
        arguments: supportedPaths)
    func directShapesMatchReference(path: KernelPath) {
        for (ta, tb) in transposes {
            for (m, n, k) in directShapes {
                let problem = Problem(ta, tb, m: m, n: n, k: k)
                problem.expectMatchesReference(
                    problem.run(path: path, threads: 1), "\(path) \(ta)\(tb) \(m)x\(n)x\(k)")
            }
        }
    }

    @Test(
        "Every path and transpose matches the reference on packed-path shapes",
        arguments: supportedPaths)
    func packedShapesMatchReference(path: KernelPath) {
        for (ta, tb) in transposes {
            for (m, n, k) in packedShapes {
                let problem = Problem(ta, tb, m: m, n: n, k: k)
                problem.expectMatchesReference(
                    problem.run(path: path, threads: 1), "\(path) \(ta)\(tb) \(m)x\(n)x\(k)")
            }
        }
    }

    @Test(
        "A product wider than the B panel (n > 2048) crosses every block boundary",
        arguments: supportedPaths)
    func widePanelCrossing(path: KernelPath) {
        for (ta, tb) in transposes {
            let problem = Problem(ta, tb, m: 130, n: 2_100, k: 520, alpha: 0.5, beta: 1.5)
            problem.expectMatchesReference(
                problem.run(path: path, threads: 2), "\(path) \(ta)\(tb) 130x2100x520")
        }
    }

    @Test("alpha and beta scale the product and the prior C", arguments: supportedPaths)
    func alphaBeta(path: KernelPath) {
        for (ta, tb) in transposes {
            for (m, n, k) in [(7, 13, 5), (257, 129, 65), (33, 40, 600)] {
                for (alpha, beta) in [(Float(1.5), Float(-0.75)), (-2, 1), (0.25, 0)] {
                    let problem = Problem(ta, tb, m: m, n: n, k: k, alpha: alpha, beta: beta)
                    problem.expectMatchesReference(
                        problem.run(path: path, threads: 1),
                        "\(path) \(ta)\(tb) \(m)x\(n)x\(k) alpha \(alpha) beta \(beta)")
                }
            }
        }
    }

    @Test("beta == 0 ignores NaN already in C", arguments: supportedPaths)
    func betaZeroIgnoresNaN(path: KernelPath) {
        for (m, n, k) in [(1, 1, 1), (7, 13, 5), (70, 50, 700)] {
            let problem = Problem(false, false, m: m, n: n, k: k, beta: 0, cFill: .nan)
            let result = problem.run(path: path, threads: 1)
            #expect(result.allSatisfy { $0.isFinite }, "\(path) \(m)x\(n)x\(k)")
            problem.expectMatchesReference(result, "\(path) NaN C \(m)x\(n)x\(k)")
        }
    }

    @Test("alpha == 0 or k == 0 only scales C")
    func degenerateProducts() {
        var problem = Problem(false, false, m: 5, n: 6, k: 0, beta: 2)
        #expect(problem.run(path: .portable, threads: 1) == problem.c.map { $0 * 2 })
        problem = Problem(false, false, m: 5, n: 6, k: 4, alpha: 0, beta: 0, cFill: .nan)
        problem.a[3] = .nan  // A is not read when alpha == 0 (BLAS semantics)
        #expect(problem.run(path: CPUKernels.path, threads: 1) == [Float](repeating: 0, count: 30))
    }

    @Test("Threaded results are bit-identical to single-threaded ones", arguments: supportedPaths)
    func threadedIsBitIdentical(path: KernelPath) {
        // Above the parallel threshold on both the direct and the packed path, both split
        // directions (rows when m > n, columns otherwise), and ragged tiles at the split; many
        // k blocks; with B transposed the packed plan instead of the direct path (two B
        // panels and column groups for the short, wide 20 x 3000).
        let shapes = [
            (256, 256, 50), (257, 129, 600), (45, 1000, 70), (1000, 37, 64), (20, 3_000, 600),
            (300, 300, 1_300), (20, 3_000, 200),
        ]
        for (ta, tb) in transposes {
            for (m, n, k) in shapes {
                let problem = Problem(ta, tb, m: m, n: n, k: k, alpha: 1, beta: 0.5)
                #expect(2.0 * Double(m * n * k) >= CPUKernels.parallelMinimumFLOPs)
                let single = problem.run(path: path, threads: 1)
                for threads in [2, 3] {
                    #expect(
                        problem.run(path: path, threads: threads) == single,
                        "\(path) \(ta)\(tb) \(m)x\(n)x\(k) on \(threads) threads")
                }
            }
        }
    }

    @Test("Swift multiply passes transposes and shapes through")
    func swiftMultiply() {
        let a = Matrix(rows: 3, columns: 2, values: [1, 2, 3, 4, 5, 6])
        let b = Matrix(rows: 2, columns: 2, values: [1, -1, 2, 0.5])
        var c = Matrix(rows: 3, columns: 2, repeating: 1)
        multiply(a, b, into: &c, alpha: 2, beta: 1)
        #expect(c.storage == [11, 1, 23, -1, 35, -3])
        var d = Matrix(rows: 2, columns: 2)
        multiply(a, transposeA: true, a, into: &d)  // AᵀA
        #expect(d.storage == [35, 44, 44, 56])
        var e = Matrix(rows: 3, columns: 3)
        multiply(a, a, transposeB: true, into: &e)  // AAᵀ
        #expect(e.storage == [5, 11, 17, 11, 25, 39, 17, 39, 61])
    }

    @Test("Kernel path and thread settings")
    func settings() {
        #expect(KernelPath.portable.isSupported)
        #expect(lw_kernel_path_supported(42) == 0)
        let active = CPUKernels.path
        #expect(active.isSupported)
        #expect(lw_set_kernel_path(42) == 0)
        #expect(CPUKernels.path == active)
        // Forcing the already active path changes nothing for concurrently running tests.
        #expect(CPUKernels.forcePath(active))
        #expect(CPUKernels.path == active)
        #expect(CPUKernels.forcePath(nil))
        let initial = CPUKernels.threadCount
        #expect(initial >= 1)
        // A thread's own count applies to it alone, and ends with the closure.
        CPUKernels.withThreadCount(3) { #expect(CPUKernels.threadCount == 3) }
        #expect(CPUKernels.threadCount == initial)
        // The only test that changes the process-wide count (the others use withThreadCount);
        // results do not depend on it, so concurrently running tests are unaffected.
        CPUKernels.threadCount = 1
        #expect(CPUKernels.threadCount == 1)
        CPUKernels.threadCount = 0
        #expect(CPUKernels.threadCount == initial)
    }
}

@Suite("Elementwise kernels")
struct ElementwiseKernelTests {
    @Test("Bias rows, with and without ReLU; ReLU keeps NaN")
    func addBias() {
        let values = testValues(7 * 37, seed: 5)
        let bias = testValues(37, seed: 6)
        for relu in [false, true] {
            var x = Matrix(rows: 7, columns: 37, values: values)
            CPUKernels.addBias(bias, toRowsOf: &x, applyingReLU: relu)
            for i in 0..<7 {
                for j in 0..<37 {
                    let sum = values[i * 37 + j] + bias[j]
                    #expect(x[i, j] == (relu ? max(0, sum) : sum))
                }
            }
        }
        var withNaN = Matrix(rows: 1, columns: 3, values: [.nan, -1, 2])
        CPUKernels.addBias([0, 0, 0], toRowsOf: &withNaN, applyingReLU: true)
        #expect(withNaN[0, 0].isNaN && withNaN[0, 1] == 0 && withNaN[0, 2] == 2)
    }

    @Test("Column sums add rows in order and accumulate on request")
    func columnSums() {
        let x = Matrix(rows: 33, columns: 19, values: testValues(33 * 19, seed: 7))
        var sums = [Float](repeating: .nan, count: 19)  // overwritten: NaN must not leak
        CPUKernels.columnSums(of: x, into: &sums)
        for j in 0..<19 {
            var expected: Float = 0
            for i in 0..<33 { expected += x[i, j] }
            #expect(sums[j] == expected)
        }
        let first = sums
        CPUKernels.columnSums(of: x, into: &sums, accumulating: true)
        for j in 0..<19 { #expect(abs(sums[j] - 2 * first[j]) <= 1e-5) }
    }

    @Test("ReLU backward passes the gradient where the activation is positive")
    func reluBackward() {
        let activation = Matrix(rows: 2, columns: 3, values: [0, 1, -2, 3, 0.5, -0.1])
        var gradient = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        CPUKernels.reluBackward(activation: activation, gradient: &gradient)
        #expect(gradient.storage == [0, 2, 0, 4, 5, 0])
    }

    @Test("Adam and AdamW steps match the formula evaluated in double precision")
    func adam() {
        let count = 37
        let start = testValues(count, seed: 8)
        let gradient = testValues(count, seed: 9)
        for decay in [Float(0), 0.01] {
            var parameters = start
            var m = [Float](repeating: 0, count: count)
            var v = [Float](repeating: 0, count: count)
            var (pd, md, vd) = (
                start.map(Double.init), [Double](repeating: 0, count: count),
                [Double](repeating: 0, count: count)
            )
            let (lr, b1, b2, eps) = (0.01, 0.9, 0.999, 1e-8)
            for step in 1...3 {
                CPUKernels.adamUpdate(
                    &parameters, gradient: gradient, firstMoment: &m, secondMoment: &v,
                    learningRate: Float(lr), step: step, decoupledWeightDecay: decay)
                for i in 0..<count {
                    let g = Double(gradient[i])
                    pd[i] -= lr * Double(decay) * pd[i]
                    md[i] = b1 * md[i] + (1 - b1) * g
                    vd[i] = b2 * vd[i] + (1 - b2) * g * g
                    let mHat = md[i] / (1 - CPUKernels.power(b1, step))
                    let vHat = vd[i] / (1 - CPUKernels.power(b2, step))
                    pd[i] -= lr * mHat / (vHat.squareRoot() + eps)
                }
            }
            for i in 0..<count {
                #expect(abs(Double(parameters[i]) - pd[i]) <= 1e-5, "decay \(decay) index \(i)")
            }
        }
    }
}
