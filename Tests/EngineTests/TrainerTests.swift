import Foundation
import Random
import Testing

@testable import Engine

@Suite("Trainer: end to end, events, stopping, resume")
struct TrainerTests {
    static let xorInputs = Matrix(rows: 4, columns: 2, values: [0, 0, 0, 1, 1, 0, 1, 1])
    static let xorLabels = [0, 1, 1, 0]

    @Test("Training gives bit-identical weights on one thread and on the pool")
    func trainingIsThreadCountIndependent() throws {
        // Wide enough that the products, the fused ReLU backward, the optimizer blocks (a
        // 300 x 256 weight) and the x W^T plan all run on the pool when there are threads.
        let inputs = randomMatrix(rows: 256, columns: 300, seed: 5)
        let labels = (0..<256).map { $0 % 3 }
        func train(threads: Int) throws -> [[Float]] {
            try CPUKernels.withThreadCount(threads) { try trainOnce() }
        }
        func trainOnce() throws -> [[Float]] {
            let model = try Sequential(
                ModelDescription(
                    inputWidth: 300,
                    layers: [
                        .dense(units: 256), .activation(.relu), .dense(units: 256),
                        .activation(.relu), .dense(units: 3),
                    ]),
                seed: 7)
            let trainer = try Trainer(
                model: model,
                configuration: TrainingConfiguration(
                    epochs: 2, loss: .softmaxCrossEntropy,
                    optimizer: OptimizerDescription(
                        rule: .adam(), learningRate: 1e-3, clipping: .globalNorm(1))))
            var source = try InMemoryBatchSource(
                inputs: inputs, targets: .classes(labels), batchSize: 128, seed: 3)
            try trainer.fit(training: &source)
            var weights: [[Float]] = []
            model.visitParameters { _, parameter in weights.append(parameter.value) }
            return weights
        }
        let single = try train(threads: 1)
        #expect(try train(threads: 2) == single)
        #expect(try train(threads: 3) == single)
    }

    @Test func xorToZeroErrorWithSigmoidOutput() throws {
        let model = try Sequential(
            ModelDescription(
                inputWidth: 2,
                layers: [
                    .dense(units: 8), .activation(.tanh), .dense(units: 1), .activation(.sigmoid),
                ]),
            seed: 1)
        let trainer = try Trainer(
            model: model,
            configuration: TrainingConfiguration(
                epochs: 400, loss: .binaryCrossEntropy,
                optimizer: OptimizerDescription(rule: .adam(), learningRate: 0.05)))
        #expect(trainer.trainingDepth == 3)  // the sigmoid is fused into the loss
        var source = try InMemoryBatchSource(
            inputs: Self.xorInputs, targets: .classes(Self.xorLabels), batchSize: 4, seed: 2)
        let outcome = try trainer.fit(
            training: &source,
            validation: ValidationSet(inputs: Self.xorInputs, targets: .classes(Self.xorLabels)))
        #expect(outcome.reason == .completed)
        let probabilities = model(Self.xorInputs).storage
        #expect(probabilities.map { $0 > 0.5 ? 1 : 0 } == Self.xorLabels)
        guard case .classification(let metrics)? = outcome.history.epochs.last?.validationMetrics
        else {
            Issue.record("no metrics")
            return
        }
        #expect(metrics.accuracy == 1)
        #expect(metrics.rocAUC == 1)
        #expect(outcome.history.epochs.last!.trainingLoss < 0.05)
    }

    @Test func xorWithReLUAndSoftmaxCrossEntropy() throws {
        let model = try Sequential(
            ModelDescription(
                inputWidth: 2,
                layers: [
                    .dense(units: 16), .activation(.relu), .dense(units: 2), .activation(.softmax),
                ]),
            seed: 3)
        let trainer = try Trainer(
            model: model,
            configuration: TrainingConfiguration(
                epochs: 300, loss: .softmaxCrossEntropy,
                optimizer: OptimizerDescription(rule: .sgd(momentum: 0.9), learningRate: 0.1)))
        var source = try InMemoryBatchSource(
            inputs: Self.xorInputs, targets: .classes(Self.xorLabels), batchSize: 2, seed: 2)
        try trainer.fit(training: &source)
        let evaluation = try trainer.evaluate(
            inputs: Self.xorInputs, targets: .classes(Self.xorLabels))
        guard case .classification(let metrics) = evaluation.metrics else { return }
        #expect(metrics.accuracy == 1)
        #expect(evaluation.loss < 0.05)
    }

    @Test func regressionReachesHighRSquared() throws {
        var generator = SeededGenerator(seed: 9)
        let x = Matrix(
            rows: 64, columns: 1, values: (0..<64).map { _ in 2 * generator.nextUnitFloat() - 1 })
        let y = Matrix(rows: 64, columns: 1, values: x.storage.map { 2 * $0 + 1 })
        let model = try Sequential(
            ModelDescription(inputWidth: 1, layers: [.dense(units: 1)]), seed: 0)
        let trainer = try Trainer(
            model: model,
            configuration: TrainingConfiguration(
                epochs: 60, loss: .meanSquaredError,
                optimizer: OptimizerDescription(rule: .adam(), learningRate: 0.05)))
        var source = try InMemoryBatchSource(inputs: x, targets: .values(y), batchSize: 16, seed: 1)
        let outcome = try trainer.fit(
            training: &source, validation: ValidationSet(inputs: x, targets: .values(y)))
        guard case .regression(let metrics)? = outcome.history.epochs.last?.validationMetrics else {
            Issue.record("no regression metrics")
            return
        }
        #expect(metrics.rSquared > 0.99)
    }

    /// A small classification problem with a validation split.
    static func blobs(rows: Int, seed: UInt64) -> (Matrix, [Int]) {
        var g = SeededGenerator(seed: seed)
        var values: [Float] = []
        var labels: [Int] = []
        for _ in 0..<rows {
            let label = g.nextIndex(below: 3)
            for j in 0..<5 {
                values.append(Float(g.nextNormal()) + (j == label ? 2 : 0))
            }
            labels.append(label)
        }
        return (Matrix(rows: rows, columns: 5, values: values), labels)
    }

    static let richDescription = ModelDescription(
        inputWidth: 5,
        layers: [
            .dense(units: 12), .batchNorm(), .activation(.relu), .dropout(rate: 0.3),
            .dense(units: 8), .activation(.prelu()), .dense(units: 3), .activation(.softmax),
        ])

    static let richConfiguration = TrainingConfiguration(
        epochs: 6, loss: .softmaxCrossEntropy, classWeights: [1, 2, 1],
        optimizer: OptimizerDescription(
            rule: .adamW(), learningRate: 0.01, penalty: .l2(1e-4), clipping: .norm(1)),
        schedule: LearningRateSchedule(.reduceOnPlateau(factor: 0.5, patience: 1), warmupSteps: 5),
        earlyStopping: EarlyStopping(patience: 50))

    @Test func checkpointResumeIsBitIdentical() throws {
        let (x, labels) = Self.blobs(rows: 90, seed: 1)
        let (vx, vLabels) = Self.blobs(rows: 30, seed: 2)
        let validation = ValidationSet(inputs: vx, targets: .classes(vLabels))
        func source() throws -> InMemoryBatchSource {
            try InMemoryBatchSource(inputs: x, targets: .classes(labels), batchSize: 16, seed: 7)
        }
        // Uninterrupted: 6 epochs.
        let straight = try Trainer(
            model: try Sequential(Self.richDescription, seed: 11),
            configuration: Self.richConfiguration)
        var straightSource = try source()
        try straight.fit(training: &straightSource, validation: validation)

        // Interrupted: 3 epochs, export through JSON, fresh trainer, 3 more.
        let first = try Trainer(
            model: try Sequential(Self.richDescription, seed: 11),
            configuration: Self.richConfiguration)
        var firstSource = try source()
        let paused = try first.fit(training: &firstSource, validation: validation, untilEpoch: 3)
        #expect(paused.reason == .paused)
        let data = try JSONEncoder().encode(first.exportState())
        let state = try JSONDecoder().decode(TrainerState.self, from: data)
        let resumed = try Trainer(
            model: try Sequential(Self.richDescription, seed: 999),
            configuration: Self.richConfiguration)
        try resumed.importState(state)
        var resumedSource = try source()
        let outcome = try resumed.fit(training: &resumedSource, validation: validation)
        #expect(outcome.reason == .completed)

        #expect(resumed.model.exportTensors() == straight.model.exportTensors())
        #expect(resumed.optimizer.exportState() == straight.optimizer.exportState())
        #expect(resumed.model.dropoutGenerator == straight.model.dropoutGenerator)
        #expect(
            resumed.history.epochs.map(\.stepLosses) == straight.history.epochs.map(\.stepLosses))
        #expect(
            resumed.history.epochs.map(\.validationLoss)
                == straight.history.epochs.map(\.validationLoss))
        #expect(resumed.epoch == 6 && resumed.step == straight.step)

        // A state for another configuration is refused with a clear error.
        var other = Self.richConfiguration
        other.epochs = 7
        let stranger = try Trainer(
            model: try Sequential(Self.richDescription, seed: 11), configuration: other)
        #expect(throws: EngineError.self) { try stranger.importState(state) }
    }

    @Test func earlyStoppingRestoresBestWeights() throws {
        let (x, labels) = Self.blobs(rows: 60, seed: 3)
        let model = try Sequential(Self.richDescription, seed: 5)
        var configuration = Self.richConfiguration
        configuration.epochs = 20
        // No later epoch can beat the first by this much: stop after patience epochs.
        configuration.earlyStopping = EarlyStopping(patience: 2, minDelta: 1e9)
        let trainer = try Trainer(model: model, configuration: configuration)
        var source = try InMemoryBatchSource(
            inputs: x, targets: .classes(labels), batchSize: 16, seed: 1)
        var afterFirstEpoch: [NamedTensor] = []
        let outcome = try trainer.fit(
            training: &source, validation: ValidationSet(inputs: x, targets: .classes(labels))
        ) { event in
            if case .epochEnded(let record) = event, record.epoch == 0 {
                afterFirstEpoch = model.exportTensors()
            }
        }
        #expect(outcome.reason == .earlyStopped(bestEpoch: 0))
        #expect(outcome.history.epochs.count == 3)
        #expect(outcome.restoredBestWeights)
        #expect(model.exportTensors() == afterFirstEpoch)
    }

    @Test func eventsStatisticsAndFirstBatchLoss() throws {
        let (x, labels) = Self.blobs(rows: 64, seed: 4)
        let model = try Sequential(Self.richDescription, seed: 6)
        var configuration = Self.richConfiguration
        configuration.epochs = 2
        let trainer = try Trainer(model: model, configuration: configuration)
        var source = try InMemoryBatchSource(
            inputs: x, targets: .classes(labels), batchSize: 16, seed: 1)
        var steps: [StepReport] = []
        var epochs: [EpochRecord] = []
        try trainer.fit(training: &source) { event in
            switch event {
            case .stepEnded(let report): steps.append(report)
            case .epochEnded(let record): epochs.append(record)
            }
        }
        #expect(steps.count == 8)
        #expect(steps.map(\.globalStep) == Array(0..<8))
        #expect(steps[0].learningRate < steps[5].learningRate)  // warmup
        #expect(epochs.count == 2)
        let record = epochs[0]
        #expect(record.stepLosses.count == 4 && record.stepGradientNorms.count == 4)
        #expect(record.stepLosses == steps.prefix(4).map(\.loss))
        #expect(
            record.parameters.map(\.name)
                == [
                    "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                    "layers.5.weight", "layers.4.weight", "layers.4.bias", "layers.6.weight",
                    "layers.6.bias",
                ].sorted { a, b in
                    // Walk order: by layer index.
                    let la = Int(a.split(separator: ".")[1])!
                    let lb = Int(b.split(separator: ".")[1])!
                    return la < lb
                })
        #expect(
            record.parameters.allSatisfy {
                $0.gradientNormMean > 0 && $0.weightNorm > 0 && $0.updateRatioMean > 0
            })
        #expect(record.deadUnits.map(\.layer) == [2])
        #expect(record.weightsFinite)
        // An untrained 3-class softmax starts near ln 3 (DIAG-INITIAL-LOSS).
        let first = try #require(trainer.history.firstBatchLoss)
        #expect(abs(first - logDouble(3)) / logDouble(3) < 0.5)
    }

    @Test func nonFiniteLossStopsCleanly() throws {
        var (x, labels) = Self.blobs(rows: 32, seed: 5)
        x.storage[40] = .nan
        let model = try Sequential(Self.richDescription, seed: 6)
        let before = model.exportTensors()
        let trainer = try Trainer(model: model, configuration: Self.richConfiguration)
        var source = try InMemoryBatchSource(
            inputs: x, targets: .classes(labels), batchSize: 32, shuffle: false)
        let outcome = try trainer.fit(training: &source)
        #expect(outcome.reason == .nonFinite(epoch: 0, step: 0, what: "loss"))
        #expect(outcome.reason.explanation.contains("DIAG-NONFINITE"))
        // No update was applied from the bad batch (running statistics did see it).
        let after = model.exportTensors().filter { !$0.name.contains("running") }
        #expect(after == before.filter { !$0.name.contains("running") })
    }

    @Test func stopRequestEndsBetweenSteps() throws {
        let (x, labels) = Self.blobs(rows: 64, seed: 6)
        let trainer = try Trainer(
            model: try Sequential(Self.richDescription, seed: 1),
            configuration: Self.richConfiguration)
        var source = try InMemoryBatchSource(
            inputs: x, targets: .classes(labels), batchSize: 8, seed: 1)
        let outcome = try trainer.fit(training: &source) { event in
            if case .stepEnded(let report) = event, report.globalStep == 2 {
                trainer.stopRequest.request()
            }
        }
        #expect(outcome.reason == .stopRequested)
        #expect(trainer.step == 3)
    }

    @Test func badInputIsAnErrorNotACrash() throws {
        let model = try Sequential(Self.richDescription, seed: 1)
        #expect(throws: EngineError.self) {
            try Trainer(
                model: model,
                configuration: TrainingConfiguration(epochs: 0, loss: .softmaxCrossEntropy))
        }
        #expect(throws: EngineError.self) {
            try Trainer(
                model: model,
                configuration: TrainingConfiguration(
                    epochs: 1, loss: .meanSquaredError, classWeights: [1, 2]))
        }
        let trainer = try Trainer(model: model, configuration: Self.richConfiguration)
        var wrongWidth = try InMemoryBatchSource(
            inputs: Matrix(rows: 4, columns: 3), targets: .classes([0, 1, 2, 0]), batchSize: 2)
        #expect(throws: EngineError.self) { try trainer.fit(training: &wrongWidth) }
        var wrongLabel = try InMemoryBatchSource(
            inputs: Matrix(rows: 2, columns: 5), targets: .classes([0, 7]), batchSize: 2)
        #expect(throws: EngineError.self) { try trainer.fit(training: &wrongLabel) }
    }
}
