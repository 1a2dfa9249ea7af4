import Foundation
import Runs
import Spec
import Testing

@testable import Generator

/// Each bundled template on each bundled example spec of its task, through the whole pipeline
/// (spec, data, profile, advice with the template's preferences, rendering, re-parsing).
let specGoldenCases: [(template: String, spec: String)] = {
    let classification = ["iris", "breast_cancer", "penguins"]
    let regression = ["diabetes"]
    return classification.map { ("mlp-classifier", $0) } + regression.map { ("mlp-regressor", $0) }
        + (classification + regression).map { ("deep-mlp", $0) }
        + (classification + regression).map { ("wide-shallow", $0) }
}()

@Suite struct SpecGoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Compares with `Golden/Specs/TEMPLATE-SPEC.yaml`.
    /// Re-record: `LAYERWISE_RECORD_GOLDEN=1 swift test --filter GeneratorTests`.
    @Test(arguments: specGoldenCases.map { "\($0.template)|\($0.spec)" })
    func matchesGoldenFile(_ pair: String) throws {
        let parts = pair.split(separator: "|").map(String.init)
        let (template, spec) = (parts[0], parts[1])
        let specs = Self.root.appendingPathComponent("Specs")
        let plan = try DesignPlan(
            specPath: specs.appendingPathComponent("\(spec).yaml").path,
            catalog: try TemplateCatalog(), template: template)
        // Written beside the spec: data.path stays `data/NAME.csv`, as in the spec.
        let generated = try plan.generate(
            outputPath: specs.appendingPathComponent("\(spec).generated.yaml").path)
        #expect(generated.text.contains("path: data/\(spec).csv"))
        #expect(generated.text.contains("template: \(template)"))
        #expect(generated.config.model == plan.recommendation.config.model)
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/Specs/\(template)-\(spec).yaml")
        if ProcessInfo.processInfo.environment["LAYERWISE_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try generated.text.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(
            generated.text == expected,
            "differs from \(golden.path); re-record with LAYERWISE_RECORD_GOLDEN=1")
    }
}
