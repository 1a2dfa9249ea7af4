import Foundation
import PostgresNIO
import TuneSearch

/// A study on a PostgreSQL server, shared by workers on any number of machines (postgres-nio).
///
/// One database holds many studies, by name. Every method is one transaction on this object's
/// connection (calls from several threads are serialised on it). A claim takes a queued trial
/// with `SELECT ... FOR UPDATE SKIP LOCKED`, so two workers never take the same one, and makes a
/// new trial only while holding the study's row lock (`SELECT ... FOR UPDATE`), so the count
/// against the target and the history `propose` reads cannot change under it. Times (start,
/// heartbeat, finish, the lease's age) are the server's clock, so machines' clocks may differ.
///
/// A lost connection (the server restarted, the network dropped) is reopened, and the call
/// retried, for up to `reconnectTimeout` seconds; a call whose commit was sent but not
/// acknowledged is retried in a way that records a result once (see `finish`).
///
/// Schema (version 1), tables prefixed `layerwise_` so they can share a database:
/// - `layerwise_schema_version(version)`: one row.
/// - `layerwise_studies(id, name UNIQUE, spec_digest, spec_path, metric, direction, space,
///   target_trials, created_at)`.
/// - `layerwise_trials(study_id, number, state, assignment, value, worker, epochs, seconds,
///   attributes, started_at, finished_at, heartbeat_at, PRIMARY KEY (study_id, number))`.
/// - `layerwise_intermediate_values(study_id, trial, step, value)`.
/// - `layerwise_study_attributes(study_id, key, value)`.
///
/// NaN is stored as NULL, as SQLite stores it, so both stores read the same values back.
public final class PostgreSQLStudyStorage: StudyStorage, @unchecked Sendable {
    // @unchecked Sendable: `connection` and `studyID` are touched only inside `calls`.

    /// The schema version this build writes and reads (the number of migrations).
    public static var schemaVersion: Int { migrations.count }

    /// The server and database.
    public let server: PostgreSQLLocation
    /// The study's name in the database.
    public let study: String
    /// Seconds a call keeps reconnecting after losing the server before it fails.
    public let reconnectTimeout: Double

    /// The URL without its password, and the study.
    public var location: String { study.isEmpty ? "\(server)" : "\(server) (study '\(study)')" }

    private let calls = SerialCalls()
    private let decoded = DecodedTexts()
    private var connection: PostgresConnection?
    private var studyID: Int?
    private let logger: Logger = {
        var logger = Logger(label: "layerwise.study-storage")
        logger.logLevel = .critical
        return logger
    }()

    /// Connects to the server and brings the database's tables to this build's schema
    /// (creating them in a database that has none).
    /// - Parameters:
    ///   - server: where the database is.
    ///   - study: the study's name (`--study`).
    ///   - reconnectTimeout: seconds to keep reconnecting after the connection drops (60).
    /// - Throws: `StudyStorageError.database` for an unreachable server, refused credentials,
    ///   a missing database or missing rights, each with its fix; `.newerSchema` when a newer
    ///   Layerwise made the tables.
    public convenience init(
        server: PostgreSQLLocation, study: String, reconnectTimeout: Double = 60
    ) throws {
        guard !study.isEmpty, study.count <= 200 else {
            throw StudyStorageError.database(
                location: "--study",
                message: "the study name must be 1 to 200 characters; fix: give --study NAME")
        }
        try self.init(server: server, anyStudy: study, reconnectTimeout: reconnectTimeout)
    }

    /// The names of every study in the database at `server`, sorted.
    public static func studyNames(on server: PostgreSQLLocation) throws -> [String] {
        try PostgreSQLStudyStorage(server: server, anyStudy: "", reconnectTimeout: 0)
            .studyNames()
    }

    private init(
        server: PostgreSQLLocation, anyStudy study: String, reconnectTimeout: Double
    )
        throws
    {
        self.server = server
        self.study = study
        self.reconnectTimeout = reconnectTimeout
        connection = try connect(doing: "cannot connect to the study database")
        try migrate()
    }

    deinit {
        try? connection?.close().wait()
    }

    // MARK: StudyStorage

    /// Creates the study, or opens it when one of this name exists with the same spec digest
    /// (one transaction: two workers opening at once agree on one definition).
    /// - Parameter definition: the study as this worker would make it; its `name` is ignored
    ///   for the store's `study`.
    /// - Returns: the stored definition (its `targetTrials` raised to `definition`'s when
    ///   larger).
    /// - Throws: `StudyStorageError.otherSpec` when the study was made from another spec;
    ///   `.database` when the server fails.
    public func open(_ definition: StudyDefinition) throws -> StudyDefinition {
        try transaction("cannot open study '\(study)'") { run in
            // The row lock of an existing study; an insert racing another is settled by the
            // unique name (ON CONFLICT DO NOTHING, then read what won).
            try run(
                """
                INSERT INTO layerwise_studies (name, spec_digest, spec_path, metric, direction,
                    space, target_trials)
                VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING
                """,
                [
                    .text(study), .text(definition.specDigest), .text(definition.specPath),
                    .text(definition.metric), .text(definition.direction.rawValue),
                    .text(try encode(definition.space)), .integer(definition.targetTrials),
                ])
            guard var stored = try readDefinition(run, lockingRow: true) else {
                throw corrupt("study '\(study)' vanished while it was opened")
            }
            guard stored.specDigest == definition.specDigest else {
                throw StudyStorageError.otherSpec(
                    study: study, storedSpec: stored.specPath, storedDigest: stored.specDigest,
                    givenDigest: definition.specDigest)
            }
            if definition.targetTrials > stored.targetTrials {
                try run(
                    "UPDATE layerwise_studies SET target_trials = $1 WHERE id = $2",
                    [.integer(definition.targetTrials), .integer(try id(run))])
                stored.targetTrials = definition.targetTrials
            }
            return stored
        }
    }

    /// The stored definition; nil when no study of this name exists.
    public func definition() throws -> StudyDefinition? {
        try transaction("cannot read study '\(study)'") { run in try readDefinition(run) }
    }

    /// Every trial with its intermediate values, in number order (one statement, so one
    /// snapshot, and one round trip).
    public func trials() throws -> [TrialRecord] {
        try transaction("cannot read the trials", autocommit: true) { run in
            guard let id = try optionalID(run) else { return [] }
            return try readTrials(run, study: id)
        }
    }

    /// Claims the next trial for `worker`:
    /// 1. the lowest-numbered queued trial that no other claim holds (`FOR UPDATE SKIP
    ///    LOCKED`) becomes running under `worker`;
    /// 2. else, holding the study's row lock, while the trials number under `targetTrials`, a
    ///    new trial numbered one past the highest with the values `propose` returns from the
    ///    history read under that lock;
    /// 3. else nil: nothing to claim now (the target is reached, or the queued trials are being
    ///    claimed by others; a worker that wants the study finished waits for running trials).
    /// - Throws: what `propose` throws (nothing written); `.database` when there is no study.
    public func claim(
        worker: String, propose: ([TrialRecord]) throws -> Assignment
    ) throws -> TrialRecord? {
        try transaction("cannot claim a trial") { run in
            guard let id = try optionalID(run) else {
                throw StudyStorageError.database(
                    location: location,
                    message: "cannot claim a trial: there is no study '\(study)'; "
                        + "fix: open the study (StudyStorage.open) before claiming")
            }
            let queued = try run(
                """
                SELECT number FROM layerwise_trials
                WHERE study_id = $1 AND state = 'queued'
                ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED
                """, [.integer(id)])
            if let number = queued.first?[0].integer {
                try run(
                    """
                    UPDATE layerwise_trials SET state = 'running', worker = $1,
                        started_at = clock_timestamp(), heartbeat_at = clock_timestamp(),
                        finished_at = NULL
                    WHERE study_id = $2 AND number = $3
                    """, [.text(worker), .integer(id), .integer(number)])
                return try readTrials(run, study: id, number: number).first
            }
            let target = try run(
                "SELECT target_trials FROM layerwise_studies WHERE id = $1 FOR UPDATE",
                [.integer(id)])
            let counted = try run(
                "SELECT count(*) FROM layerwise_trials WHERE study_id = $1", [.integer(id)])
            guard (counted.first?[0].integer ?? 0) < (target.first?[0].integer ?? 0) else {
                return nil
            }
            let history = try readTrials(run, study: id)
            let assignment = try propose(history)
            let number = (history.last?.number ?? -1) + 1
            try run(
                """
                INSERT INTO layerwise_trials (study_id, number, state, assignment, worker,
                    attributes, started_at, heartbeat_at)
                VALUES ($1, $2, 'running', $3, $4, '{}', clock_timestamp(), clock_timestamp())
                """,
                [.integer(id), .integer(number), .text(try encode(assignment)), .text(worker)])
            return TrialRecord(
                number: number, state: .running, assignment: assignment, worker: worker)
        }
    }

    /// Records (or replaces) an intermediate value of a trial running under `worker`, and
    /// renews its lease. Returns false, changing nothing, when it is not running under it.
    @discardableResult
    public func report(trial: Int, worker: String, value: IntermediateValue) throws -> Bool {
        // One statement (the lease renewal feeding the insert): atomic without a transaction,
        // and one round trip, where BEGIN, two statements and COMMIT were four.
        try transaction("cannot record trial \(trial)'s step \(value.step)", autocommit: true) {
            run in
            let id = try id(run)
            return try run.changes(
                """
                WITH alive AS (
                    UPDATE layerwise_trials SET heartbeat_at = clock_timestamp()
                    WHERE study_id = $1 AND number = $2 AND state = 'running' AND worker = $3
                    RETURNING number)
                INSERT INTO layerwise_intermediate_values (study_id, trial, step, value)
                SELECT $1, number, $4, $5::double precision FROM alive
                ON CONFLICT (study_id, trial, step) DO UPDATE SET value = excluded.value
                """,
                [
                    .integer(id), .integer(trial), .text(worker), .integer(value.step),
                    .real(value.value),
                ]) == 1
        }
    }

    /// Ends a trial running under `worker`. Returns false, changing nothing, when it is not
    /// running under `worker` (a late result from a worker presumed dead: recorded once,
    /// never twice). When the connection dropped after the commit was sent, the retry finds
    /// the trial already finished by `worker` and returns true without writing again.
    @discardableResult
    public func finish(trial: Int, worker: String, outcome: TrialOutcome) throws -> Bool {
        let attributes = try rows.finishing(trial: trial, outcome)
        var attempt = 0
        return try transaction("cannot finish trial \(trial)", autocommit: true) { run in
            attempt += 1
            let id = try id(run)
            let changed = try run.changes(
                """
                UPDATE layerwise_trials SET state = $1, value = $2, epochs = $3, seconds = $4,
                    attributes = $5, finished_at = clock_timestamp(),
                    heartbeat_at = clock_timestamp()
                WHERE study_id = $6 AND number = $7 AND state = 'running' AND worker = $8
                """,
                [
                    .text(outcome.state.rawValue), .real(outcome.value),
                    .integer(outcome.epochs), .real(outcome.seconds), .text(attributes),
                    .integer(id), .integer(trial), .text(worker),
                ])
            if changed == 1 { return true }
            guard attempt > 1 else { return false }
            // A retry after a lost acknowledgement: the first attempt may have committed.
            let row = try run(
                """
                SELECT state, worker, attributes FROM layerwise_trials
                WHERE study_id = $1 AND number = $2
                """, [.integer(id), .integer(trial)])
            return row.first.map {
                $0[0].text == outcome.state.rawValue && $0[1].text == worker
                    && $0[2].text == attributes
            } ?? false
        }
    }

    /// Puts every running trial back in the queue. On a shared server that includes other
    /// machines' live trials: `tune` never calls it for a PostgreSQL study (leases do the
    /// work); it is here for the protocol and for an operator's repair.
    public func requeueRunning() throws -> [Int] {
        try requeue("state = 'running'", [], doing: "cannot requeue the running trials")
    }

    /// Renews the lease of a trial running under `worker`.
    @discardableResult
    public func heartbeat(trial: Int, worker: String) throws -> Bool {
        try transaction("cannot renew trial \(trial)'s lease", autocommit: true) { run in
            let id = try id(run)
            return try run.changes(
                """
                UPDATE layerwise_trials SET heartbeat_at = clock_timestamp()
                WHERE study_id = $1 AND number = $2 AND state = 'running' AND worker = $3
                """, [.integer(id), .integer(trial), .text(worker)]) == 1
        }
    }

    /// Puts a trial running under `worker` back in the queue.
    @discardableResult
    public func release(trial: Int, worker: String) throws -> Bool {
        try !requeue(
            "state = 'running' AND number = $2 AND worker = $3",
            [.integer(trial), .text(worker)],
            doing: "cannot put trial \(trial) back in the queue"
        ).isEmpty
    }

    /// Puts every running trial whose heartbeat is more than `lease` seconds old (by the
    /// server's clock) back in the queue.
    public func requeueExpired(lease: Double) throws -> [Int] {
        try requeue(
            "state = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < clock_timestamp() "
                + "- make_interval(secs => $2))", [.real(lease)],
            doing: "cannot requeue the trials whose lease expired")
    }

    /// The names of every study in the database, sorted (for a did-you-mean).
    public func studyNames() throws -> [String] {
        try transaction("cannot list the studies") { run in
            try run("SELECT name FROM layerwise_studies ORDER BY name", []).compactMap {
                $0[0].text
            }
        }
    }

    /// A study-level value; nil when unset.
    public func attribute(_ key: String) throws -> String? {
        try transaction("cannot read study attribute '\(key)'", autocommit: true) { run in
            let id = try id(run)
            return try run(
                "SELECT value FROM layerwise_study_attributes WHERE study_id = $1 AND key = $2",
                [.integer(id), .text(key)]
            ).first?[0].text
        }
    }

    /// Sets (or replaces) a study-level value.
    public func setAttribute(_ key: String, _ value: String) throws {
        try transaction("cannot set study attribute '\(key)'") { run in
            let id = try id(run)
            try run(
                """
                INSERT INTO layerwise_study_attributes (study_id, key, value) VALUES ($1, $2, $3)
                ON CONFLICT (study_id, key) DO UPDATE SET value = excluded.value
                """, [.integer(id), .text(key), .text(value)])
        }
    }

    /// Requeues the trials of this study matching `condition` (`$1` is the study's id; the
    /// condition's own parameters start at `$2`), in one transaction.
    private func requeue(
        _ condition: String, _ arguments: [StoredValue], doing: String
    ) throws -> [Int] {
        try transaction(doing) { run in
            guard let id = try optionalID(run) else { return [] }
            let rows = try run(
                """
                UPDATE layerwise_trials SET state = 'queued', worker = NULL, started_at = NULL,
                    heartbeat_at = NULL
                WHERE study_id = $1 AND \(condition) RETURNING number
                """, [.integer(id)] + arguments)
            let numbers = rows.compactMap { $0[0].integer }.sorted()
            if !numbers.isEmpty {
                try run(
                    """
                    DELETE FROM layerwise_intermediate_values
                    WHERE study_id = $1 AND trial = ANY($2)
                    """, [.integer(id), .integers(numbers)])
            }
            return numbers
        }
    }

    // MARK: Schema

    /// The schema's steps; step `i` takes the database from version `i` to `i + 1`. A new
    /// version appends a step (never edits one: databases in the field ran it).
    private static let migrations: [[String]] = [
        // 1: the initial tables.
        [
            """
            CREATE TABLE layerwise_studies (
                id BIGSERIAL PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                spec_digest TEXT NOT NULL,
                spec_path TEXT NOT NULL,
                metric TEXT NOT NULL,
                direction TEXT NOT NULL CHECK (direction IN ('minimize', 'maximize')),
                space TEXT NOT NULL,
                target_trials INTEGER NOT NULL,
                created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
            )
            """,
            """
            CREATE TABLE layerwise_trials (
                study_id BIGINT NOT NULL REFERENCES layerwise_studies (id) ON DELETE CASCADE,
                number INTEGER NOT NULL CHECK (number >= 0),
                state TEXT NOT NULL
                    CHECK (state IN ('queued', 'running', 'complete', 'pruned', 'failed')),
                assignment TEXT NOT NULL,
                value DOUBLE PRECISION,
                worker TEXT,
                epochs INTEGER,
                seconds DOUBLE PRECISION,
                attributes TEXT NOT NULL DEFAULT '{}',
                started_at TIMESTAMPTZ,
                finished_at TIMESTAMPTZ,
                heartbeat_at TIMESTAMPTZ,
                PRIMARY KEY (study_id, number)
            )
            """,
            "CREATE INDEX layerwise_trials_state ON layerwise_trials (study_id, state, number)",
            """
            CREATE TABLE layerwise_intermediate_values (
                study_id BIGINT NOT NULL,
                trial INTEGER NOT NULL,
                step INTEGER NOT NULL,
                value DOUBLE PRECISION,
                PRIMARY KEY (study_id, trial, step),
                FOREIGN KEY (study_id, trial) REFERENCES layerwise_trials (study_id, number)
                    ON DELETE CASCADE
            )
            """,
            """
            CREATE TABLE layerwise_study_attributes (
                study_id BIGINT NOT NULL REFERENCES layerwise_studies (id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (study_id, key)
            )
            """,
        ]
    ]

    /// Brings the tables to `schemaVersion` in one transaction, under an advisory lock so
    /// workers starting at once migrate once.
    private func migrate() throws {
        try transaction("cannot set up the study tables") { run in
            try run("SELECT pg_advisory_xact_lock(7406151042)", [])
            try run(
                "CREATE TABLE IF NOT EXISTS layerwise_schema_version (version INTEGER NOT NULL)",
                [])
            let found = try run("SELECT max(version) FROM layerwise_schema_version", [])
            let version = found.first?[0].integer ?? 0
            guard version <= Self.schemaVersion else {
                throw StudyStorageError.newerSchema(
                    location: location, found: version, supported: Self.schemaVersion)
            }
            guard version < Self.schemaVersion else { return }
            for step in Self.migrations[version...] {
                for statement in step { try run(statement, []) }
            }
            try run("DELETE FROM layerwise_schema_version", [])
            try run(
                "INSERT INTO layerwise_schema_version (version) VALUES ($1)",
                [.integer(Self.schemaVersion)])
        }
    }

    // MARK: Rows

    private func optionalID(_ run: Statements) throws -> Int? {
        if let studyID { return studyID }
        let rows = try run("SELECT id FROM layerwise_studies WHERE name = $1", [.text(study)])
        studyID = rows.first?[0].integer
        return studyID
    }

    private func id(_ run: Statements) throws -> Int {
        guard let id = try optionalID(run) else {
            throw StudyStorageError.database(
                location: location,
                message: "there is no study '\(study)' in this database; fix: start it with "
                    + "`layerwise tune SPEC --storage URL --study \(study)`")
        }
        return id
    }

    private func readDefinition(
        _ run: Statements, lockingRow: Bool = false
    ) throws -> StudyDefinition? {
        let found = try run(
            """
            SELECT name, spec_digest, spec_path, metric, direction, space, target_trials, id
            FROM layerwise_studies WHERE name = $1
            """ + (lockingRow ? " FOR UPDATE" : ""), [.text(study)])
        guard let row = found.first else { return nil }
        studyID = row[7].integer
        return try rows.definition(row)
    }

    /// Trials in number order with their intermediate values (aggregated into arrays: one
    /// statement); one trial when `number` is given.
    private func readTrials(
        _ run: Statements, study id: Int, number: Int? = nil
    ) throws -> [TrialRecord] {
        let filter = number == nil ? "" : " AND t.number = $2"
        let arguments: [StoredValue] = [.integer(id)] + (number.map { [.integer($0)] } ?? [])
        let found = try run(
            """
            SELECT t.number, t.state, t.assignment, t.value, t.worker, t.epochs, t.seconds,
                t.attributes,
                (SELECT array_agg(i.step::bigint ORDER BY i.step)
                    FROM layerwise_intermediate_values i
                    WHERE i.study_id = t.study_id AND i.trial = t.number),
                (SELECT array_agg(coalesce(i.value, 'NaN'::double precision) ORDER BY i.step)
                    FROM layerwise_intermediate_values i
                    WHERE i.study_id = t.study_id AND i.trial = t.number)
            FROM layerwise_trials t WHERE t.study_id = $1\(filter) ORDER BY t.number
            """, arguments)
        return try found.map { row in
            let steps = row[8].integers ?? []
            let values = row[9].reals ?? []
            guard steps.count == values.count else {
                throw corrupt("trial \(row[0].integer ?? -1)'s intermediate values do not pair up")
            }
            return try rows.trial(
                row, intermediate: zip(steps, values).map { IntermediateValue(step: $0, value: $1) }
            )
        }
    }

    private var rows: StoredRows {
        StoredRows(
            location: location, decoded: decoded,
            damagedFix: "the study's rows were edited or damaged; restore them, or start "
                + "another --study")
    }

    private func encode<T: Encodable>(_ value: T) throws -> String { try rows.encode(value) }

    private func corrupt(_ detail: String) -> StudyStorageError { rows.corrupt(detail) }

    // MARK: PostgreSQL

    /// Runs statements inside one transaction; `changes` returns the rows a statement changed.
    struct Statements {
        let connection: PostgresConnection
        let logger: Logger

        @discardableResult
        func callAsFunction(_ sql: String, _ arguments: [StoredValue]) throws -> [[StoredValue]] {
            try result(sql, arguments).rows.map(Self.values)
        }

        func changes(_ sql: String, _ arguments: [StoredValue]) throws -> Int {
            try result(sql, arguments).metadata.rows ?? 0
        }

        private func result(_ sql: String, _ arguments: [StoredValue]) throws -> PostgresQueryResult
        {
            var binds = PostgresBindings(capacity: arguments.count)
            for argument in arguments {
                switch argument {
                case .null: binds.appendNull()
                case .integer(let value): binds.append(value)
                case .real(let value): binds.append(value)
                case .text(let value): binds.append(value)
                case .integers(let values): binds.append(values)
                case .reals(let values): binds.append(values)
                }
            }
            return try Self.bounded(
                connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger),
                connection: connection)
        }

        /// Longest wait for one statement's reply. The statements are short and the
        /// transactions that may hold their rows shorter; the limit is for a reply lost with
        /// the connection (a server restart at the wrong moment once left a worker waiting for
        /// good, its connection gone: CI, 2026-12-07).
        static let replyTimeout: TimeAmount = .seconds(30)

        /// `future`'s value, waiting at most `timeout` (default `replyTimeout`): past it the
        /// connection is closed and the wait fails as a closed channel, which `retrying`
        /// treats as a dropped connection (reconnect, run the transaction again).
        static func bounded<T: Sendable>(
            _ future: EventLoopFuture<T>, connection: PostgresConnection,
            timeout limit: TimeAmount = replyTimeout
        ) throws -> T {
            let reply = future.eventLoop.makePromise(of: T.self)
            future.cascade(to: reply)
            // Both run on the future's event loop; whichever comes second is ignored.
            let timeout = future.eventLoop.scheduleTask(in: limit) {
                reply.fail(ChannelError.ioOnClosedChannel)
                let closing: EventLoopFuture<Void> = connection.close()
                _ = closing
            }
            defer { timeout.cancel() }
            return try reply.futureResult.wait()
        }

        private static func values(_ row: PostgresRow) -> [StoredValue] {
            row.map { cell -> StoredValue in
                guard cell.bytes != nil else { return .null }
                switch cell.dataType {
                case .int2, .int4, .int8:
                    return (try? cell.decode(Int.self)).map(StoredValue.integer) ?? .null
                case .float4, .float8, .numeric:
                    return (try? cell.decode(Double.self)).map(StoredValue.real) ?? .null
                case .int8Array:
                    return (try? cell.decode([Int].self)).map(StoredValue.integers) ?? .null
                case .float8Array:
                    return (try? cell.decode([Double].self)).map(StoredValue.reals) ?? .null
                default:
                    return (try? cell.decode(String.self)).map(StoredValue.text) ?? .null
                }
            }
        }
    }

    /// Runs `body` in one transaction on the connection, under the lock: committed when it
    /// returns, rolled back when it throws. A lost connection is reopened and `body` run again
    /// from the start (so it must read what it writes from the database, as every call here
    /// does), for up to `reconnectTimeout` seconds. `autocommit`: `body` runs its statements
    /// outside a transaction (for a body of one statement, or of reads that need no snapshot
    /// together).
    private func transaction<T>(
        _ doing: String, autocommit: Bool = false,
        _ body: (Statements) throws -> T
    ) throws -> T {
        try calls.run(location: location, doing: doing) {
            try retrying(doing, autocommit: autocommit, body)
        }
    }

    /// `transaction`'s body, with the calls serialised.
    private func retrying<T>(
        _ doing: String, autocommit: Bool, _ body: (Statements) throws -> T
    ) throws -> T {
        let deadline = Date().addingTimeInterval(reconnectTimeout)
        var pause = 0.1
        while true {
            do {
                let live: PostgresConnection
                if let connection, !connection.isClosed {
                    live = connection
                } else {
                    connection = nil
                    live = try openConnection(doing: doing)
                    connection = live
                }
                let run = Statements(connection: live, logger: logger)
                // A body of one statement (each atomic by itself, or reads) needs no
                // transaction: BEGIN and COMMIT would be two of its three round trips.
                if autocommit { return try body(run) }
                try run("BEGIN", [])  // READ COMMITTED: the row locks serialise what must be
                do {
                    let result = try body(run)
                    try run("COMMIT", [])
                    return result
                } catch {
                    if !live.isClosed { _ = try? run("ROLLBACK", []) }
                    throw error
                }
            } catch let error where !Self.isDatabaseError(error) {
                throw error  // the store's own errors, and what `propose` threw
            } catch {
                guard Self.isTransient(error), Date() < deadline else {
                    throw failure(error, doing)
                }
                // The server went away (restart, network) or a serialisation conflict: wait,
                // reconnect and run the whole transaction again.
                try? connection?.close().wait()
                connection = nil
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 2)
            }
        }
    }

    /// Whether `error` came from the client or the server (not from this file or `propose`).
    private static func isDatabaseError(_ error: any Error) -> Bool {
        error is PSQLError || error is ChannelError || error is NIOConnectionError
            || error is IOError || error is PostgresDecodingError
    }

    /// Whether `error` is worth a retry on a new connection: the connection dropped, or the
    /// server cancelled the transaction for a conflict or its shutdown.
    private static func isTransient(_ error: any Error) -> Bool {
        if let error = error as? PSQLError {
            switch error.code {
            case .serverClosedConnection, .clientClosedConnection, .connectionError,
                .uncleanShutdown:
                return true
            case .server:
                let state = error.serverInfo?[.sqlState] ?? ""
                // 40001 serialization, 40P01 deadlock, 57P01-57P03 shutdown / cannot connect
                // now, 08xxx connection exceptions.
                return ["40001", "40P01", "57P01", "57P02", "57P03"].contains(state)
                    || state.hasPrefix("08")
            default:
                return false
            }
        }
        return error is ChannelError || error is NIOConnectionError || error is IOError
    }

    /// Opens a connection (the lock is held); the client's errors come through as they are,
    /// so a transaction can tell a server still restarting from a refusal.
    private func openConnection(doing: String) throws -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(
            host: server.host, port: server.port, username: server.user,
            password: server.password, database: server.database, tls: .disable)
        configuration.options.connectTimeout = .milliseconds(Int64(server.connectTimeout * 1000))
        if server.tls != .disable {
            do {
                let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                configuration.tls =
                    server.tls == .require ? .require(context) : .prefer(context)
            } catch {
                throw StudyStorageError.database(
                    location: location,
                    message: "\(doing): cannot set up TLS (\(error)); fix: install the "
                        + "system's CA certificates, or add ?sslmode=disable on a trusted "
                        + "network")
            }
        }
        return try PostgresConnection.connect(
            on: PostgresConnection.defaultEventLoopGroup.any(),
            configuration: configuration, id: 1, logger: logger
        ).wait()
    }

    /// Opens a connection (the lock is held); a failure is a located `StudyStorageError`.
    private func connect(doing: String) throws -> PostgresConnection {
        do {
            return try openConnection(doing: doing)
        } catch let error where Self.isDatabaseError(error) {
            throw failure(error, doing)
        }
    }

    /// A server or connection failure, located, in the server's words, with the fix.
    private func failure(_ error: any Error, _ doing: String) -> StudyStorageError {
        let endpoint = "\(server.host):\(server.port)"
        var detail: String
        var fix: String
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message]
            detail = message ?? Self.describe(error)
            switch (error.code, state) {
            case (.server, "28P01"), (.server, "28000"):
                fix =
                    "check the user and password (in the URL, or PGPASSWORD) for "
                    + "\(server.user); the server refused them"
            case (.server, "3D000"):
                fix =
                    "create the database (`createdb \(server.database)`), or name an existing "
                    + "one in the URL"
            case (.server, "42501"):
                fix =
                    "grant \(server.user) CREATE on the database (the study tables are made "
                    + "on first use), or have its owner run the first `tune`"
            case (.server, "53300"):
                fix =
                    "the server has no free connections; raise max_connections or use "
                    + "fewer workers"
            case (.server, let code) where code.hasPrefix("57P") || code.hasPrefix("08"):
                fix = "the server is shutting down or restarting; start it, then rerun"
            case (.authMechanismRequiresPassword, _):
                detail = "the server asks for a password and none was given"
                fix = "give it in the URL (postgresql://USER:PASSWORD@HOST/DB) or in PGPASSWORD"
            case (.sslUnsupported, _):
                detail = "the server does not offer TLS"
                fix = "enable ssl on the server, or use ?sslmode=prefer (or disable)"
            case (.connectionError, _), (.serverClosedConnection, _), (.uncleanShutdown, _):
                detail = "lost or no connection to \(endpoint)" + Self.underlying(error)
                fix = "check that the server runs and accepts TCP connections at \(endpoint)"
            default:
                fix = "check the server's log"
            }
            if state != "" { detail += " (SQLSTATE \(state))" }
        } else {
            detail = "no PostgreSQL server answers at \(endpoint) (\(error))"
            fix =
                "start the server, or check the host and port in the URL (and any firewall "
                + "between)"
        }
        return .database(location: location, message: "\(doing): \(detail); fix: \(fix)")
    }

    private static func underlying(_ error: PSQLError) -> String {
        error.underlying.map { " (\($0))" } ?? ""
    }

    /// PSQLError's description hides everything (it may hold secrets); its code is safe.
    private static func describe(_ error: PSQLError) -> String {
        "\(error.code)" + underlying(error)
    }
}
