import Dataset
import Engine
import Foundation
import Random
import Spec
import Testing

@testable import Runs

/// ENC-TARGET-LOG through a run: the smearing factor fitted after training, saved, and used by
/// the scores and by `predict`.
@Suite struct LogTargetTests {
    static func prices(rows: Int = 300) -> String {
        var generator = SeededGenerator(seed: 5)
        var lines = ["size,rooms,price"]
        for _ in 0..<rows {
            let size = 4 * generator.nextUnitDouble()
            let rooms = Int(generator.nextUnitDouble() * 5)
            let noise = 0.5 * (generator.nextUnitDouble() - 0.5)
            lines.append(
                String(format: "%.4f,%d,%.4f", size, rooms, exp(size + 0.1 * Double(rooms) + noise))
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aLogTargetRunSmearsItsPredictionsAndScoresThemInUnits() throws {
        let (result, folder, specPath) = try trainSpec(
            """
            name: prices
            data: {path: prices.csv, target: price}
            training: {ensemble: 2, learning_rate: 0.003, epochs: 60}
            """, files: ["prices.csv": Self.prices()])
        let artifact = try ModelArtifact.read(from: folder.modelPath)
        guard case .logRegression(_, _, _, let smearing) = artifact.encoding.target else {
            Issue.record("expected a log target, got \(artifact.encoding.target)")
            return
        }
        // Residuals of spread ~0.15 on the log scale: exp's mean is a little above 1.
        #expect(smearing > 1 && smearing < 1.2, "\(smearing)")
        let config = try String(contentsOfFile: folder.configPath, encoding: .utf8)
        #expect(config.contains("target_transform: log"))
        // The test score is the one `evaluate` computes from the saved file.
        let test = try #require(result.scores["test"])
        let data = try PreparedData.load(
            DataOptions(
                path: URL(fileURLWithPath: specPath).deletingLastPathComponent()
                    .appendingPathComponent("prices.csv").path, target: "price"))
        let outputs = Predictor.interpret(
            try artifact.predict(data.test.inputMatrix), target: artifact.encoding.target)
        #expect(outputs.storage.allSatisfy { $0 > 0 })
        let metrics = try Evaluation.metrics(
            outputs: outputs, rows: data.test, target: artifact.encoding.target)
        #expect(metrics == test.metrics)
        guard case .regression(let scores) = metrics else { return }
        #expect(scores.rSquared > 0.5, "\(scores.rSquared)")
    }
}
