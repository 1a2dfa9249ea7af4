import Foundation
import TestSupport
import Testing

/// The PostgreSQL test server's URL; nil without one.
private let serverURL = TestCluster.url

/// `layerwise tune --storage postgresql://...` with several worker processes on one study.
@Suite("tune on a PostgreSQL server, many workers")
struct DistributedTuneTests {
    /// `study URL --study NAME --format json`'s trials.
    func trials(_ url: String, _ name: String, in folder: URL) throws -> [[String: Any]] {
        try trials(of: try layerwise("study", url, "--study", name, "--format", "json", in: folder))
            ?? []
    }

    /// The trials a finished `study --format json` printed; nil when it failed.
    func trials(of outcome: Outcome) throws -> [[String: Any]]? {
        guard outcome.status == 0 else { return nil }
        let object = try JSONSerialization.jsonObject(with: Data(outcome.output.utf8))
        return (object as? [String: Any])?["trials"] as? [[String: Any]] ?? []
    }

    /// The study's trials read while `pid` is frozen (SIGSTOP); the caller thaws it. Nil, with
    /// `pid` thawed, when the read failed or had to wait on a lock the frozen process holds
    /// (a transaction it was in when it was frozen).
    func frozenLook(
        _ pid: pid_t, _ url: String, _ study: String, in folder: URL
    ) throws
        -> [[String: Any]]?
    {
        kill(pid, SIGSTOP)
        let read = try Run(["study", url, "--study", study, "--format", "json"], in: folder)
        let patience = Date().addingTimeInterval(2)
        while read.process.isRunning, Date() < patience {
            Thread.sleep(forTimeInterval: 0.01)
        }
        let waited = read.process.isRunning
        if waited { kill(pid, SIGCONT) }
        let outcome = read.wait()
        guard !waited, let all = try trials(of: outcome) else {
            kill(pid, SIGCONT)
            return nil
        }
        return all
    }

    @Test("3 workers, one killed by SIGKILL mid-trial: N complete, each once, its trial redone")
    func killOneOfThree() throws {
        guard let url = serverURL else {
            try Test.cancel("no PostgreSQL test server (LAYERWISE_TEST_POSTGRES; .ci/run sets it)")
        }
        let folder = try scratch()
        // Trials of 3,000 epochs without early stopping or pruning: long enough to be caught
        // running; a 2 s lease so the killed worker's trial comes back soon.
        try writeLongSpec(epochs: 3_000, in: folder)
        let study = "kill-\(UUID().uuidString.prefix(8))"
        let target = 9
        let workers = try (0..<3).map { index in
            try Run(
                [
                    "tune", "long.yaml", "--storage", url, "--study", study, "--trials",
                    String(target), "--workers", "1", "--lease", "2s", "--out", "out\(index)",
                    "--quiet",
                ], in: folder)
        }
        defer {
            for worker in workers where worker.process.isRunning { worker.process.terminate() }
        }
        let victim = workers[0].process.processIdentifier
        // Each look at the study is taken with the victim frozen (SIGSTOP), so it advances
        // only between looks: however short its trials on a fast machine, one is caught
        // running, and it cannot finish that trial between the read and the kill.
        var killedTrial: [String: Any]?
        let deadline = Date().addingTimeInterval(120)
        while killedTrial == nil, Date() < deadline, workers[0].process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
            guard let all = try frozenLook(victim, url, study, in: folder) else { continue }
            if all.contains(where: { ($0["state"] as? String) == "complete" }),
                let running = all.first(where: {
                    ($0["state"] as? String) == "running"
                        && ($0["worker"] as? String)?.contains(":\(victim):") == true
                })
            {
                killedTrial = running
                kill(victim, SIGKILL)
            } else {
                kill(victim, SIGCONT)
            }
        }
        guard let killed = killedTrial else {
            if workers[0].process.isRunning { workers[0].process.terminate() }
            let victimOutcome = workers[0].wait()
            let problem = "the victim never ran a trial in time (exit \(victimOutcome.status))"
            Issue.record("\(problem): \(victimOutcome.errors)")
            return
        }
        let dead = workers[0].wait()
        #expect(dead.status != 0)
        for worker in workers.dropFirst() {
            let outcome = worker.wait()
            #expect(outcome.status == 0, "\(outcome.errors)")
        }

        let all = try trials(url, study, in: folder)
        #expect(all.compactMap { $0["number"] as? Int } == Array(0..<target))
        #expect(all.allSatisfy { ($0["state"] as? String) == "complete" }, "\(all)")
        let number = try #require(killed["number"] as? Int)
        let redone = try #require(all.first { ($0["number"] as? Int) == number })
        #expect((redone["worker"] as? String)?.contains(":\(victim):") == false)
        #expect(
            NSDictionary(dictionary: redone["params"] as? [String: Any] ?? [:])
                .isEqual(to: killed["params"] as? [String: Any] ?? [:]))
        // Both survivors took part and wrote their outputs.
        let names = Set(all.compactMap { $0["worker"] as? String })
        #expect(names.count >= 2)
        for index in 1...2 {
            #expect(
                FileManager.default.fileExists(
                    atPath: folder.appendingPathComponent("out\(index)/best.yaml").path))
        }

        // best.yaml and the report from "another machine": the study command alone.
        let written = try layerwise(
            "study", url, "--study", study, "--write-best", "out1/again.yaml", "--report",
            "again.html", in: folder)
        #expect(written.status == 0, "\(written.errors)")
        let again = try String(
            contentsOf: folder.appendingPathComponent("out1/again.yaml"), encoding: .utf8)
        let first = try String(
            contentsOf: folder.appendingPathComponent("out1/best.yaml"), encoding: .utf8)
        #expect(again == first)  // the same folder: the same relative data path
        let validate = try layerwise("validate", "out1/again.yaml", in: folder)
        #expect(validate.status == 0, "\(validate.output)\(validate.errors)")
        #expect(
            try String(contentsOf: folder.appendingPathComponent("again.html"), encoding: .utf8)
                .contains("<svg"))
    }

    @Test("a study name taken by another spec, and a study that does not exist: located errors")
    func wrongStudies() throws {
        guard let url = serverURL else {
            try Test.cancel("no PostgreSQL test server (LAYERWISE_TEST_POSTGRES; .ci/run sets it)")
        }
        let folder = try scratch()
        let study = "other-\(UUID().uuidString.prefix(8))"
        let first = try layerwise(
            "tune", "iris.yaml", "--storage", url, "--study", study, "--trials", "2", "--out",
            "a", "--quiet", in: folder)
        #expect(first.status == 0, "\(first.errors)")
        try "name: iris\ndata: {path: iris.csv, target: species}\ntraining: {epochs: 31}\n".write(
            to: folder.appendingPathComponent("changed.yaml"), atomically: true, encoding: .utf8)
        let other = try layerwise(
            "tune", "changed.yaml", "--storage", url, "--study", study, "--trials", "2",
            "--out", "b", "--quiet", in: folder)
        #expect(other.status != 0)
        #expect(other.errors.contains("made from another spec"), "\(other.errors)")
        #expect(other.errors.contains("iris.yaml"), "\(other.errors)")
        let password = try #require(URLComponents(string: url)?.password)
        #expect(!other.errors.contains(password), "the password was shown")

        let missing = try layerwise("study", url, "--study", "no-such-study", in: folder)
        #expect(missing.status != 0)
        #expect(missing.errors.contains("no study 'no-such-study'"), "\(missing.errors)")
        #expect(missing.errors.contains("its studies are"), "\(missing.errors)")
    }

    @Test("an unreachable server and a malformed URL: clear errors, nothing written")
    func unreachable() throws {
        let folder = try scratch()
        let down = try layerwise(
            "tune", "iris.yaml", "--storage", "postgresql://u:secret@127.0.0.1:1/d", "--out",
            "s", in: folder)
        #expect(down.status != 0)
        #expect(down.errors.contains("127.0.0.1:1"), "\(down.errors)")
        #expect(down.errors.contains("fix:"), "\(down.errors)")
        #expect(!down.errors.contains("secret"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("s").path))
        let bad = try layerwise(
            "tune", "iris.yaml", "--storage", "postgresql://nouser/d", in: folder)
        #expect(bad.status != 0)
        #expect(bad.errors.contains("no user"), "\(bad.errors)")
        let noStorage = try layerwise("tune", "iris.yaml", "--study", "x", in: folder)
        #expect(noStorage.errors.contains("give --storage URL too"), "\(noStorage.errors)")
    }

    @Test(
        "the server restarts under a running study: the worker reconnects and ends with N trials",
        .enabled(if: TestCluster.canStartPrivate))
    func serverRestart() throws {
        // A private cluster: restarting the shared one would cut the other tests' connections.
        try TestCluster.withPrivate { url, cluster, port in
            let folder = try scratch()
            try writeLongSpec(epochs: 2_000, in: folder)
            let target = 6
            let worker = try Run(
                [
                    "tune", "long.yaml", "--storage", url, "--study", "restart", "--trials",
                    String(target), "--workers", "2", "--out", "out", "--quiet",
                ], in: folder)
            // Restart once two trials are recorded. Each look is taken with the worker frozen
            // (SIGSTOP), and it stays frozen through the stop: however fast its trials, the
            // study is still running when the server goes. Its running trials go on training
            // once it is thawed, and their results reach the server when it is back.
            let pid = worker.process.processIdentifier
            var recorded: [[String: Any]] = []
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline, worker.process.isRunning {
                Thread.sleep(forTimeInterval: 0.05)
                guard let all = try frozenLook(pid, url, "restart", in: folder) else { continue }
                recorded = all
                if recorded.filter({ ($0["state"] as? String) == "complete" }).count >= 2 {
                    break
                }
                kill(pid, SIGCONT)
            }
            defer { kill(pid, SIGCONT) }
            try #require(worker.process.isRunning, "the study ended before the restart")
            try TestCluster.control("stop", cluster)
            kill(pid, SIGCONT)
            Thread.sleep(forTimeInterval: 1.5)
            try TestCluster.control("start", cluster, port)
            let outcome = worker.wait()
            #expect(outcome.status == 0, "\(outcome.errors)")
            let all = try trials(url, "restart", in: folder)
            #expect(all.compactMap { $0["number"] as? Int } == Array(0..<target))
            #expect(all.allSatisfy { ($0["state"] as? String) == "complete" }, "\(all)")
            // Nothing recorded before the restart was lost or changed.
            for before in recorded where (before["state"] as? String) == "complete" {
                let after = all.first { ($0["number"] as? Int) == (before["number"] as? Int) }
                #expect((after?["value"] as? Double) == (before["value"] as? Double))
            }
        }
    }
}
