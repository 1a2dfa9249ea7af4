import Foundation
import Testing

@testable import Engine

@Suite("Model description, building and named state")
struct ModelTests {
    let description = ModelDescription(
        inputWidth: 4,
        layers: [
            .dense(units: 8), .batchNorm(), .activation(.relu), .dropout(rate: 0.2),
            .dense(units: 6), .activation(.maxout(pieces: 2)),
            .dense(units: 3), .activation(.softmax),
        ])

    @Test func descriptionIsCodable() throws {
        let data = try JSONEncoder().encode(description)
        #expect(try JSONDecoder().decode(ModelDescription.self, from: data) == description)
    }

    @Test func sameSeedSameWeights() throws {
        let a = try Sequential(description, seed: 5)
        let b = try Sequential(description, seed: 5)
        let c = try Sequential(description, seed: 6)
        #expect(a.exportTensors() == b.exportTensors())
        #expect(a.exportTensors() != c.exportTensors())
        #expect(a.outputWidth == 3)
    }

    @Test func stableNames() throws {
        let model = try Sequential(description, seed: 1)
        #expect(
            model.exportTensors().map(\.name) == [
                "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                "layers.1.running_mean", "layers.1.running_var", "layers.4.weight", "layers.4.bias",
                "layers.6.weight", "layers.6.bias",
            ])
        #expect(model.tensor(named: "layers.0.weight")?.shape == [8, 4])
        #expect(model.trainableParameterCount == 8 * 4 + 8 + 8 + 8 + 6 * 8 + 6 + 3 * 3 + 3)
    }

    @Test func exportImportRoundTrip() throws {
        let source = try Sequential(description, seed: 1)
        try source.setTensor(
            named: "layers.1.running_mean", values: [Float](repeating: 0.5, count: 8))
        let target = try Sequential(description, seed: 2)
        try target.importTensors(source.exportTensors())
        #expect(target.exportTensors() == source.exportTensors())
        let x = randomMatrix(rows: 3, columns: 4, seed: 9)
        #expect(target(x) == source(x))
        var broken = source.exportTensors()
        broken[0].shape = [4, 8]
        #expect(
            throws: EngineError.shapeMismatch(
                name: "layers.0.weight", expected: [8, 4], found: [4, 8])
        ) {
            try target.importTensors(broken)
        }
        #expect(throws: EngineError.missingTensor(name: "layers.0.weight")) {
            try target.importTensors(Array(source.exportTensors().dropFirst()))
        }
        #expect(throws: EngineError.self) {
            try target.setTensor(named: "layers.9.weight", values: [])
        }
    }

    @Test func initialisationFollowsINITByActivation() throws {
        #expect(Initializer.forActivation(.relu) == .heNormal)
        #expect(Initializer.forActivation(.selu) == .lecunNormal)
        #expect(Initializer.forActivation(.tanh) == .glorotUniform)
        #expect(Initializer.forActivation(nil) == .glorotUniform)
        #expect(Initializer.forActivation(.leakyReLU(slope: 0.2)).negativeSlope == 0.2)
        // He normal on fan-in 200: std sqrt(2/200) = 0.1.
        let wide = try Sequential(
            ModelDescription(
                inputWidth: 200, layers: [.dense(units: 300), .batchNorm(), .activation(.relu)]),
            seed: 3)
        let w = wide.tensor(named: "layers.0.weight")!.values.map(Double.init)
        let std = (w.reduce(0) { $0 + $1 * $1 } / Double(w.count)).squareRoot()
        #expect(abs(std - 0.1) < 0.003)
        // Glorot uniform for a linear output: bound sqrt(6/(200+10)).
        let linear = try Sequential(
            ModelDescription(inputWidth: 200, layers: [.dense(units: 10)]), seed: 3)
        let bound = (6.0 / 210).squareRoot()
        let v = linear.tensor(named: "layers.0.weight")!.values
        #expect(v.allSatisfy { abs(Double($0)) <= bound })
        #expect(v.map { abs(Double($0)) }.max()! > 0.9 * bound)
        // Leaky gain: std sqrt(2 / (1 + a^2)) / sqrt(fan_in).
        let leaky = Initializer(scheme: .he, distribution: .normal, negativeSlope: 1)
        #expect(abs(leaky.variance(fanIn: 100, fanOut: 1) - 0.01) < 1e-12)
        #expect(abs(Initializer.lecunNormal.variance(fanIn: 50, fanOut: 7) - 0.02) < 1e-12)
    }

    @Test func invalidDescriptionsNameThePlace() {
        func message(_ d: ModelDescription) -> String {
            do {
                _ = try Sequential(d, seed: 0)
                return ""
            } catch { return "\(error)" }
        }
        #expect(
            message(ModelDescription(inputWidth: 3, layers: [.dense(units: 0)])).contains(
                "layers[0].units"))
        #expect(
            message(ModelDescription(inputWidth: 3, layers: [.dropout(rate: 1)])).contains(
                "layers[0].rate"))
        #expect(
            message(
                ModelDescription(
                    inputWidth: 3, layers: [.dense(units: 5), .activation(.maxout(pieces: 2))])
            )
            .contains("layers[1].pieces"))
        #expect(message(ModelDescription(inputWidth: 0, layers: [])).contains("inputWidth"))
    }

    @Test func predictInChunksMatchesOnePass() throws {
        let model = try Sequential(description, seed: 4)
        let x = randomMatrix(rows: 37, columns: 4, seed: 8)
        #expect(try model.predict(x, batchSize: 5) == model.predict(x, batchSize: 100))
        #expect(throws: EngineError.self) { try model.predict(Matrix(rows: 2, columns: 3)) }
        let probabilities = model(x)
        for row in 0..<37 {
            let sum = (0..<3).reduce(Float(0)) { $0 + probabilities[row, $1] }
            #expect(abs(sum - 1) < 1e-5)
        }
    }
}

@Suite("Batch sources")
struct BatchSourceTests {
    @Test func inMemoryShufflesPerEpochDeterministically() throws {
        let inputs = Matrix(rows: 10, columns: 2, values: (0..<20).map(Float.init))
        var source = try InMemoryBatchSource(
            inputs: inputs, targets: .classes(Array(0..<10)), batchSize: 4, seed: 1)
        #expect(source.batchesPerEpoch == 3)
        func epochRows(_ epoch: Int) -> [[Int]] {
            source.startEpoch(epoch)
            var batch = Batch.empty
            var result: [[Int]] = []
            while source.nextBatch(into: &batch) {
                guard case .classes(let labels) = batch.targets else { return [] }
                for (r, label) in labels.enumerated() {
                    #expect(batch.inputs[r, 0] == Float(2 * label))  // rows stay with targets
                }
                result.append(labels)
            }
            return result
        }
        let first = epochRows(0)
        #expect(first.map(\.count) == [4, 4, 2])
        #expect(first.flatMap { $0 }.sorted() == Array(0..<10))
        #expect(epochRows(1) != first)
        #expect(epochRows(0) == first)
        var dropping = try InMemoryBatchSource(
            inputs: inputs, targets: .classes(Array(0..<10)), batchSize: 4, dropLast: true)
        #expect(dropping.batchesPerEpoch == 2)
        dropping.startEpoch(0)
        var batch = Batch.empty
        var count = 0
        while dropping.nextBatch(into: &batch) { count += 1 }
        #expect(count == 2)
    }

    @Test func regressionTargetsFollowTheirRows() throws {
        let inputs = Matrix(rows: 5, columns: 1, values: [0, 1, 2, 3, 4])
        let targets = Matrix(rows: 5, columns: 1, values: [0, 10, 20, 30, 40])
        var source = try InMemoryBatchSource(
            inputs: inputs, targets: .values(targets), batchSize: 2, seed: 3)
        source.startEpoch(0)
        var batch = Batch.empty
        while source.nextBatch(into: &batch) {
            guard case .values(let t) = batch.targets else {
                Issue.record("wrong targets")
                return
            }
            for r in 0..<batch.inputs.rows { #expect(t[r, 0] == 10 * batch.inputs[r, 0]) }
        }
        #expect(throws: EngineError.self) {
            try InMemoryBatchSource(inputs: inputs, targets: .classes([1]), batchSize: 2)
        }
    }
}
