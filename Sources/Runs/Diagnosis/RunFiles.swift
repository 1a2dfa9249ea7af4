import CurveAnalysis
import Foundation

/// `run.json`: how a run started, written by `TrainingSession.begin`. Lets `diagnose` phrase its
/// edits against the user's own spec and `report` show the design with the rules behind it.
public struct RunManifest: Codable, Sendable, Equatable {
    /// One value of the design and the rule (or reason) behind it.
    public struct DesignChoice: Codable, Sendable, Equatable {
        /// Dotted key path (`model.layers[0].dense.units`).
        public var keyPath: String
        /// The value as the spec would write it.
        public var value: String
        /// The rule ID and why (`SIZE-GEOMETRIC: sqrt(4 * 3) = 3.5`), or `set in spec`.
        public var rule: String

        /// Creates a choice.
        public init(keyPath: String, value: String, rule: String) {
            self.keyPath = keyPath
            self.value = value
            self.rule = rule
        }
    }

    /// The spec file the run started from, absolute; nil when unknown.
    public var specPath: String?
    /// The spec's text when the run started (what ran, even if the file changed since).
    public var specText: String?
    /// `--template` when given.
    public var template: String?
    /// Every value of the complete config with its reason.
    public var design: [DesignChoice]
    /// The design summary as `train` printed it.
    public var designText: String?
    /// When the run started.
    public var started: Date

    /// Creates a manifest.
    public init(
        specPath: String?, specText: String?, template: String?, design: [DesignChoice],
        designText: String?, started: Date = Date()
    ) {
        self.specPath = specPath
        self.specText = specText
        self.template = template
        self.design = design
        self.designText = designText
        self.started = started
    }

    /// Reads `run.json`; nil when the run has none (or it cannot be read).
    public static func read(from folder: RunFolder) -> RunManifest? {
        guard let data = FileManager.default.contents(atPath: folder.manifestPath) else {
            return nil
        }
        return try? RunFiles.decoder().decode(RunManifest.self, from: data)
    }

    /// Writes `run.json` atomically.
    public func write(to folder: RunFolder) throws {
        try AtomicFile.write(
            try RunFiles.encoder().encode(self).map { $0 }, to: folder.manifestPath)
    }
}

/// The held-out evaluation the report plots: a confusion matrix or predictions against targets.
public enum ReportEvaluation: Codable, Sendable, Equatable {
    /// Classification: `counts[actual][predicted]` on `split`.
    case confusionMatrix(split: String, classNames: [String], counts: [[Int]])
    /// Regression, in the target's units, on `split`.
    case regression(split: String, predicted: [Double], actual: [Double])

    /// The report's form.
    var reportEvaluation: RunReport.Evaluation {
        switch self {
        case .confusionMatrix(_, let names, let counts):
            .confusionMatrix(classNames: names, counts: counts)
        case .regression(_, let predicted, let actual):
            .regression(predicted: predicted, actual: actual)
        }
    }

    /// `test`, or `validation` when the run has no test split.
    public var split: String {
        switch self {
        case .confusionMatrix(let split, _, _), .regression(let split, _, _): split
        }
    }
}

/// `record.json`: everything the diagnostics and the report read about a run, so `diagnose` and
/// `report` work without the data or retraining. Rewritten after every epoch (a run killed at any
/// moment keeps its last complete epoch) and at the end with the stop reason and the evaluation.
public struct RunRecordFile: Codable, Sendable, Equatable {
    /// The training record.
    public var record: TrainingRecord
    /// Why training ended (`StopReason.explanation`), or nil while it runs.
    public var stopReason: String?
    /// The learning rate trained with.
    public var learningRate: Double
    /// The range test, when `training.learning_rate` was `auto`.
    public var rangeTest: RangeTestResult?
    /// The held-out evaluation of the final model, when a model was saved.
    public var evaluation: ReportEvaluation?
    /// Headline scores (`test accuracy`, `validation R²`), in order.
    public var scores: [NamedScore]
    /// Every input column with its encoding and the rules that chose it, in input order; nil
    /// in a record written before Layerwise kept it (`RunDiagnosis.load` fills it in then).
    public var inputs: [InputSummary]?
    /// A binary classifier's held-out probabilities (ROC, precision-recall, calibration);
    /// nil otherwise, and in records written before Layerwise kept them.
    public var binaryScores: BinaryScores?

    /// A named number.
    public struct NamedScore: Codable, Sendable, Equatable {
        public var name: String
        public var value: Double

        public init(_ name: String, _ value: Double) {
            self.name = name
            self.value = value
        }
    }

    /// Creates a record file.
    public init(
        record: TrainingRecord, stopReason: String?, learningRate: Double,
        rangeTest: RangeTestResult?, evaluation: ReportEvaluation?, scores: [NamedScore],
        inputs: [InputSummary]? = nil
    ) {
        self.record = record
        self.stopReason = stopReason
        self.learningRate = learningRate
        self.rangeTest = rangeTest
        self.evaluation = evaluation
        self.scores = scores
        self.inputs = inputs
    }

    /// Reads `record.json`; nil when the run has none.
    /// - Throws: `RunError.notARun` when the file exists but is not a record.
    public static func read(from folder: RunFolder) throws -> RunRecordFile? {
        guard let data = FileManager.default.contents(atPath: folder.recordPath) else { return nil }
        do {
            return try RunFiles.decoder().decode(RunRecordFile.self, from: data)
        } catch {
            throw RunError.notARun(
                path: folder.path, reason: "its record.json cannot be read (\(error))")
        }
    }

    /// Writes `record.json` atomically.
    public func write(to folder: RunFolder) throws {
        try AtomicFile.write(try RunFiles.encoder().encode(self).map { $0 }, to: folder.recordPath)
    }
}

/// The JSON coding of the run files: sorted keys, snake case, NaN and infinities as strings.
enum RunFiles {
    static func encoder() -> JSONEncoder {
        let encoder = TrainingRecord.jsonEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = TrainingRecord.jsonDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
