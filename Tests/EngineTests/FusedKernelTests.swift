import CKernels
import Foundation
import Testing

@testable import Engine

/// Deterministic values in [-1, 1) (a 64-bit LCG), so failures reproduce.
private func values(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 7
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int64(bitPattern: state >> 11) % (1 << 24)) / Float(1 << 23) - 1
    }
}

/// Counts around the 16-lane groups (empty, a lone tail, one group, a group and a tail...).
private let counts = [0, 1, 5, 16, 17, 37, 100, 1_000]

/// The inputs an activation kernel is checked on: each of `counts` (full groups of 16 and
/// tails) spread over [-spread, spread), then `grid` (a dense sweep of its branch points).
private func sweep(spread: Float, seed: UInt64, grid: [Float]) -> [[Float]] {
    counts.map { count in values(count, seed: UInt64(count) + seed).map { $0 * spread } } + [grid]
}

private func expectClose(
    _ actual: Float, _ expected: Double, relative: Double, absolute: Double = 1e-30,
    _ label: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    let error = abs(Double(actual) - expected)
    #expect(
        error <= relative * max(abs(expected), 1e-30) + absolute,
        "\(label): \(actual) vs \(expected)",
        sourceLocation: sourceLocation)
}

/// `actual` within `relative` of the magnitude of the terms that produced `expected` (a sum of
/// terms of opposite signs can cancel far below its terms' rounding errors).
private func expectNear(
    _ actual: Float, _ expected: Double, terms: Double, _ label: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        abs(Double(actual) - expected) <= 1e-6 * terms + 1e-30,
        "\(label): \(actual) vs \(expected)", sourceLocation: sourceLocation)
}

/// Runs `lw_adam_step` or `lw_sgd_step` style kernels on copies and returns the squares.
private func squares(_ body: (UnsafeMutablePointer<Float>) -> Void) -> (Float, Float) {
    var out: [Float] = [.nan, .nan]
    out.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    return (out[0], out[1])
}

@Suite("Fused optimizer and activation kernels against naive references")
struct FusedKernelTests {
    @Test("ReLU forward keeps NaN and tracks each column's largest output")
    func reluForward() {
        for (rows, columns) in [(1, 1), (3, 17), (7, 37), (32, 64)] {
            var x = values(rows * columns, seed: UInt64(rows * 100 + columns))
            x[0] = .nan
            var y = [Float](repeating: 7, count: x.count)
            var largest = [Float](repeating: 0, count: columns)
            largest[columns - 1] = 0.5  // accumulates on what is there
            let before = largest
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    largest.withUnsafeMutableBufferPointer { lp in
                        lw_relu_forward(
                            Int32(rows), Int32(columns), xp.baseAddress, yp.baseAddress,
                            lp.baseAddress)
                    }
                }
            }
            #expect(y[0].isNaN)
            for i in 1..<x.count { #expect(y[i] == (x[i] < 0 ? 0 : x[i])) }
            for j in 0..<columns {
                var expected = before[j]
                for i in 0..<rows where i * columns + j != 0 {
                    expected = max(expected, y[i * columns + j])
                }
                #expect(j == 0 || largest[j] == expected, "column \(j)")
            }
        }
    }

    @Test(
        "The 16-lane sigmoid matches 1 / (1 + exp(-x)) in double precision on every path",
        arguments: KernelPath.allCases.filter(\.isSupported))
    func sigmoidMatchesDoublePrecision(path: KernelPath) {
        for count in counts {
            // Spread over [-100, 100): both branches, the clamp at -87 and saturation at 1.
            let x = values(count, seed: UInt64(count) + 3).map { $0 * 100 }
            var s = [Float](repeating: .nan, count: count)
            CPUKernels.sigmoid(count: count, x, into: &s, path: path)
            for i in 0..<count {
                let exact = 1 / (1 + Foundation.exp(-Double(x[i])))
                if x[i] < -87 {
                    #expect(s[i] >= 0 && s[i] < 2e-38, "\(x[i]) -> \(s[i])")
                } else {
                    expectClose(s[i], exact, relative: 3e-7, "sigmoid(\(x[i])) n=\(count)")
                }
            }
        }
        // The edges: zero, tiny, large, infinities, NaN; and in place.
        var edges: [Float] = [
            0, -0.0, 1e-30, -1e-30, 20, -20, 88, -88, .infinity, -.infinity, .nan,
        ]
        let original = edges
        CPUKernels.sigmoid(count: edges.count, edges, into: &edges, path: path)
        #expect(edges[0] == 0.5 && edges[1] == 0.5 && edges[2] == 0.5 && edges[3] == 0.5)
        expectClose(edges[4], 1 / (1 + Foundation.exp(-20.0)), relative: 3e-7, "sigmoid(20)")
        expectClose(edges[5], 1 / (1 + Foundation.exp(20.0)), relative: 3e-7, "sigmoid(-20)")
        #expect(edges[6] == 1 && edges[8] == 1)
        #expect(edges[7] >= 0 && edges[7] < 2e-38 && edges[9] >= 0 && edges[9] < 2e-38)
        #expect(edges[10].isNaN, "\(original[10]) -> \(edges[10])")
    }

    @Test(
        "The logistic loss's 16-lane parts match log1p(exp(-|x|)) and the sigmoid on every path",
        arguments: KernelPath.allCases.filter(\.isSupported))
    func logisticPartsMatchDoublePrecision(path: KernelPath) {
        // Spread over [-100, 100) (the clamp at -87), and a dense grid around zero.
        for x in sweep(spread: 100, seed: 13, grid: (-4000..<4000).map { Float($0) / 1000 }) {
            var tail = [Float](repeating: .nan, count: x.count)
            var s = [Float](repeating: .nan, count: x.count)
            CPUKernels.logisticParts(count: x.count, x, tail: &tail, sigmoid: &s, path: path)
            for i in 0..<x.count {
                let a = abs(Double(x[i]))
                if a > 87 {
                    #expect(tail[i] >= 0 && tail[i] < 2e-38, "tail(\(x[i])) = \(tail[i])")
                } else {
                    expectClose(
                        tail[i], Foundation.log1p(Foundation.exp(-a)), relative: 1e-6,
                        "tail(\(x[i]))")
                    expectClose(
                        s[i], 1 / (1 + Foundation.exp(-Double(x[i]))), relative: 3e-7,
                        "sigmoid(\(x[i]))")
                }
            }
        }
        let edges: [Float] = [0, -0.0, 1e-30, 30, -30, .infinity, -.infinity, .nan]
        var tail = [Float](repeating: 0, count: edges.count)
        var s = [Float](repeating: 0, count: edges.count)
        CPUKernels.logisticParts(count: edges.count, edges, tail: &tail, sigmoid: &s, path: path)
        expectClose(tail[0], Foundation.log(2.0), relative: 1e-7, "tail(0)")
        #expect(tail[1] == tail[0] && tail[2] == tail[0] && s[0] == 0.5 && s[1] == 0.5)
        expectClose(tail[3], Foundation.exp(-30.0), relative: 1e-6, "tail(30)")
        #expect(tail[4] == tail[3] && s[3] == 1 && s[4] > 0 && s[4] < 1e-13)
        #expect(tail[5] < 2e-38 && tail[6] < 2e-38 && s[5] == 1 && s[6] < 2e-38)
        #expect(tail[7].isNaN && s[7].isNaN)
    }

    @Test(
        "The 16-lane ELU and SELU match expm1 in double precision on every path",
        arguments: KernelPath.allCases.filter(\.isSupported))
    func eluMatchesDoublePrecision(path: KernelPath) {
        // Spread over [-30, 30), and a dense grid around the branch point -1 and zero.
        for (scale, alpha) in [(Float(1), Float(1)), (1, 0.3), (1.0507009, 1.6732632)] {
            for x in sweep(spread: 30, seed: 9, grid: (-3000..<1000).map { Float($0) / 1000 }) {
                var y = [Float](repeating: .nan, count: x.count)
                CPUKernels.elu(count: x.count, x, into: &y, scale: scale, alpha: alpha, path: path)
                for i in x.indices {
                    let v = Double(x[i])
                    let exact = Double(scale) * (v > 0 ? v : Double(alpha) * Foundation.expm1(v))
                    expectClose(y[i], exact, relative: 3e-7, "elu(\(v), \(scale), \(alpha))")
                }
            }
        }
        var edges: [Float] = [0, -0.0, 1e-30, -1e-30, -90, .infinity, -.infinity, .nan]
        CPUKernels.elu(count: edges.count, edges, into: &edges, scale: 2, alpha: 0.5, path: path)
        #expect(edges[0] == 0 && edges[1] == 0 && edges[2] == 2e-30 && edges[3] == -1e-30)
        #expect(edges[4] == -1 && edges[5] == .infinity && edges[6] == -1 && edges[7].isNaN)
    }

    @Test(
        "The 16-lane tanh matches tanh in double precision on every path",
        arguments: KernelPath.allCases.filter(\.isSupported))
    func tanhMatchesDoublePrecision(path: KernelPath) {
        // Spread over [-12, 12), and a dense grid around the branch point 0.625 and zero.
        for x in sweep(spread: 12, seed: 5, grid: (-2000..<2000).map { Float($0) / 2000 }) {
            var y = [Float](repeating: .nan, count: x.count)
            CPUKernels.tanh(count: x.count, x, into: &y, path: path)
            for i in x.indices {
                expectClose(y[i], Foundation.tanh(Double(x[i])), relative: 3e-7, "tanh(\(x[i]))")
            }
        }
        var edges: [Float] = [0, -0.0, 1e-30, -1e-30, 44, -44, .infinity, -.infinity, .nan]
        CPUKernels.tanh(count: edges.count, edges, into: &edges, path: path)
        #expect(edges[0] == 0 && edges[1] == 0 && edges[2] == 1e-30 && edges[3] == -1e-30)
        #expect(edges[4] == 1 && edges[5] == -1 && edges[6] == 1 && edges[7] == -1)
        #expect(edges[8].isNaN)
    }

    @Test(
        "The 16-lane GELU and its derivative match the erf form in double precision on every path",
        arguments: KernelPath.allCases.filter(\.isSupported))
    func geluMatchesDoublePrecision(path: KernelPath) {
        // Both erf branches and both erfc ranges (|x| / sqrt 2 below 1, 1 to 2, above 2), the
        // far left tail where x Phi(x) underflows, and the grid around the branch points.
        for x in sweep(spread: 14, seed: 7, grid: (-4000..<4000).map { Float($0) / 1000 }) {
            var y = [Float](repeating: .nan, count: x.count)
            var d = [Float](repeating: .nan, count: x.count)
            CPUKernels.gelu(count: x.count, x, into: &y, derivative: &d, path: path)
            for i in x.indices {
                let v = Double(x[i])
                let cdf = 0.5 * Foundation.erfc(-v / 2.0.squareRoot())
                let pdf = Foundation.exp(-0.5 * v * v) / (2 * Double.pi).squareRoot()
                // Relative 2e-6 down to x = -5 (|y| 1.4e-6); below, exp(-x^2 / 2) carries the
                // rounding of x^2 (50 ulp at x = -10), which the absolute bound covers.
                expectClose(y[i], v * cdf, relative: 2e-6, absolute: 1e-11, "gelu(\(v))")
                expectClose(d[i], cdf + v * pdf, relative: 2e-6, absolute: 2e-7, "gelu'(\(v))")
            }
        }
        var edges: [Float] = [0, 30, -30, .nan]
        var d = [Float](repeating: 0, count: edges.count)
        CPUKernels.gelu(count: edges.count, edges, into: &edges, derivative: &d, path: path)
        #expect(edges[0] == 0 && d[0] == 0.5)
        #expect(edges[1] == 30 && d[1] == 1 && edges[2] == 0 && d[2] == 0)
        #expect(edges[3].isNaN)
    }

    @Test("Sums of squares match a double-precision sum")
    func sumOfSquares() {
        for count in counts {
            let x = values(count, seed: UInt64(count) + 3)
            let expected = x.reduce(0.0) { $0 + Double($1) * Double($1) }
            let actual = x.withUnsafeBufferPointer { lw_sum_squares(count, $0.baseAddress) }
            expectClose(actual, expected, relative: 1e-5, "count \(count)")
        }
    }

    @Test("Penalties add lambda sign(w) (L1) or 2 lambda w (L2) and return the new norm")
    func penalties() {
        for count in counts {
            var w = values(count, seed: UInt64(count) + 5)
            if count > 2 { w[2] = 0 }  // sign(0) = 0
            let g0 = values(count, seed: UInt64(count) + 6)
            for (l1, l2) in [(Float(0.01), Float(0)), (0, 0.05), (0, 0)] {
                var g = g0
                let sum = w.withUnsafeBufferPointer { wp in
                    g.withUnsafeMutableBufferPointer { gp in
                        lw_penalize_sum_squares(count, wp.baseAddress, gp.baseAddress, l1, l2)
                    }
                }
                var expectedSum = 0.0
                for i in 0..<count {
                    let sign: Float = w[i] > 0 ? 1 : (w[i] < 0 ? -1 : 0)
                    let expected = g0[i] + l1 * sign + 2 * l2 * w[i]
                    #expect(abs(g[i] - expected) <= 1e-6, "l1 \(l1) l2 \(l2) index \(i)")
                    expectedSum += Double(expected) * Double(expected)
                }
                expectClose(sum, expectedSum, relative: 1e-5, "l1 \(l1) l2 \(l2) sum")
            }
        }
    }

    @Test("The Adam step matches the formula in double precision, with clipping and decay")
    func adamStep() {
        let (beta1, beta2, epsilon): (Float, Float, Float) = (0.9, 0.999, 1e-8)
        for count in counts {
            for (scale, clip, decayFactor) in [
                (Float(1), Float.infinity, Float(1)), (0.5, 0.3, 0.999),
            ] {
                var w = values(count, seed: UInt64(count) + 11)
                var g = values(count, seed: UInt64(count) + 12)
                var m = values(count, seed: UInt64(count) + 13).map { $0 * 0.1 }
                var v = values(count, seed: UInt64(count) + 14).map { $0 * $0 * 0.01 }
                let (w0, g0, m0, v0) = (w, g, m, v)
                let (stepSize, correction2Root): (Float, Float) = (0.01 / 0.271, 0.0447)
                let (updateSquares, weightSquares) = squares { out in
                    w.withUnsafeMutableBufferPointer { wp in
                        g.withUnsafeMutableBufferPointer { gp in
                            m.withUnsafeMutableBufferPointer { mp in
                                v.withUnsafeMutableBufferPointer { vp in
                                    lw_adam_step(
                                        count, wp.baseAddress, gp.baseAddress, mp.baseAddress,
                                        vp.baseAddress, scale, clip, beta1, beta2, epsilon,
                                        stepSize, correction2Root, decayFactor, out)
                                }
                            }
                        }
                    }
                }
                var (updateSum, weightSum) = (0.0, 0.0)
                for i in 0..<count {
                    let d = min(max(Double(g0[i]) * Double(scale), -Double(clip)), Double(clip))
                    let mi = Double(m0[i]) + (1 - Double(beta1)) * (d - Double(m0[i]))
                    let vi = Double(v0[i]) * Double(beta2) + (1 - Double(beta2)) * d * d
                    let before = Double(w0[i]) * Double(decayFactor)
                    let denominator =
                        vi.squareRoot() / Double(correction2Root) + Double(epsilon)
                    let after = before - Double(stepSize) * mi / denominator
                    let label = "count \(count) scale \(scale) index \(i)"
                    expectNear(m[i], mi, terms: abs(Double(m0[i])) + abs(d), "m " + label)
                    expectClose(v[i], vi, relative: 1e-6, "v " + label)
                    #expect(abs(Double(w[i]) - after) <= 1e-6 * max(abs(after), 1), "w \(label)")
                    // g holds the change actually applied to the (decayed) weights.
                    let applied = Double(w[i]) - Double(w0[i]) * Double(decayFactor)
                    #expect(abs(Double(g[i]) - applied) <= 1e-6, "g \(label)")
                    updateSum += Double(g[i]) * Double(g[i])
                    weightSum += Double(w[i]) * Double(w[i])
                }
                expectClose(updateSquares, updateSum, relative: 1e-5, "update norm \(count)")
                expectClose(weightSquares, weightSum, relative: 1e-5, "weight norm \(count)")
            }
        }
    }

    @Test("SGD steps (plain, momentum, dampening, Nesterov, first step) match the formula")
    func sgdStep() {
        let lr: Float = 0.05
        for count in counts {
            for (momentum, dampening, nesterov, first) in [
                (Float(0), Float(0), false, false), (0.9, 0, false, true), (0.9, 0.1, false, false),
                (0.9, 0, true, false),
            ] {
                var w = values(count, seed: UInt64(count) + 21)
                var g = values(count, seed: UInt64(count) + 22)
                var buffer = values(count, seed: UInt64(count) + 23)
                let (w0, g0, b0) = (w, g, buffer)
                let (updateSquares, weightSquares) = squares { out in
                    w.withUnsafeMutableBufferPointer { wp in
                        g.withUnsafeMutableBufferPointer { gp in
                            buffer.withUnsafeMutableBufferPointer { bp in
                                lw_sgd_step(
                                    count, wp.baseAddress, gp.baseAddress,
                                    momentum == 0 ? nil : bp.baseAddress, lr, momentum, dampening,
                                    nesterov ? 1 : 0, first ? 1 : 0, 2, 0.5, out)
                            }
                        }
                    }
                }
                var (updateSum, weightSum) = (0.0, 0.0)
                for i in 0..<count {
                    let d = min(max(Double(g0[i]) * 2, -0.5), 0.5)
                    var direction = d
                    if momentum != 0 {
                        let b =
                            first
                            ? d : Double(momentum) * Double(b0[i]) + (1 - Double(dampening)) * d
                        expectNear(
                            buffer[i], b, terms: abs(Double(b0[i])) + abs(d),
                            "buffer \(count) \(i)")
                        direction = nesterov ? d + Double(momentum) * b : b
                    } else {
                        #expect(buffer[i] == b0[i])
                    }
                    let delta = -Double(lr) * direction
                    expectNear(
                        g[i], delta, terms: Double(lr) * (abs(d) + abs(Double(b0[i]))),
                        "delta \(count) \(i)")
                    #expect(abs(Double(w[i]) - (Double(w0[i]) + delta)) <= 1e-6, "w \(count) \(i)")
                    updateSum += Double(g[i]) * Double(g[i])
                    weightSum += Double(w[i]) * Double(w[i])
                }
                expectClose(updateSquares, updateSum, relative: 1e-5, "update norm \(count)")
                expectClose(weightSquares, weightSum, relative: 1e-5, "weight norm \(count)")
            }
        }
    }

    @Test("Threaded direct-path products with a transposed B (copied once) match the reference")
    func threadedTransposedDirect() {
        // 256 x 256 x 50 with B stored transposed, as Dense.forward multiplies by W^T.
        let (m, n, k) = (256, 200, 50)
        let a = values(m * k, seed: 41)
        let b = values(n * k, seed: 42)
        var c = [Float](repeating: .nan, count: m * n)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    lw_sgemm_with(
                        LW_KERNEL_AUTO, 2, 0, 1, Int32(m), Int32(n), Int32(k), 1, ap.baseAddress,
                        Int32(k), bp.baseAddress, Int32(k), 0, cp.baseAddress, Int32(n))
                }
            }
        }
        for i in stride(from: 0, to: m, by: 7) {
            for j in 0..<n {
                var sum = 0.0
                var magnitude = 0.0
                for p in 0..<k {
                    let product = Double(a[i * k + p]) * Double(b[j * k + p])
                    sum += product
                    magnitude += abs(product)
                }
                #expect(
                    abs(Double(c[i * n + j]) - sum) <= 2 * Double(k) * 1.2e-7 * magnitude + 1e-12,
                    "C[\(i),\(j)]")
            }
        }
    }
    @Test("Long tensors run in blocks (threaded when there are several): same on 1 or 2 threads")
    func blockedPassesAreThreadIndependent() {
        let count = 100_003  // several 16384-float blocks and a ragged last one
        let w0 = values(count, seed: 51)
        let g0 = values(count, seed: 52)
        func run(
            threads: Int
        ) -> (w: [Float], g: [Float], m: [Float], squares: (Float, Float), norm: Float) {
            CPUKernels.withThreadCount(threads) { runOnce() }
        }
        func runOnce() -> (w: [Float], g: [Float], m: [Float], squares: (Float, Float), norm: Float)
        {
            var (w, g) = (w0, g0)
            var m = [Float](repeating: 0, count: count)
            var v = [Float](repeating: 0, count: count)
            let norm = g.withUnsafeBufferPointer { lw_sum_squares(count, $0.baseAddress) }
            let squares = squares { out in
                w.withUnsafeMutableBufferPointer { wp in
                    g.withUnsafeMutableBufferPointer { gp in
                        m.withUnsafeMutableBufferPointer { mp in
                            v.withUnsafeMutableBufferPointer { vp in
                                lw_adam_step(
                                    count, wp.baseAddress, gp.baseAddress, mp.baseAddress,
                                    vp.baseAddress, 1, .infinity, 0.9, 0.999, 1e-8, 0.01, 0.0316,
                                    1, out)
                            }
                        }
                    }
                }
            }
            return (w, g, m, squares, norm)
        }
        let single = run(threads: 1)
        let double = run(threads: 2)
        #expect(single.w == double.w && single.g == double.g && single.m == double.m)
        #expect(single.squares == double.squares && single.norm == double.norm)
        let expectedNorm = g0.reduce(0.0) { $0 + Double($1) * Double($1) }
        expectClose(single.norm, expectedNorm, relative: 1e-6, "gradient norm")
        var (updates, weights) = (0.0, 0.0)
        for i in 0..<count {
            let d = Double(g0[i])
            let mi = 0.1 * d
            let vi = 0.001 * d * d
            let after = Double(w0[i]) - 0.01 * mi / (vi.squareRoot() / 0.0316 + 1e-8)
            #expect(abs(Double(single.w[i]) - after) <= 1e-6, "w \(i)")
            updates += Double(single.g[i]) * Double(single.g[i])
            weights += Double(single.w[i]) * Double(single.w[i])
        }
        expectClose(single.squares.0, updates, relative: 1e-5, "update norm")
        expectClose(single.squares.1, weights, relative: 1e-6, "weight norm")
    }

    @Test("Few-column products from a transposed B (dot-product kernel) match the reference")
    func fewColumnProducts() {
        for (m, n, k) in [(512, 10, 1024), (256, 5, 256), (33, 16, 40), (7, 13, 100), (3, 1, 32)] {
            let a = values(m * k, seed: UInt64(m + k))
            let b = values(n * k, seed: UInt64(n + 3 * k))
            let prior = values(m * n, seed: 3)
            func run(threads: Int, beta: Float) -> [Float] {
                var c = beta == 0 ? [Float](repeating: .nan, count: m * n) : prior
                a.withUnsafeBufferPointer { ap in
                    b.withUnsafeBufferPointer { bp in
                        c.withUnsafeMutableBufferPointer { cp in
                            lw_sgemm_with(
                                LW_KERNEL_AUTO, Int32(threads), 0, 1, Int32(m), Int32(n), Int32(k),
                                1.5, ap.baseAddress, Int32(k), bp.baseAddress, Int32(k), beta,
                                cp.baseAddress, Int32(n))
                        }
                    }
                }
                return c
            }
            for beta in [Float(0), 0.5] {
                let c = run(threads: 1, beta: beta)
                #expect(run(threads: 2, beta: beta) == c, "\(m)x\(n)x\(k) threads")
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0
                        var magnitude = 0.0
                        for p in 0..<k {
                            let product = Double(a[i * k + p]) * Double(b[j * k + p])
                            sum += product
                            magnitude += abs(product)
                        }
                        let expected = 1.5 * sum + Double(beta) * Double(prior[i * n + j])
                        let tolerance = 2 * Double(k + 2) * 1.2e-7 * (1.5 * magnitude + 1)
                        #expect(
                            abs(Double(c[i * n + j]) - expected) <= tolerance,
                            "\(m)x\(n)x\(k) beta \(beta) C[\(i),\(j)]")
                    }
                }
            }
        }
    }
}

@Test("Gathered batch rows equal the indexed rows")
func gatherRowsMatchesIndexing() {
    for (rows, width) in [(8, 13), (600, 130)] {
        let tableRows = rows * 3
        let table = values(tableRows * width, seed: UInt64(rows))
        let indices: [Int] = (0..<rows).map { ($0 * 7_919 + 13) % tableRows }
        var batch = [Float](repeating: .nan, count: rows * width)
        indices.withUnsafeBufferPointer { order in
            lw_gather_rows(Int32(rows), Int32(width), table, order.baseAddress, &batch)
        }
        var expected: [Float] = []
        for index in indices { expected += table[(index * width)..<((index + 1) * width)] }
        #expect(batch == expected, "\(rows) x \(width)")
    }
}
