import CKernels
import Random
import Testing

@testable import Engine

/// Deterministic values in [-1, 1) (a 64-bit LCG), so failures reproduce.
private func epilogueValues(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int64(bitPattern: state >> 11) % (1 << 24)) / Float(1 << 23) - 1
    }
}

@Suite("GEMM epilogue and fused Dense+ReLU")
struct FusedEpilogueTests {
    /// Shapes on the direct path (row and column splits), the packed path, the packed plan
    /// (x W^T on several threads: row blocks, column groups, two B panels) and the few-column
    /// dot-product path, with ragged tiles, above and below the parallel threshold.
    static let shapes: [(Int, Int, Int)] = [
        (7, 13, 5), (256, 256, 50), (45, 1000, 70), (1000, 37, 64), (257, 129, 600),
        (20, 700, 600), (130, 2_100, 520), (20, 3_000, 200), (300, 5, 256), (64, 2, 32),
    ]

    @Test("lw_sgemm_bias_act equals lw_sgemm, then bias, ReLU and column maxima done naively")
    func biasActMatchesNaive() {
        for (m, n, k) in Self.shapes {
            let a = epilogueValues(m * k, seed: UInt64(m + 3 * k))
            let b = epilogueValues(n * k, seed: UInt64(n + 5 * k))  // stored n x k (x W^T)
            let bias = epilogueValues(n, seed: UInt64(n))
            var product = [Float](repeating: 0, count: m * n)
            lw_sgemm(
                0, 1, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(k), 0, &product,
                Int32(n))
            for relu in [false, true] {
                for useBias in [false, true] {
                    var expected = product
                    var expectedMax = [Float](repeating: 0, count: n)
                    for i in 0..<m {
                        for j in 0..<n {
                            var v = expected[i * n + j]
                            if useBias { v += bias[j] }
                            if relu { v = v < 0 ? 0 : v }
                            expected[i * n + j] = v
                            expectedMax[j] = expectedMax[j] > v ? expectedMax[j] : v
                        }
                    }
                    // One thread (the epilogue inside the serial product's blocks) and more
                    // (inside each chunk's blocks, or after a direct chunk).
                    for threads in [1, 2, 3] {
                        lw_set_local_thread_count(Int32(threads))  // this test's thread only
                        defer { lw_set_local_thread_count(0) }
                        var c = [Float](repeating: .nan, count: m * n)  // beta 0: never read
                        var columnMax = [Float](repeating: 0, count: n)
                        columnMax.withUnsafeMutableBufferPointer { maxima in
                            lw_sgemm_bias_act(
                                0, 1, Int32(m), Int32(n), Int32(k), a, Int32(k), b, Int32(k),
                                &c, Int32(n), useBias ? bias : nil, relu ? 1 : 0,
                                maxima.baseAddress)
                        }
                        let label = "\(m)x\(n)x\(k) relu \(relu) bias \(useBias) \(threads)t"
                        #expect(c == expected, "\(label)")
                        #expect(columnMax == expectedMax, "maxima \(label)")
                    }
                }
            }
        }
    }

    @Test("Column maxima accumulate across calls and ReLU keeps NaN")
    func maximaAccumulateAndNaN() {
        let a: [Float] = [1, 0, 0, 1, -1, 2]  // 3 x 2
        let b: [Float] = [1, 0, 0, 1]  // 2 x 2 identity, stored transposed
        var c = [Float](repeating: 0, count: 6)
        var maxima: [Float] = [5, 0.25]
        maxima.withUnsafeMutableBufferPointer { top in
            lw_sgemm_bias_act(0, 1, 3, 2, 2, a, 2, b, 2, &c, 2, [.nan, -1.5], 1, top.baseAddress)
        }
        // Column 0 is NaN everywhere (kept by the ReLU); column 1 is [-1.5, -0.5, 0.5] -> ReLU.
        #expect(c[0].isNaN && c[2].isNaN && c[4].isNaN)
        #expect(c[1] == 0 && c[3] == 0 && c[5] == 0.5)
        #expect(maxima[0].isNaN)  // as lw_relu_forward: a NaN output shows in the statistic
        #expect(maxima[1] == 0.5)
        maxima.withUnsafeMutableBufferPointer { top in
            lw_sgemm_bias_act(0, 1, 3, 2, 2, a, 2, b, 2, &c, 2, [0, -3], 1, top.baseAddress)
        }
        #expect(maxima[1] == 0.5)  // kept: this call's column 1 never activates
    }

    @Test("ReLU backward with column sums equals the two separate passes")
    func reluBackwardSums() {
        // (256, 256) and larger run on the pool in column slices, (300, 1000) and (1024, 65)
        // with a ragged last slice; the sums must still match the row-order reference exactly.
        for (rows, cols) in [(1, 1), (7, 37), (256, 256), (33, 5), (300, 1000), (1024, 65)] {
            let activation = epilogueValues(rows * cols, seed: UInt64(rows * cols))
            let upstream = epilogueValues(rows * cols, seed: UInt64(rows + cols))
            var expected = upstream
            lw_relu_backward(rows * cols, activation, upstream, &expected)
            var expectedSums = [Float](repeating: 0, count: cols)
            for i in 0..<rows {
                for j in 0..<cols {
                    let d = activation[i * cols + j] > 0 ? upstream[i * cols + j] : 0
                    #expect(expected[i * cols + j] == d)
                    expectedSums[j] += d
                }
            }
            var dx = [Float](repeating: .nan, count: rows * cols)
            var sums = [Float](repeating: .nan, count: cols)
            lw_relu_backward_column_sums(
                Int32(rows), Int32(cols), activation, upstream, &dx, &sums)
            #expect(dx == expected)
            #expect(sums == expectedSums)
            // In place (dx aliasing the upstream gradient), as Sequential may use it.
            var inPlace = upstream
            inPlace.withUnsafeMutableBufferPointer { g in
                lw_relu_backward_column_sums(
                    Int32(rows), Int32(cols), activation, g.baseAddress, g.baseAddress, &sums)
            }
            #expect(inPlace == expected)
            #expect(sums == expectedSums)
        }
    }

    @Test(
        "lw_sgemm_relu_backward equals lw_sgemm, then the ReLU mask and block-ordered sums")
    func reluBackwardEpilogueMatchesNaive() {
        // Direct path (row chunks; m < 16: column chunks), the dot path (few columns from a
        // transposed B), the packed plan (row blocks, column groups, several k blocks), ragged
        // sum blocks; each transpose.
        let shapes = [
            (7, 13, 5), (256, 256, 5), (256, 256, 256), (12, 700, 80), (70, 9, 64),
            (300, 300, 600), (20, 3_000, 520), (45, 1_000, 70),
        ]
        for (m, n, k) in shapes {
            for (ta, tb) in [(false, false), (true, false), (false, true)] {
                let a = epilogueValues(m * k, seed: UInt64(m + 7 * k))
                let b = epilogueValues(n * k, seed: UInt64(n + 11 * k))
                let activation = epilogueValues(m * n, seed: UInt64(m * n))
                let lda = Int32(ta ? m : k)
                let ldb = Int32(tb ? k : n)
                var product = [Float](repeating: 0, count: m * n)
                lw_sgemm(
                    ta ? 1 : 0, tb ? 1 : 0, Int32(m), Int32(n), Int32(k), 1, a, lda, b, ldb, 0,
                    &product, Int32(n))
                var expected = product
                var expectedSums = [Float](repeating: 0, count: n)
                for block in stride(from: 0, to: m, by: 32) {
                    var partial = [Float](repeating: 0, count: n)
                    for i in block..<min(block + 32, m) {
                        for j in 0..<n {
                            let v = activation[i * n + j] > 0 ? product[i * n + j] : 0
                            expected[i * n + j] = v
                            partial[j] += v
                        }
                    }
                    for j in 0..<n { expectedSums[j] += partial[j] }
                }
                let label = "\(m)x\(n)x\(k) ta \(ta) tb \(tb)"
                // Row chunks and blocks change with the thread count; the sums must not.
                for threads in [1, 2, 3] {
                    lw_set_local_thread_count(Int32(threads))  // this test's thread only
                    defer { lw_set_local_thread_count(0) }
                    var c = [Float](repeating: .nan, count: m * n)
                    var sums = [Float](repeating: .nan, count: n)
                    lw_sgemm_relu_backward(
                        ta ? 1 : 0, tb ? 1 : 0, Int32(m), Int32(n), Int32(k), a, lda, b, ldb, &c,
                        Int32(n), activation, Int32(n), &sums)
                    #expect(c == expected, "\(label) on \(threads) threads")
                    #expect(sums == expectedSums, "sums \(label) on \(threads) threads")
                }
                var unsummed = [Float](repeating: .nan, count: m * n)
                lw_sgemm_relu_backward(
                    ta ? 1 : 0, tb ? 1 : 0, Int32(m), Int32(n), Int32(k), a, lda, b, ldb,
                    &unsummed, Int32(n), activation, Int32(n), nil)
                #expect(unsummed == expected, "no sums \(label)")
            }
        }
    }

    @Test(
        "Fused Dense+ReLU in Sequential matches the layers run one by one",
        arguments: [13, 70])
    func sequentialFusionMatchesLayerByLayer(rows: Int) throws {
        let description = ModelDescription(
            inputWidth: 6,
            layers: [
                .dense(units: 9), .activation(.relu), .dense(units: 7), .activation(.relu),
                .dense(units: 3),
            ])
        let model = try Sequential(description, seed: 11)
        let input = Matrix(rows: rows, columns: 6, values: epilogueValues(rows * 6, seed: 2))
        let upstream = epilogueValues(rows * 3, seed: 4)

        // Layer by layer, through the protocol's own forward and backward (no fusion).
        var layers = model.layers
        var activations: [Matrix] = [input]
        var context = ForwardContext(isTraining: true)
        for index in layers.indices {
            var output = Matrix(rows: rows, columns: layers[index].outputWidth)
            activations[index].withView { x in
                output.withMutableView { y in layers[index].forward(x, into: y, context: &context) }
            }
            activations.append(output)
        }
        var gradient = Matrix(rows: rows, columns: 3, values: upstream)
        for index in layers.indices.reversed() {
            var inputGradient = Matrix(rows: rows, columns: layers[index].inputWidth)
            activations[index].withView { x in
                activations[index + 1].withView { y in
                    gradient.withView { g in
                        inputGradient.withMutableView { dx in
                            layers[index].backward(
                                input: x, output: y, outputGradient: g, inputGradient: dx)
                        }
                    }
                }
            }
            gradient = inputGradient
        }

        // The same through Sequential (fused).
        let fusedOutput = input.withView { x in
            model.forward(x, isTraining: true).copyToMatrix()
        }
        #expect(fusedOutput.storage == activations.last!.storage)
        let target = model.outputGradient()
        for i in 0..<upstream.count { target.base[i] = upstream[i] }
        input.withView { x in model.backward(x) }

        for index in layers.indices {
            var expected: [[Float]] = []
            layers[index].visitParameters { _, parameter in expected.append(parameter.gradient) }
            var found: [[Float]] = []
            var modelLayer = model.layers[index]
            modelLayer.visitParameters { _, parameter in found.append(parameter.gradient) }
            #expect(found.count == expected.count)
            for (tensor, (got, want)) in zip(found, expected).enumerated() {
                if tensor == 0 || rows <= 32 {
                    // Weights, and with one sum block the biases too: the same sums exactly
                    // (the masked gradients are the same values).
                    #expect(got == want, "layer \(index) tensor \(tensor) gradient")
                } else {
                    // Fused, a bias gradient is summed in blocks of 32 rows, then the blocks.
                    for (g, w) in zip(got, want) {
                        #expect(abs(g - w) <= 1e-5 * max(1, abs(w)), "layer \(index) bias")
                    }
                }
            }
            #expect(
                (modelLayer as? any ActivityTracking)?.deadUnitFraction
                    == (layers[index] as? any ActivityTracking)?.deadUnitFraction,
                "layer \(index) dead units")
        }
        #expect(model.deadUnitFractions.count == 2)
    }

    @Test(
        "The FusedDenseReLU stage equals Dense then ReLU exactly (outputs, gradients, dead units)",
        arguments: [(13, true), (70, true), (70, false)])
    func fusedStageMatchesDenseThenReLU(rows: Int, useBias: Bool) {
        var generator = SeededGenerator(seed: 21)
        var dense = Dense(
            inputWidth: 6, outputWidth: 9, useBias: useBias, generator: &generator)
        if useBias {
            dense.bias!.value = epilogueValues(9, seed: 8).map { $0 * 0.5 }
        }
        var relu = ReLU(width: 9)
        var stage = FusedDenseReLU(dense: dense, relu: relu)
        let input = Matrix(rows: rows, columns: 6, values: epilogueValues(rows * 6, seed: 5))
        let upstream = Matrix(rows: rows, columns: 9, values: epilogueValues(rows * 9, seed: 6))

        // Unfused: Dense, then ReLU, forward and backward through each layer's own methods.
        var context = ForwardContext(isTraining: true)
        var hidden = Matrix(rows: rows, columns: 9)
        var expected = Matrix(rows: rows, columns: 9)
        var hiddenGradient = Matrix(rows: rows, columns: 9)
        var expectedInputGradient = Matrix(rows: rows, columns: 6)
        input.withView { x in
            hidden.withMutableView { h in dense.forward(x, into: h, context: &context) }
            hidden.withView { h in
                expected.withMutableView { y in relu.forward(h, into: y, context: &context) }
                expected.withView { y in
                    upstream.withView { g in
                        hiddenGradient.withMutableView { dh in
                            relu.backward(input: h, output: y, outputGradient: g, inputGradient: dh)
                        }
                    }
                }
                hiddenGradient.withView { dh in
                    expectedInputGradient.withMutableView { dx in
                        dense.backward(input: x, output: h, outputGradient: dh, inputGradient: dx)
                    }
                }
            }
        }

        // Fused: one stage.
        var output = Matrix(rows: rows, columns: 9)
        var inputGradient = Matrix(rows: rows, columns: 6)
        input.withView { x in
            output.withMutableView { y in stage.forward(x, into: y, context: &context) }
            output.withView { y in
                upstream.withView { g in
                    inputGradient.withMutableView { dx in
                        stage.backward(input: x, output: y, outputGradient: g, inputGradient: dx)
                    }
                }
            }
        }
        #expect(output.storage == expected.storage)
        #expect(inputGradient.storage == expectedInputGradient.storage)
        #expect(stage.dense.weight.gradient == dense.weight.gradient)
        #expect(stage.dense.bias?.gradient == dense.bias?.gradient)
        #expect(stage.relu.largestActivation == relu.largestActivation)
        #expect(stage.relu.deadUnitFraction == relu.deadUnitFraction)
        // Inference leaves the statistics alone, as the ReLU layer does.
        stage.relu.resetActivityStatistics()
        var inference = ForwardContext(isTraining: false)
        input.withView { x in
            output.withMutableView { y in stage.forward(x, into: y, context: &inference) }
        }
        #expect(output.storage == expected.storage)
        #expect(stage.relu.deadUnitFraction == nil)
    }

    @Test("Sequential runs a Dense followed by a ReLU as one stage, and the rest as they are")
    func sequentialBuildsFusedStages() throws {
        let model = try Sequential(
            ModelDescription(
                inputWidth: 4,
                layers: [
                    .dense(units: 5), .activation(.relu), .dense(units: 5), .batchNorm(),
                    .activation(.relu), .dense(units: 2),
                ]),
            seed: 3)
        let layers = model.layers
        #expect(layers.count == 6)
        #expect(model.layerCount == 6)
        #expect(layers[0] is Dense && layers[1] is ReLU && layers[4] is ReLU)
        #expect(
            model.exportTensors().map(\.name) == [
                "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
                "layers.3.weight", "layers.3.bias", "layers.3.running_mean",
                "layers.3.running_var", "layers.5.weight", "layers.5.bias",
            ])
        let input = Matrix(rows: 3, columns: 4, values: epilogueValues(12, seed: 1))
        _ = input.withView { model.forward($0, isTraining: true) }
        // Both ReLUs keep statistics: the fused one (layer 1) and the one after BatchNorm.
        #expect(model.deadUnitFractions.map(\.layer) == [1, 4])
        model.resetActivityStatistics()
        #expect(model.deadUnitFractions.isEmpty)
    }
}
