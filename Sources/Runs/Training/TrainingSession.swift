import Advisor
import CurveAnalysis
import Dataset
import Engine
import Foundation
import Spec

/// What a finished (or stopped) run produced.
public struct RunResult: Sendable {
    /// Why training ended.
    public var stopReason: StopReason
    /// Epochs completed.
    public var epochsRun: Int
    /// The epoch whose weights the model holds (early stopping's best), 1-based; nil when none.
    public var chosenEpoch: Int?
    /// Scores per split: `train`, `validation`, `test` (absent when the split is empty).
    public var scores: [String: SplitScore]
    /// The learning rate trained with.
    public var learningRate: Double
    /// The range test, when `training.learning_rate` was `auto`.
    public var rangeTest: RangeTestResult?
    /// Whether a model file was written (not after a non-finite loss without a good epoch).
    public var savedModel: Bool
    /// The diagnosis of the run (findings, report), when it trained in a run folder and did
    /// not pause.
    public var diagnosis: RunDiagnosis? = nil

    /// The diagnostics' findings (empty without a diagnosis).
    public var findings: [Finding] { diagnosis?.findings ?? [] }
}

/// Trains a complete config on prepared data, with a checkpoint and history written atomically
/// after every epoch, so a run killed at any moment keeps its last complete epoch and
/// `resume` continues it bit-identically.
public final class TrainingSession {
    /// The complete config, learning rate resolved.
    public let config: NetworkSpec
    /// The prepared data (split, encoding, encoded splits).
    public let data: PreparedData
    /// The trainer (its `stopRequest` stops the run after the current step).
    public let trainer: Trainer
    /// The learning rate in use.
    public let learningRate: Double
    /// The range test, when the rate was `auto`.
    public internal(set) var rangeTest: RangeTestResult?
    /// The training split's score after each completed epoch (`EpochTrainingScore`).
    public internal(set) var trainingScores: [EpochTrainingScore] = []
    /// Whether to score the training split after each epoch (on at most `trainingScoreRows`
    /// rows), for DIAG-UNDERFIT and the metric curve. Default true; probes turn it off.
    public var scoresTrainingSplit = true
    /// The training rows scored after each epoch: the first ones of the (randomly split)
    /// training split, at most this many. Bounds the cost on large data.
    public static let trainingScoreRows = 2_048
    /// How the run started (`run.json`), when known.
    public internal(set) var manifest: RunManifest?
    /// The spec the findings' edits are phrased against (the user's original, else the config).
    var editableSpec: RunDiagnosis.EditableSpec?
    /// The input columns' encodings for `record.json` and the report.
    private lazy var inputSummaries = InputSummary.of(
        data.encoding, policy: data.options.categoryPolicy)
    private var source: InMemoryBatchSource
    private let validation: ValidationSet?
    private lazy var trainingSample: ValidationSet = {
        let rows = data.training
        let count = min(rows.rowCount, Self.trainingScoreRows)
        let inputs = Matrix(
            rows: count, columns: rows.featureCount,
            values: Array(rows.features.prefix(count * rows.featureCount)))
        let targets: Targets =
            rows.classIndices.map { .classes($0.prefix(count).map { Int($0) }) }
            ?? .values(
                Matrix(rows: count, columns: 1, values: Array((rows.targets ?? []).prefix(count))))
        return ValidationSet(inputs: inputs, targets: targets)
    }()

    /// Builds the network and, when `training.learning_rate` is `auto`, runs the range test
    /// (LR-RANGE-TEST) and trains with its suggestion.
    /// - Parameters:
    ///   - config: a complete config (the advisor's, or a generated file).
    ///   - data: the data prepared with the config's `data:` section and seed.
    public init(config: NetworkSpec, data: PreparedData) throws {
        let resolved = try ResolvedConfig(config)
        let builder = NetworkBuilder(config: resolved, encoding: data.encoding)
        let description = builder.modelDescription()
        let source = try data.trainingBatches(
            batchSize: resolved.batchSize, shuffle: resolved.shuffle)
        let weights = try Self.classWeights(.fixed(resolved.classWeights), data: data)
        let seed = resolved.seed
        var rate = resolved.learningRate
        var rangeTest: RangeTestResult?
        if rate == nil {
            let result = try Self.rangeTest(config: config, data: data)
            rangeTest = result
            rate = result.trustedSuggestion ?? LearningRateFinder.fallbackRate
        }
        let learningRate = rate ?? LearningRateFinder.fallbackRate
        var withRate = config
        withRate.training.learningRate = .fixed(learningRate)
        self.config = withRate
        self.data = data
        self.learningRate = learningRate
        self.rangeTest = rangeTest
        self.source = source
        self.trainer = try Trainer(
            model: Sequential(description, seed: seed),
            configuration: builder.trainingConfiguration(
                learningRate: learningRate, stepsPerEpoch: source.batchesPerEpoch,
                classWeights: weights))
        validation =
            data.validation.rowCount > 0
            ? ValidationSet(
                inputs: data.validation.inputMatrix, targets: data.validation.engineTargets)
            : nil
    }

    /// The learning-rate range test (LR-RANGE-TEST) on the network of a complete config: the
    /// network as it will train (batch normalisation included: LR-WITH-BATCHNORM), at its
    /// seeded initial weights, over the config's training batches. Nothing is kept.
    /// - Parameters:
    ///   - config: a complete config (`training.learning_rate` may be `auto`).
    ///   - data: the prepared data.
    ///   - test: the sweep's settings (default: the rulebook's).
    public static func rangeTest(
        config: NetworkSpec, data: PreparedData,
        test: LearningRateRangeTest = LearningRateRangeTest()
    ) throws -> RangeTestResult {
        let resolved = try ResolvedConfig(config)
        let builder = NetworkBuilder(config: resolved, encoding: data.encoding)
        let source = try data.trainingBatches(
            batchSize: resolved.batchSize, shuffle: resolved.shuffle)
        let probe = try Trainer(
            model: Sequential(builder.modelDescription(), seed: resolved.seed),
            configuration: builder.trainingConfiguration(
                learningRate: LearningRateFinder.fallbackRate,
                stepsPerEpoch: source.batchesPerEpoch,
                classWeights: try classWeights(.fixed(resolved.classWeights), data: data)))
        return try LearningRateFinder.run(trainer: probe, source: source, test: test)
    }

    /// Trains to the end (or until stopped), writing the checkpoint and `history.csv` after
    /// every epoch, then the model and `metrics.json`.
    /// - Parameters:
    ///   - folder: the run folder (its config.yaml is written by the caller); nil trains in
    ///     memory only (probes), writing nothing.
    ///   - untilEpoch: pause after this many epochs, with the checkpoint written and nothing
    ///     else (default nil: train to the end). The result's stop reason is then `.paused`.
    ///   - onEvent: progress: every step and every epoch.
    public func run(
        in folder: RunFolder?, untilEpoch: Int? = nil,
        onEvent: (TrainingEvent) -> Void = { _ in }
    ) throws -> RunResult {
        var outcome: TrainingOutcome
        repeat {
            let epochsBefore = trainer.history.epochs.count
            outcome = try trainer.fit(
                training: &source, validation: validation, untilEpoch: trainer.epoch + 1,
                onEvent: onEvent)
            if scoresTrainingSplit, trainer.history.epochs.count > epochsBefore {
                try scoreTrainingSplit(epoch: trainer.history.epochs.count - 1)
            }
            switch outcome.reason {
            case .nonFinite, .stopRequested:
                break  // the last complete epoch's checkpoint stays as it is
            default:
                guard let folder else { break }
                try AtomicFile.write(
                    Checkpoint.serialized(trainer.exportState(), extra: try checkpointMetadata()),
                    to: folder.checkpointPath)
                try AtomicFile.write(
                    HistoryTable.csv(trainer.history, task: data.encoding.target),
                    to: folder.historyPath)
                try recordFile(stopReason: nil, scores: [:], evaluation: nil).write(to: folder)
            }
        } while outcome.reason == .paused && trainer.epoch < (untilEpoch ?? Int.max)
        if outcome.reason == .paused {
            return RunResult(
                stopReason: .paused, epochsRun: trainer.history.epochs.count, chosenEpoch: nil,
                scores: [:], learningRate: learningRate, rangeTest: rangeTest, savedModel: false)
        }
        var finite = true
        var chosenEpoch: Int? =
            outcome.reason == .stopRequested
            ? nil : (trainer.history.bestEpoch ?? (trainer.history.epochs.count - 1)) + 1
        if case .nonFinite = outcome.reason, !outcome.restoredBestWeights {
            // No best epoch kept in memory: the last complete epoch's checkpoint has finite
            // weights (a checkpoint is written only after a finite epoch); the model is that.
            finite = false
            chosenEpoch = nil
            if let folder, let (state, _) = try? Checkpoint.read(from: folder.checkpointPath),
                state.model.allSatisfy({ $0.values.allSatisfy(\.isFinite) }),
                (try? trainer.model.importTensors(state.model)) != nil
            {
                finite = true
                chosenEpoch = state.epoch
            }
        }
        var scores: [String: SplitScore] = [:]
        if finite, let folder {
            let artifact = ModelArtifact(
                description: trainer.model.modelDescription, tensors: trainer.model.exportTensors(),
                encoding: data.encoding,
                configYAML: (try? String(contentsOfFile: folder.configPath, encoding: .utf8)) ?? "",
                idColumn: config.data.idColumn)
            try artifact.write(to: folder.modelPath)
        }
        if finite {
            for (name, rows) in [
                ("train", data.training), ("validation", data.validation), ("test", data.test),
            ] where rows.rowCount > 0 {
                scores[name] = try Scoring.score(
                    trainer: trainer, rows: rows, target: data.encoding.target)
            }
        }
        var result = RunResult(
            stopReason: outcome.reason, epochsRun: trainer.history.epochs.count,
            chosenEpoch: chosenEpoch, scores: scores, learningRate: learningRate,
            rangeTest: rangeTest, savedModel: finite)
        if let folder {
            try AtomicFile.write(
                try MetricsFile.json(result, labels: classLabels), to: folder.metricsPath)
            let model = trainer.model
            let evaluation =
                finite
                ? try RunDiagnosis.heldOutEvaluation(predict: { try model.predict($0) }, data: data)
                : nil
            let file = try recordFile(
                stopReason: outcome.reason, scores: scores, evaluation: evaluation)
            try file.write(to: folder)
            let diagnosis = RunDiagnosis(
                folder: folder, manifest: manifest, file: file, editable: editableSpec)
            try diagnosis.writeReport()
            result.diagnosis = diagnosis
        }
        return result
    }

    /// The diagnostics' record of the run so far (`RunRecord`), as `record.json` keeps it.
    /// - Parameters:
    ///   - stopReason: why training ended; nil while it runs.
    ///   - scores: the final scores by split (empty while it runs).
    ///   - evaluation: the held-out evaluation of the final model.
    public func trainingRecord(stopReason: StopReason?) -> TrainingRecord {
        RunRecord.make(
            history: trainer.history, tensors: trainer.model.exportTensors(),
            description: trainer.model.modelDescription, config: config,
            configuration: trainer.configuration, data: data, trainingScores: trainingScores,
            stopReason: stopReason)
    }

    private func recordFile(
        stopReason: StopReason?, scores: [String: SplitScore], evaluation: ReportEvaluation?
    ) throws -> RunRecordFile {
        var named: [RunRecordFile.NamedScore] = []
        for split in ["test", "validation", "train"] {
            guard let score = scores[split] else { continue }
            switch score.metrics {
            case .classification(let metrics):
                named.append(.init("\(split) accuracy", metrics.accuracy))
                named.append(.init("\(split) macro F1", metrics.macroF1))
            case .regression(let metrics):
                named.append(.init("\(split) R²", metrics.rSquared))
                named.append(.init("\(split) MAE", metrics.meanAbsoluteError))
            }
        }
        return RunRecordFile(
            record: trainingRecord(stopReason: stopReason), stopReason: stopReason?.explanation,
            learningRate: learningRate, rangeTest: rangeTest, evaluation: evaluation,
            scores: named, inputs: inputSummaries)
    }

    /// Scores the model on the training sample after an epoch (inference mode).
    private func scoreTrainingSplit(epoch: Int) throws {
        guard data.training.rowCount > 0 else { return }
        let sample = trainingSample
        let evaluation = try trainer.evaluate(inputs: sample.inputs, targets: sample.targets)
        var recall: [Double]?
        if case .classification(let metrics) = evaluation.metrics { recall = metrics.recall }
        trainingScores.removeAll { $0.epoch >= epoch }
        trainingScores.append(
            EpochTrainingScore(
                epoch: epoch, loss: evaluation.loss, metric: RunRecord.headline(evaluation.metrics),
                recall: recall))
    }

    /// The class labels, in index order (nil for regression).
    var classLabels: [String]? {
        if case .classes(_, let labels) = data.encoding.target { return labels }
        return nil
    }

    /// Class weights by class index: `balanced` is n / (C * count_c) over the training split.
    static func classWeights(
        _ setting: Setting<ClassWeights>, data: PreparedData
    ) throws
        -> [Float]?
    {
        guard case .classes(_, let labels) = data.encoding.target else { return nil }
        switch setting.value ?? ClassWeights.none {
        case .none:
            return nil
        case .balanced:
            var counts = [Int](repeating: 0, count: labels.count)
            for index in data.training.classIndices ?? [] where index >= 0 {
                counts[Int(index)] += 1
            }
            let total = Float(counts.reduce(0, +))
            return counts.map { $0 > 0 ? total / (Float(labels.count) * Float($0)) : 0 }
        case .explicit(let weights):
            if let unknown = weights.keys.sorted().first(where: { !labels.contains($0) }) {
                throw BuildError.unsupported(
                    keyPath: "training.class_weights.\(unknown)",
                    message: "no class `\(unknown)` in the target; its classes are "
                        + labels.map { "`\($0)`" }.joined(separator: ", "))
            }
            return labels.map { Float(weights[$0] ?? 1) }
        }
    }
}
