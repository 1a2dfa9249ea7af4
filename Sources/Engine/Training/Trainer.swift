#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The result of evaluating a model on a data set.
public struct Evaluation: Sendable, Equatable {
    /// Mean loss (data loss only).
    public var loss: Double
    /// Metrics.
    public var metrics: Metrics
}

/// The training loop: epochs of optimizer steps over a `BatchSource`, validation after each
/// epoch, early stopping, schedules, per-epoch statistics and an event stream.
///
/// A training step allocates nothing: it runs forward into the model's buffers, the fused loss
/// writes its gradient in place, backward leaves parameter gradients in the layers, and the
/// optimizer walks them. `exportState()` at an epoch boundary captures everything (weights,
/// optimizer slots, schedule and early-stopping state, dropout generator, history) so a
/// resumed run is bit-identical to an uninterrupted one.
public final class Trainer {
    /// The model being trained.
    public let model: Sequential
    /// The configuration.
    public let configuration: TrainingConfiguration
    /// The optimizer and its state.
    public private(set) var optimizer: ModelOptimizer
    /// Schedule state (reduce-on-plateau).
    public private(set) var scheduleState = ScheduleState()
    /// What has been recorded.
    public private(set) var history = TrainingHistory()
    /// Completed epochs.
    public private(set) var epoch = 0
    /// Optimizer steps taken.
    public private(set) var step = 0
    /// Set to stop between steps (thread-safe).
    public let stopRequest = StopRequest()
    /// Layers run in training: all, or all but a final softmax / sigmoid the loss fuses.
    public let trainingDepth: Int

    private var bestLoss: Double?
    private var epochsWithoutImprovement = 0
    private var bestModel: [NamedTensor]?
    private var finished: StopReason?

    // Per-epoch accumulators, reused (no allocation per step).
    private var gradientNormSums: [Double] = []
    private var gradientNormMaxima: [Float] = []
    private var updateRatioSums: [Double] = []
    private var stepLosses: [Float] = []
    private var stepGradientNorms: [Float] = []
    private var lossSum: Double = 0
    private var rowSum = 0
    private var lastRate: Float = 0

    /// A trainer.
    /// - Parameters:
    ///   - model: the model to train (trained in place).
    ///   - configuration: epochs, loss, optimizer, schedule, early stopping.
    /// - Throws: `EngineError.invalidDescription` for a bad configuration.
    public init(model: Sequential, configuration: TrainingConfiguration) throws {
        guard configuration.epochs > 0 else {
            throw EngineError.invalidDescription(
                path: "training.epochs", message: "epochs is \(configuration.epochs)",
                fix: "train for at least 1 epoch (EPOCHS-BY-SIZE)")
        }
        guard configuration.optimizer.learningRate > 0,
            configuration.optimizer.learningRate.isFinite
        else {
            throw EngineError.invalidDescription(
                path: "training.learning_rate",
                message: "learning rate is \(configuration.optimizer.learningRate)",
                fix: "use a positive rate, e.g. 1e-3 (OPT-DEFAULT)")
        }
        if let weights = configuration.classWeights {
            guard configuration.loss.isClassification else {
                throw EngineError.invalidDescription(
                    path: "training.class_weights", message: "class weights with a regression loss",
                    fix: "remove class_weights, or use a classification loss")
            }
            guard weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw EngineError.invalidDescription(
                    path: "training.class_weights",
                    message: "a class weight is negative or not finite",
                    fix: "use non-negative weights")
            }
        }
        if case .huber(let delta) = configuration.loss, !(delta > 0) {
            throw EngineError.invalidDescription(
                path: "training.loss.delta", message: "Huber delta is \(delta)",
                fix: "use a positive delta; the default is 1")
        }
        if case .l1(let value) = configuration.optimizer.penalty, value < 0 {
            throw EngineError.invalidDescription(
                path: "training.l1", message: "L1 is \(value)",
                fix: "use 1e-8 to 1e-4 (REG-L1-RANGE)")
        }
        if case .l2(let value) = configuration.optimizer.penalty, value < 0 {
            throw EngineError.invalidDescription(
                path: "training.l2", message: "L2 is \(value)",
                fix: "use 1e-6 to 1e-2 (REG-L2-RANGE)")
        }
        self.model = model
        self.configuration = configuration
        optimizer = ModelOptimizer(configuration.optimizer)
        var depth = model.layerCount
        if let fused = configuration.loss.fusedOutputActivation,
            case .activation(let last)? = model.modelDescription.layers.last, last == fused
        {
            depth -= 1
        }
        trainingDepth = depth
    }

    // MARK: Steps

    /// Runs one optimizer step on `batch`.
    /// - Parameters:
    ///   - batch: inputs `rows x model.inputWidth` and their targets.
    ///   - learningRate: the rate for this step.
    /// - Returns: the batch loss, or nil (no update applied) when the loss or the gradient is
    ///   not finite.
    /// - Throws: `EngineError.invalidBatch` when the batch does not fit the model or loss.
    public func trainStep(_ batch: Batch, learningRate: Float) throws -> (loss: Float, finite: Bool)
    {
        guard batch.inputs.columns == model.inputWidth else {
            throw EngineError.invalidBatch(
                message: "batch has \(batch.inputs.columns) columns, the model expects "
                    + "\(model.inputWidth)")
        }
        guard batch.inputs.rows > 0 else { throw EngineError.invalidBatch(message: "empty batch") }
        let depth = trainingDepth
        return try batch.inputs.withView { inputs in
            let outputs = model.forward(inputs, isTraining: true, depth: depth)
            let loss = try configuration.loss.evaluate(
                outputs: outputs, targets: batch.targets,
                classWeights: configuration.classWeights,
                gradient: model.outputGradient(depth: depth))
            guard loss.isFinite else { return (Float(loss), false) }
            model.backward(inputs, depth: depth)
            guard optimizer.update(model, learningRate: learningRate) else {
                return (Float(loss), false)
            }
            model.applyConstraints()
            step += 1
            return (Float(loss), true)
        }
    }

    /// The learning rate of the next step.
    public func learningRate(stepsPerEpoch: Int, stepInEpoch: Int = 0) -> Float {
        configuration.schedule.rate(
            base: configuration.optimizer.learningRate, step: epoch * stepsPerEpoch + stepInEpoch,
            epoch: epoch, stepsPerEpoch: stepsPerEpoch, totalEpochs: configuration.epochs,
            state: scheduleState)
    }

    // MARK: Fit

    /// Trains from the current epoch up to `configuration.epochs` (or `untilEpoch`).
    /// - Parameters:
    ///   - training: the batch source (shuffled per epoch by the source).
    ///   - validation: held-out data evaluated after each epoch (default nil: the training
    ///     loss is monitored instead).
    ///   - untilEpoch: stop after this many completed epochs, as a resumable pause (default
    ///     nil: run to the end).
    ///   - onEvent: called after every step and every epoch.
    /// - Returns: why it stopped and the history.
    /// - Throws: `EngineError.invalidBatch` for batches or validation data that do not fit.
    @discardableResult
    public func fit<Source: BatchSource>(
        training: inout Source, validation: ValidationSet? = nil, untilEpoch: Int? = nil,
        onEvent: (TrainingEvent) -> Void = { _ in }
    ) throws -> TrainingOutcome {
        if let finished {
            return TrainingOutcome(reason: finished, history: history, restoredBestWeights: false)
        }
        let stepsPerEpoch = max(training.batchesPerEpoch, 1)
        let lastEpoch = min(untilEpoch ?? configuration.epochs, configuration.epochs)
        prepareAccumulators(stepsPerEpoch: stepsPerEpoch)
        var batch = Batch.empty
        while epoch < lastEpoch {
            let started = monotonicSeconds()
            resetAccumulators()
            model.resetActivityStatistics()
            training.startEpoch(epoch)
            var stepInEpoch = 0
            while training.nextBatch(into: &batch) {
                if stopRequest.isRequested { return end(.stopRequested) }
                let rate = learningRate(stepsPerEpoch: stepsPerEpoch, stepInEpoch: stepInEpoch)
                let result = try trainStep(batch, learningRate: rate)
                if history.firstBatchLoss == nil { history.firstBatchLoss = Double(result.loss) }
                guard result.finite else {
                    let what = result.loss.isFinite ? "gradient" : "loss"
                    return end(.nonFinite(epoch: epoch, step: stepInEpoch, what: what))
                }
                accumulate(loss: result.loss, rows: batch.inputs.rows)
                lastRate = rate
                onEvent(
                    .stepEnded(
                        StepReport(
                            epoch: epoch, stepInEpoch: stepInEpoch, stepsPerEpoch: stepsPerEpoch,
                            globalStep: step - 1, loss: result.loss, learningRate: rate)))
                stepInEpoch += 1
            }
            var record = makeRecord()
            if let validation {
                let evaluation = try evaluate(
                    inputs: validation.inputs, targets: validation.targets)
                record.validationLoss = evaluation.loss
                record.validationMetrics = evaluation.metrics
            }
            record.seconds = monotonicSeconds() - started
            history.epochs.append(record)
            epoch += 1
            let monitored = record.validationLoss ?? record.trainingLoss
            configuration.schedule.epochEnded(
                loss: monitored, base: configuration.optimizer.learningRate, state: &scheduleState)
            onEvent(.epochEnded(record))
            if !record.weightsFinite {
                return end(.nonFinite(epoch: epoch - 1, step: stepInEpoch, what: "weights"))
            }
            if let early = configuration.earlyStopping {
                if monitored < (bestLoss ?? .infinity) - early.minDelta {
                    bestLoss = monitored
                    epochsWithoutImprovement = 0
                    history.bestEpoch = epoch - 1
                    if early.restoreBestWeights { bestModel = model.exportTensors() }
                } else {
                    epochsWithoutImprovement += 1
                    if epochsWithoutImprovement >= early.patience {
                        return end(.earlyStopped(bestEpoch: history.bestEpoch ?? epoch - 1))
                    }
                }
            }
        }
        return end(epoch >= configuration.epochs ? .completed : .paused)
    }

    private func end(_ reason: StopReason) -> TrainingOutcome {
        var restored = false
        switch reason {
        case .paused, .stopRequested:
            break
        default:
            finished = reason
            restored = restoreBestWeights()
        }
        return TrainingOutcome(reason: reason, history: history, restoredBestWeights: restored)
    }

    /// Loads the best epoch's weights into the model, when early stopping kept them.
    /// - Returns: whether weights were restored.
    @discardableResult
    public func restoreBestWeights() -> Bool {
        guard let bestModel, configuration.earlyStopping?.restoreBestWeights == true,
            (try? model.importTensors(bestModel)) != nil
        else { return false }
        return true
    }

    // MARK: Evaluation

    /// The loss and metrics of the model on a data set (inference mode; the loss is computed
    /// on logits when the model's last activation is fused into the loss).
    /// - Throws: `EngineError.invalidBatch` when the data does not fit the model or the loss.
    public func evaluate(inputs: Matrix, targets: Targets) throws -> Evaluation {
        guard inputs.columns == model.inputWidth else {
            throw EngineError.invalidBatch(
                message: "data has \(inputs.columns) columns, the model expects \(model.inputWidth)"
            )
        }
        let outputs = try model.predict(
            inputs, batchSize: configuration.evaluationBatchSize, depth: trainingDepth)
        let loss = try outputs.withView {
            try configuration.loss.evaluate(
                outputs: $0, targets: targets, classWeights: configuration.classWeights)
        }
        let metrics: Metrics
        switch targets {
        case .classes(let labels):
            metrics = .classification(ClassificationMetrics(outputs: outputs, labels: labels))
        case .values(let matrix):
            if configuration.loss == .binaryCrossEntropy {
                // Multi-label probabilities: report the regression view of sigmoid outputs.
                metrics = .regression(
                    RegressionMetrics(predictions: sigmoid(outputs), targets: matrix))
            } else {
                metrics = .regression(RegressionMetrics(predictions: outputs, targets: matrix))
            }
        }
        return Evaluation(loss: loss, metrics: metrics)
    }

    // MARK: Statistics

    private func prepareAccumulators(stepsPerEpoch: Int) {
        var count = 0
        model.visitParameters { _, parameter in if parameter.isTrainable { count += 1 } }
        gradientNormSums = [Double](repeating: 0, count: count)
        gradientNormMaxima = [Float](repeating: 0, count: count)
        updateRatioSums = [Double](repeating: 0, count: count)
        stepLosses.reserveCapacity(stepsPerEpoch)
        stepGradientNorms.reserveCapacity(stepsPerEpoch)
    }

    private func resetAccumulators() {
        for i in gradientNormSums.indices {
            gradientNormSums[i] = 0
            gradientNormMaxima[i] = 0
            updateRatioSums[i] = 0
        }
        stepLosses.removeAll(keepingCapacity: true)
        stepGradientNorms.removeAll(keepingCapacity: true)
        lossSum = 0
        rowSum = 0
    }

    private func accumulate(loss: Float, rows: Int) {
        lossSum += Double(loss) * Double(rows)
        rowSum += rows
        stepLosses.append(loss)
        stepGradientNorms.append(optimizer.globalGradientNorm)
        let gradients = optimizer.gradientNorms
        let updates = optimizer.updateNorms
        let weights = optimizer.weightNorms
        for i in 0..<min(gradients.count, gradientNormSums.count) {
            gradientNormSums[i] += Double(gradients[i])
            if gradients[i] > gradientNormMaxima[i] { gradientNormMaxima[i] = gradients[i] }
            updateRatioSums[i] += weights[i] > 0 ? Double(updates[i] / weights[i]) : 0
        }
    }

    private func makeRecord() -> EpochRecord {
        let steps = Double(max(stepLosses.count, 1))
        var parameters: [ParameterStatistics] = []
        var finite = true
        var index = 0
        model.visitParameters { name, parameter in
            if parameter.value.contains(where: { !$0.isFinite }) { finite = false }
            guard parameter.isTrainable else { return }
            let weightNorm = parameter.value.withUnsafeBufferPointer {
                Double(CPUKernels.sumOfSquares($0.baseAddress, count: $0.count).squareRoot())
            }
            parameters.append(
                ParameterStatistics(
                    name: name.description, layer: name.layer,
                    gradientNormMean: index < gradientNormSums.count
                        ? gradientNormSums[index] / steps : 0,
                    gradientNormMax: index < gradientNormMaxima.count
                        ? Double(gradientNormMaxima[index]) : 0,
                    weightNorm: weightNorm,
                    updateRatioMean: index < updateRatioSums.count
                        ? updateRatioSums[index] / steps : 0))
            index += 1
        }
        return EpochRecord(
            epoch: epoch, trainingLoss: rowSum > 0 ? lossSum / Double(rowSum) : 0,
            validationLoss: nil, validationMetrics: nil, learningRate: lastRate,
            stepLosses: stepLosses, stepGradientNorms: stepGradientNorms, parameters: parameters,
            deadUnits: model.deadUnitFractions.map {
                DeadUnitStatistics(layer: $0.layer, fraction: $0.fraction)
            },
            weightsFinite: finite, seconds: 0)
    }

    // MARK: State

    /// The complete state; export at an epoch boundary (after `fit` returns) for exact resume.
    public func exportState() -> TrainerState {
        TrainerState(
            modelDescription: model.modelDescription, configuration: configuration, epoch: epoch,
            step: step, model: model.exportTensors(), optimizer: optimizer.exportState(),
            schedule: scheduleState, dropoutGenerator: model.dropoutGenerator, bestLoss: bestLoss,
            epochsWithoutImprovement: epochsWithoutImprovement, bestModel: bestModel,
            history: history, finished: finished)
    }

    /// Restores a state exported by a trainer with the same model description and
    /// configuration.
    /// - Throws: `EngineError.incompatibleState`, or a tensor error; nothing changes when it
    ///   throws.
    public func importState(_ state: TrainerState) throws {
        guard state.version == 1 else {
            throw EngineError.incompatibleState(message: "unknown state version \(state.version)")
        }
        guard state.modelDescription == model.modelDescription else {
            throw EngineError.incompatibleState(message: "the model description differs")
        }
        guard state.configuration == configuration else {
            throw EngineError.incompatibleState(message: "the training configuration differs")
        }
        let previous = model.exportTensors()
        try model.importTensors(state.model)
        var restoredOptimizer = ModelOptimizer(configuration.optimizer)
        do {
            try restoredOptimizer.importState(state.optimizer, model: model)
            if let bestModel = state.bestModel {
                // Check the snapshot fits, then put the current weights back.
                try model.importTensors(bestModel)
                try model.importTensors(state.model)
            }
        } catch {
            try? model.importTensors(previous)
            throw error
        }
        optimizer = restoredOptimizer
        model.dropoutGenerator = state.dropoutGenerator
        scheduleState = state.schedule
        epoch = state.epoch
        step = state.step
        bestLoss = state.bestLoss
        epochsWithoutImprovement = state.epochsWithoutImprovement
        bestModel = state.bestModel
        history = state.history
        finished = state.finished
    }
}

private func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
