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

private let space = SearchSpace(parameters: [
    SearchParameter(
        name: "training.learning_rate", domain: .real(low: 1e-4, high: 1e-1, log: true),
        zeroTrial: .real(0.0085), rule: "LR-RANGE-TEST: 10x either side of 0.0085"),
    SearchParameter(
        name: "model.depth", domain: .integer(low: 1, high: 6, log: false),
        zeroTrial: .integer(3), rule: "DEPTH"),
    SearchParameter(
        name: "model.activation", domain: .choice(["relu", "gelu", "tanh"]),
        zeroTrial: .choice("relu"), rule: "ACT"),
])

private func definition(target: Int, digest: String = "d1gest") -> StudyDefinition {
    StudyDefinition(
        name: "houses", specDigest: digest, specPath: "/specs/houses.yaml", metric: "r2",
        direction: .maximize, space: space, targetTrials: target)
}

/// Trial `number`'s values: every ParameterValue kind, values that JSON must keep exactly.
private func assignment(_ number: Int) -> Assignment {
    [
        "training.learning_rate": .real(0.1 + 0.2 + Double(number) * 1e-17 + 1e-300),
        "model.depth": .integer(number - 7),
        "model.activation": .choice(number % 2 == 0 ? "relu" : "tanh – ß \"quoted\""),
    ]
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

private struct ProposeFailed: Error, Equatable {}

/// Claims and finishes trials on its own connection until the study is done.
private final class Worker: @unchecked Sendable {
    // @unchecked: each field is written by the worker's thread before `done` is signalled and
    // read by the test after waiting on it.
    let name: String
    let path: String
    let done = DispatchSemaphore(value: 0)
    var claimed: [Int] = []
    var problems: [String] = []

    /// Seconds each trial "trains" between claim and finish (so processes overlap).
    let pause: TimeInterval

    init(name: String, path: String, pause: TimeInterval = 0) {
        self.name = name
        self.path = path
        self.pause = pause
    }

    func run() {
        do {
            let storage = try SQLiteStudyStorage(path: path)
            _ = try storage.open(definition(target: 40))
            while let trial = try storage.claim(
                worker: name,
                propose: { history in
                    // Every earlier trial is visible: no claim was lost or duplicated.
                    if history.map(\.number) != Array(0..<history.count) {
                        self.problems.append("history \(history.map(\.number))")
                    }
                    return assignment(history.count)
                })
            {
                claimed.append(trial.number)
                if pause > 0 { Thread.sleep(forTimeInterval: pause) }
                try storage.report(
                    trial: trial.number, worker: name,
                    value: IntermediateValue(step: 1, value: 0.5))
                let finished = try storage.finish(
                    trial: trial.number, worker: name,
                    outcome: TrialOutcome(state: .complete, value: Double(trial.number)))
                if !finished { problems.append("trial \(trial.number) not finished") }
            }
        } catch {
            problems.append("\(error)")
        }
        done.signal()
    }
}

// MARK: Tests

@Suite("SQLite study storage")
struct SQLiteStudyStorageTests {
    @Test("a study written through one connection reads back identical through another")
    func roundTrip() throws {
        try withDatabase { path in
            let storage = try SQLiteStudyStorage(path: path)
            #expect(try storage.definition() == nil)
            #expect(try storage.trials().isEmpty)
            #expect(try storage.open(definition(target: 10)) == definition(target: 10))
            #expect(try storage.definition() == definition(target: 10))

            var seen: [[TrialRecord]] = []
            for index in 0..<4 {
                let claimed = try storage.claim(worker: "host:1:\(index)") { history in
                    seen.append(history)
                    return assignment(index)
                }
                let trial = try #require(claimed)
                #expect(trial.number == index)
                #expect(trial.state == .running)
                #expect(trial.worker == "host:1:\(index)")
                #expect(trial.assignment == assignment(index))
            }
            // propose saw every earlier trial, running under its worker, with its values.
            #expect(seen.map { $0.map(\.number) } == [[], [0], [0, 1], [0, 1, 2]])
            #expect(seen.joined().allSatisfy { $0.state == .running })
            #expect(seen.last?.map(\.assignment) == (0..<3).map(assignment))
            #expect(seen.last?.map(\.worker) == (0..<3).map { "host:1:\($0)" })

            for (step, value) in [(1, 0.5), (2, 0.6), (3, 0.7), (2, 0.65)] {
                #expect(
                    try storage.report(
                        trial: 0, worker: "host:1:0",
                        value: IntermediateValue(step: step, value: value)))
            }
            try storage.report(
                trial: 1, worker: "host:1:1", value: IntermediateValue(step: 1, value: -0.25))
            try storage.report(
                trial: 3, worker: "host:1:3", value: IntermediateValue(step: 1, value: 0.125))
            #expect(
                try storage.finish(
                    trial: 0, worker: "host:1:0",
                    outcome: TrialOutcome(
                        state: .complete, value: 0.87, epochs: 3, seconds: 1.5,
                        attributes: ["value_std": "0.01", "folds": "5"])))
            #expect(
                try storage.finish(
                    trial: 1, worker: "host:1:1",
                    outcome: TrialOutcome(state: .pruned, value: -0.25, epochs: 1, seconds: 0.2)))
            #expect(
                try storage.finish(
                    trial: 2, worker: "host:1:2",
                    outcome: TrialOutcome(
                        state: .failed, value: nil, seconds: 0.1,
                        attributes: ["error": "diverged\nat epoch 2 \u{0}nul"])))
            try storage.setAttribute("best_test_score", "0.9")
            try storage.setAttribute("best_test_score", "0.91")
            try storage.setAttribute("zero_trial_design", "{\"a\": 1}")

            let written = try storage.trials()
            #expect(written.map(\.state) == [.complete, .pruned, .failed, .running])
            #expect(written.map(\.value) == [0.87, -0.25, nil, nil])
            #expect(written.map(\.epochs) == [3, 1, nil, nil])
            #expect(written.map(\.seconds) == [1.5, 0.2, 0.1, nil])
            #expect(written.map(\.assignment) == (0..<4).map(assignment))
            #expect(written.map(\.worker) == (0..<4).map { "host:1:\($0)" })
            #expect(
                written[0].intermediate == [
                    IntermediateValue(step: 1, value: 0.5), IntermediateValue(step: 2, value: 0.65),
                    IntermediateValue(step: 3, value: 0.7),
                ])
            #expect(written[1].intermediate == [IntermediateValue(step: 1, value: -0.25)])
            #expect(written[2].intermediate.isEmpty)
            #expect(written[3].intermediate == [IntermediateValue(step: 1, value: 0.125)])
            #expect(written[0].attributes == ["value_std": "0.01", "folds": "5"])
            #expect(written[2].attributes == ["error": "diverged\nat epoch 2 \u{0}nul"])
            #expect(written[3].attributes.isEmpty)

            let reopened = try SQLiteStudyStorage(path: path)
            #expect(try reopened.trials() == written)
            #expect(try reopened.definition() == definition(target: 10))
            #expect(try reopened.open(definition(target: 10)) == definition(target: 10))
            #expect(try reopened.attribute("best_test_score") == "0.91")
            #expect(try reopened.attribute("zero_trial_design") == "{\"a\": 1}")
            #expect(try reopened.attribute("missing") == nil)
        }
    }

    @Test("claims stop at the target; reopening with a larger target allows more")
    func target() throws {
        try withDatabase { path in
            let storage = try SQLiteStudyStorage(path: path)
            _ = try storage.open(definition(target: 5))
            for number in 0..<5 {
                let trial = try #require(
                    try storage.claim(worker: "w") { assignment($0.count) })
                #expect(trial.number == number)
                if number < 3 {  // three finished (each finished state), two left running
                    let state: TrialState = [.complete, .pruned, .failed][number]
                    try storage.finish(
                        trial: number, worker: "w",
                        outcome: TrialOutcome(state: state, value: state == .failed ? nil : 1))
                }
            }
            // propose is not called: it would throw.
            #expect(try storage.claim(worker: "w") { _ in throw ProposeFailed() } == nil)

            let reopened = try SQLiteStudyStorage(path: path)
            #expect(try reopened.open(definition(target: 7)).targetTrials == 7)
            #expect(try reopened.claim(worker: "v") { assignment($0.count) }?.number == 5)
            #expect(try reopened.claim(worker: "v") { assignment($0.count) }?.number == 6)
            #expect(try reopened.claim(worker: "v") { assignment($0.count) } == nil)
            // A smaller target never lowers the stored one.
            #expect(try reopened.open(definition(target: 3)).targetTrials == 7)
            #expect(try storage.definition()?.targetTrials == 7)
            #expect(try reopened.trials().count == 7)
        }
    }

    @Test("four connections claiming at once make each of the 40 trials exactly once")
    func concurrentClaims() throws {
        try withDatabase { path in
            // Create the file first so the workers race on claims, not on the migration.
            _ = try SQLiteStudyStorage(path: path).open(definition(target: 40))
            let workers = (0..<4).map { Worker(name: "host:\($0)", path: path) }
            for worker in workers {
                Thread { worker.run() }.start()
            }
            for worker in workers {
                #expect(worker.done.wait(timeout: .now() + 30) == .success)
            }
            for worker in workers {
                #expect(worker.problems.isEmpty, "\(worker.name): \(worker.problems)")
            }
            let claimed = workers.flatMap(\.claimed)
            #expect(claimed.sorted() == Array(0..<40))
            let trials = try SQLiteStudyStorage(path: path).trials()
            #expect(trials.map(\.number) == Array(0..<40))
            #expect(trials.allSatisfy { $0.state == .complete && $0.value == Double($0.number) })
            #expect(trials.map(\.assignment) == (0..<40).map(assignment))
            for worker in workers {
                // The record names the worker that claimed it.
                #expect(worker.claimed.allSatisfy { trials[$0].worker == worker.name })
            }
        }
    }

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
            let parent = Worker(name: "proc:\(getpid())", path: path, pause: 0.01)
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
        let worker = Worker(name: "proc:\(getpid())", path: path, pause: 0.01)
        worker.run()
        try #require(worker.problems.isEmpty, "\(worker.problems)")
    }

    @Test("a late or duplicate result is refused and changes nothing")
    func lateResults() throws {
        try withDatabase { path in
            let storage = try SQLiteStudyStorage(path: path)
            _ = try storage.open(definition(target: 3))
            let trial = try #require(try storage.claim(worker: "a") { _ in assignment(0) })
            #expect(
                try storage.report(
                    trial: trial.number, worker: "a", value: IntermediateValue(step: 1, value: 1)))
            #expect(try storage.requeueRunning() == [0])
            let queued = try storage.trials()
            #expect(queued[0].state == .queued)
            #expect(queued[0].worker == nil)
            #expect(queued[0].intermediate.isEmpty)
            #expect(queued[0].assignment == assignment(0))

            let done = TrialOutcome(state: .complete, value: 0.5, epochs: 2)
            // The old worker reports after the requeue.
            #expect(try !storage.finish(trial: 0, worker: "a", outcome: done))
            #expect(
                try !storage.report(
                    trial: 0, worker: "a", value: IntermediateValue(step: 2, value: 2)))
            #expect(try storage.trials() == queued)

            _ = try #require(try storage.claim(worker: "b") { _ in assignment(9) })
            let running = try storage.trials()
            // Another worker's trial, and trials that do not exist.
            #expect(try !storage.finish(trial: 0, worker: "a", outcome: done))
            #expect(try !storage.finish(trial: 7, worker: "b", outcome: done))
            #expect(
                try !storage.report(
                    trial: 0, worker: "a", value: IntermediateValue(step: 1, value: 3)))
            #expect(try storage.trials() == running)

            #expect(try storage.finish(trial: 0, worker: "b", outcome: done))
            let finished = try storage.trials()
            #expect(finished[0].state == .complete)
            #expect(finished[0].value == 0.5)
            let again = TrialOutcome(state: .failed, value: nil, attributes: ["error": "x"])
            #expect(try !storage.finish(trial: 0, worker: "b", outcome: again))
            #expect(
                try !storage.report(
                    trial: 0, worker: "b", value: IntermediateValue(step: 3, value: 3)))
            #expect(try storage.trials() == finished)

            // Finishing as a state that is not an end is refused before touching the file.
            let stillRunning = TrialOutcome(state: .running, value: nil)
            let third = try #require(try storage.claim(worker: "c") { _ in assignment(1) })
            #expect(throws: StudyStorageError.self) {
                try storage.finish(trial: third.number, worker: "c", outcome: stillRunning)
            }
            #expect(try storage.trials()[1].state == .running)
        }
    }

    @Test("a requeued trial is claimed again with its number and values, before new trials")
    func requeueThenClaim() throws {
        try withDatabase { path in
            let storage = try SQLiteStudyStorage(path: path)
            _ = try storage.open(definition(target: 5))
            for _ in 0..<3 {
                _ = try storage.claim(worker: "gone") { assignment($0.count) }
            }
            try storage.finish(
                trial: 1, worker: "gone", outcome: TrialOutcome(state: .complete, value: 1))
            try storage.report(
                trial: 2, worker: "gone", value: IntermediateValue(step: 1, value: 1))
            #expect(try storage.requeueRunning() == [0, 2])
            #expect(try storage.requeueRunning() == [])

            let resumed = try SQLiteStudyStorage(path: path)
            var proposed = 0
            let propose: ([TrialRecord]) -> Assignment = { history in
                proposed += 1
                return assignment(history.count)
            }
            let first = try #require(try resumed.claim(worker: "new", propose: propose))
            let second = try #require(try resumed.claim(worker: "new", propose: propose))
            #expect(proposed == 0)
            #expect(first.number == 0)
            #expect(second.number == 2)
            #expect(first.assignment == assignment(0))
            #expect(second.assignment == assignment(2))
            #expect(first.state == .running && first.worker == "new")
            #expect(second.intermediate.isEmpty)
            let third = try #require(try resumed.claim(worker: "new", propose: propose))
            #expect(third.number == 3)
            #expect(proposed == 1)
            #expect(try resumed.trials()[1].state == .complete)  // finished ones stay finished
        }
    }

    @Test("a throwing propose writes nothing and its error comes through")
    func proposeThrows() throws {
        try withDatabase { path in
            let storage = try SQLiteStudyStorage(path: path)
            _ = try storage.open(definition(target: 3))
            #expect(throws: ProposeFailed()) {
                try storage.claim(worker: "w") { _ in throw ProposeFailed() }
            }
            #expect(try storage.trials().isEmpty)
            // Calling back into the storage from propose is refused, not a deadlock.
            #expect(throws: StudyStorageError.self) {
                try storage.claim(worker: "w") { _ in
                    _ = try storage.trials()
                    return assignment(0)
                }
            }
            #expect(try storage.trials().isEmpty)
            #expect(try storage.claim(worker: "w") { _ in assignment(0) }?.number == 0)
        }
    }

    @Test("a study made from another spec is refused, naming the stored spec")
    func otherSpec() throws {
        try withDatabase { path in
            _ = try SQLiteStudyStorage(path: path).open(definition(target: 3))
            let storage = try SQLiteStudyStorage(path: path)
            let error = StudyStorageError.otherSpec(
                study: "houses", storedSpec: "/specs/houses.yaml", storedDigest: "d1gest",
                givenDigest: "other")
            #expect(throws: error) {
                try storage.open(definition(target: 9, digest: "other"))
            }
            #expect(error.description.contains("/specs/houses.yaml"))
            #expect(try storage.definition()?.targetTrials == 3)  // unchanged
        }
    }

    @Test("claiming before the study is opened is an error, not a crash")
    func claimWithoutStudy() throws {
        try withDatabase { path in
            let storage = try SQLiteStudyStorage(path: path)
            #expect(throws: StudyStorageError.self) {
                try storage.claim(worker: "w") { _ in assignment(0) }
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
