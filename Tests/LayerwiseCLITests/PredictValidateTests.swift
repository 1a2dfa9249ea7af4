import Foundation
import Testing

/// What a new user met in predict, evaluate and validate (issue 19).
@Suite("predict, evaluate and validate as a new user meets them")
struct PredictValidateTests {
    /// iris with a row-number column `flower` first, which the data layer types as an
    /// identifier and leaves out of the inputs.
    func irisWithIds(in folder: URL) throws {
        let text = try String(
            contentsOf: folder.appendingPathComponent("iris.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        lines[0] = "flower," + lines[0]
        for k in 1..<lines.count { lines[k] = "\(1000 + k)," + lines[k] }
        try (lines.joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent("ids.csv"), atomically: true, encoding: .utf8)
        try "name: ids\ndata: {path: ids.csv, target: species}\ntraining: {epochs: 3}\n".write(
            to: folder.appendingPathComponent("ids.yaml"), atomically: true, encoding: .utf8)
    }

    @Test("predict copies the identifier the data layer found, and -o makes its folder")
    func detectedIdentifierAndOutputFolder() throws {
        let folder = try scratch()
        try irisWithIds(in: folder)
        let trained = try layerwise("train", "ids.yaml", "--out", "run", "--quiet", in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        let predicted = try layerwise(
            "predict", "run", "ids.csv", "-o", "out/deeper/p.csv", in: folder)
        #expect(predicted.status == 0, "\(predicted.errors)")
        let text = try String(
            contentsOf: folder.appendingPathComponent("out/deeper/p.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.first?.hasPrefix("flower,predicted_species,") == true, "\(text.prefix(80))")
        #expect(lines.dropFirst().first?.hasPrefix("1001,") == true)
        // A file without the identifier is predicted without it, not refused.
        let plain = try layerwise("predict", "run", "iris.csv", in: folder)
        #expect(plain.status == 0, "\(plain.errors)")
        #expect(plain.output.hasPrefix("predicted_species,"))
    }

    @Test("train and evaluate print a regression's scores the same way: R², MAE, RMSE")
    func sameRegressionScores() throws {
        let folder = try scratch()
        try copyData("diabetes.csv", to: folder)
        try "name: d\ndata: {path: diabetes.csv, target: progression}\ntraining: {epochs: 3}\n"
            .write(
                to: folder.appendingPathComponent("d.yaml"), atomically: true, encoding: .utf8)
        let trained = try layerwise("train", "d.yaml", "--out", "run", "--quiet", in: folder)
        let evaluated = try layerwise("evaluate", "run", in: folder)
        #expect(evaluated.status == 0, "\(evaluated.errors)")
        let testLine = try #require(
            trained.output.split(separator: "\n").first { $0.hasPrefix("  test ") })
        // `  test       R² 0.49  MAE 42.4  RMSE 52.7  (66 rows)`: the scores part is printed
        // by evaluate as it is.
        let scores =
            testLine.dropFirst("  test".count).trimmingCharacters(in: .whitespaces)
            .components(separatedBy: "  (").first ?? ""
        #expect(scores.contains("MAE") && scores.contains("RMSE"))
        #expect(evaluated.output.contains(scores), "\(scores) | \(evaluated.output)")
    }

    @Test("validate checks the spec's column names against the data file, with did-you-mean")
    func validateChecksColumns() throws {
        let folder = try scratch()
        try
            "name: x\ndata:\n  path: iris.csv\n  target: specie\n  ignore: [sepal_width, petal_lenght]\n"
            .write(
                to: folder.appendingPathComponent("x.yaml"), atomically: true, encoding: .utf8)
        let result = try layerwise("validate", "x.yaml", "iris.yaml", in: folder)
        #expect(result.status == 1)
        #expect(
            result.output.contains("x.yaml:4:11: error: data.target: `specie` is not a column"),
            "\(result.output)")
        #expect(result.output.contains("did you mean `species`?"))
        #expect(result.output.contains("x.yaml:5:25: error: data.ignore[1]: `petal_lenght`"))
        #expect(result.output.contains("did you mean `petal_length`?"))
        #expect(result.output.contains("iris.yaml: ok"))
    }
}

@Suite("diagnose --write-spec as a new user meets it")
struct WriteSpecTemplateTests {
    @Test("the written spec keeps the template the run was trained with (--template)")
    func keepsTheTemplate() throws {
        let folder = try scratch()
        // Three epochs: DIAG-NOT-CONVERGED proposes more, so a spec is written.
        let trained = try layerwise(
            "train", "iris.yaml", "--template", "deep-mlp", "--out", "run", "--quiet", "--set",
            "training.epochs=3", "--set", "training.ensemble=1", in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        let written = try layerwise(
            "diagnose", "run", "--write-spec", "next/next.yaml", in: folder)
        #expect(written.status == 0, "\(written.errors)")
        let text = try String(
            contentsOf: folder.appendingPathComponent("next/next.yaml"), encoding: .utf8)
        #expect(text.contains("template: deep-mlp"), "\(text)")
        #expect(text.contains("path: ../iris.csv"), "\(text)")
        let again = try layerwise("recommend", "next/next.yaml", in: folder)
        #expect(again.output.contains("template deep-mlp"), "\(again.output)")
    }
}
