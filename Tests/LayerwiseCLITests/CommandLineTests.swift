import Foundation
import Testing

/// Issue 12, as the red team ran it: through the command line.
@Suite("layerwise on the command line")
struct CommandLineTests {
    @Test func twoTrainsOnOneFolderAtOnce_oneRunsTheOtherIsRefused() throws {
        let folder = try scratch()
        let runs = try (0..<2).map { _ in
            try Run(["train", "iris.yaml", "--out", "run", "--quiet"], in: folder)
        }
        let outcomes = runs.map { $0.wait() }
        #expect(outcomes.filter { $0.status == 0 }.count == 1, "\(outcomes.map(\.errors))")
        let refused = try #require(outcomes.first { $0.status != 0 })
        #expect(
            refused.errors.contains("in use by another layerwise process")
                || refused.errors.contains("holds a run already"), "\(refused.errors)")
        // The folder holds one run: its model was trained from its config.
        let evaluate = try layerwise("evaluate", "run", in: folder)
        #expect(evaluate.status == 0, "\(evaluate.errors)")
    }

    @Test func anEnsembleReportsEachMemberAsItEnds() throws {
        // iris.yaml leaves `ensemble` to ENSEMBLE-SMALL-DATA: five networks. Not a terminal, so
        // one line per epoch, and one line per further member with the epoch it kept.
        let folder = try scratch()
        let outcome = try layerwise("train", "iris.yaml", "--out", "run", in: folder)
        #expect(outcome.status == 0, "\(outcome.errors)")
        let lines = outcome.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("Training 5 networks (ENSEMBLE-SMALL-DATA)") })
        let members = lines.filter { $0.hasPrefix("Ensemble member ") }
        #expect(
            Set(members.map { $0.split(separator: " ")[2] }) == ["2", "3", "4", "5"],
            "\(members)")
        #expect(members.allSatisfy { $0.contains(" of 5 done: epoch ") }, "\(members)")
        #expect(lines.contains { $0.hasPrefix("Ensemble 5 networks averaged") })
        // Quiet: none of it.
        let quiet = try layerwise("train", "iris.yaml", "--out", "quiet", "--quiet", in: folder)
        #expect(!quiet.output.contains("Ensemble member"))
    }

    @Test func anErrorAfterTheDesignLeavesNoFolder() throws {
        let folder = try scratch()
        try """
        data: {path: iris.csv, target: species}
        training: {class_weights: {setosa: 2, virginca: 1}}
        """.write(
            to: folder.appendingPathComponent("weights.yaml"), atomically: true, encoding: .utf8)
        let outcome = try layerwise("train", "weights.yaml", "--out", "run", "--quiet", in: folder)
        #expect(outcome.status != 0)
        #expect(outcome.errors.contains("virginca"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("run").path))
    }

    @Test func outRefusesAFolderOfOtherFiles() throws {
        let folder = try scratch()
        let mine = folder.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try "keep\n".write(
            to: mine.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let outcome = try layerwise("train", "iris.yaml", "--out", "mine", "--quiet", in: folder)
        #expect(outcome.status != 0)
        #expect(outcome.errors.contains("is not empty and not a Layerwise run"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: mine.path) == ["notes.txt"])
    }

    @Test(
        "negative counts are invalid values, not missing ones",
        arguments: [
            (
                ["train", "iris.yaml", "--threads", "-1"],
                "--threads must be between 1 and 16, not -1"
            ),
            (["profile", "iris.csv", "--target", "species", "--seed", "-3"], "'-3' is invalid"),
        ])
    func negativeOptions(arguments: [String], message: String) throws {
        let outcome = try Run(arguments, in: try scratch()).wait()
        #expect(outcome.status != 0)
        #expect(outcome.errors.contains(message), "\(outcome.errors)")
        #expect(!outcome.errors.contains("Missing value"))
    }

    @Test func initWritesASpecThatValidates() throws {
        let folder = try scratch()
        let written = try layerwise(
            "init", "iris.csv", "--target", "species", "-o", "s.yaml", in: folder)
        #expect(written.status == 0, "\(written.errors)")
        let validated = try layerwise("validate", "s.yaml", in: folder)
        #expect(validated.status == 0, "\(validated.output)\(validated.errors)")
        // Without --force an existing spec is kept.
        let again = try layerwise(
            "init", "iris.csv", "--target", "species", "-o", "s.yaml", in: folder)
        #expect(again.status != 0)
    }

    @Test func reportListsTheInputsWithTheirEncodings() throws {
        let folder = try scratch()
        // 20 stores on 30 rows each (embedded), a date over a year, a number.
        var csv = "\"store <&>\",day,x,y\n"
        for row in 0..<600 {
            let store = row % 20
            let day = String(format: "2013-%02d-%02d", row % 12 + 1, row % 28 + 1)
            let x = Double((row * 37) % 100) / 100
            csv += "s\(store),\(day),\(x),\((store % 2 == 0) != (x > 0.6) ? "a" : "b")\n"
        }
        try csv.write(
            to: folder.appendingPathComponent("stores.csv"), atomically: true, encoding: .utf8)
        try "name: stores\ndata: {path: stores.csv, target: y}\ntraining: {epochs: 2}\n".write(
            to: folder.appendingPathComponent("stores.yaml"), atomically: true, encoding: .utf8)
        let trained = try layerwise("train", "stores.yaml", "--out", "run", "--quiet", in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        let report = folder.appendingPathComponent("run/report.html")
        try FileManager.default.removeItem(at: report)
        let written = try layerwise("report", "run", in: folder)
        #expect(written.status == 0, "\(written.errors)")
        let html = try String(contentsOf: report, encoding: .utf8)
        #expect(html.contains("<h2>Inputs</h2>"))
        #expect(html.contains("<code>store &lt;&amp;&gt;</code></td><td>embedding</td>"))
        #expect(!html.contains("store <&>"))
        #expect(html.contains("20 levels + &#39;other&#39;; table 21 x 9"))
        #expect(html.contains("ENC-EMBED-SIZE") && html.contains("ENC-DATE-PARTS"))
        #expect(html.contains("<code>day</code></td><td>date parts</td>"))
    }

    @Test func generateToStandardOutputWithADash() throws {
        let folder = try scratch()
        let generated = try layerwise("generate", "iris.yaml", "-o", "-", in: folder)
        #expect(generated.status == 0, "\(generated.errors)")
        #expect(generated.output.contains("layers:") && generated.output.contains("units:"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("-").path))
        // A bare file name (no folder) anchors paths at the current folder.
        let written = try layerwise("generate", "iris.yaml", "-o", "config.yaml", in: folder)
        #expect(written.status == 0, "\(written.errors)")
        let validated = try layerwise("validate", "config.yaml", in: folder)
        #expect(validated.status == 0, "\(validated.output)\(validated.errors)")
    }
}
