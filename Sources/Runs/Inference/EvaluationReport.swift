import Dataset
import Engine
import Foundation
import Spec

/// One scoring of a run's model, what `layerwise evaluate` prints: as text for a person, or as
/// JSON (`EvaluationDocument`) for a script.
public struct EvaluationReport: Sendable, Equatable {
    /// Which rows were scored.
    public enum Source: String, Sendable, Equatable, Codable {
        /// The run's own test split, prepared again from its config.
        case testSplit = "test_split"
        /// A labelled CSV file given to `evaluate`.
        case file
    }

    /// The run folder, as given.
    public var runFolder: String
    /// The CSV file scored: the given file, or the run's data file for its test split.
    public var dataPath: String
    /// Which rows were scored.
    public var source: Source
    /// Rows scored.
    public var rows: Int
    /// The metrics, in the target's units.
    public var metrics: Metrics
    /// The class labels (classification), in the model's order.
    public var labels: [String]?
    /// Warnings about the rows (unseen categories, rows left out), in the order they arose.
    public var warnings: [String]

    /// Scores a run's model on the run's test split.
    /// - Parameters:
    ///   - folder: the run.
    ///   - predictor: its saved model.
    ///   - loader: the spec loader (the run's config.yaml is a spec).
    /// - Throws: as `RunEvaluation.testSplit`.
    public static func testSplit(
        of folder: RunFolder, predictor: Predictor, loader: SpecLoader
    ) throws -> EvaluationReport {
        let test = try RunEvaluation.scoredTestSplit(
            of: folder, artifact: predictor.artifact, loader: loader)
        return EvaluationReport(
            runFolder: folder.path, dataPath: test.dataPath, source: .testSplit,
            rows: test.rows.rowCount, metrics: test.metrics, labels: predictor.classLabels,
            warnings: [])
    }

    /// Scores a run's model on a labelled CSV file.
    /// - Parameters:
    ///   - path: the CSV file, read in the format the model was trained on.
    ///   - folder: the run.
    ///   - predictor: its saved model.
    /// - Throws: `DataError` when the file cannot be read, lacks columns or has no label.
    public static func file(
        _ path: String, of folder: RunFolder, predictor: Predictor
    ) throws -> EvaluationReport {
        let table = try CSVReader.read(path: path, format: predictor.artifact.encoding.format)
        let (metrics, rows, warnings) = try Evaluation.metrics(of: predictor, on: table)
        return EvaluationReport(
            runFolder: folder.path, dataPath: path, source: .file, rows: rows, metrics: metrics,
            labels: predictor.classLabels, warnings: warnings)
    }

    /// The report for a person: a line naming the rows, then the scores (warnings are printed
    /// apart, on standard error). Lines end in "\n".
    public var text: String {
        let header =
            switch source {
            case .testSplit: "\(runFolder): test split, \(rows) rows"
            case .file: "\(dataPath): \(rows) rows"
            }
        return header + "\n" + Evaluation.text(metrics, labels: labels) + "\n"
    }

    /// The report as data.
    public var document: EvaluationDocument {
        let task: TaskKind
        let labels: [String]?
        switch metrics {
        case .classification(let scores):
            task = .classification
            labels = self.labels ?? scores.confusion.indices.map(String.init)
        case .regression:
            task = .regression
            labels = nil
        }
        return EvaluationDocument(
            run: runFolder, data: dataPath, source: source, task: task, rows: rows,
            metrics: MetricsSummary(metrics, labels: labels), warnings: warnings)
    }

    /// The report as JSON, in `metrics.json`'s conventions (`MetricsSummary.encoder()`),
    /// ending with a newline.
    /// - Throws: an `EncodingError` (not expected: non-finite numbers are written as strings).
    public func json() throws -> String {
        String(decoding: try MetricsSummary.encoder().encode(document), as: UTF8.self) + "\n"
    }
}

/// `layerwise evaluate --format json`: one scoring of a run's model as data. Keys are
/// snake_case on the wire, as in `metrics.json`.
public struct EvaluationDocument: Codable, Equatable, Sendable {
    /// The run folder, as given.
    public var run: String
    /// The CSV file scored: the given file, or the run's data file for its test split.
    public var data: String
    /// `test_split` or `file`.
    public var source: EvaluationReport.Source
    /// `classification` or `regression`.
    public var task: TaskKind
    /// Rows scored.
    public var rows: Int
    /// The scores by name.
    public var metrics: MetricsSummary
    /// Warnings about the rows (unseen categories, rows left out of the scores).
    public var warnings: [String]

    /// Reads what `EvaluationReport.json()` wrote.
    /// - Parameter json: the JSON text.
    /// - Throws: a `DecodingError` when it is not an evaluation document.
    public static func decode(_ json: String) throws -> EvaluationDocument {
        try MetricsSummary.decoder().decode(EvaluationDocument.self, from: Data(json.utf8))
    }
}
