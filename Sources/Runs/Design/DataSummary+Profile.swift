import Advisor
import Dataset
import Spec

// The advisor reads only its own `DataSummary`; the run layer, which knows both the data layer
// and the advisor, makes one from the data's profile.
extension DataSummary {
    /// The advisor's view of a data profile.
    /// - Parameters:
    ///   - profile: the data layer's profile of the prepared data.
    ///   - mlpValidationR2: a small MLP's validation R² (regression), for DEPTH-LINEAR; nil when
    ///     not measured.
    public init(profile: DataProfile, mlpValidationR2: Double? = nil) {
        let categorical: Set<ColumnKind> = [.category, .integerCategory, .binary]
        let oneHot = profile.columns.filter { column in
            column.role == .feature && categorical.contains(column.type)
                && column.embeddingShape == nil
        }
        .reduce(0) { $0 + $1.encodedWidth }
        let embedded = profile.columns.filter { $0.role == .feature && $0.embeddingShape != nil }
            .reduce(0) { $0 + $1.encodedWidth }
        let probe = profile.linearProbe
        self.init(
            task: profile.task, trainingRows: profile.splits.training, inputs: profile.inputs,
            outputs: profile.outputs,
            classCounts: Dictionary(
                (profile.classes ?? []).map { ($0.label, $0.count) }, uniquingKeysWith: +),
            linearProbe: LinearProbeSummary(
                trainingAccuracy: probe.trainingAccuracy, separable: probe.separable,
                linearValidationR2: probe.validationR2, mlpValidationR2: mlpValidationR2),
            oneHotInputs: oneHot, embeddedInputs: embedded,
            embeddingParameters: profile.columns.reduce(0) {
                $0 + ($1.embeddingShape?.reduce(1, *) ?? 0)
            },
            hasMissingValues: profile.columns.contains { $0.role == .feature && $0.missing > 0 })
        targetTransform = profile.targetTransform
        numericEncoding = profile.numericEncoding
    }
}
