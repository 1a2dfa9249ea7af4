import Advisor
import Dataset
import Spec

// The advisor reads only its own `DataSummary`; the run layer, which knows both the data layer
// and the advisor, makes one from the data's profile.
extension DataSummary {
    /// The advisor's view of a data profile.
    /// - Parameter profile: the data layer's profile of the prepared data.
    public init(profile: DataProfile) {
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
                linearR2: profile.task == .regression
                    ? profile.numericEncoding?.linearScore : nil,
                nonlinearR2: profile.task == .regression
                    ? profile.numericEncoding?.nonlinearScore : nil),
            oneHotInputs: oneHot, embeddedInputs: embedded,
            embeddingParameters: profile.columns.reduce(0) {
                $0 + ($1.embeddingShape?.reduce(1, *) ?? 0)
            },
            hasMissingValues: profile.columns.contains { $0.role == .feature && $0.missing > 0 })
        targetTransform = profile.targetTransform
        numericEncoding = profile.numericEncoding
    }
}
