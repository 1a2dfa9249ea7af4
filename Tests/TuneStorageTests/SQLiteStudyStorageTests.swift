import Foundation
import Testing
import TuneSearch
import TuneStorage

// MARK: Fixtures

/// A unique database path in the temporary folder; the file and its -wal/-shm are removed after
/// `body`.
private func withDatabase<T>(_ body: (String) throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("layerwise-storage-\(UUID().uuidString).sqlite").path
    defer {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
    return try body(path)
}

private let sqlite3CLI = "/usr/bin/sqlite3"
private let hasSQLite3CLI = FileManager.default.isExecutableFile(atPath: sqlite3CLI)

/// Runs the sqlite3 shell on `path` with `sql`; returns its output.
@discardableResult
private func sqlite3(_ path: String, _ sql: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: sqlite3CLI)
    process.arguments = [path, sql]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// A sqlite3 shell on `path` fed through a pipe, so a test decides when each statement runs.
private final class SQLiteShell: @unchecked Sendable {
    // @unchecked: the fields are set once in init; the pipes' file handles may be written from
    // another thread.
    let process = Process()
    let input = Pipe()
    let output = Pipe()

    init(_ path: String) throws {
        process.executableURL = URL(fileURLWithPath: sqlite3CLI)
        process.arguments = [path]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    func send(_ sql: String) {
        input.fileHandleForWriting.write(Data((sql + "\n").utf8))
    }

    /// Reads the shell's output until it contains `marker`; false when the shell ended first.
    func wait(for marker: String) -> Bool {
        var seen = ""
        while !seen.contains(marker) {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { return false }
            seen += String(decoding: data, as: UTF8.self)
        }
        return true
    }
}

// MARK: Tests

@Suite("SQLite study storage")
struct SQLiteStudyStorageTests {
    @Test(
        "a claim waits for another process's write transaction instead of failing",
        .enabled(if: hasSQLite3CLI))
    func claimWaitsForAnotherProcess() throws {
        try withDatabase { path in
            let storage = try SQLiteStudyStorage(path: path)
            _ = try storage.open(definition(target: 3))
            let shell = try SQLiteShell(path)
            shell.send(
                """
                BEGIN IMMEDIATE;
                INSERT INTO study_attributes (key, value) VALUES ('child', 'committed');
                SELECT 'locked';
                """)
            try #require(shell.wait(for: "locked"))
            // The child holds the write lock; it commits 0.5 s from now.
            let release = Thread {
                Thread.sleep(forTimeInterval: 0.5)
                shell.send("COMMIT;\n.quit")
            }
            let start = Date()
            release.start()
            let trial = try storage.claim(worker: "w") { _ in assignment(0) }
            let waited = Date().timeIntervalSince(start)
            shell.process.waitUntilExit()
            #expect(trial?.number == 0)
            #expect(waited >= 0.4, "claim returned after \(waited) s, before the child's commit")
            #expect(waited < 5)
            #expect(shell.process.terminationStatus == 0)
            #expect(try storage.attribute("child") == "committed")
        }
    }

    @Test(
        "a process killed inside a write transaction leaves the study as before it",
        .enabled(if: hasSQLite3CLI))
    func killedWriterLeavesNoTrace() throws {
        try withDatabase { path in
            let storage = try SQLiteStudyStorage(path: path)
            _ = try storage.open(definition(target: 3))
            _ = try storage.claim(worker: "w") { _ in assignment(0) }
            let before = try storage.trials()
            let walBefore = walSize(path)
            let shell = try SQLiteShell(path)
            // A tiny page cache spills the uncommitted pages into the -wal file before the
            // kill: recovery must ignore frames without a commit.
            shell.send(
                """
                PRAGMA cache_size = 2;
                BEGIN IMMEDIATE;
                UPDATE trials SET state = 'complete', value = 1 WHERE number = 0;
                INSERT INTO trials (number, state, assignment) VALUES (99, 'running', '{}');
                WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5000)
                INSERT INTO study_attributes (key, value)
                SELECT 'k' || x, hex(randomblob(64)) FROM n;
                SELECT 'ready';
                """)
            try #require(shell.wait(for: "ready"))
            #expect(walSize(path) - walBefore > 100_000, "the uncommitted pages reached the WAL")
            kill(shell.process.processIdentifier, SIGKILL)
            shell.process.waitUntilExit()
            #expect(shell.process.terminationReason == .uncaughtSignal)

            let start = Date()
            let trial = try storage.claim(worker: "w") { _ in assignment(1) }
            #expect(Date().timeIntervalSince(start) < 5)  // the dead process's lock is gone
            #expect(trial?.number == 1)
            let after = try SQLiteStudyStorage(path: path).trials()
            #expect(Array(after.prefix(1)) == before)
            #expect(after.map(\.number) == [0, 1])
            #expect(try storage.attribute("k1") == nil)
            #expect(try sqlite3(path, "PRAGMA integrity_check;") == "ok\n")
        }
    }

    @Test(
        "worker processes claiming at once make each of the 40 trials exactly once",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/proc/self/exe")))
    func processesClaimConcurrently() throws {
        try withDatabase { path in
            let storage = try SQLiteStudyStorage(path: path)
            _ = try storage.open(definition(target: 40))
            // Children: this test binary again, running only `workerProcess` below.
            let children = try (0..<3).map { index in
                let child = Process()
                child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
                child.arguments = [
                    "--testing-library", "swift-testing", "--filter",
                    "SQLiteStudyStorageTests/workerProcess",
                ]
                var environment = ProcessInfo.processInfo.environment
                environment[childDatabase] = path
                environment[childIndex] = "\(index)"
                child.environment = environment
                child.standardOutput = FileHandle.nullDevice
                child.standardError = FileHandle.nullDevice
                try child.run()
                return child
            }
            defer {
                for child in children where child.isRunning { child.terminate() }
            }
            // Start together, once every child has its connection open.
            let deadline = Date().addingTimeInterval(10)
            while try (0..<3).contains(where: { try storage.attribute("ready-\($0)") == nil }) {
                try #require(Date() < deadline, "the worker processes did not start")
                Thread.sleep(forTimeInterval: 0.005)
            }
            try storage.setAttribute("go", "1")
            let parent = Worker(name: "proc:\(getpid())", pause: 0.01) {
                try SQLiteStudyStorage(path: path)
            }
            parent.run()
            #expect(parent.problems.isEmpty, "\(parent.problems)")
            for child in children {
                child.waitUntilExit()
                #expect(child.terminationStatus == 0)
            }

            let trials = try storage.trials()
            #expect(trials.map(\.number) == Array(0..<40))
            #expect(trials.allSatisfy { $0.state == .complete && $0.value == Double($0.number) })
            #expect(trials.map(\.assignment) == (0..<40).map(assignment))
            // Four processes took part (each claims within its first milliseconds).
            #expect(Set(trials.compactMap(\.worker)).count == 4)
        }
    }

    /// The body of `processesClaimConcurrently`'s child processes; skipped in a normal test
    /// run (it is enabled only with the child's environment).
    @Test(
        "a worker process (runs only as processesClaimConcurrently's child)",
        .enabled(if: ProcessInfo.processInfo.environment[childDatabase] != nil))
    func workerProcess() throws {
        let environment = ProcessInfo.processInfo.environment
        let path = try #require(environment[childDatabase])
        let index = try #require(environment[childIndex])
        let storage = try SQLiteStudyStorage(path: path)
        try storage.setAttribute("ready-\(index)", "1")
        let deadline = Date().addingTimeInterval(10)
        while try storage.attribute("go") == nil {
            try #require(Date() < deadline)
            Thread.sleep(forTimeInterval: 0.002)
        }
        let worker = Worker(name: "proc:\(getpid())", pause: 0.01) {
            try SQLiteStudyStorage(path: path)
        }
        worker.run()
        try #require(worker.problems.isEmpty, "\(worker.problems)")
    }

    @Test(
        "a row rewritten by another process reads back anew; a damaged one fails on every read",
        .enabled(if: hasSQLite3CLI))
    func rewrittenRowsReadAnew() throws {
        try withDatabase { path in
            let storage = try SQLiteStudyStorage(path: path)
            _ = try storage.open(definition(target: 3))
            _ = try storage.claim(worker: "w") { _ in assignment(0) }
            #expect(try storage.trials().map(\.assignment) == [assignment(0)])
            // The decoded texts are kept by text: another text is decoded, not the old value.
            let other = String(
                decoding: try JSONEncoder().encode(assignment(7)), as: UTF8.self)
            try sqlite3(path, "UPDATE trials SET assignment = '\(other)' WHERE number = 0;")
            #expect(try storage.trials().map(\.assignment) == [assignment(7)])
            try sqlite3(path, "UPDATE trials SET assignment = '{\"x\": ' WHERE number = 0;")
            for _ in 0..<2 {
                do {
                    _ = try storage.trials()
                    Issue.record("a damaged assignment was read")
                } catch {
                    #expect("\(error)".contains("trial 0's assignment is not valid JSON"))
                }
            }
        }
    }

    @Test("a file from a newer schema is refused", .enabled(if: hasSQLite3CLI))
    func newerSchema() throws {
        try withDatabase { path in
            _ = try SQLiteStudyStorage(path: path).open(definition(target: 3))
            #expect(try sqlite3(path, "SELECT version FROM schema_version;") == "1\n")
            try sqlite3(path, "UPDATE schema_version SET version = 99;")
            #expect(
                throws: StudyStorageError.newerSchema(
                    location: path, found: 99, supported: SQLiteStudyStorage.schemaVersion)
            ) {
                try SQLiteStudyStorage(path: path)
            }
        }
    }

    @Test("a file that is not a study database is refused, naming the path and the fix")
    func notADatabase() throws {
        try withDatabase { path in
            let text = String(repeating: "this is not a database\n", count: 200)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let message = try databaseMessage(path)
            #expect(message.contains("not an SQLite database"))
            #expect(message.contains("fix:"))
            // Refusing it left it as it was.
            #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        }
        if hasSQLite3CLI {
            try withDatabase { path in
                try sqlite3(path, "CREATE TABLE customers (id INTEGER);")
                #expect(try databaseMessage(path).contains("not a Layerwise study"))
            }
        }
    }

    @Test("a path that cannot be created gives a located error with the fix")
    func unopenablePath() throws {
        let temporary = FileManager.default.temporaryDirectory
        let missing = temporary.appendingPathComponent("layerwise-missing-\(UUID().uuidString)")
            .appendingPathComponent("study.sqlite").path
        #expect(try databaseMessage(missing).contains("folder exists and is writable"))
        #expect(!FileManager.default.fileExists(atPath: missing))

        // A regular file where the folder should be (unwritable even for root).
        try withDatabase { file in
            try Data("x".utf8).write(to: URL(fileURLWithPath: file))
            #expect(try databaseMessage(file + "/study.sqlite").contains("fix:"))
        }
    }
}

/// Environment of a `workerProcess` child: the database and the child's index.
private let childDatabase = "LAYERWISE_STORAGE_TEST_WORKER_DATABASE"
private let childIndex = "LAYERWISE_STORAGE_TEST_WORKER_INDEX"

/// The size of `path`'s -wal file (0 when there is none).
private func walSize(_ path: String) -> Int {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path + "-wal")
    return (attributes?[.size] as? NSNumber)?.intValue ?? 0
}

/// The message of the `.database` error opening `path` throws (and that it names `path`).
private func databaseMessage(_ path: String) throws -> String {
    do {
        _ = try SQLiteStudyStorage(path: path)
    } catch StudyStorageError.database(let location, let message) {
        #expect(location == path)
        return message
    }
    Issue.record("opening \(path) did not fail with .database")
    return ""
}
