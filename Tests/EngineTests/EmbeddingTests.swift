import Foundation
import Random
import Testing

@testable import Engine

@Suite("Embedding layer and the input stage of embedded code columns")
struct EmbeddingTests {
    /// Codes 0 ..< 4 as Floats, a level used twice so its gradient is a sum.
    let codes = Matrix(rows: 5, columns: 1, values: [2, 0, 3, 2, 1])

    @Test func layerGradientsMatchFiniteDifferences() {
        var generator = SeededGenerator(seed: 3)
        let layer = Embedding(levels: 5, dimension: 3, generator: &generator)
        // Level 4 is unused: its gradient must be zero, which the check also verifies.
        checkLayerGradients(layer, input: codes)
    }

    @Test func forwardLooksUpRows() {
        let table = Matrix(rows: 3, columns: 2, values: [0, 1, 10, 11, 20, 21])
        let layer = Embedding(weight: table)
        let y = layer(Matrix(rows: 4, columns: 1, values: [2, 0, 1, 2]))
        #expect(y.storage == [20, 21, 0, 1, 10, 11, 20, 21])
    }

    @Test func initialisationIsSeededStandardNormal() {
        var a = SeededGenerator(seed: 11)
        var b = SeededGenerator(seed: 11)
        let first = Embedding(levels: 200, dimension: 10, generator: &a)
        let second = Embedding(levels: 200, dimension: 10, generator: &b)
        #expect(first.weight == second.weight)
        let values = first.weight.value.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        #expect(abs(mean) < 0.1)
        #expect(abs(variance - 1) < 0.1)
    }

    /// Input `[x0 | code a | x1 | code b]`: two numeric columns and two embedded ones.
    let description = ModelDescription(
        inputWidth: 4,
        embeddings: [
            EmbeddingInput(column: 1, levels: 4, dimension: 3),
            EmbeddingInput(column: 3, levels: 6, dimension: 2),
        ],
        layers: [.dense(units: 5), .activation(.tanh), .dense(units: 2)])

    func batch() -> Matrix {
        Matrix(
            rows: 6, columns: 4,
            values: [
                0.5, 0, -1, 5, -0.3, 3, 0.2, 1, 1.2, 3, 0.7, 0, -0.8, 1, -0.4, 5, 0.1, 2, 0.9, 2,
                -1.1, 0, 0.3, 4,
            ])
    }

    @Test func descriptionWidthsNamesAndCounts() throws {
        #expect(description.featureWidth == 2 + 3 + 2)
        #expect(description.copiedColumns == [0, 2])
        let model = try Sequential(description, seed: 1)
        #expect(model.inputWidth == 4)
        #expect(
            model.exportTensors().map(\.name) == [
                "embeddings.0.weight", "embeddings.1.weight", "layers.0.weight", "layers.0.bias",
                "layers.2.weight", "layers.2.bias",
            ])
        #expect(model.tensor(named: "layers.0.weight")?.shape == [5, 7])
        #expect(model.tensor(named: "embeddings.1.weight")?.shape == [6, 2])
        #expect(try description.tensorFloatCount() == 12 + 12 + 35 + 5 + 10 + 2)
        let data = try JSONEncoder().encode(description)
        #expect(try JSONDecoder().decode(ModelDescription.self, from: data) == description)
    }

    @Test func descriptionWithoutEmbeddingsEncodesAsBefore() throws {
        let plain = ModelDescription(inputWidth: 3, layers: [.dense(units: 2)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(plain), as: UTF8.self)
        #expect(!text.contains("embeddings"))
        // A description written before embeddings existed.
        let old = #"{"inputWidth":3,"layers":[{"dense":{"units":2,"useBias":true}}]}"#
        let decoded = try JSONDecoder().decode(ModelDescription.self, from: Data(old.utf8))
        #expect(decoded.embeddings.isEmpty)
        #expect(decoded.inputWidth == 3)
    }

    @Test func invalidEmbeddingsNameThePlace() {
        for bad in [
            EmbeddingInput(column: 4, levels: 3, dimension: 2),
            EmbeddingInput(column: 0, levels: 0, dimension: 2),
            EmbeddingInput(column: 0, levels: 3, dimension: 0),
        ] {
            let description = ModelDescription(
                inputWidth: 4, embeddings: [bad], layers: [.dense(units: 1)])
            #expect(throws: EngineError.self) { try description.outputWidths() }
        }
        let twice = ModelDescription(
            inputWidth: 2,
            embeddings: [
                EmbeddingInput(column: 1, levels: 3, dimension: 2),
                EmbeddingInput(column: 1, levels: 3, dimension: 2),
            ], layers: [.dense(units: 1)])
        #expect(throws: EngineError.self) { try twice.outputWidths() }
    }

    @Test func forwardConcatenatesCopiedColumnsAndEmbeddings() throws {
        let model = try Sequential(description, seed: 2)
        let x = batch()
        let first = model.tensor(named: "embeddings.0.weight")!.values
        let second = model.tensor(named: "embeddings.1.weight")!.values
        let features = try model.predict(x, depth: 0)
        #expect(features.columns == 7)
        for r in 0..<x.rows {
            let a = Int(x[r, 1])
            let b = Int(x[r, 3])
            let expected =
                [x[r, 0], x[r, 2]] + first[(a * 3)..<(a * 3 + 3)]
                + second[(b * 2)..<(b * 2 + 2)]
            #expect(Array(features.storage[(r * 7)..<(r * 7 + 7)]) == expected)
        }
    }

    /// The whole model's table gradients against central finite differences of
    /// `sum(R * model(x))`: the input stage sends the first layer's input gradient into the
    /// rows used.
    @Test(arguments: [false, true])
    func modelGradientsMatchFiniteDifferences(reluFirst: Bool) throws {
        var description = description
        if reluFirst { description.layers[1] = .activation(.relu) }
        let model = try Sequential(description, seed: 4)
        let x = batch()
        let weights = randomMatrix(rows: x.rows, columns: 2, seed: 77)
        func objective() -> Double {
            let y = model(x)
            return zip(y.storage, weights.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        x.withView { view in
            _ = model.forward(view, isTraining: true)
            let gradient = model.outputGradient()
            for i in 0..<gradient.count { gradient.base[i] = weights.storage[i] }
            model.backward(view)
        }
        var analytic: [String: [Float]] = [:]
        model.visitParameters { name, parameter in
            if parameter.isTrainable { analytic[name.description] = parameter.gradient }
        }
        let step: Float = 1e-2
        for name in ["embeddings.0.weight", "embeddings.1.weight", "layers.0.weight"] {
            let original = model.tensor(named: name)!.values
            for i in original.indices {
                var values = original
                values[i] += step
                try model.setTensor(named: name, values: values)
                let plus = objective()
                values[i] = original[i] - step
                try model.setTensor(named: name, values: values)
                let minus = objective()
                try model.setTensor(named: name, values: original)
                let numeric = (plus - minus) / Double(2 * step)
                let error = abs(Double(analytic[name]![i]) - numeric)
                #expect(
                    error <= 2e-3 * max(1, abs(numeric)),
                    "\(name)[\(i)]: analytic \(analytic[name]![i]) vs numeric \(numeric)")
            }
        }
    }

    @Test func trainsOnCodesAlone() throws {
        // Each level's target is its own value: only the table can learn it.
        let levels = 8
        let rows = 64
        let codes = (0..<rows).map { Float($0 % levels) }
        let targets = codes.map { $0 / Float(levels) }
        let description = ModelDescription(
            inputWidth: 1, embeddings: [EmbeddingInput(column: 0, levels: levels, dimension: 4)],
            layers: [.dense(units: 1)])
        let model = try Sequential(description, seed: 9)
        var optimizer = ModelOptimizer(
            OptimizerDescription(rule: .adam(), learningRate: 0.05))
        let x = Matrix(rows: rows, columns: 1, values: codes)
        func loss() -> Float {
            let y = model(x)
            return zip(y.storage, targets).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                / Float(rows)
        }
        let before = loss()
        for _ in 0..<200 {
            x.withView { view in
                let y = model.forward(view, isTraining: true)
                let gradient = model.outputGradient()
                for i in 0..<rows { gradient.base[i] = 2 * (y.base[i] - targets[i]) / Float(rows) }
                model.backward(view)
            }
            optimizer.update(model, learningRate: 0.05)
        }
        #expect(loss() < before * 0.01)
    }
}
