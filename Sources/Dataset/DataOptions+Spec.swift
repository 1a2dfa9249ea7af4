import Spec

extension DataOptions {
    /// The data options a loaded spec asks for: its `data:` section, `task` and `training.seed`.
    /// - Parameter spec: a spec from the loader (`data.resolvedPath` is already resolved).
    public init(spec: NetworkSpec) {
        let data = spec.data
        self.init(
            path: data.resolvedPath, target: data.target, features: data.features,
            ignore: data.ignore, categorical: data.categorical,
            missingMarkers: data.missingValues,
            delimiter: data.delimiter.flatMap { $0.asciiValue },
            validationFraction: data.split.validation, testFraction: data.split.test,
            stratify: data.split.stratify.value, seed: spec.training.seed,
            idColumn: data.idColumn, task: spec.task)
        categoryPolicy = CategoryPolicy(settings: spec.advisor)
        targetTransform = data.targetTransform
    }
}
