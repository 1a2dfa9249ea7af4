import CSQLite
import Foundation
import TuneSearch

/// A study in one SQLite file, shared by every worker on the machine (threads or processes).
///
/// The file is in WAL mode (readers never wait for the writer), every write is a `BEGIN
/// IMMEDIATE` transaction (the write lock is taken first, so a claim reads and writes under one
/// lock across processes), and a connection waits up to `busyTimeout` for another's lock before
/// failing. Foreign keys are on. Values are always bound, never spliced into SQL text.
///
/// Schema (version 1):
/// - `schema_version(version)`: one row, the migrations applied.
/// - `study(id = 1, name, spec_digest, spec_path, metric, direction, space, target_trials,
///   created_at)`: one row; `space` is the `SearchSpace` as JSON.
/// - `trials(number PRIMARY KEY, state, assignment, value, worker, epochs, seconds, attributes,
///   started_at, finished_at, heartbeat_at)`: `assignment` and `attributes` are JSON objects
///   (sorted keys); times are seconds since 1970.
/// - `intermediate_values(trial, step, value, PRIMARY KEY (trial, step))`.
/// - `study_attributes(key PRIMARY KEY, value)`.
///
/// SQLite has no NaN: a NaN value is stored as NULL, so it reads back as nil (a trial's value)
/// or NaN (an intermediate value).
public final class SQLiteStudyStorage: StudyStorage, @unchecked Sendable {
    // @unchecked Sendable: the one mutable thing, the connection, is touched only inside
    // `calls`, so calls from any threads are serialized on it.

    /// The schema version this build writes and reads (the number of migrations).
    public static var schemaVersion: Int { migrations.count }

    /// The database file.
    public let path: String
    /// The database file, for messages.
    public var location: String { path }
    /// How long a call waits for another connection's lock before failing, in seconds.
    public let busyTimeout: Double

    private let calls = SerialCalls()
    private let decoded = DecodedTexts()
    private var connection: OpaquePointer?

    /// Opens the study database at `path`, creating the file when it is missing and bringing
    /// its schema up to this build's version.
    /// - Parameters:
    ///   - path: the database file; its folder must exist.
    ///   - busyTimeout: seconds a call waits for another process's write lock (10 s).
    /// - Throws: `StudyStorageError.database` when the file cannot be opened or created, is not
    ///   an SQLite database or is another program's; `StudyStorageError.newerSchema` when a
    ///   newer Layerwise wrote it.
    public init(path: String, busyTimeout: Double = 10) throws {
        self.path = path
        self.busyTimeout = busyTimeout
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        connection = handle
        guard code == SQLITE_OK else {
            let error = failure(code, "cannot open the study database")
            sqlite3_close_v2(handle)
            connection = nil
            throw error
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Int32(min(max(busyTimeout, 0) * 1000, Double(Int32.max))))
        do {
            // The first statements read the header: a garbage file fails here (SQLITE_NOTADB).
            // WAL: workers read the history while another claims; the mode is stored in the
            // file, so this is a no-op after the first open.
            _ = try query("PRAGMA journal_mode = WAL", [], doing: "cannot open the study database")
            try execute("PRAGMA foreign_keys = ON", doing: "cannot open the study database")
            // NORMAL in WAL mode: a commit survives the process being killed at any moment
            // (the case `--resume` is for); only a power loss may drop the last commits. FULL
            // fsyncs every epoch's report, which cost more than the trials on small data.
            try execute("PRAGMA synchronous = NORMAL", doing: "cannot open the study database")
            try migrate()
        } catch {
            sqlite3_close_v2(handle)
            connection = nil
            throw error
        }
    }

    deinit {
        // close_v2: a statement left unfinalized (none should be) does not keep the file open.
        sqlite3_close_v2(connection)
    }

    // MARK: StudyStorage

    /// Creates the study, or opens it when it exists with the same spec digest. One write
    /// transaction, so two workers opening at once agree on one definition.
    /// - Parameter definition: the study as this run would make it.
    /// - Returns: the stored definition: an existing study keeps its own name, space, metric and
    ///   direction, and takes `definition.targetTrials` when larger (a resume with more trials).
    /// - Throws: `StudyStorageError.otherSpec` (naming the stored spec path) when the stored
    ///   digest differs; `StudyStorageError.database` when the file fails.
    public func open(_ definition: StudyDefinition) throws -> StudyDefinition {
        try write("cannot open the study") {
            if var stored = try readDefinition() {
                guard stored.specDigest == definition.specDigest else {
                    throw StudyStorageError.otherSpec(
                        study: stored.name, storedSpec: stored.specPath,
                        storedDigest: stored.specDigest, givenDigest: definition.specDigest)
                }
                if definition.targetTrials > stored.targetTrials {
                    try execute(
                        "UPDATE study SET target_trials = ? WHERE id = 1",
                        [.integer(definition.targetTrials)], doing: "cannot raise the target")
                    stored.targetTrials = definition.targetTrials
                }
                return stored
            }
            try execute(
                """
                INSERT INTO study (id, name, spec_digest, spec_path, metric, direction, space,
                    target_trials, created_at)
                VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(definition.name), .text(definition.specDigest),
                    .text(definition.specPath), .text(definition.metric),
                    .text(definition.direction.rawValue), .text(try encode(definition.space)),
                    .integer(definition.targetTrials), .real(Date().timeIntervalSince1970),
                ], doing: "cannot create the study")
            return definition
        }
    }

    /// The stored definition; nil when the study has not been opened yet.
    /// - Throws: `StudyStorageError.database` when the file fails or its row is unreadable.
    public func definition() throws -> StudyDefinition? {
        try read("cannot read the study") { try readDefinition() }
    }

    /// Every trial with its intermediate values, in number order, read as one snapshot.
    /// - Throws: `StudyStorageError.database` when the file fails or a row is unreadable.
    public func trials() throws -> [TrialRecord] {
        try read("cannot read the trials") { try readTrials() }
    }

    /// Claims the next trial for `worker`, in one write transaction (atomic across processes):
    /// 1. the lowest-numbered queued trial becomes running under `worker`, with its values;
    /// 2. else, while the trials (queued, running or finished) number under `targetTrials`, a
    ///    new running trial numbered one past the highest (0 for the first), with the values
    ///    `propose` returns;
    /// 3. else nil: the study needs no more trials.
    ///
    /// `started_at` and `heartbeat_at` are set to now.
    /// - Parameters:
    ///   - worker: who runs the trial (`host:pid:token:index`).
    ///   - propose: the new trial's values from every trial so far (number order); called
    ///     inside the transaction, so no other worker changes the history meanwhile. It must
    ///     not call back into this storage (that throws).
    /// - Returns: the claimed trial, running; nil when the study is done.
    /// - Throws: what `propose` throws (nothing is written); `StudyStorageError.database` when
    ///   there is no study (call `open` first) or the file fails.
    public func claim(
        worker: String, propose: ([TrialRecord]) throws -> Assignment
    ) throws -> TrialRecord? {
        try write("cannot claim a trial") {
            let now = Date().timeIntervalSince1970
            let queued = try query(
                "SELECT number FROM trials WHERE state = 'queued' ORDER BY number LIMIT 1", [],
                doing: "cannot read the queue")
            if let number = queued.first?[0].integer {
                try execute(
                    """
                    UPDATE trials SET state = 'running', worker = ?, started_at = ?,
                        heartbeat_at = ?, finished_at = NULL
                    WHERE number = ?
                    """,
                    [.text(worker), .real(now), .real(now), .integer(number)],
                    doing: "cannot claim trial \(number)")
                return try readTrials(number: number).first
            }
            guard let target = try readDefinition()?.targetTrials else {
                throw StudyStorageError.database(
                    location: path,
                    message: "cannot claim a trial: the database has no study; "
                        + "fix: open the study (StudyStorage.open) before claiming")
            }
            // Every row counts, queued ones too (none here: they were claimed first).
            let counted = try query(
                "SELECT count(*) FROM trials", [], doing: "cannot count the trials")
            guard (counted.first?[0].integer ?? 0) < target else { return nil }
            let history = try readTrials()
            let assignment = try propose(history)
            let number = (history.last?.number ?? -1) + 1
            try execute(
                """
                INSERT INTO trials (number, state, assignment, worker, attributes, started_at,
                    heartbeat_at)
                VALUES (?, 'running', ?, ?, '{}', ?, ?)
                """,
                [
                    .integer(number), .text(try encode(assignment)), .text(worker), .real(now),
                    .real(now),
                ],
                doing: "cannot create trial \(number)")
            return TrialRecord(
                number: number, state: .running, assignment: assignment, worker: worker)
        }
    }

    /// Records (or replaces) the value at `value.step` of a trial running under `worker`, and
    /// bumps its `heartbeat_at`.
    /// - Parameters:
    ///   - trial: the trial number.
    ///   - worker: the worker that claimed it.
    ///   - value: the step and value.
    /// - Returns: whether it was recorded: false, changing nothing, when the trial is not
    ///   running under `worker` (requeued, finished, or claimed by another).
    /// - Throws: `StudyStorageError.database` when the file fails.
    @discardableResult
    public func report(trial: Int, worker: String, value: IntermediateValue) throws -> Bool {
        try write("cannot record trial \(trial)'s step \(value.step)") {
            let changed = try execute(
                """
                UPDATE trials SET heartbeat_at = ?
                WHERE number = ? AND state = 'running' AND worker = ?
                """,
                [.real(Date().timeIntervalSince1970), .integer(trial), .text(worker)],
                doing: "cannot record trial \(trial)'s heartbeat")
            guard changed == 1 else { return false }
            // ON CONFLICT rather than INSERT OR REPLACE: PostgreSQL speaks it too.
            try execute(
                """
                INSERT INTO intermediate_values (trial, step, value) VALUES (?, ?, ?)
                ON CONFLICT (trial, step) DO UPDATE SET value = excluded.value
                """,
                [.integer(trial), .integer(value.step), .real(value.value)],
                doing: "cannot record trial \(trial)'s step \(value.step)")
            return true
        }
    }

    /// Ends a trial running under `worker`: sets its state, value, epochs, seconds, attributes
    /// and `finished_at`; the worker stays recorded.
    /// - Parameters:
    ///   - trial: the trial number.
    ///   - worker: the worker that claimed it.
    ///   - outcome: how it ended (complete, pruned or failed).
    /// - Returns: true when recorded; false, changing nothing, when the trial is not running
    ///   under `worker` (a late or duplicate result is recorded once, never twice).
    /// - Throws: `StudyStorageError.database` when `outcome.state` is not a finished state or
    ///   the file fails.
    @discardableResult
    public func finish(trial: Int, worker: String, outcome: TrialOutcome) throws -> Bool {
        let attributes = try rows.finishing(trial: trial, outcome)
        return try write("cannot finish trial \(trial)") {
            let now = Date().timeIntervalSince1970
            let changed = try execute(
                """
                UPDATE trials SET state = ?, value = ?, epochs = ?, seconds = ?, attributes = ?,
                    finished_at = ?, heartbeat_at = ?
                WHERE number = ? AND state = 'running' AND worker = ?
                """,
                [
                    .text(outcome.state.rawValue), .real(outcome.value),
                    .integer(outcome.epochs), .real(outcome.seconds), .text(attributes),
                    .real(now), .real(now), .integer(trial), .text(worker),
                ], doing: "cannot finish trial \(trial)")
            return changed == 1
        }
    }

    /// Puts every running trial back in the queue: state queued, no worker, no start or
    /// heartbeat, its intermediate values deleted; its number and values are kept, so the next
    /// claim reruns it as it was.
    /// - Returns: the requeued numbers, ascending.
    /// - Throws: `StudyStorageError.database` when the file fails.
    public func requeueRunning() throws -> [Int] {
        try requeue("state = 'running'", [], doing: "cannot requeue the running trials")
    }

    /// Renews the lease (`heartbeat_at`) of a trial running under `worker`.
    /// - Returns: false, changing nothing, when it is not running under `worker`.
    /// - Throws: `StudyStorageError.database` when the file fails.
    @discardableResult
    public func heartbeat(trial: Int, worker: String) throws -> Bool {
        try write("cannot renew trial \(trial)'s lease") {
            try execute(
                """
                UPDATE trials SET heartbeat_at = ?
                WHERE number = ? AND state = 'running' AND worker = ?
                """,
                [.real(Date().timeIntervalSince1970), .integer(trial), .text(worker)],
                doing: "cannot renew trial \(trial)'s lease") == 1
        }
    }

    /// Puts trial `trial` back in the queue when it runs under `worker` (see `requeueRunning`).
    /// - Returns: whether it did.
    /// - Throws: `StudyStorageError.database` when the file fails.
    @discardableResult
    public func release(trial: Int, worker: String) throws -> Bool {
        try !requeue(
            "state = 'running' AND number = ? AND worker = ?", [.integer(trial), .text(worker)],
            doing: "cannot put trial \(trial) back in the queue"
        ).isEmpty
    }

    /// Puts every running trial whose heartbeat is more than `lease` seconds old back in the
    /// queue (this machine's clock: the file is shared by one machine's processes).
    /// - Returns: the requeued numbers, ascending.
    /// - Throws: `StudyStorageError.database` when the file fails.
    public func requeueExpired(lease: Double) throws -> [Int] {
        try requeue(
            "state = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < ?)",
            [.real(Date().timeIntervalSince1970 - lease)],
            doing: "cannot requeue the trials whose lease expired")
    }

    /// Requeues the trials matching `condition` (over `trials`' columns), in one transaction.
    private func requeue(
        _ condition: String, _ arguments: [StoredValue], doing: String
    ) throws -> [Int] {
        try write(doing) {
            let rows = try query(
                "SELECT number FROM trials WHERE \(condition) ORDER BY number", arguments,
                doing: doing)
            let numbers = rows.compactMap { $0[0].integer }
            for number in numbers {
                try execute(
                    "DELETE FROM intermediate_values WHERE trial = ?", [.integer(number)],
                    doing: doing)
                try execute(
                    """
                    UPDATE trials SET state = 'queued', worker = NULL, started_at = NULL,
                        heartbeat_at = NULL
                    WHERE number = ?
                    """, [.integer(number)], doing: doing)
            }
            return numbers
        }
    }

    /// A study-level value; nil when unset.
    /// - Parameter key: its name (`best_test_score`, ...).
    /// - Throws: `StudyStorageError.database` when the file fails.
    public func attribute(_ key: String) throws -> String? {
        try read("cannot read study attribute '\(key)'") {
            try query(
                "SELECT value FROM study_attributes WHERE key = ?", [.text(key)],
                doing: "cannot read study attribute '\(key)'"
            ).first?[0].text
        }
    }

    /// Sets (or replaces) a study-level value.
    /// - Parameters:
    ///   - key: its name.
    ///   - value: its value.
    /// - Throws: `StudyStorageError.database` when the file fails.
    public func setAttribute(_ key: String, _ value: String) throws {
        try write("cannot set study attribute '\(key)'") {
            _ = try execute(
                """
                INSERT INTO study_attributes (key, value) VALUES (?, ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, [.text(key), .text(value)], doing: "cannot set study attribute '\(key)'")
        }
    }

    // MARK: Schema

    /// The schema's steps, in order; step `i` takes the file from version `i` to `i + 1`. A new
    /// version appends a step (never edits one: files in the field ran it).
    private static let migrations: [String] = [
        // 1: the initial tables.
        """
        CREATE TABLE study (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            spec_digest TEXT NOT NULL,
            spec_path TEXT NOT NULL,
            metric TEXT NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('minimize', 'maximize')),
            space TEXT NOT NULL,
            target_trials INTEGER NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE TABLE trials (
            number INTEGER PRIMARY KEY CHECK (number >= 0),
            state TEXT NOT NULL
                CHECK (state IN ('queued', 'running', 'complete', 'pruned', 'failed')),
            assignment TEXT NOT NULL,
            value REAL,
            worker TEXT,
            epochs INTEGER,
            seconds REAL,
            attributes TEXT NOT NULL DEFAULT '{}',
            started_at REAL,
            finished_at REAL,
            heartbeat_at REAL
        );
        CREATE INDEX trials_state ON trials (state, number);
        CREATE TABLE intermediate_values (
            trial INTEGER NOT NULL REFERENCES trials (number) ON DELETE CASCADE,
            step INTEGER NOT NULL,
            value REAL,
            PRIMARY KEY (trial, step)
        );
        CREATE TABLE study_attributes (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    ]

    /// Brings the file to `schemaVersion`, all steps in one transaction (a crash leaves the
    /// old version whole).
    private func migrate() throws {
        let doing = "cannot set up the study database"
        try write(doing) {
            try execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                doing: doing)
            let found = try query("SELECT max(version) FROM schema_version", [], doing: doing)
            let version = found.first?[0].integer ?? 0
            let supported = Self.schemaVersion
            guard version <= supported else {
                throw StudyStorageError.newerSchema(
                    location: path, found: version, supported: supported)
            }
            guard version < supported else { return }
            if version == 0 {
                // Another program's database: refuse rather than add tables to it.
                let others = try query(
                    """
                    SELECT count(*) FROM sqlite_master
                    WHERE type = 'table' AND name <> 'schema_version'
                        AND name NOT LIKE 'sqlite_%'
                    """, [], doing: doing)
                if (others.first?[0].integer ?? 0) > 0 {
                    throw StudyStorageError.database(
                        location: path,
                        message: "an SQLite database but not a Layerwise study (it has other "
                            + "tables and no schema_version); fix: give the study another "
                            + "--out folder, or move this file away")
                }
            }
            for step in Self.migrations[version...] {
                try execute(step, doing: doing)
            }
            try execute("DELETE FROM schema_version", doing: doing)
            try execute(
                "INSERT INTO schema_version (version) VALUES (?)", [.integer(supported)],
                doing: doing)
        }
    }

    // MARK: Rows

    private var rows: StoredRows {
        StoredRows(
            location: path, decoded: decoded,
            damagedFix: "the study database was edited or damaged; restore it, or start a new "
                + "--out folder")
    }

    private func encode<T: Encodable>(_ value: T) throws -> String { try rows.encode(value) }

    private func readDefinition() throws -> StudyDefinition? {
        let found = try query(
            """
            SELECT name, spec_digest, spec_path, metric, direction, space, target_trials
            FROM study WHERE id = 1
            """, [], doing: "cannot read the study")
        return try found.first.map(rows.definition)
    }

    /// Trials in number order with their intermediate values; one trial when `number` is given.
    private func readTrials(number: Int? = nil) throws -> [TrialRecord] {
        let filter = number == nil ? "" : " WHERE number = ?"
        let arguments: [StoredValue] = number.map { [.integer($0)] } ?? []
        let trials = try query(
            "SELECT number, state, assignment, value, worker, epochs, seconds, attributes "
                + "FROM trials\(filter) ORDER BY number", arguments,
            doing: "cannot read the trials")
        let steps = try query(
            "SELECT trial, step, value FROM intermediate_values"
                + (number == nil ? "" : " WHERE trial = ?") + " ORDER BY trial, step",
            arguments, doing: "cannot read the intermediate values")
        var intermediate: [Int: [IntermediateValue]] = [:]
        for row in steps {
            guard let trial = row[0].integer, let step = row[1].integer else { continue }
            intermediate[trial, default: []].append(
                IntermediateValue(step: step, value: row[2].real ?? .nan))
        }
        return try trials.map { row in
            try rows.trial(row, intermediate: row[0].integer.flatMap { intermediate[$0] } ?? [])
        }
    }

    // MARK: SQLite

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction under the lock: committed when it
    /// returns, rolled back when it throws (its error rethrown).
    private func write<T>(_ doing: String, _ body: () throws -> T) throws -> T {
        try transaction("BEGIN IMMEDIATE", doing, body)
    }

    /// Runs `body` in a read transaction (one snapshot for its several queries).
    private func read<T>(_ doing: String, _ body: () throws -> T) throws -> T {
        try transaction("BEGIN", doing, body)
    }

    private func transaction<T>(
        _ begin: String, _ doing: String, _ body: () throws -> T
    ) throws -> T {
        try calls.run(location: path, doing: doing) {
            try inTransaction(begin, doing, body)
        }
    }

    private func inTransaction<T>(
        _ begin: String, _ doing: String, _ body: () throws -> T
    ) throws -> T {
        try execute(begin, doing: doing)
        do {
            let result = try body()
            try execute("COMMIT", doing: doing)
            return result
        } catch {
            // A failed statement may already have rolled back; the error to report is the
            // first one, so this one's result is ignored.
            if sqlite3_get_autocommit(connection) == 0 {
                sqlite3_exec(connection, "ROLLBACK", nil, nil, nil)
            }
            throw error
        }
    }

    /// Runs one statement; returns the rows it changed.
    @discardableResult
    private func execute(
        _ sql: String, _ arguments: [StoredValue] = [], doing: String
    ) throws
        -> Int
    {
        if arguments.isEmpty && !sql.contains("?") {
            // Fixed text (DDL, transactions, pragmas): exec runs a migration's many statements.
            let code = sqlite3_exec(connection, sql, nil, nil, nil)
            guard code == SQLITE_OK else { throw failure(code, doing) }
        } else {
            _ = try query(sql, arguments, doing: doing)
        }
        return Int(sqlite3_changes(connection))
    }

    /// Prepares, binds, steps and finalizes one statement; returns its rows.
    private func query(
        _ sql: String, _ arguments: [StoredValue], doing: String
    ) throws
        -> [[StoredValue]]
    {
        var statement: OpaquePointer?
        let prepared = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        guard prepared == SQLITE_OK, let statement else { throw failure(prepared, doing) }
        for (index, argument) in arguments.enumerated() {
            let position = Int32(index + 1)
            let code: Int32
            switch argument {
            case .null: code = sqlite3_bind_null(statement, position)
            case .integer(let value): code = sqlite3_bind_int64(statement, position, Int64(value))
            case .real(let value): code = sqlite3_bind_double(statement, position, value)
            case .integers, .reals:
                throw StudyStorageError.database(
                    location: path,
                    message: "\(doing): an array bound to an SQLite statement; fix: this is a "
                        + "Layerwise bug (SQLite has no arrays): report it")
            case .text(let value):
                // By length, so a NUL inside the text is kept; TRANSIENT: SQLite copies it.
                let count = Int32(value.utf8.count)
                code = value.withCString {
                    sqlite3_bind_text(statement, position, $0, count, Self.transient)
                }
            }
            guard code == SQLITE_OK else { throw failure(code, doing) }
        }
        var rows: [[StoredValue]] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw failure(code, doing) }
            let columns = sqlite3_column_count(statement)
            rows.append(
                (0..<columns).map { column in
                    switch sqlite3_column_type(statement, column) {
                    case SQLITE_INTEGER:
                        return .integer(Int(sqlite3_column_int64(statement, column)))
                    case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
                    case SQLITE_NULL: return .null
                    default:
                        let count = Int(sqlite3_column_bytes(statement, column))
                        guard let text = sqlite3_column_text(statement, column) else {
                            return .text("")
                        }
                        return .text(
                            String(
                                decoding: UnsafeBufferPointer(start: text, count: count),
                                as: UTF8.self))
                    }
                })
        }
        return rows
    }

    /// SQLITE_TRANSIENT, which the C macro spells as a cast of -1.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// An SQLite failure, located, with SQLite's words and the fix for its kind.
    private func failure(_ code: Int32, _ doing: String) -> StudyStorageError {
        let detail =
            connection.map { String(cString: sqlite3_errmsg($0)) }
            ?? String(cString: sqlite3_errstr(code))
        let fix: String
        switch code & 0xff {
        case SQLITE_NOTADB:
            fix =
                "the file is not an SQLite database; give the study another --out folder, or "
                + "move this file away"
        case SQLITE_CANTOPEN:
            fix =
                "check that the folder exists and is writable (SQLite also writes the -wal "
                + "and -shm files next to the database)"
        case SQLITE_BUSY, SQLITE_LOCKED:
            fix =
                "another process held the study's lock for over \(busyTimeout) s; check for a "
                + "hung worker, or retry"
        case SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH:
            fix =
                "make the database, its -wal and -shm files and their folder writable"
        case SQLITE_CORRUPT:
            fix = "the study database is damaged; restore it, or start a new --out folder"
        case SQLITE_FULL:
            fix = "free disk space, then resume (tune --resume)"
        case SQLITE_IOERR:
            fix = "check the disk (or network file system: SQLite needs working locks)"
        default:
            fix = "check the file, or start a new --out folder"
        }
        return .database(
            location: path, message: "\(doing): \(detail) (SQLite code \(code)); fix: \(fix)")
    }
}
