import Advisor
import Foundation
import Generator
import Spec

extension DesignPlan {
    /// The optimizer steps the small-MLP probe may take (it must stay cheap beside reading).
    public static let probeSteps = 2_000

    /// Designs the network, measuring what DEPTH-LINEAR needs on regression data first.
    ///
    /// DEPTH-LINEAR for regression compares the linear model's validation R² with a small
    /// MLP's: when the plain design has hidden layers, they are trained briefly (Adam 1e-3,
    /// early stopping, at most `probeSteps` steps) and the design is made again with the
    /// MLP's validation R². Classification needs no probe beyond the data layer's.
    /// - Parameters: as `init(specPath:catalog:template:mlpValidationR2:)`.
    public static func measured(
        specPath: String, catalog: TemplateCatalog, template: String? = nil
    ) throws -> DesignPlan {
        let plain = try DesignPlan(specPath: specPath, catalog: catalog, template: template)
        let spec = plain.loaded.spec
        guard plain.summary.task == .regression, !plain.recommendation.hiddenWidths.isEmpty,
            spec.model.layers == nil, spec.model.hiddenLayers.isAuto,
            plain.data.validation.rowCount > 1
        else { return plain }
        var probe = plain.recommendation.config
        probe.training.learningRate = .fixed(1e-3)
        let batch = probe.training.batchSize.value ?? 32
        let stepsPerEpoch = max(1, (plain.data.training.rowCount + batch - 1) / batch)
        let epochs = max(1, min(probe.training.epochs.value ?? 100, probeSteps / stepsPerEpoch))
        probe.training.epochs = .fixed(epochs)
        let session = try TrainingSession(config: probe, data: plain.data)
        session.scoresTrainingSplit = false
        let result = try session.run(in: nil)
        guard let r2 = result.scores["validation"]?.headline, r2.isFinite else { return plain }
        var summary = plain.summary
        summary.linearProbe.mlpValidationR2 = r2
        return try DesignPlan(
            specPath: specPath, loaded: plain.loaded, data: plain.data, profile: plain.profile,
            summary: summary, catalog: catalog, template: template)
    }
}
