import Foundation
import PostgresNIO
import TestSupport
import Testing
import TuneSearch

@testable import TuneStorage

/// Plain SQL on a test database, for what the store's API does not do (dropping a study,
/// faking a newer schema, making and dropping databases).
enum PostgresTestDatabase {
    /// A connection to `database` (default: the test server's) as its user; the caller
    /// closes it.
    static func connect(database: String? = nil, id: Int = 99) throws -> PostgresConnection {
        guard let server = testServer else { try Test.cancel(noServer) }
        var configuration = PostgresConnection.Configuration(
            host: server.host, port: server.port, username: server.user,
            password: server.password, database: database ?? server.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        return try PostgresConnection.connect(
            on: PostgresConnection.defaultEventLoopGroup.any(), configuration: configuration,
            id: id, logger: Logger(label: "layerwise-tests")
        ).wait()
    }

    /// Runs `sql` on `database` (default: the test server's) as its user.
    static func execute(_ sql: String, database: String? = nil) throws {
        let connection = try connect(database: database)
        defer { try? connection.close().wait() }
        _ = try connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "tests"))
            .wait()
    }

    /// A new empty database on the test server for `body`, dropped afterwards.
    static func withDatabase<T>(_ body: (PostgreSQLLocation) throws -> T) throws -> T {
        guard var server = testServer else { try Test.cancel(noServer) }
        let name = "layerwise_scratch_\(UUID().uuidString.prefix(8).lowercased())"
        try execute("CREATE DATABASE \(name)")
        defer { try? execute("DROP DATABASE \(name) WITH (FORCE)") }
        server.database = name
        return try body(server)
    }
}

/// A reply that never comes (lost with its connection in a server restart) ends the wait: the
/// connection is closed and the wait fails as a dropped connection, which the store retries.
@Suite(.enabled(if: testServer != nil, "needs the PostgreSQL test server"))
struct ReplyTimeoutTests {
    @Test func aReplyThatNeverComesClosesTheConnectionAndFails() throws {
        let connection = try PostgresTestDatabase.connect(id: 98)
        defer { try? connection.close().wait() }
        let never = connection.eventLoop.makePromise(of: Int.self)
        defer { never.succeed(0) }  // a promise must not be dropped unfulfilled
        let start = Date()
        #expect(throws: ChannelError.ioOnClosedChannel) {
            try PostgreSQLStudyStorage.Statements.bounded(
                never.futureResult, connection: connection, timeout: .milliseconds(200))
        }
        #expect(Date().timeIntervalSince(start) < 10)
        // The connection was closed, so the store opens a new one for its retry.
        let closed = Date().addingTimeInterval(5)
        while !connection.isClosed, Date() < closed { Thread.sleep(forTimeInterval: 0.01) }
        #expect(connection.isClosed)
        // A reply that comes in time is the value.
        let other = try PostgresTestDatabase.connect(id: 97)
        defer { try? other.close().wait() }
        #expect(
            try PostgreSQLStudyStorage.Statements.bounded(
                other.eventLoop.makeSucceededFuture(7), connection: other) == 7)
        #expect(!other.isClosed)
    }
}

/// The message of the `.database` error `open` throws.
private func failureMessage(_ open: () throws -> Void) -> String {
    do {
        try open()
    } catch StudyStorageError.database(_, let message) {
        return message
    } catch {
        Issue.record("expected StudyStorageError.database, got \(error)")
        return ""
    }
    Issue.record("expected an error")
    return ""
}

private let depthSpace = SearchSpace(parameters: [
    SearchParameter(
        name: "model.depth", domain: .integer(low: 1, high: 6, log: false),
        zeroTrial: .integer(3), rule: "DEPTH")
])

private func smallDefinition(digest: String = "d") -> StudyDefinition {
    StudyDefinition(
        name: "n", specDigest: digest, specPath: "/s.yaml", metric: "r2", direction: .maximize,
        space: depthSpace, targetTrials: 4)
}

@Suite("PostgreSQL study storage")
struct PostgreSQLStudyStorageTests {
    @Test("storage URLs: the parts, the defaults, PGPASSWORD, and the password never shown")
    func locations() throws {
        let full = try PostgreSQLLocation(
            "postgresql://ann:s%40cret@db.example.org:6543/studies?sslmode=require"
                + "&connect_timeout=3")
        #expect(full.user == "ann")
        #expect(full.password == "s@cret")
        #expect(full.host == "db.example.org")
        #expect(full.port == 6543)
        #expect(full.database == "studies")
        #expect(full.tls == .require)
        #expect(full.connectTimeout == 3)
        #expect("\(full)" == "postgresql://ann@db.example.org:6543/studies")

        let short = try PostgreSQLLocation(
            "postgres://bob@[::1]/lw", environment: ["PGPASSWORD": "from-env"])
        #expect(short.host == "::1")
        #expect(short.port == 5432)
        #expect(short.password == "from-env")
        #expect(short.tls == .prefer)
        #expect("\(short)" == "postgresql://bob@[::1]:5432/lw")

        #expect(
            PostgreSQLLocation.redacted("postgresql://u:pw@h/d") == "postgresql://u:***@h/d")
        #expect(PostgreSQLLocation.redacted("postgresql://u@h/d") == "postgresql://u@h/d")
    }

    @Test(
        "a malformed storage URL names what is wrong, without the password",
        arguments: [
            ("mysql://u@h/d", "not a postgresql:// URL"),
            ("postgresql://h/d", "no user"),
            ("postgresql://u:pw@h", "no database name"),
            ("postgresql://u:pw@h:99999/d", "port"),
            ("postgresql://u:pw@h/d?sslmode=always", "sslmode 'always'"),
            ("postgresql://u:pw@h/d?timeout=3", "unknown parameter 'timeout'"),
        ])
    func badLocations(text: String, message: String) {
        do {
            _ = try PostgreSQLLocation(text)
            Issue.record("\(text) was accepted")
        } catch {
            let description = "\(error)"
            #expect(description.contains(message), "\(description)")
            #expect(description.contains("fix:"))
            #expect(!description.contains("pw@"), "the password was shown: \(description)")
        }
    }

    @Test("a server that does not answer: the host, the port and the fix")
    func unreachable() throws {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        let nowhere = try PostgreSQLLocation("postgresql://u:pw@127.0.0.1:1/d?sslmode=disable")
        let message = failureMessage {
            _ = try PostgreSQLStudyStorage(server: nowhere, study: "s", reconnectTimeout: 0)
        }
        #expect(message.contains("127.0.0.1:1"), "\(message)")
        #expect(message.contains("fix: "), "\(message)")
        #expect(!message.contains("pw"), "\(message)")
    }

    @Test("wrong credentials and a missing database: the server's refusal and the fix")
    func refused() throws {
        guard var server = testServer else { try Test.cancel(noServer) }
        server.password = "not-the-password"
        let wrong = failureMessage {
            _ = try PostgreSQLStudyStorage(server: server, study: "s", reconnectTimeout: 0)
        }
        #expect(wrong.contains("password authentication failed"), "\(wrong)")
        #expect(wrong.contains("check the user and password"), "\(wrong)")
        #expect(!wrong.contains("not-the-password"))

        server = testServer!
        server.database = "layerwise_no_such_database"
        let missing = failureMessage {
            _ = try PostgreSQLStudyStorage(server: server, study: "s", reconnectTimeout: 0)
        }
        #expect(missing.contains("does not exist"), "\(missing)")
        #expect(missing.contains("createdb layerwise_no_such_database"), "\(missing)")
    }

    @Test("an empty database gets the tables; one from a newer Layerwise is refused")
    func schema() throws {
        try PostgresTestDatabase.withDatabase { server in
            let storage = try PostgreSQLStudyStorage(server: server, study: "first")
            #expect(try storage.definition() == nil)
            _ = try storage.open(smallDefinition())
            #expect(try storage.claim(worker: "w") { _ in ["model.depth": .integer(2)] } != nil)
            // A second study in the same database is separate.
            let second = try PostgreSQLStudyStorage(server: server, study: "second")
            _ = try second.open(smallDefinition(digest: "other"))
            #expect(try second.trials().isEmpty)
            #expect(try storage.studyNames() == ["first", "second"])

            try PostgresTestDatabase.execute(
                "UPDATE layerwise_schema_version SET version = 99", database: server.database)
            #expect(
                throws: StudyStorageError.newerSchema(
                    location: "\(server) (study 'first')", found: 99,
                    supported: PostgreSQLStudyStorage.schemaVersion)
            ) {
                try PostgreSQLStudyStorage(server: server, study: "first")
            }
        }
    }

    @Test(
        "the server stops and starts again: calls wait, reconnect, and record a result once",
        .enabled(if: TestCluster.canStartPrivate))
    func serverRestart() throws {
        // A private cluster: restarting the shared one would cut the other tests' connections.
        try TestCluster.withPrivate { url, folder, port in
            let server = try PostgreSQLLocation(url + "?sslmode=disable")
            let storage = try PostgreSQLStudyStorage(server: server, study: "restart")
            _ = try storage.open(smallDefinition())
            let trial = try #require(
                try storage.claim(worker: "w") { _ in ["model.depth": .integer(4)] })

            try TestCluster.control("stop", folder)
            // The server comes back 1.5 s after a call starts waiting for it.
            let back = Thread {
                Thread.sleep(forTimeInterval: 1.5)
                _ = try? TestCluster.control("start", folder, port)
            }
            back.start()
            let start = Date()
            let recorded = try storage.finish(
                trial: trial.number, worker: "w",
                outcome: TrialOutcome(state: .complete, value: 0.75, epochs: 3))
            #expect(recorded)
            #expect(Date().timeIntervalSince(start) >= 1.0, "finish returned before the restart")
            let trials = try storage.trials()
            #expect(trials.count == 1)
            #expect(trials.first?.state == .complete)
            #expect(trials.first?.value == 0.75)
            // A second restart, with no call waiting: the next call reconnects by itself.
            try TestCluster.control("restart", folder)
            #expect(try storage.heartbeat(trial: 0, worker: "w") == false)  // finished
            #expect(try storage.trials() == trials)

            // A server that stays down: the call gives up after its window, with the fix.
            let brief = try PostgreSQLStudyStorage(
                server: server, study: "restart", reconnectTimeout: 1)
            try TestCluster.control("stop", folder)
            let message = failureMessage { _ = try brief.trials() }
            #expect(message.contains("fix:"), "\(message)")
        }
    }
}
