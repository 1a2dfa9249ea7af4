import Advisor
import CurveAnalysis
import Dataset
import Engine
import Foundation
import Spec

/// The training split's loss and headline metric after one epoch (the engine evaluates only the
/// validation split), for DIAG-UNDERFIT and the report's metric curve.
public struct EpochTrainingScore: Codable, Sendable, Equatable {
    /// 0-based epoch.
    public var epoch: Int
    /// Mean loss on the scored training rows (inference mode: no dropout, batch-norm running
    /// statistics).
    public var loss: Double
    /// Accuracy, or R².
    public var metric: Double
    /// Recall of each class (classification).
    public var recall: [Double]?

    /// Creates a score.
    public init(epoch: Int, loss: Double, metric: Double, recall: [Double]? = nil) {
        self.epoch = epoch
        self.loss = loss
        self.metric = metric
        self.recall = recall
    }
}

/// Maps a run (the trainer's history, the model's tensors, the config and the prepared data) onto
/// the diagnostics' plain `TrainingRecord`.
///
/// What each field comes from:
/// - losses, validation metrics, learning rate, step losses and global step gradient norms: the
///   engine's `EpochRecord`s;
/// - training metric and, without a validation split, per-class recall: `EpochTrainingScore`s the
///   session computes after each epoch on at most `TrainingSession.trainingScoreRows` rows;
/// - per dense layer: gradient norm, weight norm and update ratio from `ParameterStatistics`
///   (`layers.i.weight`), the dead-unit fraction of the ReLU after it;
/// - SIZE-PRUNE's per-unit norms: rows of a hidden layer's weight (incoming) and columns of the
///   next dense layer's weight (outgoing), from the final tensors; left out when batch
///   normalisation sits between them (it rescales every unit, so small weights do not mean a
///   unit does nothing);
/// - the trivial baseline: majority-class accuracy and the loss of constant class-prior logits
///   (classification), or R² 0 and the loss of the mean (regression), on the training split;
/// - non-finite events: the stop reason of a run that hit a NaN or infinity.
public enum RunRecord {
    /// Builds the record.
    /// - Parameters:
    ///   - history: the trainer's history (complete epochs only).
    ///   - tensors: the model's tensors at the end (or at the checkpoint).
    ///   - description: the network.
    ///   - config: the complete config that ran (its `model.layers` name the activations).
    ///   - configuration: the engine's training configuration (the loss, class weights).
    ///   - data: the prepared data (classes, the training split for the baseline).
    ///   - trainingScores: per-epoch training-split scores (may be empty).
    ///   - stopReason: why training ended; nil when unknown (rebuilt from a checkpoint).
    public static func make(
        history: TrainingHistory, tensors: [NamedTensor], description: ModelDescription,
        config: NetworkSpec, configuration: TrainingConfiguration, data: PreparedData,
        trainingScores: [EpochTrainingScore], stopReason: StopReason?
    ) -> TrainingRecord {
        let epochs = history.epochs
        let labels: [String]
        let task: TaskKind
        switch data.encoding.target {
        case .classes(_, let names):
            labels = names
            task = .classification
        case .regression, .logRegression:
            labels = []
            task = .regression
        }
        var record = TrainingRecord(
            task: task, classCount: task == .classification ? labels.count : nil,
            classNames: labels, epochsPlanned: configuration.epochs,
            trainLoss: epochs.map(\.trainingLoss))
        if case .earlyStopped? = stopReason { record.stoppedEarly = true }
        if epochs.allSatisfy({ $0.validationLoss != nil }) {
            record.validationLoss = epochs.compactMap(\.validationLoss)
            record.validationRows = data.validation.rowCount
        }
        let validationMetrics = epochs.compactMap(\.validationMetrics)
        if validationMetrics.count == epochs.count {
            record.validationMetric = validationMetrics.map(headline)
            record.classRecall = validationMetrics.compactMap { metrics in
                if case .classification(let scores) = metrics { return scores.recall }
                return nil
            }
        }
        let scores = Dictionary(
            trainingScores.map { ($0.epoch, $0) }, uniquingKeysWith: { _, b in b })
        let aligned = epochs.compactMap { scores[$0.epoch] }
        if aligned.count == epochs.count {
            record.trainMetric = aligned.map(\.metric)
            record.trainEvaluationLoss = aligned.map(\.loss)
            if record.classRecall.isEmpty, task == .classification {
                record.classRecall = aligned.compactMap(\.recall)
            }
        }
        record.learningRate = epochs.map { Double($0.learningRate) }
        record.stepLosses = epochs.flatMap { $0.stepLosses.map(Double.init) }
        record.globalStepGradientNorm = epochs.flatMap { $0.stepGradientNorms.map(Double.init) }
        record.firstBatchLoss = history.firstBatchLoss
        record.layers = layerRecords(
            history: history, tensors: tensors, description: description, config: config)
        record.nonFiniteEvents = nonFiniteEvents(history: history, stopReason: stopReason)
        let baseline = trivialBaseline(data: data, configuration: configuration)
        record.trivialBaselineScore = baseline.score
        record.trivialBaselineLoss = baseline.loss
        record.bestEpoch = history.bestEpoch.map { $0 + 1 }
        if case .l2(let strength)? = config.training.regularization.value?.penalty {
            record.l2Strength = strength
        } else {
            record.l2Strength = 0
        }
        record.clippedGradients = configuration.optimizer.clipping != .none
        let signal = SignalDepthRule(
            encoding: data.numericEncoding, minimumLift: config.advisor.signalMinimumLift)
        record.signalLift = signal.lift
        record.signalFree = signal.isWeak
        record.largestDropout = description.layers.reduce(0) { largest, layer in
            if case .dropout(let rate) = layer { return max(largest, Double(rate)) }
            return largest
        }
        return record
    }

    /// Accuracy, or R².
    static func headline(_ metrics: Metrics) -> Double {
        switch metrics {
        case .classification(let scores): scores.accuracy
        case .regression(let scores): scores.rSquared
        }
    }

    /// One `LayerRecord` per dense layer: `dense_1`, `dense_2`, ..., `output`.
    static func layerRecords(
        history: TrainingHistory, tensors: [NamedTensor], description: ModelDescription,
        config: NetworkSpec
    ) -> [LayerRecord] {
        let layers = description.layers
        let denseIndices = layers.indices.filter {
            if case .dense = layers[$0] { return true }
            return false
        }
        let tensorByName = Dictionary(
            tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var records: [LayerRecord] = []
        for (position, index) in denseIndices.enumerated() {
            guard case .dense(let units, _, _, _) = layers[index] else { continue }
            let next = position + 1 < denseIndices.count ? denseIndices[position + 1] : layers.count
            // The activation after this dense layer, before the next one.
            var activation = "linear"
            var activationIndex: Int?
            var normalised = false
            for j in (index + 1)..<next {
                switch layers[j] {
                case .activation:
                    if activationIndex == nil {
                        activationIndex = j
                        activation = activationName(
                            config: config, description: description, index: j)
                    }
                case .batchNorm:
                    normalised = true
                default:
                    break
                }
            }
            let isOutput = position == denseIndices.count - 1
            let weightName = "layers.\(index).weight"
            var layer = LayerRecord(
                name: isOutput ? "output" : "dense_\(position + 1)", units: units,
                activation: activation, specLayerIndex: config.model.layers == nil ? nil : index)
            for epoch in history.epochs {
                let statistics = epoch.parameters.first { $0.name == weightName }
                layer.gradientNorm.append(statistics?.gradientNormMean ?? .nan)
                layer.weightNorm.append(statistics?.weightNorm ?? .nan)
                layer.updateRatio.append(statistics?.updateRatioMean ?? .nan)
            }
            if let activationIndex,
                history.epochs.contains(where: {
                    $0.deadUnits.contains { $0.layer == activationIndex }
                })
            {
                layer.deadUnitFraction = history.epochs.map { epoch in
                    epoch.deadUnits.first { $0.layer == activationIndex }?.fraction ?? 0
                }
            }
            if !isOutput, !normalised, let weight = tensorByName[weightName],
                let following = tensorByName["layers.\(next).weight"], weight.shape.count == 2,
                following.shape.count == 2, following.shape[1] == units
            {
                layer.incomingUnitNorms = rowNorms(weight)
                layer.outgoingUnitNorms = columnNorms(following)
            }
            records.append(layer)
        }
        return records
    }

    /// The spec name of the activation at `index` (the config's layer list mirrors the engine's
    /// one to one).
    static func activationName(
        config: NetworkSpec, description: ModelDescription, index: Int
    )
        -> String
    {
        if let layers = config.model.layers, index < layers.count,
            case .activation(let function) = layers[index]
        {
            return function.name
        }
        if case .activation(let activation) = description.layers[index] {
            return String(describing: activation).split(separator: "(").first.map(String.init)
                ?? "activation"
        }
        return "linear"
    }

    static func rowNorms(_ tensor: NamedTensor) -> [Double] {
        let rows = tensor.shape[0]
        let columns = tensor.shape[1]
        return (0..<rows).map { row in
            var sum = 0.0
            for column in 0..<columns {
                let value = Double(tensor.values[row * columns + column])
                sum += value * value
            }
            return sum.squareRoot()
        }
    }

    static func columnNorms(_ tensor: NamedTensor) -> [Double] {
        let rows = tensor.shape[0]
        let columns = tensor.shape[1]
        var sums = [Double](repeating: 0, count: columns)
        for row in 0..<rows {
            for column in 0..<columns {
                let value = Double(tensor.values[row * columns + column])
                sums[column] += value * value
            }
        }
        return sums.map { $0.squareRoot() }
    }

    static func nonFiniteEvents(
        history: TrainingHistory, stopReason: StopReason?
    )
        -> [NonFiniteEvent]
    {
        var events: [NonFiniteEvent] = []
        for epoch in history.epochs where !epoch.weightsFinite {
            events.append(NonFiniteEvent(quantity: .weights, epoch: epoch.epoch))
        }
        if case .nonFinite(let epoch, let step, let what)? = stopReason {
            let quantity: NonFiniteEvent.Quantity =
                what == "loss" ? .loss : what == "weights" ? .weights : .gradients
            if !events.contains(where: { $0.epoch == epoch && $0.quantity == quantity }) {
                let stepsBefore = history.epochs.filter { $0.epoch < epoch }
                    .reduce(0) { $0 + $1.stepLosses.count }
                events.append(
                    NonFiniteEvent(quantity: quantity, epoch: epoch, step: stepsBefore + step))
            }
        }
        return events
    }

    /// The trivial baseline on the training split: majority-class accuracy and the loss of the
    /// class prior as constant logits, or R² 0 and the loss of the mean (the median for MAE).
    static func trivialBaseline(
        data: PreparedData, configuration: TrainingConfiguration
    ) -> (
        score: Double?, loss: Double?
    ) {
        let rows = data.training
        guard rows.rowCount > 0 else { return (nil, nil) }
        let loss = configuration.loss
        switch data.encoding.target {
        case .classes(_, let labels):
            guard let indices = rows.classIndices else { return (nil, nil) }
            var counts = [Int](repeating: 0, count: max(labels.count, 1))
            for index in indices where index >= 0 && Int(index) < counts.count {
                counts[Int(index)] += 1
            }
            let total = Double(counts.reduce(0, +))
            guard total > 0 else { return (nil, nil) }
            let score = Double(counts.max() ?? 0) / total
            let priors = counts.map { max(Double($0) / total, 1e-12) }
            let width = data.encoding.target.outputWidth
            let logits: [Float] =
                width == 1
                ? [Float(log(priors[1 < priors.count ? 1 : 0] / priors[0]))]
                : priors.map { Float(log($0)) }
            let outputs = Matrix(
                rows: rows.rowCount, columns: width,
                values: (0..<rows.rowCount).flatMap { _ in logits })
            let value = try? outputs.withView {
                try loss.evaluate(
                    outputs: $0, targets: rows.engineTargets,
                    classWeights: configuration.classWeights)
            }
            return (score, value)
        case .regression, .logRegression:
            let targets = rows.targets ?? []
            guard !targets.isEmpty else { return (0, nil) }
            let constant: Float
            if loss == .meanAbsoluteError {
                constant = targets.sorted()[targets.count / 2]
            } else {
                constant = Float(targets.reduce(0.0) { $0 + Double($1) } / Double(targets.count))
            }
            let outputs = Matrix(
                rows: rows.rowCount, columns: 1,
                values: [Float](repeating: constant, count: rows.rowCount))
            let value = try? outputs.withView {
                try loss.evaluate(outputs: $0, targets: rows.engineTargets)
            }
            return (0, value)
        }
    }
}
