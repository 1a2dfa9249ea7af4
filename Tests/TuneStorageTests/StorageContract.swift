import Foundation
import TestSupport
import Testing
import TuneSearch
import TuneStorage

// The one test suite both study stores pass (StudyStorage's contract): each test runs on a new
// SQLite file and on a new study in the PostgreSQL test database.

/// A store under test.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgresql
    var testDescription: String { rawValue }
}

/// The PostgreSQL server the tests use: `LAYERWISE_TEST_POSTGRES` (a postgresql:// URL;
/// `Scripts/test-postgres.sh start DIR` prints it, `.ci/run` sets it); nil when unset.
let testServer: PostgreSQLLocation? = ProcessInfo.processInfo.environment[
    "LAYERWISE_TEST_POSTGRES"
].flatMap { try? PostgreSQLLocation($0) }

/// Why a PostgreSQL test is cancelled without a server.
let noServer = Comment(
    rawValue: "no PostgreSQL test server: `eval $(Scripts/test-postgres.sh start /tmp/lw-pg)` "
        + "sets LAYERWISE_TEST_POSTGRES (.ci/run does)")

/// One new, empty store: a temporary SQLite file, or a study of a new name on the test
/// server. `connect()` opens another connection to it.
final class Store: Sendable {
    let kind: StoreKind
    /// The SQLite file, or the study's name.
    let name: String

    init(_ kind: StoreKind) throws {
        self.kind = kind
        switch kind {
        case .sqlite:
            name = try ScratchFolders.make("storage").appendingPathComponent("study.sqlite").path
        case .postgresql:
            guard testServer != nil else { try Test.cancel(noServer) }
            name = "test-\(UUID().uuidString)"
        }
    }

    /// The study's name as the store reports it: SQLite keeps the definition's; a server's
    /// study is its name in the database.
    var studyName: String { kind == .sqlite ? "houses" : name }

    /// The test study's definition, named as this store names it.
    func definition(target: Int, digest: String = "d1gest") -> StudyDefinition {
        var result = TuneStorageTests.definition(target: target, digest: digest)
        result.name = studyName
        return result
    }

    func connect() throws -> any StudyStorage {
        switch kind {
        case .sqlite: return try SQLiteStudyStorage(path: name)
        case .postgresql:
            // Short reconnect window: a test that loses its server should fail, not hang.
            return try PostgreSQLStudyStorage(server: testServer!, study: name, reconnectTimeout: 5)
        }
    }

    /// Runs `body` on a new store, then removes it.
    static func with<T>(_ kind: StoreKind, _ body: (Store) throws -> T) throws -> T {
        let store = try Store(kind)
        defer { store.remove() }
        return try body(store)
    }

    func remove() {
        switch kind {
        case .sqlite:
            for suffix in ["", "-wal", "-shm", "-journal"] {
                try? FileManager.default.removeItem(atPath: name + suffix)
            }
        case .postgresql:
            try? PostgresTestDatabase.execute(
                "DELETE FROM layerwise_studies WHERE name = '\(name)'")
        }
    }
}

let space = SearchSpace(parameters: [
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

func definition(target: Int, digest: String = "d1gest") -> StudyDefinition {
    StudyDefinition(
        name: "houses", specDigest: digest, specPath: "/specs/houses.yaml", metric: "r2",
        direction: .maximize, space: space, targetTrials: target)
}

/// Trial `number`'s values: every ParameterValue kind, values that JSON must keep exactly.
func assignment(_ number: Int) -> Assignment {
    [
        "training.learning_rate": .real(0.1 + 0.2 + Double(number) * 1e-17 + 1e-300),
        "model.depth": .integer(number - 7),
        "model.activation": .choice(number % 2 == 0 ? "relu" : "tanh – ß \"quoted\""),
    ]
}

struct ProposeFailed: Error, Equatable {}

/// Claims and finishes trials on its own connection until the study is done.
final class Worker: @unchecked Sendable {
    // @unchecked: each field is written by the worker's thread before `done` is signalled and
    // read by the test after waiting on it.
    let name: String
    let connect: () throws -> any StudyStorage
    let done = DispatchSemaphore(value: 0)
    var claimed: [Int] = []
    var problems: [String] = []

    /// Seconds each trial "trains" between claim and finish (so processes overlap).
    let pause: TimeInterval

    init(
        name: String, pause: TimeInterval = 0,
        connect: @escaping () throws -> any StudyStorage
    ) {
        self.name = name
        self.connect = connect
        self.pause = pause
    }

    func run() {
        do {
            let storage = try connect()
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

@Suite("study storage contract (SQLite and PostgreSQL)")
struct StorageContractTests {
    /// A parameterised test's cancelled case is counted with the passing ones in the console;
    /// this test makes a run without a server say so (and `.ci/run` fails on that message).
    @Test("the contract's postgresql cases have a server to run on")
    func serverConfigured() throws {
        guard let server = testServer else { try Test.cancel(noServer) }
        _ = try PostgreSQLStudyStorage(server: server, study: "probe", reconnectTimeout: 0)
    }

    @Test(
        "a study written through one connection reads back identical through another",
        arguments: StoreKind.allCases)
    func roundTrip(kind: StoreKind) throws {
        try Store.with(kind) { store in
            let storage = try store.connect()
            #expect(try storage.definition() == nil)
            #expect(try storage.trials().isEmpty)
            #expect(try storage.open(store.definition(target: 10)) == store.definition(target: 10))
            #expect(try storage.definition() == store.definition(target: 10))

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

            let reopened = try store.connect()
            #expect(try reopened.trials() == written)
            #expect(try reopened.definition() == store.definition(target: 10))
            #expect(try reopened.open(store.definition(target: 10)) == store.definition(target: 10))
            #expect(try reopened.attribute("best_test_score") == "0.91")
            #expect(try reopened.attribute("zero_trial_design") == "{\"a\": 1}")
            #expect(try reopened.attribute("missing") == nil)
        }
    }

    @Test(
        "claims stop at the target; reopening with a larger target allows more",
        arguments: StoreKind.allCases)
    func target(kind: StoreKind) throws {
        try Store.with(kind) { store in
            let storage = try store.connect()
            _ = try storage.open(store.definition(target: 5))
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

            let reopened = try store.connect()
            #expect(try reopened.open(store.definition(target: 7)).targetTrials == 7)
            #expect(try reopened.claim(worker: "v") { assignment($0.count) }?.number == 5)
            #expect(try reopened.claim(worker: "v") { assignment($0.count) }?.number == 6)
            #expect(try reopened.claim(worker: "v") { assignment($0.count) } == nil)
            // A smaller target never lowers the stored one.
            #expect(try reopened.open(store.definition(target: 3)).targetTrials == 7)
            #expect(try storage.definition()?.targetTrials == 7)
            #expect(try reopened.trials().count == 7)
        }
    }

    @Test(
        "four connections claiming at once make each of the 40 trials exactly once",
        arguments: StoreKind.allCases)
    func concurrentClaims(kind: StoreKind) throws {
        try Store.with(kind) { store in
            // Create the file first so the workers race on claims, not on the migration.
            _ = try store.connect().open(store.definition(target: 40))
            let workers = (0..<4).map { Worker(name: "host:\($0)", connect: store.connect) }
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
            let trials = try store.connect().trials()
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
        "a late or duplicate result is refused and changes nothing", arguments: StoreKind.allCases)
    func lateResults(kind: StoreKind) throws {
        try Store.with(kind) { store in
            let storage = try store.connect()
            _ = try storage.open(store.definition(target: 3))
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

    @Test(
        "a requeued trial is claimed again with its number and values, before new trials",
        arguments: StoreKind.allCases)
    func requeueThenClaim(kind: StoreKind) throws {
        try Store.with(kind) { store in
            let storage = try store.connect()
            _ = try storage.open(store.definition(target: 5))
            for _ in 0..<3 {
                _ = try storage.claim(worker: "gone") { assignment($0.count) }
            }
            try storage.finish(
                trial: 1, worker: "gone", outcome: TrialOutcome(state: .complete, value: 1))
            try storage.report(
                trial: 2, worker: "gone", value: IntermediateValue(step: 1, value: 1))
            #expect(try storage.requeueRunning() == [0, 2])
            #expect(try storage.requeueRunning() == [])

            let resumed = try store.connect()
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

    @Test(
        "a throwing propose writes nothing and its error comes through",
        arguments: StoreKind.allCases)
    func proposeThrows(kind: StoreKind) throws {
        try Store.with(kind) { store in
            let storage = try store.connect()
            _ = try storage.open(store.definition(target: 3))
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

    @Test(
        "a study made from another spec is refused, naming the stored spec",
        arguments: StoreKind.allCases)
    func otherSpec(kind: StoreKind) throws {
        try Store.with(kind) { store in
            _ = try store.connect().open(store.definition(target: 3))
            let storage = try store.connect()
            let error = StudyStorageError.otherSpec(
                study: store.studyName, storedSpec: "/specs/houses.yaml", storedDigest: "d1gest",
                givenDigest: "other")
            #expect(throws: error) {
                try storage.open(store.definition(target: 9, digest: "other"))
            }
            #expect(error.description.contains("/specs/houses.yaml"))
            #expect(try storage.definition()?.targetTrials == 3)  // unchanged
        }
    }

    @Test(
        "claiming before the study is opened is an error, not a crash",
        arguments: StoreKind.allCases)
    func claimWithoutStudy(kind: StoreKind) throws {
        try Store.with(kind) { store in
            let storage = try store.connect()
            #expect(throws: StudyStorageError.self) {
                try storage.claim(worker: "w") { _ in assignment(0) }
            }
        }
    }

    @Test(
        "leases: a trial without a fresh heartbeat is requeued; its old worker's result is refused",
        arguments: StoreKind.allCases)
    func leases(kind: StoreKind) throws {
        try Store.with(kind) { store in
            let storage = try store.connect()
            _ = try storage.open(store.definition(target: 3))
            let a = try #require(try storage.claim(worker: "a") { _ in assignment(0) })
            let b = try #require(try storage.claim(worker: "b") { _ in assignment(1) })
            try storage.report(
                trial: a.number, worker: "a", value: IntermediateValue(step: 1, value: 2))
            // Fresh leases stay.
            #expect(try storage.requeueExpired(lease: 60) == [])
            // Only the owner renews or releases.
            #expect(try storage.heartbeat(trial: a.number, worker: "a"))
            #expect(try !storage.heartbeat(trial: a.number, worker: "b"))
            #expect(try !storage.release(trial: a.number, worker: "b"))
            Thread.sleep(forTimeInterval: 0.3)
            #expect(try storage.heartbeat(trial: b.number, worker: "b"))
            // a's heartbeat is 0.3 s old, b's fresh: a lease of 0.2 s takes a's trial only.
            #expect(try storage.requeueExpired(lease: 0.2) == [a.number])
            let queued = try #require(try storage.trials().first { $0.number == a.number })
            #expect(queued.state == .queued && queued.worker == nil && queued.intermediate.isEmpty)
            #expect(try !storage.heartbeat(trial: a.number, worker: "a"))

            // Another worker takes it over (the same number and values) and finishes it; the
            // presumed-dead worker's late result changes nothing.
            let again = try #require(try storage.claim(worker: "c") { _ in assignment(9) })
            #expect(again.number == a.number && again.assignment == assignment(0))
            let late = TrialOutcome(state: .complete, value: 0.1, epochs: 5)
            #expect(try !storage.finish(trial: a.number, worker: "a", outcome: late))
            #expect(
                try storage.finish(
                    trial: a.number, worker: "c",
                    outcome: TrialOutcome(state: .complete, value: 0.9, epochs: 5)))
            #expect(try !storage.finish(trial: a.number, worker: "a", outcome: late))
            let trials = try storage.trials()
            #expect(trials.map(\.number) == [0, 1])
            #expect(trials[0].value == 0.9 && trials[0].worker == "c")

            // A stopped worker releases its own trial.
            #expect(try storage.release(trial: b.number, worker: "b"))
            #expect(try storage.trials()[1].state == .queued)
            #expect(try !storage.release(trial: b.number, worker: "b"))
        }
    }
}
