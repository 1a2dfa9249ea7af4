import CurveAnalysis
import Dataset
import Engine
import Foundation
import Spec

/// A problem writing a follow-up spec, and what to do.
public enum SpecWriteError: Error, CustomStringConvertible, Equatable {
    /// The file exists and `--force` was not given.
    case exists(path: String)
    /// The run's spec is unknown or no longer loads.
    case noSpec(run: String, reason: String)
    /// An edit could not be applied to the spec's text.
    case cannotEdit(path: String, reason: String)
    /// The edited spec does not validate (a bug in an edit; nothing was written).
    case invalid(path: String, diagnostics: String)

    public var description: String {
        switch self {
        case .exists(let path):
            "error: \(path) exists; nothing written\n  hint: pass --force to overwrite it, or "
                + "choose another file"
        case .noSpec(let run, let reason):
            "error: \(run): no spec to edit: \(reason)"
        case .cannotEdit(let path, let reason):
            "error: \(path): \(reason)"
        case .invalid(let path, let diagnostics):
            "error: the edited spec for \(path) does not validate; nothing written:\n"
                + diagnostics
        }
    }
}

/// A run's diagnosis: its record (from `record.json`, or rebuilt from the checkpoint), the spec
/// its edits are phrased against (the user's original spec when the run knows it, else the
/// run's config.yaml), the findings, and the report. `train` builds it at the end of a run;
/// `diagnose` and `report` load it for any run folder.
public struct RunDiagnosis: Sendable {
    /// The spec the edits apply to.
    public struct EditableSpec: Sendable {
        /// The file (absolute for an original spec; the run's config.yaml otherwise).
        public var path: String
        /// Its text as it ran.
        public var text: String
        /// The loaded spec.
        public var spec: NetworkSpec
        /// Whether this is the user's original spec (else the run's config.yaml).
        public var isOriginal: Bool
    }

    /// The run.
    public let folder: RunFolder
    /// How it started, when known.
    public let manifest: RunManifest?
    /// The record and the report's data.
    public let file: RunRecordFile
    /// The spec the edits are phrased against; nil when neither the original nor the config
    /// loads (edits then carry the run's values).
    public let editable: EditableSpec?
    /// The findings, most severe first.
    public let findings: [Finding]

    /// Diagnoses a record.
    /// - Parameters:
    ///   - folder: the run.
    ///   - manifest: `run.json`, when there is one.
    ///   - file: the record and report data.
    ///   - editable: the spec edits are phrased against (thresholds come from it too).
    public init(
        folder: RunFolder, manifest: RunManifest?, file: RunRecordFile, editable: EditableSpec?
    ) {
        self.folder = folder
        self.manifest = manifest
        self.file = file
        self.editable = editable
        let thresholds =
            editable.map { CurveThresholds(spec: $0.spec) } ?? CurveThresholds()
        findings = diagnose(file.record, spec: editable?.spec, thresholds: thresholds)
    }

    /// Loads a run's diagnosis: `record.json`, or a record rebuilt from the checkpoint, the
    /// config and the data for runs that have none.
    /// - Parameters:
    ///   - folder: a run folder.
    ///   - loader: the spec loader (with the template names).
    public static func load(_ folder: RunFolder, loader: SpecLoader) throws -> RunDiagnosis {
        let manifest = RunManifest.read(from: folder)
        var file = try RunRecordFile.read(from: folder) ?? rebuild(folder, loader: loader)
        if file.inputs == nil { file.inputs = inputSummaries(folder, loader: loader) }
        return RunDiagnosis(
            folder: folder, manifest: manifest, file: file,
            editable: editableSpec(folder: folder, manifest: manifest, loader: loader))
    }

    /// The user's spec as it ran (from `run.json`) when it still loads, else the run's config.
    static func editableSpec(
        folder: RunFolder, manifest: RunManifest?, loader: SpecLoader
    )
        -> EditableSpec?
    {
        if let path = manifest?.specPath, let text = manifest?.specText,
            let loaded = try? loader.load(text: text, path: path)
        {
            return EditableSpec(path: path, text: text, spec: loaded.spec, isOriginal: true)
        }
        if let text = try? String(contentsOfFile: folder.configPath, encoding: .utf8),
            let loaded = try? loader.load(text: text, path: folder.configPath)
        {
            return EditableSpec(
                path: folder.configPath, text: text, spec: loaded.spec, isOriginal: false)
        }
        return nil
    }

    /// The input columns of a run whose `record.json` predates them: the encoding from the
    /// model file (else the checkpoint), the thresholds from the run's config; nil when neither
    /// file reads.
    static func inputSummaries(_ folder: RunFolder, loader: SpecLoader) -> [InputSummary]? {
        guard let config = try? loader.load(path: folder.configPath).spec else { return nil }
        var encoding = try? ModelArtifact.read(from: folder.modelPath).encoding
        if encoding == nil, let (_, metadata) = try? Checkpoint.read(from: folder.checkpointPath),
            let json = metadata["encoding"]
        {
            encoding = try? Checkpoint.jsonDecoder().decode(
                DataEncoding.self, from: Data(json.utf8))
        }
        return encoding.map {
            InputSummary.of($0, policy: CategoryPolicy(settings: config.advisor))
        }
    }

    /// A record for a run without `record.json`: the checkpoint's history and the model's (or
    /// the checkpoint's) weights, with the data prepared again from the run's config.
    static func rebuild(_ folder: RunFolder, loader: SpecLoader) throws -> RunRecordFile {
        let config = try loader.load(path: folder.configPath).spec
        let data = try PreparedData.load(DataOptions(spec: config))
        guard FileManager.default.fileExists(atPath: folder.checkpointPath) else {
            throw RunError.notARun(
                path: folder.path,
                reason: "it has neither record.json nor a checkpoint to read "
                    + "the training history from")
        }
        let (state, metadata) = try Checkpoint.read(from: folder.checkpointPath)
        let artifact = try? ModelArtifact.read(from: folder.modelPath)
        let scores = metadata["training_scores"].flatMap {
            try? Checkpoint.jsonDecoder().decode([EpochTrainingScore].self, from: Data($0.utf8))
        }
        let rangeTest = metadata["range_test"].flatMap {
            try? Checkpoint.jsonDecoder().decode(RangeTestResult.self, from: Data($0.utf8))
        }
        let record = RunRecord.make(
            history: state.history, tensors: artifact?.tensors ?? state.model,
            description: state.modelDescription, config: config,
            configuration: state.configuration, data: data, trainingScores: scores ?? [],
            stopReason: state.finished)
        var heldOut: HeldOut?
        if let artifact, let ensemble = try? artifact.predictor(), let first = try? artifact.model()
        {
            // The saved encoding: a log target's smearing factor is fitted after training.
            var scored = data
            scored.encoding.target = artifact.encoding.target
            heldOut = try? heldOutEvaluation(
                predict: ensemble, firstMember: { try first.predict($0) }, data: scored)
        }
        var file = RunRecordFile(
            record: record, stopReason: state.finished?.explanation,
            learningRate: Double(state.configuration.optimizer.learningRate),
            rangeTest: rangeTest, evaluation: heldOut?.evaluation, scores: [],
            inputs: InputSummary.of(data.encoding, policy: data.options.categoryPolicy))
        file.binaryScores = heldOut?.binary
        return file
    }

    /// The held-out evaluation, and a binary classifier's probabilities.
    struct HeldOut {
        var evaluation: ReportEvaluation
        var binary: BinaryScores?
    }

    /// The confusion matrix, or predictions against targets (target units), on the test split
    /// (the validation split when there is no test split); nil without held-out rows.
    /// - Parameters:
    ///   - predict: the model's outputs (an ensemble's average), for the test split.
    ///   - firstMember: the first (or only) network's, for the validation split: an
    ///     ensemble's other members trained on some of its rows (ENSEMBLE-SMALL-DATA).
    ///   - data: the data, with the saved model's target encoding.
    static func heldOutEvaluation(
        predict: (Matrix) throws -> Matrix, firstMember: (Matrix) throws -> Matrix,
        data: PreparedData
    ) throws
        -> HeldOut?
    {
        let (split, rows) =
            data.test.rowCount > 0 ? ("test", data.test) : ("validation", data.validation)
        guard rows.rowCount > 0 else { return nil }
        let outputs = Predictor.interpret(
            try (split == "test" ? predict : firstMember)(rows.inputMatrix),
            target: data.encoding.target)
        switch data.encoding.target {
        case .classes(_, let labels):
            let metrics = try Evaluation.metrics(
                outputs: outputs, rows: rows, target: data.encoding.target)
            guard case .classification(let scores) = metrics else { return nil }
            var binary: BinaryScores?
            if labels.count == 2, outputs.columns == 2, let classes = rows.classIndices {
                let known = classes.indices.filter { classes[$0] >= 0 }
                binary = BinaryScores(
                    split: split, positive: labels[1],
                    probabilities: known.map { Double(outputs[$0, 1]) },
                    positives: known.map { classes[$0] == 1 })
            }
            return HeldOut(
                evaluation: .confusionMatrix(
                    split: split, classNames: labels, counts: scores.confusion),
                binary: binary)
        case .regression, .logRegression:
            let predicted = outputs.storage.map(Double.init)
            let actual = (rows.targets ?? []).map { Double(data.encoding.target.actual($0)) }
            return HeldOut(
                evaluation: .regression(split: split, predicted: predicted, actual: actual))
        }
    }

    // MARK: Output

    /// The findings as terminal text: one block per finding, or a line saying none fired.
    public var findingsText: String {
        guard !findings.isEmpty else {
            return "Diagnostics: no rule fired (DIAG-*, SIZE-PRUNE): the run looks healthy."
        }
        let counts = Severity.allCases.reversed().compactMap { severity -> String? in
            let count = findings.filter { $0.severity == severity }.count
            return count == 0 ? nil : "\(count) \(severity.rawValue)\(count == 1 ? "" : "s")"
        }
        var lines = ["Diagnostics: " + counts.joined(separator: ", ")]
        lines += findings.map(\.description)
        return lines.joined(separator: "\n")
    }

    /// The report of this run.
    public func report() -> RunReport {
        var report = RunReport(
            title: editable?.spec.name ?? lastComponent(folder.path), record: file.record)
        var subtitle = ["run " + folder.path]
        if let manifest {
            // Foundation's own ISO 8601 style: an ISO8601DateFormatter loads ICU (4 ms a run).
            subtitle.append("started " + manifest.started.formatted(.iso8601))
            if let path = manifest.specPath { subtitle.append("spec " + path) }
        }
        if let reason = file.stopReason { subtitle.append(reason) }
        report.subtitle = subtitle.joined(separator: " · ")
        report.scores = file.scores.map { RunReport.Score($0.name, $0.value) }
        if let manifest, !manifest.design.isEmpty {
            // The network and its training; the data keys and the advisor's thresholds are in
            // config.yaml.
            report.designRows = manifest.design.filter {
                $0.keyPath == SpecKey.task.path || $0.keyPath.hasPrefix("model.")
                    || $0.keyPath.hasPrefix("training.")
            }.map { RunReport.DesignRow($0.keyPath, $0.value, rule: $0.rule) }
            report.designText = manifest.designText
        } else if let text = try? String(contentsOfFile: folder.configPath, encoding: .utf8) {
            report.designText = text
        }
        report.inputRows = (file.inputs ?? []).map(\.reportRow)
        report.rangeTest = file.rangeTest
        report.evaluation = file.evaluation?.reportEvaluation
        switch file.evaluation {
        case .confusionMatrix(let split, _, let counts)?:
            let rows = counts.reduce(0) { $0 + $1.reduce(0, +) }
            report.evaluationTitle = "Confusion matrix, \(split) split (\(rows) rows)"
        case .regression(let split, let predicted, _)?:
            report.evaluationTitle = "Predicted vs actual, \(split) split (\(predicted.count) rows)"
        case nil:
            break
        }
        report.binaryScores = file.binaryScores
        report.findings = findings
        return report
    }

    /// The run as `layerwise compare` shows it beside others: its folder's name, curves,
    /// scores and design (the report's).
    public var comparisonRun: RunComparison.Run {
        let report = report()
        return RunComparison.Run(
            name: lastComponent(folder.path), record: report.record, scores: report.scores,
            design: report.designRows)
    }

    /// Writes `report.html` atomically.
    public func writeReport() throws {
        try AtomicFile.write(report().html(), to: folder.reportPath)
    }

    // MARK: Follow-up spec

    /// Writes the spec the run started from with every finding's edit applied (one per key:
    /// `mergedEdits`), atomically, after checking it validates. Relative paths in it (the data,
    /// a template file) are rewritten to work from the new file's folder.
    /// - Parameters:
    ///   - path: the new spec file.
    ///   - force: overwrite an existing file.
    ///   - loader: the spec loader the written spec must pass.
    /// - Returns: the edits applied (the findings' edits, then any path rewrites); empty when no
    ///   finding proposes a change (nothing is written then).
    @discardableResult
    public func writeSpec(to path: String, force: Bool, loader: SpecLoader) throws -> [SpecEdit] {
        guard let editable else {
            throw SpecWriteError.noSpec(
                run: folder.path,
                reason: "neither the original spec nor the run's config.yaml loads")
        }
        if !force, FileManager.default.fileExists(atPath: path) {
            throw SpecWriteError.exists(path: path)
        }
        let edits = findings.mergedEdits
        guard !edits.isEmpty else { return [] }
        let rewrites =
            pathRewrites(spec: editable.spec, from: editable.path, to: path)
            + templateKept(spec: editable.spec, to: path)
        let text: String
        do {
            text = try SpecTextEditor.apply(edits + rewrites, to: editable.text)
        } catch {
            throw SpecWriteError.cannotEdit(path: editable.path, reason: "\(error)")
        }
        do {
            _ = try loader.load(text: text, path: path)
        } catch {
            throw SpecWriteError.invalid(
                path: path,
                diagnostics: DiagnosticRenderer().render(error.diagnostics, source: text))
        }
        try AtomicFile.makeFolder(for: path)
        try AtomicFile.write(text.hasSuffix("\n") ? text : text + "\n", to: path)
        return edits + rewrites
    }

    /// `model.template: NAME` when the run's template came from `--template` and the spec does
    /// not name one: the written spec trains with the template the run used (a template file
    /// given on the command line, relative to where the run started, is made relative to the
    /// new spec's folder).
    func templateKept(spec: NetworkSpec, to destination: String) -> [SpecEdit] {
        guard spec.model.template.value == nil, let manifest,
            let choice = manifest.design.first(where: { $0.keyPath == SpecKey.template.path }),
            choice.rule.hasPrefix("chosen with --template"), let template = manifest.template
        else { return [] }
        var value = template
        if TemplateNames.isPath(template), !template.hasPrefix("/") {
            let target = standardised(FileManager.default.currentDirectoryPath + "/" + template)
            value = relativePath(from: absoluteFolder(of: destination), to: target)
        }
        return [SpecEdit(SpecKey.template.path, from: nil, to: yamlQuoted(value))]
    }

    /// Edits that keep relative paths (`data.path`, a `model.template` file) pointing at the same
    /// files from the new spec's folder.
    func pathRewrites(
        spec: NetworkSpec, from original: String, to destination: String
    )
        -> [SpecEdit]
    {
        let oldFolder = absoluteFolder(of: original)
        let newFolder = absoluteFolder(of: destination)
        guard oldFolder != newFolder else { return [] }
        var edits: [SpecEdit] = []
        if !spec.data.path.hasPrefix("/") {
            let target = standardised(oldFolder + "/" + spec.data.path)
            edits.append(
                SpecEdit(
                    SpecKey.dataPath.path, from: spec.data.path,
                    to: yamlQuoted(relativePath(from: newFolder, to: target))))
        }
        if let template = spec.model.template.value, TemplateNames.isPath(template),
            !template.hasPrefix("/")
        {
            let target = standardised(oldFolder + "/" + template)
            edits.append(
                SpecEdit(
                    SpecKey.template.path, from: template,
                    to: yamlQuoted(relativePath(from: newFolder, to: target))))
        }
        return edits
    }
}

// MARK: Paths

func lastComponent(_ path: String) -> String {
    String(path.split(separator: "/").last ?? Substring(path))
}

func standardised(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
}

func absoluteFolder(of file: String) -> String {
    let absolute =
        file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
    return standardised(URL(fileURLWithPath: absolute).deletingLastPathComponent().path)
}

/// `to` relative to the folder `from` (both absolute and standardised).
func relativePath(from folder: String, to target: String) -> String {
    let base = folder.split(separator: "/")
    let parts = target.split(separator: "/")
    var common = 0
    while common < base.count, common < parts.count, base[common] == parts[common] { common += 1 }
    let ups = Array(repeating: "..", count: base.count - common)
    return (ups + parts[common...].map(String.init)).joined(separator: "/")
}

/// A path as a YAML scalar: plain when safe, else double-quoted.
func yamlQuoted(_ text: String) -> String {
    let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "/._-".contains($0) }
    if plain, let first = text.first, first != "-" { return text }
    return "\""
        + text.replacingOccurrences(of: "\\", with: "\\\\")
        .replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
