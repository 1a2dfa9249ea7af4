import Random
import Testing

@testable import Engine

@Suite("Layer gradients against central finite differences")
struct LayerGradientTests {
    let input = randomMatrixAvoidingZero(rows: 5, columns: 6, seed: 1)

    @Test func dense() {
        var generator = SeededGenerator(seed: 7)
        let layer = Dense(
            inputWidth: 6, outputWidth: 4, initializer: .glorotUniform, generator: &generator)
        checkLayerGradients(layer, input: input)
    }

    @Test func denseWithoutBias() {
        var generator = SeededGenerator(seed: 8)
        let layer = Dense(
            inputWidth: 6, outputWidth: 3, initializer: .heUniform, useBias: false,
            generator: &generator)
        checkLayerGradients(layer, input: input)
    }

    @Test(arguments: [true, false])
    func fusedDenseReLU(useBias: Bool) {
        var generator = SeededGenerator(seed: 9)
        var dense = Dense(
            inputWidth: 6, outputWidth: 5, initializer: .glorotUniform, useBias: useBias,
            generator: &generator)
        if useBias { dense.bias!.value = [0.3, -0.2, 0.1, 0.4, -0.1] }
        checkLayerGradients(FusedDenseReLU(dense: dense, relu: ReLU(width: 5)), input: input)
    }

    @Test func denseForwardMatchesNaiveProduct() {
        let weight = Matrix(rows: 2, columns: 3, values: [1, 2, 3, -1, 0.5, 0])
        let layer = Dense(weight: weight, bias: [0.25, -1])
        let x = Matrix(rows: 2, columns: 3, values: [1, 1, 1, 2, 0, -1])
        let y = layer(x)
        #expect(y.storage == [6.25, -1.5, -0.75, -3])
    }

    @Test(arguments: [
        Activation.relu, .leakyReLU(slope: 0.1), .prelu(initialSlope: 0.3), .elu(alpha: 1.2), .selu,
        .tanh, .sigmoid, .swish, .gelu, .softmax, .identity, .maxout(pieces: 2), .maxout(pieces: 3),
    ])
    func activation(_ activation: Activation) {
        let layer = activation.makeLayer(width: 6)
        checkAny(layer)
    }

    private func checkAny(_ layer: some Layer) {
        checkLayerGradients(layer, input: input)
    }

    @Test func batchNormTraining() {
        var layer = BatchNorm(width: 6)
        layer.scale.value = [1.5, 0.5, -1, 2, 1, 0.7]
        layer.offset.value = [0.1, -0.2, 0.3, 0, 0.5, -0.5]
        checkLayerGradients(layer, input: input, training: true)
    }

    @Test func batchNormInference() {
        var layer = BatchNorm(width: 6)
        layer.runningMean.value = [0.1, -0.1, 0.2, 0, 0.3, -0.3]
        layer.runningVariance.value = [1.2, 0.8, 2, 0.5, 1, 1.5]
        layer.scale.value = [1.5, 0.5, -1, 2, 1, 0.7]
        checkLayerGradients(layer, input: input, training: false)
    }

    @Test func dropoutWithFixedMask() {
        checkLayerGradients(Dropout(width: 6, rate: 0.4), input: input, training: true)
    }

    @Test func preluSlopeGradient() {
        checkLayerGradients(PReLU(width: 6, initialSlope: 0.2), input: input)
    }
}

@Suite("Layer forward semantics")
struct LayerForwardTests {
    @Test func batchNormMatchesPyTorchSemantics() {
        // Column 0: values 1, 2, 3, 6: mean 3, biased variance 3.5, unbiased 14/3.
        let x = Matrix(rows: 4, columns: 1, values: [1, 2, 3, 6])
        var layer = BatchNorm(width: 1, momentum: 0.1, epsilon: 1e-5)
        var y = Matrix(rows: 4, columns: 1)
        var context = ForwardContext(isTraining: true)
        x.withView { xv in y.withMutableView { layer.forward(xv, into: $0, context: &context) } }
        let inv = 1 / (3.5 + 1e-5).squareRoot()
        for (i, v) in [1.0, 2, 3, 6].enumerated() {
            #expect(abs(Double(y.storage[i]) - (v - 3) * inv) < 1e-5)
        }
        #expect(abs(layer.runningMean.value[0] - 0.3) < 1e-6)
        #expect(abs(Double(layer.runningVariance.value[0]) - (0.9 + 0.1 * 14.0 / 3)) < 1e-5)
        // Inference uses the running statistics.
        let z = layer(Matrix(rows: 1, columns: 1, values: [0.3]))
        #expect(abs(z.storage[0]) < 1e-6)
    }

    @Test func dropoutIsInvertedAndSeeded() {
        let x = Matrix(rows: 100, columns: 50, repeating: 1)
        var layer = Dropout(width: 50, rate: 0.2)
        func run(seed: UInt64) -> Matrix {
            var y = Matrix(rows: 100, columns: 50)
            var context = ForwardContext(isTraining: true, generator: SeededGenerator(seed: seed))
            x.withView { xv in y.withMutableView { layer.forward(xv, into: $0, context: &context) }
            }
            return y
        }
        let first = run(seed: 3)
        #expect(first == run(seed: 3))
        #expect(first != run(seed: 4))
        let kept = first.storage.filter { $0 != 0 }
        #expect(kept.allSatisfy { abs($0 - 1.25) < 1e-6 })
        let keptFraction = Double(kept.count) / 5000
        #expect(abs(keptFraction - 0.8) < 0.03)
        #expect(layer(x) == x)  // inference: identity
    }

    /// Swish keeps sigmoid(x) from its forward for backward, in training and inference alike;
    /// an earlier forward of another size leaves nothing behind: the same bits every way.
    @Test func swishBackwardReadsItsForwardsSigmoid() {
        let x = randomMatrix(rows: 7, columns: 5, seed: 5)
        let upstream = randomMatrix(rows: 7, columns: 5, seed: 6)
        func gradient(training: Bool, warmRows: Int? = nil) -> Matrix {
            var layer = Swish(width: 5)
            var context = ForwardContext(isTraining: true)
            if let warmRows {  // a training forward of another size first
                let warm = randomMatrix(rows: warmRows, columns: 5, seed: 7)
                var y = Matrix(rows: warmRows, columns: 5)
                warm.withView { wv in
                    y.withMutableView { layer.forward(wv, into: $0, context: &context) }
                }
            }
            context.isTraining = training
            var y = Matrix(rows: 7, columns: 5)
            var dx = Matrix(rows: 7, columns: 5)
            x.withView { xv in
                y.withMutableView { layer.forward(xv, into: $0, context: &context) }
                y.withView { yv in
                    upstream.withView { gv in
                        dx.withMutableView {
                            layer.backward(
                                input: xv, output: yv, outputGradient: gv, inputGradient: $0)
                        }
                    }
                }
            }
            return dx
        }
        let kept = gradient(training: true)
        #expect(kept == gradient(training: false))
        #expect(kept == gradient(training: false, warmRows: 3))
        #expect(kept == gradient(training: true, warmRows: 9))
    }

    /// The vectorised mask against the plain reading of its definition: element i is dropped
    /// when the i-th 16-bit lane of the generator's draws is below the rate on a 1/65536 grid;
    /// odd sizes leave part of the last draw unused, and the generator moves on by the draws.
    @Test(arguments: [(1, 0.5), (3, 0.25), (7, 0.45), (129, 0.1)])
    func dropoutMaskIsTheDrawsLanes(columns: Int, rate: Double) {
        let rows = 5
        let x = Matrix(
            rows: rows, columns: columns,
            values: (0..<(rows * columns)).map { Float($0 % 13) - 6.5 })
        var layer = Dropout(width: columns, rate: Float(rate))
        var y = Matrix(rows: rows, columns: columns)
        var context = ForwardContext(isTraining: true, generator: SeededGenerator(seed: 11))
        x.withView { xv in y.withMutableView { layer.forward(xv, into: $0, context: &context) } }

        var reference = SeededGenerator(seed: 11)
        let count = rows * columns
        let draws = (0..<((count + 3) / 4)).map { _ in reference.next() }
        let threshold = UInt64((rate * 65536).rounded())
        let keep = 1 / (1 - Float(rate))
        for i in 0..<count {
            let lane = (draws[i / 4] >> UInt64(16 * (i % 4))) & 0xFFFF
            let expected = lane >= threshold ? x.storage[i] * keep : 0
            #expect(y.storage[i] == expected, "element \(i)")
        }
        #expect(context.generator.next() == reference.next())
        // Backward passes the gradient through the same mask.
        var gradient = Matrix(rows: rows, columns: columns)
        let upstream = Matrix(rows: rows, columns: columns, repeating: 2)
        x.withView { xv in
            y.withView { yv in
                upstream.withView { gv in
                    gradient.withMutableView {
                        layer.backward(input: xv, output: yv, outputGradient: gv, inputGradient: $0)
                    }
                }
            }
        }
        for i in 0..<count {
            let lane = (draws[i / 4] >> UInt64(16 * (i % 4))) & 0xFFFF
            #expect(gradient.storage[i] == (lane >= threshold ? 2 * keep : 0))
        }
    }

    @Test func reluCountsDeadUnits() {
        var layer = ReLU(width: 3)
        let x = Matrix(rows: 2, columns: 3, values: [1, -1, 0, 2, -3, -1])
        var y = Matrix(rows: 2, columns: 3)
        var context = ForwardContext(isTraining: true)
        x.withView { xv in y.withMutableView { layer.forward(xv, into: $0, context: &context) } }
        #expect(y.storage == [1, 0, 0, 2, 0, 0])
        #expect(abs(layer.deadUnitFraction! - 2.0 / 3) < 1e-12)
        layer.resetActivityStatistics()
        #expect(layer.deadUnitFraction == nil)
    }

    @Test func freeFunctionsMatchFormulas() {
        let x = Matrix(rows: 1, columns: 4, values: [-2, -0.5, 0.5, 3])
        #expect(relu(x).storage == [0, 0, 0.5, 3])
        #expect(leakyReLU(x, slope: 0.1).storage == [-0.2, -0.05, 0.5, 3])
        #expect(prelu(x, slopes: [0.5, 0.5, 1, 1]).storage == [-1, -0.25, 0.5, 3])
        func close(_ a: Matrix, _ f: (Double) -> Double) {
            for (i, v) in x.storage.enumerated() {
                #expect(abs(Double(a.storage[i]) - f(Double(v))) < 1e-6, "at \(v)")
            }
        }
        close(elu(x, alpha: 2)) { $0 > 0 ? $0 : 2 * (expDouble($0) - 1) }
        close(selu(x)) {
            1.0507009873554805 * ($0 > 0 ? $0 : 1.6732632423543772 * (expDouble($0) - 1))
        }
        close(sigmoid(x)) { 1 / (1 + expDouble(-$0)) }
        close(swish(x)) { $0 / (1 + expDouble(-$0)) }
        close(silu(x)) { $0 / (1 + expDouble(-$0)) }
        close(tanh(x)) { (expDouble(2 * $0) - 1) / (expDouble(2 * $0) + 1) }
        // GELU(x) = x Phi(x); reference values from scipy.stats.norm.cdf.
        let g = gelu(x)
        let expected: [Double] = [-0.04550026, -0.15426877, 0.34573123, 2.99595031]
        for i in 0..<4 { #expect(abs(Double(g.storage[i]) - expected[i]) < 1e-6) }
        #expect(maxout(x, pieces: 2).storage == [-0.5, 3])
        let s = softmax(Matrix(rows: 1, columns: 3, values: [1000, 1000, 1000]))
        #expect(s.storage.allSatisfy { abs($0 - 1.0 / 3) < 1e-6 })
        #expect(abs(sigmoid(Matrix(rows: 1, columns: 1, values: [-200])).storage[0]) < 1e-30)
    }
}
