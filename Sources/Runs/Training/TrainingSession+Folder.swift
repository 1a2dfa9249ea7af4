import Advisor
import CurveAnalysis
import Dataset
import Engine
import Foundation
import Generator
import Spec

/// Starting a run in its folder, and resuming one from its last checkpoint.
extension TrainingSession {
    /// Starts a new run of a design in `folder`: ``prepare(plan:)``, then ``start(plan:in:)``.
    /// - Parameters:
    ///   - plan: the design of the spec.
    ///   - folder: a new run folder.
    public static func begin(plan: DesignPlan, in folder: RunFolder) throws -> TrainingSession {
        let session = try prepare(plan: plan)
        try session.start(plan: plan, in: folder)
        return session
    }

    /// Builds the session of a design, running the range test when the rate is `auto`: every
    /// check that can fail (the network, class weights, the batches) runs here, before a run
    /// folder exists, so a failure leaves nothing behind.
    public static func prepare(plan: DesignPlan) throws -> TrainingSession {
        try TrainingSession(config: plan.recommendation.config, data: plan.data)
    }

    /// Writes the start of a run into `folder`: the range-test curve, the resolved config.yaml
    /// (rendered through the plan's template, the learning rate filled in and annotated) and
    /// `run.json` (the original spec and the design's reasons).
    /// - Parameters:
    ///   - plan: the design this session was prepared from.
    ///   - folder: a new run folder.
    public func start(plan: DesignPlan, in folder: RunFolder) throws {
        var reason = plan.recommendation.annotations[SpecKey.learningRate.path] ?? "set in spec"
        if let test = rangeTest {
            reason =
                test.suggestion == nil
                ? "LR-RANGE-TEST: no clear valley in the range test; Adam's default"
                : "LR-RANGE-TEST: valley of the range test (confidence \(test.confidence.rawValue))"
            try AtomicFile.write(test.chart().svg(), to: folder.rangeTestPath)
        }
        let generated = try plan.generate(
            outputPath: folder.configPath, learningRate: (learningRate, reason))
        try AtomicFile.write(generated.text, to: folder.configPath)
        var design = plan.recommendation.choices.map {
            RunManifest.DesignChoice(keyPath: $0.keyPath, value: $0.value, rule: $0.annotation)
        }
        // A generated config fixes every value and names the rule in a comment: that comment
        // is the value's reason, not "set in spec".
        let lines = plan.loaded.source.split(separator: "\n", omittingEmptySubsequences: false)
        for index in design.indices where design[index].rule.contains("set in spec") {
            guard let location = plan.loaded.spec.location(of: design[index].keyPath),
                location.file != SpecOverride.commandLine,
                lines.indices.contains(location.line - 1),
                let reason = ConfigComment.reason(onLine: String(lines[location.line - 1])),
                !reason.hasPrefix("set in spec")
            else { continue }
            design[index].rule = reason
        }
        if let index = design.firstIndex(where: { $0.keyPath == SpecKey.learningRate.path }) {
            design[index].value = yamlNumber(learningRate)
            design[index].rule = reason
        }
        // With `--set`, the spec as it ran is the file with those keys written in (the same
        // in-place edits `diagnose --write-spec` makes), so diagnose and resume see them.
        let specText = Self.effectiveSpecText(plan.loaded)
        let manifest = RunManifest(
            specPath: standardised(
                plan.specPath.hasPrefix("/")
                    ? plan.specPath : FileManager.default.currentDirectoryPath + "/" + plan.specPath
            ),
            specText: specText, template: plan.preferences.source, design: design,
            designText: TextReport.compact(plan.recommendation))
        try manifest.write(to: folder)
        self.manifest = manifest
        editableSpec = RunDiagnosis.EditableSpec(
            path: manifest.specPath ?? plan.specPath, text: specText,
            spec: plan.loaded.spec, isOriginal: true)
    }

    /// The spec's text with its `--set` values written in; the file's text without any, or
    /// when an edit cannot be made in the text (then the values are listed in a comment).
    static func effectiveSpecText(_ loaded: LoadedSpec) -> String {
        guard !loaded.overrides.isEmpty else { return loaded.source }
        let edits = loaded.overrides.map {
            SpecEdit($0.keyPath.joined(separator: "."), from: nil, to: $0.value)
        }
        if let text = try? SpecTextEditor.apply(edits, to: loaded.source) { return text }
        return loaded.source + "\n# run with: "
            + loaded.overrides.map(\.commandLineText).joined(separator: " ") + "\n"
    }

    /// Continues from a checkpoint's state (same config and data, so the same trainer).
    /// - Throws: when the checkpoint does not fit this network and configuration.
    public func restore(_ state: TrainerState) throws {
        try trainer.importState(state)
    }

    /// Reopens a run to continue it from its last complete epoch: the run's config.yaml
    /// (learning rate already resolved), the same data (checked against the checkpoint's
    /// encoding), the checkpoint's trainer state. With the same seed the run ends with the same
    /// weights as an uninterrupted one. A run stopped before its first epoch ended (no
    /// checkpoint) trains from the start, as it would have.
    /// - Parameters:
    ///   - folder: the run folder.
    ///   - loader: the spec loader (the config is a spec).
    public static func resume(_ folder: RunFolder, loader: SpecLoader) throws -> TrainingSession {
        let loaded = try loader.load(path: folder.configPath)
        guard loaded.spec.training.learningRate.value != nil else {
            throw RunError.cannotResume(
                path: folder.path,
                reason: "its config.yaml leaves training.learning_rate auto; a run's config has "
                    + "the rate it trained with")
        }
        let data = try PreparedData.load(DataOptions(spec: loaded.spec))
        // The config may have been edited since: its size is checked before it is built.
        do {
            try TrainingMemory.check(
                loaded.spec, inputs: data.encoding.networkInputWidth,
                embeddingParameters: data.encoding.embeddingParameters, fixedIn: loaded.spec)
        } catch {
            throw DesignPlanError.advisor(error, source: loaded.source(of: error))
        }
        let session = try TrainingSession(config: loaded.spec, data: data)
        session.manifest = RunManifest.read(from: folder)
        session.editableSpec = RunDiagnosis.editableSpec(
            folder: folder, manifest: session.manifest, loader: loader)
        // No epoch finished: the session as built is where the run started.
        guard !folder.isUnstarted else { return session }
        let (state, metadata) = try Checkpoint.read(from: folder.checkpointPath)
        if let json = metadata["encoding"],
            let encoding = try? JSONDecoder().decode(DataEncoding.self, from: Data(json.utf8)),
            !data.encoding.matches(encoding)
        {
            throw RunError.dataChanged(
                path: loaded.spec.data.resolvedPath,
                detail: "its columns, categories or training-split statistics are not the ones "
                    + "in the checkpoint")
        }
        if let json = metadata["range_test"] {
            session.rangeTest = try? Checkpoint.jsonDecoder().decode(
                RangeTestResult.self, from: Data(json.utf8))
        }
        if let json = metadata["training_scores"],
            let scores = try? Checkpoint.jsonDecoder().decode(
                [EpochTrainingScore].self, from: Data(json.utf8))
        {
            session.trainingScores = scores
        }
        do {
            try session.restore(state)
        } catch {
            throw RunError.cannotResume(
                path: folder.path,
                reason:
                    "the checkpoint does not fit the run's config.yaml (was it edited?): \(error)")
        }
        return session
    }

    /// The checkpoint's extra metadata: the rate, the encoding (to check the data on resume),
    /// the range test and the training split's scores up to the checkpoint's epoch.
    func checkpointMetadata(scores trainingScores: [EpochTrainingScore]) throws -> [String: String]
    {
        let encoder = Checkpoint.jsonEncoder()
        var extra = [
            "learning_rate": "\(learningRate)",
            "encoding": String(decoding: try encoder.encode(data.encoding), as: UTF8.self),
        ]
        if let rangeTest {
            extra["range_test"] = String(decoding: try encoder.encode(rangeTest), as: UTF8.self)
        }
        if !trainingScores.isEmpty {
            extra["training_scores"] = String(
                decoding: try encoder.encode(trainingScores), as: UTF8.self)
        }
        return extra
    }
}
