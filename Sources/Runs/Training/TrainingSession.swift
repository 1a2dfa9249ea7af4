import Advisor
import CurveAnalysis
import Dataset
import Engine
import Foundation
import Random
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
    /// The other members of an ensemble (ENSEMBLE-SMALL-DATA), in order; empty for one
    /// network.
    public var members: [MemberResult] = []
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

/// How one further member of an ensemble trained (the first member is the run itself).
public struct MemberResult: Sendable, Equatable, Codable {
    /// The member's seed (its draw of rows, initial weights and shuffles).
    public var seed: UInt64
    /// Why its training ended.
    public var stopReason: String
    /// The epoch whose weights it keeps, 1-based.
    public var chosenEpoch: Int
    /// Its own validation rows' headline score (accuracy or R²); nil without validation rows.
    public var validation: Double?
}

/// Trains a complete config on prepared data, with a checkpoint and history written atomically
/// after an epoch at least every second (`persistInterval`) and whenever the run pauses, stops
/// or ends, so a run killed at any moment keeps a complete epoch at most a second old and
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
    /// Networks trained and averaged (`training.ensemble`; 1 for one network).
    public let ensembleSize: Int
    /// INIT-LINEAR-RIDGE, INIT-LINEAR-LOGISTIC and INIT-HIDDEN-LINEAR: each network starts at
    /// (or, with hidden layers, as) the linear fit of its training rows: ridge for regression,
    /// logistic for classes.
    public let startsAtLinearFit: Bool
    /// The range test, when the rate was `auto`.
    public internal(set) var rangeTest: RangeTestResult?
    /// The training split's score after each completed epoch (`EpochTrainingScore`).
    public internal(set) var trainingScores: [EpochTrainingScore] = []
    /// Called when a further ensemble member is done, with its index (from 1), the ensemble's
    /// size and its result (nil: it diverged and is left out): progress for a person. The
    /// members train beside the first, so calls come from other threads while training
    /// events arrive, one call at a time. Default nil.
    public var onMemberTrained: (@Sendable (Int, Int, MemberResult?) -> Void)?
    /// Whether to score the training split after each epoch (on at most `trainingScoreRows`
    /// rows), for DIAG-UNDERFIT and the metric curve. Default true; probes turn it off.
    public var scoresTrainingSplit = true
    /// The longest a run goes without rewriting its checkpoint, history and record: after an
    /// epoch they are rewritten when this has passed since the last write, and always when the
    /// run pauses, stops or ends. 1 second: each write is as long as the history, so writing
    /// after every one of 400 short epochs cost 10x the training.
    static let persistInterval = Duration.seconds(1)
    /// The training rows scored after each epoch: at most this many, a seeded sample of the
    /// training split (in its order), so a sorted file's first rows do not stand for it.
    /// Bounds the cost on large data.
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
        let picked = Self.scoredRows(
            count: rows.rowCount, seed: config.training.seed)
        let width = rows.featureCount
        var values = [Float]()
        values.reserveCapacity(picked.count * width)
        for row in picked { values += rows.features[(row * width)..<((row + 1) * width)] }
        let inputs = Matrix(rows: picked.count, columns: width, values: values)
        let targets: Targets =
            rows.classIndices.map { indices in .classes(picked.map { Int(indices[$0]) }) }
            ?? .values(
                Matrix(
                    rows: picked.count, columns: 1,
                    values: picked.map { (rows.targets ?? [])[$0] }))
        return ValidationSet(inputs: inputs, targets: targets)
    }()

    /// The training rows scored after each epoch: all of `count` up to `trainingScoreRows`,
    /// else that many drawn with the run's seed (a stream of their own), in row order.
    static func scoredRows(count: Int, seed: UInt64) -> [Int] {
        guard count > trainingScoreRows else { return Array(0..<count) }
        var generator = SeededGenerator(seed: seed, stream: 0x5C0_2E5)
        var indices = Array(0..<count)
        // The first `trainingScoreRows` places of a Fisher-Yates shuffle.
        for k in 0..<trainingScoreRows {
            indices.swapAt(k, k + generator.nextIndex(below: count - k))
        }
        return indices[..<trainingScoreRows].sorted()
    }

    /// Builds the network and, when `training.learning_rate` is `auto`, runs the range test
    /// (LR-RANGE-TEST) and trains with its suggestion.
    /// - Parameters:
    ///   - config: a complete config (the advisor's, or a generated file).
    ///   - data: the data prepared with the config's `data:` section and seed.
    public init(config: NetworkSpec, data: PreparedData) throws {
        let resolved = try ResolvedConfig(config)
        let builder = NetworkBuilder(config: resolved, encoding: data.encoding)
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
        self.ensembleSize = config.training.ensemble.value ?? 1
        self.data = data
        self.learningRate = learningRate
        self.rangeTest = rangeTest
        self.source = source
        self.trainer = try Self.trainer(
            builder, seed: seed, learningRate: learningRate, source: source, weights: weights)
        let ruled =
            LinearStartDecision(
                task: data.schema.task, layers: resolved.layers,
                embedded: data.encoding.embeddingParameters > 0,
                setting: config.model.linearStart.value
            ).starts
        // True only when the network did start there (a fit can fail).
        startsAtLinearFit =
            ruled
            && LinearStart.apply(
                to: trainer.model, rows: data.training, target: data.encoding.target)
        validation = data.validationSet
    }

    /// A trainer of the built network at its seeded initial weights, for `source`'s batches:
    /// the run's, the range test's and each ensemble member's.
    /// The first column the data layer typed as a row identifier (and left out of the inputs),
    /// which `predict` and `serve` copy into their outputs when the spec names none
    /// (`data.id_column`).
    static func detectedIdentifier(_ schema: DataSchema) -> String? {
        schema.columns.first { $0.kind == .identifier && $0.role == .excluded }?.name
    }

    static func trainer(
        _ builder: NetworkBuilder, seed: UInt64, learningRate: Double,
        source: InMemoryBatchSource, weights: [Float]?
    ) throws -> Trainer {
        try Trainer(
            model: Sequential(builder.modelDescription(), seed: seed),
            configuration: builder.trainingConfiguration(
                learningRate: learningRate, stepsPerEpoch: source.batchesPerEpoch,
                classWeights: weights))
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
        let probe = try trainer(
            builder, seed: resolved.seed, learningRate: LearningRateFinder.fallbackRate,
            source: source, weights: try classWeights(.fixed(resolved.classWeights), data: data))
        return try LearningRateFinder.run(trainer: probe, source: source, test: test)
    }

    /// Trains to the end (or until stopped), writing the checkpoint and `history.csv` after
    /// an epoch at least every `persistInterval` and when it pauses, stops or ends, then the
    /// model and `metrics.json`. An ensemble's other members (ENSEMBLE-SMALL-DATA) train in
    /// memory beside the first, one thread each (`EnsembleMembers`); a stop, pause or error
    /// of the first drops them, and `resume` trains them again.
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
        // The other members train beside this one from the start when the run goes to its
        // end (a pausing run trains them after), one thread each, this one too.
        let members = try ensembleMembers()
        let beside =
            untilEpoch == nil
            && members.map { EnsembleMembers.helperCount(members: $0.count) > 0 }
                ?? false
        if beside { members?.start() }
        let outcome: TrainingOutcome
        do {
            outcome = try CPUKernels.withThreadCount(beside ? 1 : CPUKernels.threadCount) {
                try trainFirstMember(in: folder, untilEpoch: untilEpoch, onEvent: onEvent)
            }
        } catch {
            members?.abandon()
            throw error
        }
        if outcome.reason == .paused {
            members?.abandon()
            return RunResult(
                stopReason: .paused, epochsRun: trainer.history.epochs.count, chosenEpoch: nil,
                scores: [:], learningRate: learningRate, rangeTest: rangeTest, savedModel: false)
        }
        var finite = true
        var chosenEpoch: Int? =
            outcome.reason == .stopRequested
            ? nil : trainer.history.chosenEpoch
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
        var trained: [EnsembleMembers.Trained] = []
        var stopReason = outcome.reason
        if let members, finite, outcome.reason != .stopRequested {
            var stopped = false
            (trained, stopped) = try members.finish()
            if stopped {
                // Stopped while the other members trained: the run ends as a stopped one
                // (the members so far in its model); `resume` trains them again.
                stopReason = .stopRequested
                chosenEpoch = nil
            }
        } else {
            members?.abandon()
        }
        var artifact = ModelArtifact(
            description: trainer.model.modelDescription, tensors: trainer.model.exportTensors(),
            encoding: data.encoding,
            configYAML: folder.flatMap {
                try? String(contentsOfFile: $0.configPath, encoding: .utf8)
            }
                ?? "",
            idColumn: config.data.idColumn ?? Self.detectedIdentifier(data.schema),
            members: trained.map(\.tensors))
        artifact.idColumnDetected = config.data.idColumn == nil && artifact.idColumn != nil
        // The members built once (a model only when finite); the smearing factor below
        // changes only the encoding.
        let ensemble = finite ? try artifact.predictor() : nil
        if let ensemble,
            case .logRegression(let name, let mean, let deviation, _) = data.encoding.target
        {
            // ENC-TARGET-LOG: Duan's smearing factor on the rows the model learnt from.
            artifact.encoding.target = .logRegression(
                name: name, mean: mean, standardDeviation: deviation,
                smearing: try Self.smearing(
                    predict: ensemble, rows: [data.training, data.validation],
                    deviation: deviation))
        }
        var scored = data
        scored.encoding = artifact.encoding
        if finite, let folder {
            try artifact.write(to: folder.modelPath)
        }
        if finite {
            for (name, rows) in [
                ("train", data.training), ("validation", data.validation), ("test", data.test),
            ] where rows.rowCount > 0 {
                // The validation rows are the first member's own: the others trained on some
                // of them, so its score there is the first member's alone.
                scores[name] = try Scoring.score(
                    trainer: trainer, rows: rows, target: scored.encoding.target,
                    predict: name == "validation" || trained.isEmpty ? nil : ensemble)
            }
        }
        var result = RunResult(
            stopReason: stopReason, epochsRun: trainer.history.epochs.count,
            chosenEpoch: chosenEpoch, scores: scores, learningRate: learningRate,
            members: trained.map(\.result), rangeTest: rangeTest, savedModel: finite)
        if let folder {
            try AtomicFile.write(
                try MetricsFile.json(result, labels: classLabels), to: folder.metricsPath)
            let model = trainer.model
            let heldOut = try ensemble.flatMap { ensemble in
                try RunDiagnosis.heldOutEvaluation(
                    predict: ensemble, firstMember: { try model.predict($0) }, data: scored)
            }
            var file = try recordFile(
                stopReason: stopReason, scores: scores, evaluation: heldOut?.evaluation)
            file.binaryScores = heldOut?.binary
            try file.write(to: folder)
            let diagnosis = RunDiagnosis(
                folder: folder, manifest: manifest, file: file, editable: editableSpec)
            try diagnosis.writeReport()
            result.diagnosis = diagnosis
        }
        return result
    }

    /// Trains the run's own network (the first member) until it ends or pauses, writing the
    /// checkpoint, history and record as `run` says.
    private func trainFirstMember(
        in folder: RunFolder?, untilEpoch: Int?, onEvent: (TrainingEvent) -> Void
    ) throws -> TrainingOutcome {
        var outcome: TrainingOutcome
        // The last complete epoch not yet on disk (`persistInterval`): a killed run loses at
        // most that much training; a stopped one writes it.
        var pending: (state: TrainerState, scores: [EpochTrainingScore])?
        let clock = ContinuousClock()
        var lastWrite = clock.now
        func persist(
            _ state: TrainerState, scores: [EpochTrainingScore], in folder: RunFolder
        )
            throws
        {
            try AtomicFile.write(
                Checkpoint.serialized(state, extra: try checkpointMetadata(scores: scores)),
                to: folder.checkpointPath)
            try AtomicFile.write(
                HistoryTable.csv(state.history, task: data.encoding.target),
                to: folder.historyPath)
            try recordFile(stopReason: nil, scores: [:], evaluation: nil).write(to: folder)
            pending = nil
            lastWrite = clock.now
        }
        repeat {
            let epochsBefore = trainer.history.epochs.count
            outcome = try trainer.fit(
                training: &source, validation: validation, untilEpoch: trainer.epoch + 1,
                onEvent: onEvent)
            if scoresTrainingSplit, trainer.history.epochs.count > epochsBefore {
                try scoreTrainingSplit(epoch: trainer.history.epochs.count - 1)
            }
            guard let folder else { continue }
            switch outcome.reason {
            case .nonFinite, .stopRequested:
                // The last complete epoch is what stays: written now if it was not yet.
                if let (state, scores) = pending { try persist(state, scores: scores, in: folder) }
            case .paused
            where trainer.epoch < (untilEpoch ?? Int.max)
                && clock.now - lastWrite < Self.persistInterval:
                pending = (trainer.exportState(), trainingScores)
            default:
                try persist(trainer.exportState(), scores: trainingScores, in: folder)
            }
        } while outcome.reason == .paused && trainer.epoch < (untilEpoch ?? Int.max)
        return outcome
    }

    /// Duan's (1983) smearing factor of a log-target model: the mean of `exp(residual)` on the
    /// log scale, `residual = (target - output) * deviation` over `rows` (standardised log
    /// values), so `exp(prediction) * factor` estimates the mean rather than the median. 1
    /// when it cannot be computed (no rows, or not finite).
    static func smearing(
        predict: (Matrix) throws -> Matrix, rows: [EncodedRows], deviation: Double
    ) throws -> Double {
        var sum = 0.0
        var count = 0
        for split in rows where split.rowCount > 0 {
            let outputs = try predict(split.inputMatrix)
            for (row, target) in (split.targets ?? []).enumerated() where target.isFinite {
                sum += Foundation.exp(Double(target - outputs.storage[row]) * deviation)
                count += 1
            }
        }
        let factor = count > 0 ? sum / Double(count) : 1
        return factor.isFinite && factor > 0 ? factor : 1
    }

    /// The ensemble's other members (ENSEMBLE-SMALL-DATA), not started; nil for one network.
    /// Member k draws its rows, weights and shuffles from seed `training.seed + k` and trains
    /// in memory at the run's learning rate; one whose loss turns non-finite with no good epoch
    /// is left out.
    private func ensembleMembers() throws -> EnsembleMembers? {
        guard ensembleSize > 1 else { return nil }
        let resolved = try ResolvedConfig(config)
        let builder = NetworkBuilder(config: resolved, encoding: data.encoding)
        let shared = SharedSession(session: self)
        return EnsembleMembers(
            count: ensembleSize - 1, runStop: trainer.stopRequest, onTrained: onMemberTrained
        ) { k, shouldStop in
            try shared.session.trainMember(
                k, resolved: resolved, builder: builder, shouldStop: shouldStop)
        }
    }

    /// Trains member `k` (1-based) in memory; nil when it diverged without a good epoch.
    /// - Throws: `MemberStopped` when the run was stopped meanwhile.
    private func trainMember(
        _ k: Int, resolved: ResolvedConfig, builder: NetworkBuilder,
        shouldStop: @escaping @Sendable () -> Bool
    ) throws -> EnsembleMembers.Trained? {
        let seed = resolved.seed &+ UInt64(k)
        let memberData = try data.resampled(seed: seed)
        var source = try memberData.trainingBatches(
            batchSize: resolved.batchSize, shuffle: resolved.shuffle)
        let member = try Self.trainer(
            builder, seed: seed, learningRate: learningRate, source: source,
            weights: try Self.classWeights(.fixed(resolved.classWeights), data: memberData))
        if startsAtLinearFit {
            LinearStart.apply(
                to: member.model, rows: memberData.training, target: data.encoding.target)
        }
        let outcome = try member.fit(
            training: &source, validation: memberData.validationSet,
            onEvent: { _ in if shouldStop() { member.stopRequest.request() } })
        if outcome.reason == .stopRequested || shouldStop() { throw MemberStopped() }
        if case .nonFinite = outcome.reason, !outcome.restoredBestWeights { return nil }
        let score =
            memberData.validation.rowCount > 0
            ? try Scoring.score(
                trainer: member, rows: memberData.validation, target: data.encoding.target)
            : nil
        return (
            MemberResult(
                seed: seed, stopReason: outcome.reason.explanation,
                chosenEpoch: member.history.chosenEpoch, validation: score?.headline),
            member.model.exportTensors()
        )
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

extension TrainingHistory {
    /// The epoch whose weights a finished run keeps, 1-based: early stopping's best, else the
    /// last.
    fileprivate var chosenEpoch: Int { (bestEpoch ?? (epochs.count - 1)) + 1 }
}

/// The session as the member threads see it: they read its data, rate, seed and callback, which
/// nothing changes while members train, and each builds its own trainer.
struct SharedSession: @unchecked Sendable {
    let session: TrainingSession
}
