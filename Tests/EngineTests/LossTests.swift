import Testing

@testable import Engine

@Suite("Losses: values and gradients")
struct LossTests {
    /// Central differences of the loss with respect to each output, in double precision.
    func checkGradient(
        _ loss: Loss, outputs: Matrix, targets: Targets, classWeights: [Float]? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let analytic = try loss.gradient(outputs, targets, classWeights: classWeights)
        let step: Float = 1e-2
        for i in outputs.storage.indices {
            var plus = outputs
            plus.storage[i] += step
            var minus = outputs
            minus.storage[i] -= step
            let numeric =
                (try plus.withView {
                    try loss.evaluate(outputs: $0, targets: targets, classWeights: classWeights)
                }
                    - minus.withView {
                        try loss.evaluate(outputs: $0, targets: targets, classWeights: classWeights)
                    })
                / Double(2 * step)
            #expect(
                abs(Double(analytic.storage[i]) - numeric) < 1e-3 * max(1, abs(numeric)),
                "output \(i): analytic \(analytic.storage[i]) numeric \(numeric)",
                sourceLocation: sourceLocation)
        }
    }

    let logits = randomMatrix(rows: 4, columns: 3, low: -3, high: 3, seed: 11)
    let labels = [0, 2, 1, 2]

    @Test func softmaxCrossEntropyGradient() throws {
        try checkGradient(.softmaxCrossEntropy, outputs: logits, targets: .classes(labels))
        try checkGradient(
            .softmaxCrossEntropy, outputs: logits, targets: .classes(labels),
            classWeights: [1, 3, 0.5])
    }

    @Test func softmaxCrossEntropyValues() throws {
        // Equal logits: ln C whatever the labels (DIAG-INITIAL-LOSS's reference).
        let flat = Matrix(rows: 2, columns: 4, repeating: 0.7)
        #expect(
            abs(try softmaxCrossEntropy(logits: flat, labels: [0, 3]) - Float(logDouble(4))) < 1e-6)
        // Hand value: logits [1, 2, 3], label 0: logsumexp = 3.40760596, loss 2.40760596.
        let row = Matrix(rows: 1, columns: 3, values: [1, 2, 3])
        #expect(abs(try softmaxCrossEntropy(logits: row, labels: [0]) - 2.40760596) < 1e-5)
        // Weighted mean: weights 2 (label 0) and 1 (label 2): (2*2.4076 + 1*0.4076) / 3.
        let two = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 1, 2, 3])
        let weighted = try softmaxCrossEntropy(
            logits: two, labels: [0, 2], classWeights: [2, 1, 1])
        #expect(abs(Double(weighted) - (2 * 2.40760596 + 0.40760596) / 3) < 1e-5)
        // Stable for huge logits.
        let huge = Matrix(rows: 1, columns: 2, values: [1e4, -1e4])
        #expect(try softmaxCrossEntropy(logits: huge, labels: [1]) == 2e4)
    }

    @Test func binaryCrossEntropy() throws {
        let z = Matrix(rows: 4, columns: 1, values: [-2, 0.5, 3, -0.1])
        try checkGradient(.binaryCrossEntropy, outputs: z, targets: .classes([0, 1, 0, 1]))
        try checkGradient(
            .binaryCrossEntropy, outputs: z, targets: .classes([0, 1, 0, 1]), classWeights: [1, 4])
        let probabilities = Matrix(rows: 2, columns: 2, values: [0.2, 1, 0, 0.7])
        try checkGradient(
            .binaryCrossEntropy, outputs: randomMatrix(rows: 2, columns: 2, seed: 3),
            targets: .values(probabilities))
        // z = 0: ln 2. Hand value z = 2, t = 0: log(1 + e^2) = 2.12692801.
        #expect(
            abs(
                try Engine.binaryCrossEntropy(logits: Matrix(rows: 1, columns: 1), labels: [1])
                    - 0.69314718) < 1e-6)
        let two = Matrix(rows: 1, columns: 1, values: [2])
        #expect(abs(try Engine.binaryCrossEntropy(logits: two, labels: [0]) - 2.12692801) < 1e-5)
        let huge = Matrix(rows: 1, columns: 1, values: [-1e4])
        #expect(try Engine.binaryCrossEntropy(logits: huge, labels: [1]) == 1e4)
    }

    @Test func regressionLosses() throws {
        let y = Matrix(rows: 2, columns: 2, values: [1, 2, 3, 4])
        let t = Matrix(rows: 2, columns: 2, values: [1.5, 0, 3, 7])
        // Differences -0.5, 2, 0, -3.
        #expect(abs(try meanSquaredError(y, t) - (0.25 + 4 + 0 + 9) / 4) < 1e-6)
        #expect(abs(try meanAbsoluteError(y, t) - (0.5 + 2 + 0 + 3) / 4) < 1e-6)
        // Huber delta 1: 0.125, 1.5, 0, 2.5.
        #expect(abs(try huberLoss(y, t) - (0.125 + 1.5 + 0 + 2.5) / 4) < 1e-6)
        // Huber delta 2: 0.125, 2 (quadratic), 0, 2 * (3 - 1).
        #expect(abs(try huberLoss(y, t, delta: 2) - (0.125 + 2 + 0 + 4) / 4) < 1e-6)
        let outputs = randomMatrix(rows: 3, columns: 2, low: -2, high: 2, seed: 5)
        let targets = randomMatrix(rows: 3, columns: 2, low: -2, high: 2, seed: 6)
        try checkGradient(.meanSquaredError, outputs: outputs, targets: .values(targets))
        try checkGradient(.meanAbsoluteError, outputs: outputs, targets: .values(targets))
        try checkGradient(.huber(delta: 0.5), outputs: outputs, targets: .values(targets))
    }

    @Test func mismatchedTargetsThrowClearErrors() {
        #expect(throws: EngineError.self) {
            try softmaxCrossEntropy(logits: self.logits, labels: [0, 1])
        }
        #expect(throws: EngineError.self) {
            try softmaxCrossEntropy(logits: self.logits, labels: [0, 1, 5, 0])
        }
        #expect(throws: EngineError.self) {
            try Loss.meanSquaredError.value(self.logits, .classes(self.labels))
        }
        #expect(throws: EngineError.self) {
            try softmaxCrossEntropy(logits: self.logits, labels: self.labels, classWeights: [1, 2])
        }
    }
}
