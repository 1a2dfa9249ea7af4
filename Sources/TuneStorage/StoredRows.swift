import Foundation
import TuneSearch

/// A bound parameter or a column, as both stores (SQLite, PostgreSQL) bind and read them.
enum StoredValue {
    case null
    case integer(Int)
    case real(Double)
    case text(String)
    case integers([Int])
    case reals([Double])

    static func integer(_ value: Int?) -> StoredValue { value.map(StoredValue.integer) ?? .null }

    /// NaN is stored as NULL (SQLite has no NaN; PostgreSQL does, but both read back alike).
    static func real(_ value: Double?) -> StoredValue {
        guard let value, !value.isNaN else { return .null }
        return .real(value)
    }

    var integer: Int? {
        switch self {
        case .integer(let value): return value
        case .real(let value): return Int(exactly: value)
        default: return nil
        }
    }

    var real: Double? {
        switch self {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    var integers: [Int]? {
        if case .integers(let value) = self { return value }
        return nil
    }

    var reals: [Double]? {
        if case .reals(let value) = self { return value }
        return nil
    }
}

/// How both stores turn rows into records and values into JSON text, with located errors.
struct StoredRows {
    /// The store, for messages.
    let location: String
    /// The store's decoded JSON texts (`DecodedTexts`).
    let decoded: DecodedTexts
    /// The fix a damaged row's message ends with.
    let damagedFix: String

    /// JSON with sorted keys (a stable text for the same value).
    func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw StudyStorageError.database(
                location: location,
                message: "cannot encode \(T.self) as JSON (\(error)); "
                    + "fix: give finite numbers only (JSON has no NaN or infinity)")
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ text: String?, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data((text ?? "").utf8))
        } catch {
            throw corrupt("\(what) is not valid JSON (\(error))")
        }
    }

    func corrupt(_ detail: String) -> StudyStorageError {
        .database(location: location, message: "\(detail); fix: \(damagedFix)")
    }

    /// The attributes (JSON) of a finishing trial's outcome, after checking that its state is
    /// an end (complete, pruned or failed).
    func finishing(trial: Int, _ outcome: TrialOutcome) throws -> String {
        guard outcome.state.isFinished else {
            throw StudyStorageError.database(
                location: location,
                message: "cannot finish trial \(trial) as '\(outcome.state.rawValue)'; "
                    + "fix: finish it as complete, pruned or failed")
        }
        return try encode(outcome.attributes)
    }

    /// A definition from the columns name, spec_digest, spec_path, metric, direction, space,
    /// target_trials.
    func definition(_ row: [StoredValue]) throws -> StudyDefinition {
        guard let direction = Direction(rawValue: row[4].text ?? "") else {
            throw corrupt("the study's direction '\(row[4].text ?? "NULL")' is unknown")
        }
        return StudyDefinition(
            name: row[0].text ?? "", specDigest: row[1].text ?? "", specPath: row[2].text ?? "",
            metric: row[3].text ?? "", direction: direction,
            space: try decode(SearchSpace.self, row[5].text, what: "the study's space"),
            targetTrials: row[6].integer ?? 0)
    }

    /// A trial from the columns number, state, assignment, value, worker, epochs, seconds,
    /// attributes.
    func trial(_ row: [StoredValue], intermediate: [IntermediateValue]) throws -> TrialRecord {
        guard let number = row[0].integer else { throw corrupt("a trial has no number") }
        guard let state = TrialState(rawValue: row[1].text ?? "") else {
            throw corrupt("trial \(number)'s state '\(row[1].text ?? "NULL")' is unknown")
        }
        return TrialRecord(
            number: number, state: state,
            assignment: try decoded.assignments.value(row[2].text ?? "") {
                try decode(Assignment.self, $0, what: "trial \(number)'s assignment")
            },
            value: row[3].real, intermediate: intermediate, worker: row[4].text,
            epochs: row[5].integer, seconds: row[6].real,
            attributes: try decoded.attributes.value(row[7].text ?? "") {
                try decode([String: String].self, $0, what: "trial \(number)'s attributes")
            })
    }
}

/// A store's assignments and attributes by their JSON text. A worker reads every trial before
/// each proposal, and JSONDecoder took 4% of a 20-trial study re-reading the same texts; the
/// text decides the value, so a text decoded once is not decoded again. One entry per distinct
/// text: bounded by the study's trials.
final class DecodedTexts: Sendable {
    let assignments = Memo<Assignment>()
    let attributes = Memo<[String: String]>()

    final class Memo<Value: Sendable>: @unchecked Sendable {
        // @unchecked Sendable: `values` is touched only while `lock` is held.
        private let lock = NSLock()
        private var values: [String: Value] = [:]

        /// The value of `text`, decoded by `decode` the first time it is seen (a text that
        /// fails to decode is not kept, so it fails again).
        func value(_ text: String, decode: (String) throws -> Value) throws -> Value {
            if let value = lock.withLock({ values[text] }) { return value }
            let value = try decode(text)
            lock.withLock { values[text] = value }
            return value
        }
    }
}

/// One call at a time on a store's connection, from any thread; a call from inside another
/// (a `propose` that calls back into the store, which the recursive lock lets in) is refused
/// rather than deadlocking or nesting transactions.
final class SerialCalls: @unchecked Sendable {
    // @unchecked Sendable: `depth` is touched only while `lock` is held.
    private let lock = NSRecursiveLock()
    private var depth = 0

    /// Runs `body` alone.
    /// - Throws: `StudyStorageError.database` at `location` for a nested call; what `body`
    ///   throws.
    func run<T>(location: String, doing: String, _ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard depth == 0 else {
            throw StudyStorageError.database(
                location: location,
                message: "\(doing): called from inside another call's transaction; "
                    + "fix: propose must use the trials it is given, not the storage")
        }
        depth += 1
        defer { depth -= 1 }
        return try body()
    }
}
