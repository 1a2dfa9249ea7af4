import Advisor
import Dataset
import Engine
import Foundation
import Generator
import Spec
import Testing

@testable import Runs

/// Issue 14: a category above ENC-ONEHOT-MAX is embedded, end to end.
@Suite struct EmbeddedCategoryTests {
    /// 1,200 rows: `store` has 40 levels (30 rows each), `x` a number; `y` depends on the
    /// store's group (store index mod 3) and on x.
    static func storesCSV() -> String {
        var text = "x,store,y\n"
        for row in 0..<1_200 {
            let store = row % 40
            let x = Double((row * 37) % 100) / 100
            let y = (store % 3 == 0) != (x > 0.8) ? "hit" : "miss"
            text += "\(x),store\(store),\(y)\n"
        }
        return text
    }

    static let run = Result { () throws -> RunFolder in
        let folder = try temporaryFolder()
        try storesCSV().write(
            to: folder.appendingPathComponent("stores.csv"), atomically: true, encoding: .utf8)
        let spec = folder.appendingPathComponent("stores.yaml")
        try """
        name: stores
        data:
          path: stores.csv
          target: y
          numeric_encoding: standard
        training:
          epochs: 8
        """.write(to: spec, atomically: true, encoding: .utf8)
        let (session, run, plan) = try startRun(spec.path)
        // Ni: x (1) + the embedding's dimension (41 rows: 13).
        #expect(plan.summary.inputs == 1 + 13)
        #expect(plan.profile.inputs == 1 + 13)
        #expect(plan.summary.embeddedInputs == 13)
        #expect(plan.summary.numericInputs == 1)
        // The table's 41 x 13 floats are parameters of the design.
        #expect(plan.summary.embeddingParameters == 41 * 13)
        #expect(plan.recommendation.parameterCount > 41 * 13)
        #expect(
            TextReport.render(plan.recommendation)
                .contains("1 numeric + 0 one-hot + 13 embedding inputs (ENC-EMBED-SIZE)"))
        _ = try session.run(in: run)
        return run
    }

    @Test func trainsSavesAndPredictsWithAnEmbeddedColumn() throws {
        let folder = try Self.run.get()
        let artifact = try ModelArtifact.read(from: folder.modelPath)
        #expect(
            artifact.description.embeddings == [
                EmbeddingInput(column: 1, levels: 41, dimension: 13)
            ])
        #expect(artifact.encoding.inputWidth == 2)
        #expect(
            artifact.tensors.contains { $0.name == "embeddings.0.weight" && $0.shape == [41, 13] })
        let file = try temporaryFolder().appendingPathComponent("rows.csv")
        try "x,store\n0.1,store3\n0.1,store4\n0.5,store999\n".write(
            to: file, atomically: true, encoding: .utf8)
        let rows = try CSVReader.read(path: file.path)
        let (text, warnings) = try Predictor(artifact: artifact).csv(for: rows)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(
            warnings.contains { $0.contains("'store999'") && $0.contains("'other'") }, "\(warnings)"
        )
        // The test split scores as at the end of training: the embedding learned the groups.
        let (metrics, _) = try RunEvaluation.testSplit(
            of: folder, artifact: artifact,
            loader: SpecLoader(
                templates: TemplateNames(names: try TemplateCatalog().entries.map(\.name))))
        guard case .classification(let scores) = metrics else {
            Issue.record("stores is classification")
            return
        }
        #expect(scores.accuracy > 0.8, "accuracy \(scores.accuracy)")
    }

    @Test func aFileWhoseEmbeddingsDisagreeWithItsEncodingIsRefused() throws {
        var artifact = try ModelArtifact.read(from: Self.run.get().modelPath)
        // The table of the code column moved to the number's column: same sizes, wrong input.
        artifact.description.embeddings[0].column = 0
        let path = try temporaryFolder().appendingPathComponent("moved.safetensors").path
        try artifact.write(to: path)
        #expect {
            try ModelArtifact.read(from: path)
        } throws: { error in
            "\(error)".contains("embeddings do not match")
        }
    }
}
