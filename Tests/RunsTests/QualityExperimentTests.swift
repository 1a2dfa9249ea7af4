import Advisor
import Dataset
import Engine
import Foundation
import Spec
import Testing

@testable import Runs

@Suite struct QualityExperiment {
    @Test(arguments: ["iris", "breast_cancer", "penguins", "diabetes"])
    func experiment(_ name: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let loaded = try SpecLoader().load(path: root.appendingPathComponent("Specs/\(name).yaml").path)
        for seed in [42, 1, 2] as [UInt64] {
        var spec = loaded.spec
        spec.training.seed = seed
        let data = try PreparedData.load(DataOptions(spec: spec))
        let summary = DataSummary(profile: DataProfile(data))
        let recommendation = try SizingAdvisor.recommend(spec: spec, data: summary)
        let started = Date()
        let session = try TrainingSession(config: recommendation.config, data: data)
        let folder = try RunFolder.create(name: name, parent: NSTemporaryDirectory() + "/lw-exp")
        let result = try session.run(in: folder)
        print("EXPERIMENT \(name) seed \(seed): \(recommendation.diagram) lr \(session.learningRate) (\(session.rangeTest?.confidence.rawValue ?? "-")) epochs \(result.epochsRun) \(result.stopReason) test \(result.scores["test"]!.headline) val \(result.scores["validation"]!.headline) seconds \(Date().timeIntervalSince(started))")
        }
    }
}
