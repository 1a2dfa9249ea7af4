import Testing

@testable import Engine

/// Reference values: PyTorch 2.15 `torch.optim` on a parameter `[1, -2]` with gradients
/// `[0.5, -0.3]`, `[-0.2, 0.4]`, `[0.1, 0.1]` (script in the comment at the end of this file),
/// and the first steps worked by hand in each test.
@Suite("Optimizers: steps against hand-computed and PyTorch values")
struct OptimizerTests {
    static let gradients: [[Float]] = [[0.5, -0.3], [-0.2, 0.4], [0.1, 0.1]]

    /// A model with one 2-element trainable tensor (a 1x2 weight, no bias).
    func makeModel(weights: [Float] = [1, -2]) throws -> Sequential {
        let model = try Sequential(
            ModelDescription(inputWidth: 2, layers: [.dense(units: 1, useBias: false)]), seed: 0)
        try model.setTensor(named: "layers.0.weight", values: weights)
        return model
    }

    func setGradient(_ model: Sequential, _ gradient: [Float]) {
        model.visitParameters { _, parameter in
            if parameter.isTrainable { parameter.gradient = gradient }
        }
    }

    func run(
        _ description: OptimizerDescription, gradients: [[Float]] = gradients
    ) throws
        -> [[Float]]
    {
        let model = try makeModel()
        var optimizer = ModelOptimizer(description)
        var results: [[Float]] = []
        for gradient in gradients {
            setGradient(model, gradient)
            optimizer.update(model, learningRate: description.learningRate)
            results.append(model.tensor(named: "layers.0.weight")!.values)
        }
        return results
    }

    func expectClose(
        _ actual: [[Float]], _ expected: [[Double]], tolerance: Double = 2e-6,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (a, e) in zip(actual, expected) {
            for (x, y) in zip(a, e) {
                #expect(
                    abs(Double(x) - y) < tolerance, "\(a) vs \(e)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("Each update rule is its own Optimizer type, applied to one tensor at a time")
    func rulesAreOptimizerTypes() {
        #expect(UpdateRule.sgd().makeOptimizer() is SGD)
        #expect(UpdateRule.adam().makeOptimizer() is Adam)
        #expect(UpdateRule.adamW().makeOptimizer() is AdamW)
        #expect(UpdateRule.rmsprop().makeOptimizer() is RMSprop)
        #expect(UpdateRule.adagrad().makeOptimizer() is Adagrad)
        #expect(
            UpdateRule.rmsprop(momentum: 0.9, centered: true).slotNames == [
                "square_avg", "momentum_buffer", "grad_avg",
            ])
        #expect(Adagrad(initialAccumulator: 0.1).initialSlotValue == 0.1)
        #expect(SGD().initialSlotValue == 0)
        // Plain SGD on one tensor: g clipped (scaled by 0.5, clamped to 0.2), w -= lr g, and g
        // left holding the change.
        var w: [Float] = [1, -2]
        var g: [Float] = [0.5, -0.3]
        var state: [Float] = []
        let squares = w.withUnsafeMutableBufferPointer { w in
            g.withUnsafeMutableBufferPointer { g in
                state.withUnsafeMutableBufferPointer { state in
                    SGD().update(
                        parameter: w, gradient: g, state: state,
                        clip: GradientClip(scale: 0.5, limit: 0.2), step: 1, learningRate: 0.1)
                }
            }
        }
        #expect(abs(w[0] - 0.98) < 1e-6 && abs(w[1] - -1.985) < 1e-6)
        #expect(abs(g[0] - -0.02) < 1e-6 && abs(g[1] - 0.015) < 1e-6)
        #expect(abs(squares!.update - (0.02 * 0.02 + 0.015 * 0.015)) < 1e-7)
        #expect(abs(squares!.weight - (0.98 * 0.98 + 1.985 * 1.985)) < 1e-5)
    }

    @Test func sgd() throws {
        // w - lr g: 1 - 0.1*0.5 = 0.95, -2 + 0.03 = -1.97.
        let result = try run(OptimizerDescription(rule: .sgd(), learningRate: 0.1))
        expectClose(result, [[0.95, -1.97], [0.97, -2.01], [0.96, -2.02]])
    }

    @Test func sgdMomentum() throws {
        // buf1 = g1; buf2 = 0.9 [0.5, -0.3] + [-0.2, 0.4] = [0.25, 0.13]: w2 = [0.925, -1.983].
        let result = try run(OptimizerDescription(rule: .sgd(momentum: 0.9), learningRate: 0.1))
        expectClose(result, [[0.95, -1.97], [0.925, -1.983], [0.8925, -2.0047]])
    }

    @Test func sgdNesterov() throws {
        // Step 1: g + 0.9 buf = 1.9 g: w1 = [1 - 0.095, -2 + 0.057].
        let result = try run(
            OptimizerDescription(rule: .sgd(momentum: 0.9, nesterov: true), learningRate: 0.1))
        expectClose(result, [[0.905, -1.943], [0.9025, -1.9947], [0.86325, -2.02423]])
    }

    @Test func adam() throws {
        // Step 1: m = 0.1 g, v = 0.001 g^2; corrected m/sqrt(v) = sign(g): w - lr sign(g).
        let result = try run(OptimizerDescription(rule: .adam(), learningRate: 0.1))
        expectClose(
            result,
            [
                [0.9000000357627869, -1.899999976158142],
                [0.8654394745826721, -1.9193509817123413],
                [0.8275002837181091, -1.9465548992156982],
            ])
    }

    @Test func adamW() throws {
        // Step 1: decay first, w (1 - 0.1 * 0.1) = [0.99, -1.98], then the Adam step.
        let result = try run(
            OptimizerDescription(rule: .adamW(weightDecay: 0.1), learningRate: 0.1))
        expectClose(
            result,
            [
                [0.89000004529953, -1.8799999952316284], [0.8465394973754883, -1.8805509805679321],
                [0.8001348972320557, -1.8889493942260742],
            ])
    }

    @Test func rmsprop() throws {
        // Step 1: sq = 0.01 g^2, step g / (0.1 |g| + eps) = 10 sign(g): w - 0.01 * 10 sign(g).
        let result = try run(OptimizerDescription(rule: .rmsprop(), learningRate: 0.01))
        expectClose(
            result,
            [
                [0.9000000357627869, -1.9000000953674316],
                [0.9373002052307129, -1.9801445007324219],
                [0.9188770055770874, -1.9998853206634521],
            ], tolerance: 2e-5)
    }

    @Test func rmspropCenteredMomentum() throws {
        let result = try run(
            OptimizerDescription(
                rule: .rmsprop(momentum: 0.9, centered: true), learningRate: 0.01))
        expectClose(
            result,
            [
                [0.8994962573051453, -1.8994961977005005],
                [0.8463996648788452, -1.8892042636871338],
                [0.780141294002533, -1.89969801902771],
            ], tolerance: 2e-5)
    }

    @Test func adagrad() throws {
        // Step 1: sum = 0.1 + 0.25 = 0.35; w = 1 - 0.1 * 0.5 / sqrt(0.35) = 0.915484549.
        let result = try run(
            OptimizerDescription(
                rule: .adagrad(initialAccumulator: 0.1, learningRateDecay: 0.1), learningRate: 0.1))
        expectClose(
            result,
            [
                [0.9154845476150513, -1.9311752319335938],
                [0.9445987343788147, -1.9926409721374512],
                [0.9314225912094116, -2.0065298080444336],
            ])
    }

    @Test func pytorchDefaults() {
        #expect(OptimizerDescription().rule == .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8))
        #expect(OptimizerDescription().learningRate == 1e-3)
        #expect(OptimizerDescription(rule: .rmsprop()).learningRate == 1e-2)
        #expect(OptimizerDescription(rule: .adagrad()).learningRate == 1e-2)
        #expect(
            UpdateRule.adamW() == .adamW(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01)
        )
    }

    // MARK: Penalties and clipping (SGD, lr 1: the update is minus the processed gradient)

    func singleStep(
        _ penalty: Penalty = .none, _ clipping: Clipping = .none, gradient: [Float]
    )
        throws -> [Float]
    {
        let model = try makeModel(weights: [1, -2])
        var optimizer = ModelOptimizer(
            OptimizerDescription(
                rule: .sgd(), learningRate: 1, penalty: penalty, clipping: clipping))
        setGradient(model, gradient)
        optimizer.update(model, learningRate: 1)
        return model.tensor(named: "layers.0.weight")!.values
    }

    @Test func l2AndL1Penalties() throws {
        // L2 0.1: g + 2 * 0.1 * w = [0.5 + 0.2, -0.3 - 0.4].
        #expect(try singleStep(.l2(0.1), gradient: [0.5, -0.3]) == [1 - 0.7, -2 + 0.7])
        // L1 0.1: g + 0.1 sign(w) = [0.6, -0.4].
        let l1 = try singleStep(.l1(0.1), gradient: [0.5, -0.3])
        #expect(abs(l1[0] - 0.4) < 1e-6 && abs(l1[1] + 1.6) < 1e-6)
    }

    @Test func clipNormPerTensor() throws {
        // ||[3, 4]|| = 5 -> scaled to norm 1: [0.6, 0.8]; under the norm: unchanged.
        let clipped = try singleStep(.none, .norm(1), gradient: [3, 4])
        #expect(abs(clipped[0] - 0.4) < 1e-6 && abs(clipped[1] + 2.8) < 1e-6)
        #expect(try singleStep(.none, .norm(10), gradient: [3, 4]) == [-2, -6])
    }

    @Test func clipValue() throws {
        #expect(try singleStep(.none, .value(0.5), gradient: [3, -0.25]) == [0.5, -1.75])
    }

    @Test func globalClipNormAcrossTensors() throws {
        // Two tensors: weight gradient [3, 0] and bias gradient [4]; global norm 5 -> factor
        // 1/5 with clip 1 (per tensor, clipnorm would give weight [1, 0] and bias [1]).
        let model = try Sequential(
            ModelDescription(inputWidth: 2, layers: [.dense(units: 1)]), seed: 0)
        try model.setTensor(named: "layers.0.weight", values: [0, 0])
        var optimizer = ModelOptimizer(
            OptimizerDescription(rule: .sgd(), learningRate: 1, clipping: .globalNorm(1)))
        model.visitParameters { name, parameter in
            parameter.gradient = name.local == "weight" ? [3, 0] : [4]
        }
        optimizer.update(model, learningRate: 1)
        let weight = model.tensor(named: "layers.0.weight")!.values
        let bias = model.tensor(named: "layers.0.bias")!.values
        #expect(abs(weight[0] + 0.6) < 1e-6 && weight[1] == 0 && abs(bias[0] + 0.8) < 1e-6)
        #expect(abs(optimizer.globalGradientNorm - 5) < 1e-6)
        #expect(optimizer.gradientNorms == [3, 4])
    }

    @Test func nonFiniteGradientLeavesWeightsUnchanged() throws {
        let model = try makeModel()
        var optimizer = ModelOptimizer(OptimizerDescription(rule: .adam(), learningRate: 0.1))
        setGradient(model, [.nan, 1])
        #expect(optimizer.update(model, learningRate: 0.1) == false)
        #expect(model.tensor(named: "layers.0.weight")!.values == [1, -2])
        #expect(optimizer.step == 0)
    }

    @Test func stateRoundTripsByName() throws {
        let model = try makeModel()
        var optimizer = ModelOptimizer(OptimizerDescription(rule: .adam(), learningRate: 0.1))
        setGradient(model, [0.5, -0.3])
        optimizer.update(model, learningRate: 0.1)
        let state = optimizer.exportState()
        #expect(state.step == 1)
        #expect(
            state.tensors.map(\.name) == ["layers.0.weight.exp_avg", "layers.0.weight.exp_avg_sq"])
        var restored = ModelOptimizer(OptimizerDescription(rule: .adam(), learningRate: 0.1))
        try restored.importState(state, model: model)
        #expect(restored.exportState() == state)
        var wrong = state
        wrong.tensors[0].name = "layers.3.weight.exp_avg"
        #expect(throws: EngineError.self) { try restored.importState(wrong, model: model) }
    }

    @Test func maxNormConstraint() throws {
        let model = try Sequential(
            ModelDescription(inputWidth: 2, layers: [.dense(units: 2, maxNorm: 1)]), seed: 0)
        try model.setTensor(named: "layers.0.weight", values: [3, 4, 0.3, 0.4])
        model.applyConstraints()
        let w = model.tensor(named: "layers.0.weight")!.values
        // Row 0 (norm 5) rescaled to norm 1; row 1 (norm 0.5) unchanged.
        #expect(abs(w[0] - 0.6) < 1e-6 && abs(w[1] - 0.8) < 1e-6)
        #expect(w[2] == 0.3 && w[3] == 0.4)
    }
}

// Reference script (PyTorch 2.15):
//   w = torch.nn.Parameter(torch.tensor([1.0, -2.0])); opt = <optimizer>([w])
//   for g in ([0.5, -0.3], [-0.2, 0.4], [0.1, 0.1]): w.grad = torch.tensor(g); opt.step()
// with SGD(lr=0.1[, momentum=0.9[, nesterov=True]]), Adam(lr=0.1),
// AdamW(lr=0.1, weight_decay=0.1), RMSprop(lr=0.01[, momentum=0.9, centered=True]),
// Adagrad(lr=0.1, lr_decay=0.1, initial_accumulator_value=0.1).
