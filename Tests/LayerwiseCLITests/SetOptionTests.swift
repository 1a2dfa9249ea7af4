import Foundation
import Testing

/// `--set KEY=VALUE` on the commands that read a spec, and `layerwise --version`, as a user
/// runs them.
@Suite("--set and --version on the command line")
struct SetOptionTests {
    @Test("a bad value is located on the command line with its argument and a caret")
    func badValueIsLocated() throws {
        let folder = try scratch()
        let result = try layerwise(
            "recommend", "iris.yaml", "--set", "training.epochs=abc", "--set",
            "trainin.batch_size=8", in: folder)
        #expect(result.status == 1)
        #expect(
            result.errors.contains(
                """
                command line:1:23: error: training.epochs: expected an integer or `auto`, found `abc`
                1 | --set training.epochs=abc
                  |                       ^~~
                """), "\(result.errors)")
        #expect(result.errors.contains("command line:2:7: error: trainin: unknown key"))
        #expect(result.errors.contains("did you mean `training`?"))
        let noEquals = try layerwise("train", "iris.yaml", "--set", "epochs", in: folder)
        #expect(noEquals.status != 0)
        #expect(noEquals.errors.contains("--set epochs: it has no `=`"), "\(noEquals.errors)")
    }

    @Test("train, recommend, generate and lr-find take the values; the run keeps them")
    func commandsTakeTheValues() throws {
        let folder = try scratch()
        let overrides = ["--set", "model.neurons=[12]", "--set", "training.epochs=2"]
        let trained = try layerwise(
            "train", "iris.yaml", "--out", "run", "--quiet", overrides[0], overrides[1],
            overrides[2], overrides[3], in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        #expect(trained.output.contains(" -> 12 -> 3 (softmax)"), "\(trained.output)")
        #expect(trained.output.contains("up to 2 epochs [spec]"), "\(trained.output)")
        // The spec as it ran has the values written in: diagnose proposes edits against it.
        let manifest = try String(
            contentsOf: folder.appendingPathComponent("run/run.json"), encoding: .utf8)
        #expect(manifest.contains("training: {epochs: 2}"), "\(manifest)")
        #expect(manifest.contains("neurons: [12]"), "\(manifest)")
        #expect(manifest.contains(#""keyPath":"training.epochs","rule":"set with --set""#))

        let recommended = try layerwise(
            "recommend", "iris.yaml", "--set", "model.neurons=[7]", in: folder)
        #expect(recommended.output.contains(" -> 7 -> 3 (softmax)"), "\(recommended.output)")
        #expect(recommended.output.contains("set with --set"), "\(recommended.output)")
        #expect(!recommended.output.contains("set in spec: set with --set"))

        let generated = try layerwise(
            "generate", "iris.yaml", "-o", "out.yaml", "--set", "training.epochs=9", in: folder)
        #expect(generated.status == 0, "\(generated.errors)")
        let config = try String(
            contentsOf: folder.appendingPathComponent("out.yaml"), encoding: .utf8)
        #expect(config.contains("epochs: 9"), "\(config)")

        let found = try layerwise(
            "lr-find", "iris.yaml", "--out", "lr", "--set", "training.batch_size=abc", in: folder)
        #expect(found.status == 1)
        #expect(found.errors.contains("command line:1:27: error: training.batch_size"))
    }

    @Test("tune keeps its --set in the study: --resume applies them again")
    func tuneResumesWithItsValues() throws {
        let folder = try scratch()
        let tuned = try layerwise(
            "tune", "iris.yaml", "--trials", "2", "--out", "study", "--quiet", "--set",
            "training.epochs=3", in: folder)
        #expect(tuned.status == 0, "\(tuned.errors)")
        let again = try layerwise(
            "tune", "--resume", "study", "--trials", "3", "--quiet", in: folder)
        #expect(again.status == 0, "\(again.errors)")
        let refused = try layerwise(
            "tune", "--resume", "study", "--set", "training.epochs=4", in: folder)
        #expect(refused.status != 0)
        #expect(refused.errors.contains("drop --set"), "\(refused.errors)")
    }

    @Test("--version prints the release and exits 0")
    func version() throws {
        let result = try layerwise("--version", in: try scratch())
        #expect(result.status == 0)
        #expect(
            result.output.trimmingCharacters(in: .whitespacesAndNewlines)
                .range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil,
            "\(result.output)")
    }
}
