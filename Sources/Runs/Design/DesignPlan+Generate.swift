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
            if let learningRate { annotations[SpecKey.learningRate.path] = learningRate.reason }
            let written = recommendation.config.data.path
            if expected.data.path != written {
                annotations[SpecKey.dataPath.path] =
                    "set in spec as \(written); "
                    + (expected.data.path.hasPrefix("/")
                        ? "made absolute" : "relative to this file")
            }
            if expected.model.template != recommendation.config.model.template,
                let reason = annotations[SpecKey.template.path]
            {
                annotations[SpecKey.template.path] =
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
        // Plain string work: Foundation's `deletingLastPathComponent` traps on some names
        // (`-`) on Linux.
        guard let path, let slash = path.lastIndex(of: "/") else {
            return FileManager.default.currentDirectoryPath
        }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// The first key (task, model, training) where two configs differ, with both values as
    /// a config writes them; each layer of `model.layers` is compared on its own.
    public static func firstDifference(
        expected: NetworkSpec, found: NetworkSpec
    )
        -> (keyPath: String, expected: String, found: String)?
    {
        let compared = SpecKey.all.filter { key in
            key.path == SpecKey.task.path || key.section == "model" || key.section == "training"
        }
        for key in compared where !key.isEqual(expected, found) {
            guard key.path == SpecKey.layers.path else {
                return (key.path, key.yaml(in: expected) ?? "none", key.yaml(in: found) ?? "none")
            }
            let left = expected.model.layers ?? []
            let right = found.model.layers ?? []
            for index in 0..<max(left.count, right.count) {
                let one = index < left.count ? left[index] : nil
                let other = index < right.count ? right[index] : nil
                if one != other {
                    return (
                        "\(key.path)[\(index)]", one?.yaml ?? "no layer", other?.yaml ?? "no layer"
                    )
                }
            }
        }
        return nil
    }
}
