import Foundation
import Testing

/// `layerwise tune` and `layerwise study` as a user runs them.
@Suite("tune and study on the command line")
struct TuneCommandTests {
    /// `study DIR --format json` as a dictionary.
    func study(_ folder: String, in scratch: URL) throws -> [String: Any] {
        let outcome = try layerwise("study", folder, "--format", "json", in: scratch)
        #expect(outcome.status == 0, "\(outcome.errors)")
        let object = try JSONSerialization.jsonObject(with: Data(outcome.output.utf8))
        return try #require(object as? [String: Any])
    }

    func trials(_ document: [String: Any]) -> [[String: Any]] {
        document["trials"] as? [[String: Any]] ?? []
    }

    @Test("kill -9 in the middle of a trial, then --resume: exactly N trials, each once")
    func killAndResume() throws {
        let folder = try scratch()
        // Trials of 2,000 epochs without early stopping or pruning: long enough (a second or
        // two) to be caught running, now that debug builds train at release speed.
        try writeLongSpec(epochs: 2_000, in: folder)
        let run = try Run(
            ["tune", "long.yaml", "--trials", "6", "--workers", "1", "--out", "study", "--quiet"],
            in: folder)
        // Wait until two trials are complete and a third is running, then kill the process.
        var running: [String: Any]?
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, run.process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
            guard
                FileManager.default.fileExists(
                    atPath: folder.appendingPathComponent("study/study.sqlite").path),
                let document = try? study("study", in: folder)
            else { continue }
            let all = trials(document)
            let complete = all.filter { ($0["state"] as? String) == "complete" }.count
            if complete >= 2,
                let current = all.first(where: { ($0["state"] as? String) == "running" })
            {
                running = current
                break
            }
        }
        let killed = try #require(running, "no trial was running in time")
        kill(run.process.processIdentifier, SIGKILL)
        _ = run.wait()
        let resumed = try layerwise("tune", "--resume", "study", "--quiet", in: folder)
        #expect(resumed.status == 0, "\(resumed.errors)")
        let document = try study("study", in: folder)
        let all = trials(document)
        #expect(all.compactMap { $0["number"] as? Int } == Array(0..<6))
        #expect(
            all.allSatisfy { ["complete", "pruned", "failed"].contains($0["state"] as? String) })
        let number = try #require(killed["number"] as? Int)
        let again = try #require(all.first { ($0["number"] as? Int) == number })
        #expect(
            NSDictionary(dictionary: again["params"] as? [String: Any] ?? [:])
                .isEqual(to: killed["params"] as? [String: Any] ?? [:]))
        #expect(document["best"] is [String: Any])
        #expect(document["highest"] is [String: Any])
        // Every complete trial carries TUNE-ONE-SE's standard error.
        for trial in all where (trial["state"] as? String) == "complete" {
            #expect(trial["value_se"] is Double, "\(trial)")
        }
        for file in ["best.yaml", "trials.csv", "report.html"] {
            #expect(
                FileManager.default.fileExists(
                    atPath: folder.appendingPathComponent("study/\(file)").path), "\(file)")
        }
        // best.yaml is a complete config that validate accepts.
        let validate = try layerwise("validate", "study/best.yaml", in: folder)
        #expect(validate.status == 0, "\(validate.output)\(validate.errors)")
    }

    @Test(
        "bad arguments: a located message and a non-zero exit, nothing written",
        arguments: [
            (["tune", "iris.yaml", "--trials", "0"], "--trials must be between 1 and 10000"),
            (["tune", "iris.yaml", "--timeout", "10x"], "--timeout takes a duration"),
            (["tune", "--resume", "nowhere"], "no study here"),
            (["tune", "iris.yaml", "--resume", "x"], "give a spec or --resume DIR, not both"),
            (["study", "nowhere"], "no study here"),
        ])
    func badArguments(arguments: [String], message: String) throws {
        let folder = try scratch()
        let outcome = try Run(arguments, in: folder).wait()
        #expect(outcome.status != 0)
        #expect(outcome.errors.contains(message), "\(outcome.errors)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("runs").path))
    }

    @Test("a spec's tune.space key that is not a tunable key: did-you-mean, at its line")
    func unknownSpaceKey() throws {
        let folder = try scratch()
        try """
        name: iris
        data: {path: iris.csv, target: species}
        tune:
          space:
            training.learning_rat: {low: 0.001, high: 0.1}
        """.write(
            to: folder.appendingPathComponent("typo.yaml"), atomically: true, encoding: .utf8)
        let outcome = try layerwise("tune", "typo.yaml", "--out", "study", in: folder)
        #expect(outcome.status != 0)
        #expect(outcome.errors.contains("typo.yaml:5:"), "\(outcome.errors)")
        #expect(outcome.errors.contains("did you mean `training.learning_rate`?"))
        #expect(
            !FileManager.default.fileExists(atPath: folder.appendingPathComponent("study").path))
    }
}
