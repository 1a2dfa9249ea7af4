import Advisor
import Dataset
import Foundation
import Generator
import Spec

/// A complete network config rendered through a template and checked by loading it back.
public struct GeneratedConfig: Sendable {
    /// The YAML document (ends in a newline).
    public var text: String
    /// The config as the spec loader reads `text` back.
    public var config: NetworkSpec
}

extension DesignPlan {
    /// The advisor's complete config with its file paths (`data.path`, a template path) as
    /// they work from where it is written: a path the spec wrote absolute stays absolute; a
    /// relative one becomes relative to `outputDirectory`, or absolute for standard output
    /// (nil), which has no folder of its own.
    /// - Parameter outputDirectory: the folder the config will live in; nil for stdout.
    public func config(relativeTo outputDirectory: String?) -> NetworkSpec {
        var config = recommendation.config
        func placed(_ written: String, absolute: String) -> String {
            if written.hasPrefix("/") { return written }
            guard let outputDirectory else { return absolute }
            return StarterSpec.relativePath(of: absolute, from: outputDirectory)
        }
        config.data.path = placed(
            config.data.path, absolute: StarterSpec.absolute(config.data.resolvedPath))
        if TemplateCatalog.isPath(preferences.source) {
            let absolute = URL(fileURLWithPath: template.path).standardizedFileURL.path
            var path = placed(preferences.source, absolute: absolute)
            if !TemplateNames.isPath(path) { path = "./" + path }
            config.model.template = .fixed(path)
        }
        return config
    }

    /// Renders the complete config through the template, then loads the text back with the
    /// spec loader: it must validate and describe exactly the recommended network.
    /// - Parameter outputPath: the file the config will be written to (its folder anchors the
    ///   relative paths; the file need not exist); nil for standard output (paths relative to
    ///   the current directory). Default nil.
    ///   - learningRate: the rate a run resolved (the range test's), with its reason, written
    ///     in place of `auto`. Default nil.
    /// - Returns: the text and the config read back.
    /// - Throws: `DesignPlanError.template` (strictness), `.generator`, and the internal
    ///   `.generatedConfigInvalid` / `.generatedConfigMismatch` when the check fails.
    public func generate(
        outputPath: String? = nil, learningRate: (value: Double, reason: String)? = nil
    ) throws(DesignPlanError) -> GeneratedConfig {
        let directory = Self.folder(of: outputPath)
        var expected = config(relativeTo: outputPath == nil ? nil : directory)
        if let learningRate { expected.training.learningRate = .fixed(learningRate.value) }
        let text: String
        do {
            var annotations = recommendation.annotations
            if let learningRate { annotations["training.learning_rate"] = learningRate.reason }
            let written = recommendation.config.data.path
            if expected.data.path != written {
                annotations["data.path"] =
                    "set in spec as \(written); "
                    + (expected.data.path.hasPrefix("/")
                        ? "made absolute" : "relative to this file")
            }
            if expected.model.template != recommendation.config.model.template,
                let reason = annotations["model.template"]
            {
                annotations["model.template"] =
                    reason
                    + (expected.model.template.value?.hasPrefix("/") == true
                        ? "; made absolute" : "; relative to this file")
            }
            text = try Generator.generate(
                spec: expected, annotations: annotations, template: template)
        } catch let error as TemplateError {
            throw .template(error)
        } catch let error as GeneratorError {
            throw .generator(error)
        } catch {
            throw .template(.unreadable(path: template.path, reason: "\(error)"))
        }
        let loader = SpecLoader(templates: TemplateNames(names: catalog.entries.map(\.name)))
        let shownPath = outputPath ?? "generated.yaml"
        let loaded: LoadedSpec
        do {
            loaded = try loader.load(text: text, path: shownPath, baseDirectory: directory)
        } catch {
            throw .generatedConfigInvalid(error)
        }
        if let difference = Self.firstDifference(expected: expected, found: loaded.spec) {
            throw .generatedConfigMismatch(
                keyPath: difference.keyPath, expected: difference.expected,
                found: difference.found)
        }
        return GeneratedConfig(text: text, config: loaded.spec)
    }

    /// Writes a generated config atomically (never a partial file).
    /// - Parameters:
    ///   - generated: what `generate(outputPath:)` returned for `path`.
    ///   - path: the file.
    ///   - overwrite: replace an existing file. Default false.
    /// - Throws: `DesignPlanError.outputExists` or `.write`.
    public static func write(
        _ generated: GeneratedConfig, to path: String, overwrite: Bool = false
    )
        throws(DesignPlanError)
    {
        if !overwrite && FileManager.default.fileExists(atPath: path) {
            throw .outputExists(path: path)
        }
        do {
            try AtomicFile.write(generated.text, to: path)
        } catch {
            throw .write(error)
        }
    }

    /// The folder of `path`, or the current directory for nil.
    static func folder(of path: String?) -> String {
        guard let path else { return FileManager.default.currentDirectoryPath }
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? FileManager.default.currentDirectoryPath : folder
    }

    /// The first key (task, model, training) where two configs differ, with both values.
    public static func firstDifference(
        expected: NetworkSpec, found: NetworkSpec
    )
        -> (keyPath: String, expected: String, found: String)?
    {
        func text(_ value: Any) -> String { String(describing: value) }
        let model = (expected.model, found.model)
        let training = (expected.training, found.training)
        var pairs: [(String, Any, Any, Bool)] = []
        func compare<Value: Equatable>(_ keyPath: String, _ left: Value, _ right: Value) {
            pairs.append((keyPath, left, right, left == right))
        }
        compare("task", expected.task, found.task)
        compare("model.template", model.0.template, model.1.template)
        compare("model.hidden_layers", model.0.hiddenLayers, model.1.hiddenLayers)
        compare("model.neurons", model.0.neurons, model.1.neurons)
        compare("model.activation", model.0.activation, model.1.activation)
        compare("model.batch_norm", model.0.batchNorm, model.1.batchNorm)
        compare("model.dropout", model.0.dropout, model.1.dropout)
        compare("model.initializer", model.0.initializer, model.1.initializer)
        let expectedLayers = model.0.layers ?? []
        let foundLayers = model.1.layers ?? []
        for index in 0..<max(expectedLayers.count, foundLayers.count) {
            let left: LayerConfig? = index < expectedLayers.count ? expectedLayers[index] : nil
            let right: LayerConfig? = index < foundLayers.count ? foundLayers[index] : nil
            pairs.append(
                (
                    "model.layers[\(index)]", left.map(text) ?? "no layer",
                    right.map(text) ?? "no layer", left == right
                ))
        }
        compare("training.loss", training.0.loss, training.1.loss)
        compare("training.optimizer", training.0.optimizer, training.1.optimizer)
        compare("training.learning_rate", training.0.learningRate, training.1.learningRate)
        compare("training.batch_size", training.0.batchSize, training.1.batchSize)
        compare("training.epochs", training.0.epochs, training.1.epochs)
        compare("training.early_stopping", training.0.earlyStopping, training.1.earlyStopping)
        compare("training.regularization", training.0.regularization, training.1.regularization)
        compare("training.weight_decay", training.0.weightDecay, training.1.weightDecay)
        compare(
            "training.gradient_clipping", training.0.gradientClipping, training.1.gradientClipping)
        compare("training.schedule", training.0.schedule, training.1.schedule)
        compare("training.class_weights", training.0.classWeights, training.1.classWeights)
        compare("training.shuffle", training.0.shuffle, training.1.shuffle)
        compare("training.seed", training.0.seed, training.1.seed)
        // Anything the list above misses still counts.
        if model.0 != model.1 { pairs.append(("model", model.0, model.1, false)) }
        if training.0 != training.1 { pairs.append(("training", training.0, training.1, false)) }
        guard let first = pairs.first(where: { !$0.3 }) else { return nil }
        return (first.0, text(first.1), text(first.2))
    }
}
