import Foundation
import TuneSearch

/// What identifies a study and fixes what its trials mean.
public struct StudyDefinition: Sendable, Hashable, Codable {
    /// The study's name (the spec's `name` unless given).
    public var name: String
    /// SHA-256 (hex) of the spec's canonical text: a study folder or name made from another
    /// spec is refused.
    public var specDigest: String
    /// The spec file the study was made from, for messages.
    public var specPath: String
    /// The metric (`accuracy`, `r2`, `loss`, ...).
    public var metric: String
    /// Lower or higher is better.
    public var direction: Direction
    /// The space, as the advisor derived it.
    public var space: SearchSpace
    /// Trials the study ends at (complete, pruned or failed).
    public var targetTrials: Int

    /// A definition; each argument sets the property of the same name.
    public init(
        name: String, specDigest: String, specPath: String, metric: String,
        direction: Direction, space: SearchSpace, targetTrials: Int
    ) {
        self.name = name
        self.specDigest = specDigest
        self.specPath = specPath
        self.metric = metric
        self.direction = direction
        self.space = space
        self.targetTrials = targetTrials
    }
}

/// One trial as stored.
public struct TrialRecord: Sendable, Hashable, Codable {
    /// The trial number, from 0, unique in the study.
    public var number: Int
    /// Its state.
    public var state: TrialState
    /// Its values.
    public var assignment: Assignment
    /// Its value (complete; a pruned trial's last intermediate value); nil otherwise.
    public var value: Double?
    /// Intermediate values (epoch, value) in step order.
    public var intermediate: [IntermediateValue]
    /// The worker that ran (or runs) it (`host:pid:token:index`); nil while queued.
    public var worker: String?
    /// Epochs trained (complete or pruned).
    public var epochs: Int?
    /// Seconds the trial took.
    public var seconds: Double?
    /// Free-form results (`value_std` across folds, `error` of a failed trial, ...).
    public var attributes: [String: String]

    /// A record; each argument sets the property of the same name.
    public init(
        number: Int, state: TrialState, assignment: Assignment, value: Double? = nil,
        intermediate: [IntermediateValue] = [], worker: String? = nil, epochs: Int? = nil,
        seconds: Double? = nil, attributes: [String: String] = [:]
    ) {
        self.number = number
        self.state = state
        self.assignment = assignment
        self.value = value
        self.intermediate = intermediate
        self.worker = worker
        self.epochs = epochs
        self.seconds = seconds
        self.attributes = attributes
    }

    /// What samplers and pruners read.
    public var observation: TrialObservation {
        TrialObservation(
            number: number, assignment: assignment, state: state, value: value,
            intermediate: intermediate)
    }
}

/// How a finished trial ended, for `StudyStorage.finish`.
public struct TrialOutcome: Sendable, Hashable {
    /// complete, pruned or failed.
    public var state: TrialState
    /// The value (nil for failed).
    public var value: Double?
    /// Epochs trained.
    public var epochs: Int?
    /// Seconds taken.
    public var seconds: Double?
    /// Free-form results.
    public var attributes: [String: String]

    /// An outcome; each argument sets the property of the same name.
    public init(
        state: TrialState, value: Double?, epochs: Int? = nil, seconds: Double? = nil,
        attributes: [String: String] = [:]
    ) {
        self.state = state
        self.value = value
        self.epochs = epochs
        self.seconds = seconds
        self.attributes = attributes
    }
}

/// A study's durable store. Every method is one transaction: a process killed at any moment
/// leaves the store as before or after the call, never between. Implementations: SQLite (a file,
/// the default: the workers of one machine) and PostgreSQL (any number of machines); both pass
/// one shared test suite (`Tests/TuneStorageTests/StorageContract.swift`).
///
/// Leases: a running trial belongs to its worker while its heartbeat is fresh. A worker calls
/// `heartbeat` well within the lease; `requeueExpired` puts trials whose heartbeat is older
/// than the lease back in the queue (their worker died or lost the store), and `finish` from a
/// worker presumed dead then changes nothing, so a result is recorded once.
public protocol StudyStorage: AnyObject, Sendable {
    /// Where the store is, for messages (a file path, or a URL without its password).
    var location: String { get }

    /// Creates the study, or opens it when it exists with the same spec digest.
    /// - Returns: the stored definition (an existing study keeps its own space and target,
    ///   except `targetTrials`, which `definition`'s replaces when larger).
    /// - Throws: `StudyStorageError.otherSpec` when the study was made from another spec.
    func open(_ definition: StudyDefinition) throws -> StudyDefinition

    /// The stored definition; nil when there is no study yet.
    func definition() throws -> StudyDefinition?

    /// Every trial, in number order.
    func trials() throws -> [TrialRecord]

    /// Claims the next trial for `worker`, in one transaction: the lowest-numbered queued
    /// trial if any; else, while the trials (queued, running or finished) number under
    /// `targetTrials`, a new trial numbered one past the highest, with the values `propose`
    /// returns (called inside the transaction with every trial, so two workers never propose
    /// from the same history or create more than the target). nil when there is nothing to
    /// claim now (a server's store: the queued trials are being claimed by others). When
    /// `propose` throws, nothing is written and its error is rethrown.
    func claim(
        worker: String, propose: ([TrialRecord]) throws -> Assignment
    ) throws -> TrialRecord?

    /// Records (or replaces) an intermediate value of a running trial and marks it alive
    /// (its heartbeat). Ignored (returns false) when the trial is not running under `worker`
    /// (it was requeued, or finished elsewhere).
    @discardableResult
    func report(trial: Int, worker: String, value: IntermediateValue) throws -> Bool

    /// Ends a running trial. Returns false, changing nothing, when the trial is not running
    /// under `worker` (a late result: recorded once, never twice). `outcome.state` must be
    /// complete, pruned or failed.
    @discardableResult
    func finish(trial: Int, worker: String, outcome: TrialOutcome) throws -> Bool

    /// Puts every running trial back in the queue with its values and no intermediate values
    /// (`tune --resume` of a folder: the process that ran them is gone). Returns their numbers.
    func requeueRunning() throws -> [Int]

    /// Renews the lease of a trial running under `worker`. Returns false, changing nothing,
    /// when the trial is no longer running under `worker` (its lease expired and it was
    /// requeued, or it finished): the worker should abandon it.
    @discardableResult
    func heartbeat(trial: Int, worker: String) throws -> Bool

    /// Puts a trial running under `worker` back in the queue (its worker was stopped before
    /// it ended), as `requeueRunning` does for one trial. Returns false when it was not
    /// running under `worker`.
    @discardableResult
    func release(trial: Int, worker: String) throws -> Bool

    /// Puts every running trial whose last heartbeat is more than `lease` seconds old back
    /// in the queue (by the store's clock). Returns their numbers, ascending.
    func requeueExpired(lease: Double) throws -> [Int]

    /// A study-level value (`best_test_score`, `zero_trial_design`, ...); nil when unset.
    func attribute(_ key: String) throws -> String?

    /// Sets a study-level value.
    func setAttribute(_ key: String, _ value: String) throws
}

/// A store's failure, located and with the fix.
public enum StudyStorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The study was made from another spec.
    case otherSpec(study: String, storedSpec: String, storedDigest: String, givenDigest: String)
    /// The database could not be opened or used.
    case database(location: String, message: String)
    /// The database was written by a newer Layerwise (schema version above this one's).
    case newerSchema(location: String, found: Int, supported: Int)

    public var description: String {
        switch self {
        case .otherSpec(let study, let storedSpec, _, _):
            return
                "study '\(study)' was made from another spec (\(storedSpec)); "
                + "fix: tune that spec, or give a new --out folder (or --study name)"
        case .database(let location, let message):
            return "\(location): \(message)"
        case .newerSchema(let location, let found, let supported):
            return
                "\(location): study database schema version \(found) is newer than this "
                + "Layerwise's \(supported); fix: use a newer layerwise, or a new --out folder"
        }
    }
}
