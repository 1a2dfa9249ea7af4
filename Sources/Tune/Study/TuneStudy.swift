import Advisor
import Dataset
import Engine
import Foundation
import Generator
import Runs
import Spec
import TuneSearch
import TuneStorage

/// What `tune` was asked on the command line; nil takes the spec's `tune:` value.
public struct TuneRequest: Sendable {
    /// `--trials`.
    public var trials: Int?
    /// `--timeout`, seconds.
    public var timeout: Double?
    /// `--workers`: trials at once, each single-threaded. Default: one per core.
    public var workers: Int
    /// `--storage` and `--study`: a study on a PostgreSQL server shared with other workers;
    /// nil for the folder's SQLite file.
    public var server: (location: PostgreSQLLocation, study: String?)?
    /// `--lease`: seconds a running trial stays its worker's without a heartbeat; nil keeps
    /// the study's (set when it was made; default `TuneStudy.defaultLease`).
    public var lease: Double?
    /// Attach to an existing study only to write its outputs elsewhere (`study --write-best`,
    /// `--report`): the folder is neither checked nor made, and a missing study is an error.
    public var outputsOnly = false
    /// `--set KEY=VALUE` arguments over the spec; kept in the study (attribute `overrides`),
    /// so `--resume` applies them again.
    public var overrides: [SpecOverride] = []

    /// A request; each argument sets the property of the same name.
    public init(
        trials: Int? = nil, timeout: Double? = nil, workers: Int? = nil,
        server: (location: PostgreSQLLocation, study: String?)? = nil, lease: Double? = nil,
        overrides: [SpecOverride] = []
    ) {
        self.overrides = overrides
        self.trials = trials
        self.timeout = timeout
        self.workers = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
        self.server = server
        self.lease = lease
    }
}

/// Set from any thread to stop a study: no trial starts after it; running trials stop after
/// their current step and go back to the queue (`--resume` runs them again).
public final class StudyStop: Sendable {
    /// Why it stopped (`interrupted`, `timeout`); nil until then. The first reason stays.
    private let stopped = Locked<String?>(nil)

    public init() {}

    /// Stops the study.
    public func request(_ reason: String) {
        stopped.withLock { if $0 == nil { $0 = reason } }
    }

    /// Whether a stop was requested.
    public var isRequested: Bool { stopped.value != nil }

    /// Why it stopped (`interrupted`, `timeout`, `error`).
    public var reason: String? { stopped.value }
}

/// A study of one spec in one folder: the zero-trial design, its search space, the store, and
/// the loop that claims, trains and records trials on K workers.
public final class TuneStudy: @unchecked Sendable {
    // Immutable after init but for `progress`, set before `run`; the store serialises itself.
    /// The study folder.
    public let folder: String
    /// The zero-trial design.
    public let plan: DesignPlan
    /// The space searched.
    public let space: SearchSpace
    /// The stored definition (name, metric, direction, target).
    public let definition: StudyDefinition
    /// The store: `study.sqlite` in the folder, or a study on a PostgreSQL server.
    public let storage: any StudyStorage
    /// Whether the store is shared with other processes (a server): trials running elsewhere
    /// are left alone at the start, and only leases requeue them.
    public let isShared: Bool
    /// Seconds a running trial stays its worker's without a heartbeat (the study's).
    public let lease: Double
    /// The metric trials are ranked by.
    public let metric: TuneMetric
    /// Cross-validation folds; nil for the validation split.
    public let folds: Int?
    /// What each trial trains and is scored on: the folds (dealt once, the same for every
    /// trial), or the zero-trial design's data with its validation split.
    private let trialData: [PreparedData]
    /// When `data.numeric_encoding` is searched (ENC-NUMERIC-PLE): the design and the data
    /// of the encoding the zero-trial design did not take, with its own folds. The split is
    /// the same; only the numbers' columns differ.
    private let otherEncoding: (encoding: NumericEncoding, plan: DesignPlan, data: [PreparedData])?
    /// Whether the pruner runs.
    public let pruning: Bool
    /// Stop starting trials after this many seconds; nil for no limit.
    public let timeout: Double?
    /// Trials at once.
    public let workers: Int
    /// The zero-trial learning rate.
    public let learningRate: Double
    /// Called after each trial ends (any thread, serialised).
    public var onTrialEnd: (@Sendable (TrialRecord, _ best: TrialRecord?) -> Void)?
    /// Called after each epoch of a running trial (any thread, serialised): trial, epoch.
    public var onEpoch: (@Sendable (Int, Int) -> Void)?
    /// ASHA's reduction factor.
    public static let reductionFactor = 3
    /// Quasi-random trials before TPE (trial 0 is the zero-trial design).
    public static let startupTrials = 8

    /// The study database's name in the folder.
    public static let databaseName = "study.sqlite"
    /// The file naming the server study a folder's outputs belong to.
    public static let serverMarkerName = "storage.txt"
    /// The lease of a new study, seconds (heartbeats every quarter of it).
    public static let defaultLease = 30.0

    private let sampler: RuleSeededSampler
    private let pruner: SuccessiveHalvingPruner?
    /// Serialises the callbacks (they print).
    private let callbacks = Locked(())

    /// Opens (or creates) the study of `specPath` in `folder`.
    /// - Parameters:
    ///   - specPath: the spec.
    ///   - folder: the study folder (created when missing; a folder holding anything but
    ///     this spec's study is refused).
    ///   - catalog: the templates.
    ///   - request: the command line's settings.
    /// - Throws: `DesignPlanError`, `TuneError`, `StudyStorageError`.
    public init(
        specPath: String, folder: String, catalog: TemplateCatalog, request: TuneRequest
    ) throws {
        let manager = FileManager.default
        let database = folder + "/" + Self.databaseName
        let marker = folder + "/" + Self.serverMarkerName
        var isDirectory: ObjCBool = false
        if !request.outputsOnly, manager.fileExists(atPath: folder, isDirectory: &isDirectory) {
            let contents = (try? manager.contentsOfDirectory(atPath: folder)) ?? []
            let own = request.server == nil ? Self.databaseName : Self.serverMarkerName
            if !isDirectory.boolValue || (!contents.isEmpty && !contents.contains(own)) {
                throw TuneError.folderInUse(folder: folder)
            }
        }
        let plan = try DesignPlan(
            specPath: specPath, catalog: catalog, overrides: request.overrides)
        let spec = plan.loaded.spec
        let task = plan.summary.task
        let metric = spec.tune.metric.value ?? TuneMetric.automatic(for: task)
        if !metric.applies(to: task) {
            throw TuneError.metricForTask(
                spec: specPath, metric: metric.rawValue, task: task.rawValue)
        }
        if spec.tune.folds == nil, plan.data.validation.rowCount == 0 {
            throw TuneError.noValidation(spec: specPath)
        }
        let direction: Direction =
            (spec.tune.direction.value ?? metric.naturalDirection) == .minimize
            ? .minimize : .maximize
        // The zero-trial learning rate: the range test once, as `train` runs it.
        var rate = spec.training.learningRate.value
        var reason = "set in spec"
        if rate == nil {
            var probe = plan.recommendation.config
            probe.training.ensemble = .fixed(1)
            let test = try TrainingSession.rangeTest(config: probe, data: plan.data)
            rate = test.trustedSuggestion ?? LearningRateFinder.fallbackRate
            reason =
                test.trustedSuggestion != nil
                ? "range-test suggestion \(String(format: "%.3g", rate ?? 0))"
                : "range test not trusted (confidence \(test.confidence)): 1e-3"
        }
        let learningRate = rate ?? LearningRateFinder.fallbackRate
        // ENC-NUMERIC-PLE's choice is searched when `tune.space` asks for it (the key `auto`,
        // number columns to bin): the other encoding's design is prepared once, as `train`
        // would with that value fixed. Not by default: the rule already cross-validates the
        // choice, and searching it on the validation split lowered the suite's sum by 0.1
        // (Benchmarks/tune-results.md, 2026-12-07 night).
        var other: (NumericEncoding, DesignPlan)?
        if spec.data.numericEncoding.isAuto,
            spec.tune.space[AdvisedSpace.numericEncodingKey] != nil,
            let choice = plan.summary.numericEncoding
        {
            guard choice.binnableColumns > 0 else {
                let place =
                    spec.location(of: "tune.space." + AdvisedSpace.numericEncodingKey)
                    ?? spec.location(of: "tune.space")
                throw TuneError.nothingToBin(at: place.map(\.description) ?? specPath)
            }
            let encoding: NumericEncoding =
                choice.encoding == .standard ? .piecewiseLinear : .standard
            var loaded = plan.loaded
            loaded.spec.data.numericEncoding = .fixed(encoding)
            other = (
                encoding,
                try DesignPlan(loaded: loaded, specPath: specPath, catalog: catalog)
            )
        }
        let space = AdvisedSpace.space(
            for: plan, learningRate: learningRate, rangeTestReason: reason,
            otherEncoding: other?.0)
        if space.parameters.isEmpty { throw TuneError.emptySpace(spec: specPath) }
        let storage: any StudyStorage
        if let server = request.server {
            let name = server.study ?? spec.name
            let shared = try PostgreSQLStudyStorage(server: server.location, study: name)
            let naming = "\(server.location) --study \(name)\n"
            if request.outputsOnly {
                if try shared.definition() == nil {
                    throw TuneError.noServerStudy(
                        server: "\(server.location)", study: name, known: try shared.studyNames())
                }
            } else {
                if let text = try? String(contentsOfFile: marker, encoding: .utf8),
                    text != naming
                {
                    throw TuneError.folderInUse(folder: folder)
                }
                try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try AtomicFile.write(naming, to: marker)
            }
            storage = shared
        } else if request.outputsOnly {
            storage = try Self.existing(in: folder).storage
        } else {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            storage = try SQLiteStudyStorage(path: database)
        }
        // Resuming keeps the study's target unless --trials raises it.
        let stored = try storage.definition()
        let trials = request.trials ?? stored?.targetTrials ?? spec.tune.trials
        let asked = StudyDefinition(
            name: request.server.flatMap(\.study) ?? spec.name, specDigest: Self.digest(of: spec),
            specPath: Self.absolute(specPath), metric: metric.rawValue, direction: direction,
            space: space, targetTrials: trials)
        let opened: StudyDefinition
        do {
            opened = try storage.open(asked)
        } catch StudyStorageError.otherSpec(_, let storedSpec, _, _) {
            throw TuneError.otherSpec(folder: storage.location, storedSpec: storedSpec)
        }
        if !request.overrides.isEmpty, !request.outputsOnly {
            try storage.setAttribute(
                Self.overridesAttribute, request.overrides.map(\.argument).joined(separator: "\n"))
        }
        // The lease is the study's, so every worker judges the others' by the same one.
        if let lease = request.lease {
            try storage.setAttribute("lease_seconds", String(lease))
            self.lease = lease
        } else {
            self.lease =
                try storage.attribute("lease_seconds").flatMap(Double.init)
                ?? Self.defaultLease
        }
        self.isShared = request.server != nil
        self.folder = folder
        self.plan = plan
        self.space = opened.space
        self.definition = opened
        self.storage = storage
        self.metric = metric
        let folds = spec.tune.folds.map { min($0, max(2, plan.data.nonTestRowCount)) }
        self.folds = folds
        func dealt(_ data: PreparedData) throws -> [PreparedData] {
            try folds.map { count in
                try (0..<count).map { try data.fold($0, of: count, seed: spec.training.seed) }
            } ?? [data]
        }
        trialData = try dealt(plan.data)
        otherEncoding = try other.map { ($0.0, $0.1, try dealt($0.1.data)) }
        self.pruning = spec.tune.pruning
        self.timeout = request.timeout ?? spec.tune.timeout
        self.workers = request.workers
        self.learningRate = learningRate
        let seed = spec.training.seed
        sampler = RuleSeededSampler(seed: seed, startupTrials: Self.startupTrials)
        let epochs = plan.recommendation.config.training.epochs.value ?? 100
        pruner =
            pruning
            ? SuccessiveHalvingPruner(
                minResource: max(3, epochs / 27), reductionFactor: Self.reductionFactor,
                minimumCompetitors: Self.reductionFactor)
            : nil
    }

    /// The store and definition of the study in `folder` (`study`, `tune --resume`).
    /// - Throws: `TuneError.noStudy` when the folder holds none; `StudyStorageError`.
    /// The study attribute holding the `--set` arguments, one per line.
    public static let overridesAttribute = "overrides"

    /// The `--set` arguments a study was started with (none when it had none).
    public static func overrides(of storage: any StudyStorage) throws -> [SpecOverride] {
        guard let text = try storage.attribute(overridesAttribute), !text.isEmpty else { return [] }
        return try text.split(separator: "\n").map { try SpecOverride(parsing: String($0)) }
    }

    public static func existing(
        in folder: String
    ) throws -> (
        storage: any StudyStorage, definition: StudyDefinition
    ) {
        let database = folder + "/" + databaseName
        guard FileManager.default.fileExists(atPath: database) else {
            throw TuneError.noStudy(folder: folder)
        }
        let storage = try SQLiteStudyStorage(path: database)
        guard let definition = try storage.definition() else {
            throw TuneError.noStudy(folder: folder)
        }
        return (storage, definition)
    }

    /// The store and definition of study `study` on a PostgreSQL server (`study URL`).
    /// - Throws: `TuneError.noServerStudy` when the database has no study of that name (the
    ///   names it has are listed); `StudyStorageError`.
    public static func existing(
        on server: PostgreSQLLocation, study: String
    ) throws -> (
        storage: any StudyStorage, definition: StudyDefinition
    ) {
        let storage = try PostgreSQLStudyStorage(server: server, study: study)
        guard let definition = try storage.definition() else {
            throw TuneError.noServerStudy(
                server: "\(server)", study: study, known: try storage.studyNames())
        }
        return (storage, definition)
    }

    /// What a study depends on: every key of the spec but `tune.*`, in config order (a study
    /// resumed with more trials or another timeout is the same study).
    public static func digest(of spec: NetworkSpec) -> String {
        let text = SpecKey.all.filter { $0.section != "tune" }.map { key in
            key.path + "=" + (key.yaml(in: spec) ?? "~")
        }.joined(separator: "\n")
        return SHA256.hex(of: Array(text.utf8))
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/")
            ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    // MARK: - The loop

    /// Runs trials until the study has its target (complete, pruned or failed), the timeout
    /// passes, or `stop` is requested; then puts interrupted trials back in the queue.
    /// - Returns: the trials, in number order.
    public func run(stop: StudyStop) throws -> [TrialRecord] {
        // A folder's trial left running by a killed process is run again (one process owns
        // a folder). On a server other machines' trials run: leases requeue the dead ones.
        if !isShared { _ = try storage.requeueRunning() }
        let heartbeat = Heartbeat(storage: storage, lease: lease)
        defer { heartbeat.stop() }
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        // The token tells apart processes that share a host name and pid (containers).
        let process = "\(host):\(pid):\(UUID().uuidString.prefix(6).lowercased()):"
        let timer: DispatchSourceTimer? = timeout.map { seconds in
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + seconds)
            timer.setEventHandler { stop.request("timeout") }
            timer.resume()
            return timer
        }
        defer { timer?.cancel() }
        let firstError = Locked<(any Error)?>(nil)
        let workerCount = workers
        // One thread per worker (Dispatch's pool may run concurrent work serially when busy).
        let done = DispatchGroup()
        for index in 0..<workerCount {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                let worker = process + String(index)
                do {
                    let threads = workerCount == 1 ? CPUKernels.threadCount : 1
                    try CPUKernels.withThreadCount(threads) {
                        try self.work(
                            as: worker, process: process, stop: stop, heartbeat: heartbeat)
                    }
                } catch {
                    firstError.withLock { if $0 == nil { $0 = error } }
                    stop.request("error")
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        done.wait()
        if let error = firstError.value { throw error }
        let trials = try storage.trials()
        let finished = trials.filter { $0.state.isFinished }
        if !finished.isEmpty, finished.allSatisfy({ $0.state == .failed }) {
            throw TuneError.allTrialsFailed(
                count: finished.count, lastError: finished.last?.attributes["error"] ?? "")
        }
        return trials
    }

    /// One worker's loop. `process` prefixes the names of this process's workers.
    private func work(
        as worker: String, process: String, stop: StudyStop, heartbeat: Heartbeat
    ) throws {
        // A trial whose worker stopped renewing its lease (killed, cut off) is requeued by the
        // heartbeat thread's sweep, and claimed here again.
        while !stop.isRequested {
            guard
                let trial = try storage.claim(
                    worker: worker,
                    propose: { trials in
                        try self.propose(trials)
                    })
            else {
                // Nothing to claim now. This worker is done unless a trial is queued, or runs
                // in another process (which may die, its trial coming back to the queue): then
                // wait. This process's own running trials end here whatever happens.
                let open = try storage.trials().filter {
                    $0.state == .queued
                        || ($0.state == .running && !($0.worker ?? "").hasPrefix(process))
                }
                if open.isEmpty { return }
                Thread.sleep(forTimeInterval: min(0.5, lease / 4))
                continue
            }
            let clock = ContinuousClock()
            let begun = clock.now
            let lost = heartbeat.keep(trial: trial.number, worker: worker)
            let outcome = evaluate(trial, worker: worker, stop: stop, lost: lost)
            heartbeat.drop(trial: trial.number, worker: worker)
            guard let outcome else {
                // Stopped: back to the queue (`--resume`, or another worker, runs it again).
                // Lost (the lease went to another worker): nothing to record.
                if !lost.isRequested { try storage.release(trial: trial.number, worker: worker) }
                continue
            }
            var timed = outcome
            let elapsed = clock.now - begun
            timed.seconds =
                Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds)
                * 1e-18
            if try storage.finish(trial: trial.number, worker: worker, outcome: timed) {
                let trials = try storage.trials()
                if let record = trials.first(where: { $0.number == trial.number }) {
                    callbacks.withLock { _ in
                        onTrialEnd?(record, Self.best(of: trials, direction: definition.direction))
                    }
                }
            }
        }
    }

    /// The assignment of the next trial: the zero-trial design for trial 0, else the sampler's.
    private func propose(_ trials: [TrialRecord]) throws -> Assignment {
        let number = (trials.map(\.number).max() ?? -1) + 1
        if number == 0 { return space.zeroTrial }
        let history = trials.filter { $0.state.isFinished }.map {
            Self.clamped($0.observation, to: space)
        }
        let pending = trials.filter { $0.state == .running || $0.state == .queued }.map {
            Self.clamped($0.observation, to: space).assignment
        }
        return sampler.assignment(
            for: number, space: space, history: history, pending: pending,
            direction: definition.direction)
    }

    /// An observation with each value inside its domain (the zero-trial design may sit
    /// outside a range: no L2 against REG-L2-RANGE's 1e-6..1e-2).
    static func clamped(
        _ observation: TrialObservation, to space: SearchSpace
    )
        -> TrialObservation
    {
        var result = observation
        for parameter in space.parameters {
            guard let value = observation.assignment[parameter.name] else { continue }
            switch (parameter.domain, value) {
            case (.real(let low, let high, _), _):
                if let number = value.number {
                    result.assignment[parameter.name] = .real(min(high, max(low, number)))
                }
            case (.integer(let low, let high, _), _):
                if let number = value.number {
                    result.assignment[parameter.name] = .integer(min(high, max(low, Int(number))))
                }
            case (.choice(let names), .choice(let name)) where !names.contains(name):
                result.assignment[parameter.name] = names.first.map(ParameterValue.choice)
            default: continue
            }
        }
        return result
    }

    /// Trains one trial; nil when the study was stopped meanwhile, or the trial's lease was
    /// lost (`lost` requested).
    private func evaluate(
        _ trial: TrialRecord, worker: String, stop: StudyStop, lost: StudyStop
    ) -> TrialOutcome? {
        do {
            let config = try self.config(for: trial.assignment, ensemble: 1)
            var values: [Double] = []
            var standardError: Double?
            var epochs = 0
            let trialData = encodingBase(trial.assignment)?.data ?? trialData
            for (index, data) in trialData.enumerated() {
                let session = try TrainingSession(config: config, data: data)
                session.scoresTrainingSplit = false
                let stopTraining = session.trainer.stopRequest
                var pruned = false
                var intermediate: [IntermediateValue] = []
                let result = try session.run(in: nil) { event in
                    if stop.isRequested || lost.isRequested { stopTraining.request() }
                    guard index == 0, case .epochEnded(let record) = event,
                        let loss = record.validationLoss, loss.isFinite
                    else { return }
                    let step = IntermediateValue(step: record.epoch + 1, value: loss)
                    intermediate.append(step)
                    callbacks.withLock { _ in onEpoch?(trial.number, record.epoch + 1) }
                    // Only a rung's step can prune (ASHA), and ASHA reads the others' values
                    // at rungs alone: the store is written and read there only (a report is a
                    // transaction, a quarter of a small trial's time when written each epoch).
                    guard let pruner, pruner.rungSteps(through: step.step).last == step.step
                    else { return }
                    _ = try? storage.report(trial: trial.number, worker: worker, value: step)
                    let others = ((try? storage.trials()) ?? []).filter {
                        $0.number != trial.number
                    }.map(\.observation)
                    var me = trial.observation
                    me.intermediate = intermediate
                    // The pruner ranks validation losses: lower is better whatever the metric.
                    if pruner.shouldPrune(trial: me, others: others, direction: .minimize) {
                        pruned = true
                        stopTraining.request()
                    }
                }
                if stop.isRequested || lost.isRequested { return nil }
                epochs += result.epochsRun
                if pruned {
                    return TrialOutcome(
                        state: .pruned, value: nil, epochs: epochs,
                        attributes: ["pruned_at_epoch": String(result.epochsRun)])
                }
                guard let score = result.scores["validation"], let value = metric.value(in: score),
                    value.isFinite
                else {
                    return TrialOutcome(
                        state: .failed, value: nil, epochs: epochs,
                        attributes: [
                            "error": "no finite validation \(metric.rawValue) "
                                + "(\(result.stopReason.explanation))"
                        ])
                }
                values.append(value)
                if trialData.count == 1 {
                    let outputs = Predictor.interpret(
                        try session.trainer.model.predict(data.validation.inputMatrix),
                        target: data.encoding.target)
                    standardError = MetricNoise.standardError(
                        of: metric, value: value, outputs: outputs, rows: data.validation,
                        target: data.encoding.target)
                }
            }
            let mean = values.reduce(0, +) / Double(values.count)
            var attributes: [String: String] = [:]
            if values.count > 1 {
                let variance =
                    values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
                    / Double(values.count - 1)
                attributes["value_std"] = String(variance.squareRoot())
                attributes["fold_values"] = values.map { String($0) }.joined(separator: " ")
                // TUNE-ONE-SE: the folds' spread over √k (ESL 7.10).
                standardError = variance.squareRoot() / Double(values.count).squareRoot()
            }
            if let standardError, standardError.isFinite {
                attributes[Self.standardErrorAttribute] = String(standardError)
            }
            return TrialOutcome(
                state: .complete, value: mean, epochs: epochs, attributes: attributes)
        } catch {
            if stop.isRequested || lost.isRequested { return nil }
            return TrialOutcome(state: .failed, value: nil, attributes: ["error": "\(error)"])
        }
    }

    /// The complete config of an assignment: the spec with its values fixed, designed by the
    /// advisor on the zero-trial design's data.
    /// - Parameter ensemble: `training.ensemble` (1 while searching; nil: the spec's).
    public func config(for assignment: Assignment, ensemble: Int?) throws -> NetworkSpec {
        try design(for: assignment, ensemble: ensemble).recommendation.config
    }

    /// The design of an assignment (see `config(for:ensemble:)`).
    public func design(for assignment: Assignment, ensemble: Int?) throws -> DesignPlan {
        var loaded = plan.loaded
        loaded.spec = TrialSpec.spec(loaded.spec, with: assignment, ensemble: ensemble)
        // Search trials stop on EARLY-STOP's patience alone, without EARLY-STOP-STEPS' floor
        // of 500 steps (unless the spec sets it); the best is trained with the full recipe.
        // On the suite: 38% less time, tune >= Optuna TPE 50 on 16/17 instead of 15/17, the
        // sum of means 0.036 lower (inside the seed band): Benchmarks/tune-results.md.
        if ensemble == 1, loaded.spec.location(of: "advisor.patience_min_steps") == nil {
            loaded.spec.advisor.patienceMinimumSteps = 0
        }
        if loaded.spec.training.learningRate.isAuto {
            loaded.spec.training.learningRate = .fixed(learningRate)
        }
        let base = encodingBase(assignment)?.plan ?? plan
        return try DesignPlan(
            specPath: plan.specPath, loaded: loaded, data: base.data, profile: base.profile,
            summary: base.summary, catalog: plan.catalog)
    }

    /// The design and trial data of the numbers' encoding the zero-trial design did not
    /// take, when `assignment` takes it; nil for the zero-trial design's own.
    private func encodingBase(_ assignment: Assignment) -> (plan: DesignPlan, data: [PreparedData])?
    {
        guard let other = otherEncoding,
            case .choice(let name) = assignment[AdvisedSpace.numericEncodingKey],
            name == other.encoding.rawValue
        else { return nil }
        return (other.plan, other.data)
    }

    /// The trial the study reports (TUNE-ONE-SE): the highest-scoring complete trial, unless
    /// the zero-trial design (trial 0) scores within one standard error of it (its
    /// `value_se`: the validation rows' noise, or the folds' spread over √k). Twenty trials
    /// ranked on a validation split of a few hundred rows are ranked largely by its noise; the
    /// one-standard-error rule (Breiman et al. 1984; Hastie et al., ESL 7.10) keeps the design
    /// the rules chose unless the search beat it by more than that noise.
    public static func best(of trials: [TrialRecord], direction: Direction) -> TrialRecord? {
        keptZeroTrial(trials, direction: direction)?.zero
            ?? highest(of: trials, direction: direction)
    }

    /// One sentence when TUNE-ONE-SE kept trial 0 over a higher-scoring trial; nil otherwise.
    public static func selectionNote(_ trials: [TrialRecord], direction: Direction) -> String? {
        guard let kept = keptZeroTrial(trials, direction: direction) else { return nil }
        return "trial \(kept.highest.number) scored "
            + String(format: "%.4f", kept.highest.value ?? .nan)
            + String(
                format: ", ahead by %.4f, within one standard error (%.4f) of its score: ",
                kept.gain, kept.standardError)
            + "the zero-trial design is kept [TUNE-ONE-SE]"
    }

    /// TUNE-ONE-SE's one decision: trial 0 and the highest-scoring trial when the highest
    /// leads trial 0 by no more than its standard error; nil when the highest is reported (it
    /// is trial 0, either has no value, or its error was not recorded: a study from before the
    /// rule).
    private static func keptZeroTrial(
        _ trials: [TrialRecord], direction: Direction
    ) -> (zero: TrialRecord, highest: TrialRecord, gain: Double, standardError: Double)? {
        guard let highest = highest(of: trials, direction: direction), highest.number != 0,
            let value = highest.value,
            let zero = trials.first(where: { $0.number == 0 && $0.state == .complete }),
            let zeroValue = zero.value, zeroValue.isFinite,
            let error = highest.attributes[standardErrorAttribute].flatMap(Double.init),
            error.isFinite, error >= 0, abs(value - zeroValue) <= error
        else { return nil }
        return (zero, highest, abs(value - zeroValue), error)
    }

    /// The attribute a trial's standard error is stored in.
    public static let standardErrorAttribute = "value_se"

    /// The highest-scoring complete trial; ties go to the lower number (trial 0 first).
    public static func highest(of trials: [TrialRecord], direction: Direction) -> TrialRecord? {
        var best: TrialRecord?
        for trial in trials where trial.state == .complete {
            guard let value = trial.value, value.isFinite else { continue }
            if let current = best?.value, !direction.isBetter(value, than: current) { continue }
            best = trial
        }
        return best
    }
}
