import Dataset
import Engine
import Foundation
import Spec

/// A run's own held-out data, prepared again from its config (same seed, same split).
public enum RunEvaluation {
    /// Scores the run's model on the run's test split.
    /// - Parameters:
    ///   - folder: the run.
    ///   - artifact: its model file.
    ///   - loader: the spec loader (the run's config.yaml is a spec).
    /// - Throws: `RunError.dataChanged` when the data no longer gives the encoding the model
    ///   was trained with.
    public static func testSplit(
        of folder: RunFolder, artifact: ModelArtifact, loader: SpecLoader
    )
        throws -> (metrics: Metrics, rows: EncodedRows)
    {
        let scored = try scoredTestSplit(of: folder, artifact: artifact, loader: loader)
        return (scored.metrics, scored.rows)
    }

    /// `testSplit`, with the path of the data file the split comes from.
    static func scoredTestSplit(
        of folder: RunFolder, artifact: ModelArtifact, loader: SpecLoader
    )
        throws -> (metrics: Metrics, rows: EncodedRows, dataPath: String)
    {
        let loaded = try loader.load(path: folder.configPath)
        let data = try PreparedData.load(DataOptions(spec: loaded.spec))
        guard data.encoding.matches(artifact.encoding) else {
            throw RunError.dataChanged(
                path: loaded.spec.data.resolvedPath,
                detail: "it no longer gives the columns, categories and training statistics the "
                    + "model was trained with")
        }
        guard data.test.rowCount > 0 else {
            throw RunError.cannotResume(
                path: folder.path, reason: "the run has no test split (data.split.test is 0)")
        }
        // The saved target, with the smearing factor fitted after training.
        let outputs = Predictor.interpret(
            try artifact.predict(data.test.inputMatrix), target: artifact.encoding.target)
        return (
            try Evaluation.metrics(
                outputs: outputs, rows: data.test, target: artifact.encoding.target),
            data.test, loaded.spec.data.resolvedPath
        )
    }
}
