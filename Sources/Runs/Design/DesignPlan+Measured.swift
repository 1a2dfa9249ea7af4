import Advisor
import Dataset
import Engine
import Foundation
import Generator
import Random
import Spec

extension DesignPlan {
    /// The optimizer steps the MLP probe may take (it must stay cheap beside reading).
    public static let probeSteps = 2_000
    /// The training examples (steps x batch) the small-MLP probe may see: 2,000 steps of 32,
    /// what small data gets. Larger batches (BATCH-LARGE-DATA) take fewer steps, so the probe
    /// costs the same on any file.
    public static let probeExamples = 128_000
    /// Most training rows the small-MLP probe trains on: a larger training split is sampled
    /// (seeded), so whole epochs fit in `probeExamples` and early stopping can act. Validation
    /// R² is still measured on the whole validation split.
    public static let probeRows = 16_384

    /// Designs the network, measuring what DEPTH-LINEAR needs first.
    ///
    /// DEPTH-LINEAR for regression compares the linear model's validation R² with the MLP's:
    /// when the plain design has hidden layers, they are trained briefly (Adam 1e-3, early
    /// stopping, at most `probeSteps` steps and `probeExamples` examples, on at most
    /// `probeRows` training rows) and the design is made again with the MLP's validation R².
    /// Classification needs no probe beyond the data layer's separability.
    /// - Parameters: as `init(specPath:catalog:template:mlpValidationR2:overrides:)`.
    public static func measured(
        specPath: String, catalog: TemplateCatalog, template: String? = nil,
        overrides: [SpecOverride] = []
    ) throws -> DesignPlan {
        try measured(
            loaded: try loadSpec(path: specPath, catalog: catalog, overrides: overrides),
            specPath: specPath, catalog: catalog, template: template)
    }

    /// `measured(specPath:catalog:template:overrides:)` for a spec already loaded (tune designs
    /// the other numbers' encoding from the user's spec with that key fixed).
    public static func measured(
        loaded: LoadedSpec, specPath: String, catalog: TemplateCatalog, template: String? = nil
    ) throws -> DesignPlan {
        let plain = try DesignPlan(
            loaded: loaded, specPath: specPath, catalog: catalog, template: template)
        let spec = plain.loaded.spec
        // Classification keeps separability: accuracy on a validation split of ~100 rows
        // (standard error 4-5 points) chose worse than it on the suite (2026-12-03, p1).
        guard plain.summary.task == .regression, !plain.recommendation.hiddenWidths.isEmpty,
            spec.model.layers == nil, spec.model.hiddenLayers.isAuto,
            plain.data.validation.rowCount > 1
        else { return plain }
        var probe = plain.recommendation.config
        probe.training.learningRate = .fixed(1e-3)
        // One network: the probe reads only its validation score (the first member's).
        probe.training.ensemble = .fixed(1)
        let data = probeData(plain.data, seed: spec.training.seed)
        let batch = probe.training.batchSize.value ?? 32
        let rows = data.training.rowCount
        let stepsPerEpoch = max(1, (rows + batch - 1) / batch)
        let epochs = max(
            1,
            min(
                probe.training.epochs.value ?? 100, probeSteps / stepsPerEpoch,
                probeExamples / max(1, rows)))
        probe.training.epochs = .fixed(epochs)
        let session = try TrainingSession(config: probe, data: data)
        session.scoresTrainingSplit = false
        let result = try session.run(in: nil)
        guard let r2 = result.scores["validation"]?.headline, r2.isFinite else { return plain }
        var summary = plain.summary
        summary.linearProbe.mlpValidationR2 = r2
        return try DesignPlan(
            specPath: specPath, loaded: plain.loaded, data: plain.data, profile: plain.profile,
            summary: summary, catalog: catalog, template: template)
    }

    /// The data the small-MLP probe trains on: at most `probeRows` training rows (a seeded
    /// sample, in table order) and no test rows (only the validation score is used).
    /// A log target (ENC-TARGET-LOG) is scored on its log scale, as the linear probe's R² is.
    static func probeData(_ data: PreparedData, seed: UInt64) -> PreparedData {
        var probeData = data
        probeData.test = EncodedRows(featureCount: data.test.featureCount)
        if case .logRegression(let name, let mean, let deviation, _) = data.encoding.target {
            probeData.encoding.target = .regression(
                name: name, mean: mean, standardDeviation: deviation)
        }
        let training = data.training
        guard training.rowCount > probeRows else { return probeData }
        var generator = SeededGenerator(seed: seed ^ 0x4D4C_5050_524F_4245)  // "MLPPROBE"
        var order = Array(0..<training.rowCount)
        generator.shuffle(&order)
        let rows = order.prefix(probeRows).sorted()
        let width = training.featureCount
        var features = [Float]()
        features.reserveCapacity(rows.count * width)
        for row in rows { features += training.features[(row * width)..<((row + 1) * width)] }
        probeData.training = EncodedRows(
            rowCount: rows.count, featureCount: width, features: features,
            classIndices: training.classIndices.map { labels in rows.map { labels[$0] } },
            targets: training.targets.map { targets in rows.map { targets[$0] } },
            sourceRows: rows.map { training.sourceRows[$0] })
        return probeData
    }
}
