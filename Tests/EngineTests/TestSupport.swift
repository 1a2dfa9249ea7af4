import Random
import Testing

@testable import Engine

/// A matrix of uniform values in [low, high), drawn from a seeded generator.
func randomMatrix(
    rows: Int, columns: Int, low: Float = -1, high: Float = 1, seed: UInt64
) -> Matrix {
    var generator = SeededGenerator(seed: seed)
    let values = (0..<(rows * columns)).map { _ in
        low + (high - low) * generator.nextUnitFloat()
    }
    return Matrix(rows: rows, columns: columns, values: values)
}

/// A matrix whose entries are at least `margin` away from zero (keeps finite differences off
/// the kinks of ReLU-like functions).
func randomMatrixAvoidingZero(rows: Int, columns: Int, margin: Float = 0.05, seed: UInt64) -> Matrix
{
    var m = randomMatrix(rows: rows, columns: columns, low: -2, high: 2, seed: seed)
    for i in m.storage.indices where abs(m.storage[i]) < margin {
        m.storage[i] = m.storage[i] < 0 ? -margin - 0.1 : margin + 0.1
    }
    return m
}

/// `sum(weights * layer(input))` in double precision, with a fixed dropout generator.
func weightedOutputSum<L: Layer>(
    _ layer: inout L, _ input: Matrix, _ weights: Matrix, training: Bool
) -> Double {
    var output = Matrix(rows: input.rows, columns: layer.outputWidth)
    var context = ForwardContext(isTraining: training, generator: SeededGenerator(seed: 99))
    input.withView { x in
        output.withMutableView { y in layer.forward(x, into: y, context: &context) }
    }
    var total: Double = 0
    for i in output.storage.indices {
        total += Double(output.storage[i]) * Double(weights.storage[i])
    }
    return total
}

/// Checks a layer's input and parameter gradients against central finite differences of
/// `sum(R * layer(x))` for a random R.
func checkLayerGradients<L: Layer>(
    _ original: L, input: Matrix, training: Bool = true, step: Float = 1e-2,
    tolerance: Double = 2e-3, sourceLocation: SourceLocation = #_sourceLocation
) {
    var layer = original
    let rows = input.rows
    let weights = randomMatrix(rows: rows, columns: layer.outputWidth, seed: 4242)
    // Analytic gradients.
    var output = Matrix(rows: rows, columns: layer.outputWidth)
    var inputGradient = Matrix(rows: rows, columns: layer.inputWidth)
    var context = ForwardContext(isTraining: training, generator: SeededGenerator(seed: 99))
    input.withView { x in
        output.withMutableView { y in layer.forward(x, into: y, context: &context) }
        output.withView { y in
            weights.withView { r in
                inputGradient.withMutableView { dx in
                    layer.backward(input: x, output: y, outputGradient: r, inputGradient: dx)
                }
            }
        }
    }
    func expectClose(_ analytic: Float, _ numeric: Double, _ what: String) {
        let error = abs(Double(analytic) - numeric)
        #expect(
            error <= tolerance * max(1, abs(numeric)),
            "\(what): analytic \(analytic) vs numeric \(numeric)", sourceLocation: sourceLocation)
    }
    // Input gradient.
    for i in input.storage.indices {
        var plus = input
        plus.storage[i] += step
        var minus = input
        minus.storage[i] -= step
        var a = original
        var b = original
        let numeric =
            (weightedOutputSum(&a, plus, weights, training: training)
                - weightedOutputSum(&b, minus, weights, training: training)) / Double(2 * step)
        expectClose(inputGradient.storage[i], numeric, "d/dx[\(i)]")
    }
    // Parameter gradients.
    var analytic: [String: [Float]] = [:]
    layer.visitParameters { name, parameter in
        if parameter.isTrainable { analytic[name] = parameter.gradient }
    }
    for (name, gradient) in analytic {
        for i in gradient.indices {
            func perturbed(_ delta: Float) -> Double {
                var copy = original
                copy.visitParameters { n, p in if n == name { p.value[i] += delta } }
                return weightedOutputSum(&copy, input, weights, training: training)
            }
            let numeric = (perturbed(step) - perturbed(-step)) / Double(2 * step)
            expectClose(gradient[i], numeric, "d/d\(name)[\(i)]")
        }
    }
}
