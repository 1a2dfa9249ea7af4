import Foundation
import Spec

@testable import CurveAnalysis

/// Synthetic training records: one healthy run, and one per pathology, each changing only what
/// the pathology changes.
enum SyntheticRecords {
    static let epochs = 60

    /// A healthy 3-class run: a smooth decaying loss with a little noise, validation close to
    /// training, gradients of similar size in every layer, few dead units, no unit to prune.
    static func healthy() -> TrainingRecord {
        let t = (0..<epochs).map(Double.init)
        let train = t.map { 0.1 + 1.0 * exp(-$0 / 6) * (1 + 0.002 * sin(1.7 * $0)) }
        let validation = train.map { $0 * 1.05 + 0.01 }
        func layer(_ name: String, units: Int, activation: String, scale: Double) -> LayerRecord {
            LayerRecord(
                name: name, units: units, activation: activation,
                gradientNorm: t.map { scale * (0.5 * exp(-$0 / 30) + 0.05) },
                weightNorm: t.map { 2 + 0.01 * $0 },
                updateRatio: t.map { _ in 1e-3 },
                deadUnitFraction: activation == "relu" ? t.map { _ in 0.02 } : nil,
                incomingUnitNorms: activation == "relu"
                    ? (0..<units).map { 1 + 0.1 * sin(Double($0)) } : nil,
                outgoingUnitNorms: activation == "relu"
                    ? (0..<units).map { 0.8 + 0.1 * cos(Double($0)) } : nil)
        }
        return TrainingRecord(
            task: .classification, classCount: 3,
            classNames: ["setosa", "versicolor", "virginica"],
            epochsPlanned: epochs, trainLoss: train, validationLoss: validation,
            trainMetric: t.map { 0.95 - 0.6 * exp(-$0 / 6) },
            validationMetric: t.map { 0.93 - 0.6 * exp(-$0 / 6) },
            learningRate: t.map { _ in 0.01 },
            firstBatchLoss: 1.15,
            layers: [
                layer("dense_1", units: 16, activation: "relu", scale: 1),
                layer("dense_2", units: 8, activation: "relu", scale: 0.9),
                layer("output", units: 3, activation: "softmax", scale: 0.8),
            ],
            classRecall: t.map { _ in [0.95, 0.9, 0.9] },
            trivialBaselineScore: 0.34, trivialBaselineLoss: log(3.0))
    }

    static func withTrainLoss(
        _ losses: [Double], _ record: TrainingRecord = healthy()
    )
        -> TrainingRecord
    {
        var record = record
        record.trainLoss = losses
        record.validationLoss = losses.map { $0 * 1.05 + 0.01 }
        return record
    }

    /// A spec as a user wrote it: fixed rate, widths and activation.
    static func spec(
        learningRate: Double = 0.1, activation: ActivationFunction = .relu,
        neurons: [Int] = [16, 8]
    ) -> NetworkSpec {
        var spec = NetworkSpec(
            name: "iris",
            data: DataSection(
                path: "data/iris.csv", resolvedPath: "Specs/data/iris.csv", target: "species"))
        spec.training.learningRate = .fixed(learningRate)
        spec.training.epochs = .fixed(epochs)
        spec.model.activation = .fixed(activation)
        spec.model.hiddenLayers = .fixed(neurons.count)
        spec.model.neurons = .fixed(.widths(neurons))
        return spec
    }
}
