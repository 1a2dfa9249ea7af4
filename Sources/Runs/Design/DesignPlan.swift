import Advisor
import Dataset
import Foundation
import Generator
import Spec

/// A spec carried through the design stages: loaded, its data prepared and profiled, a
/// template chosen, the network recommended with the template's preferences. What
/// `layerwise recommend` prints and `layerwise generate` renders.
///
/// Stages, each failing with its own diagnostic (`DesignPlanError`):
/// 1. `SpecLoader` (template names from the catalog) loads and validates the spec;
/// 2. `PreparedData.load(DataOptions(spec:))` reads, types, splits and encodes the data, and
///    `DataProfile` profiles it (linear probe included); `DataSummary` is the advisor's view;
/// 3. the template: `--template` (name, or path relative to the current directory), else the
///    spec's `model.template` (name, or path relative to the spec), else auto
///    (`TemplatePolicy` on a design without preferences); a template for the other task is an
///    error;
/// 4. `SizingAdvisor.recommend(spec:data:preferences:)` with the template's preferences.
/// Rendering (`generate(outputPath:)`) re-parses the config with the spec loader and checks it
/// describes exactly the network recommended.
public struct DesignPlan: Sendable {
    /// The spec file as the user named it.
    public let specPath: String
    /// The loaded spec, its text and the loader's warnings.
    public let loaded: LoadedSpec
    /// The data profile (sizes, columns, classes, linear probe).
    public let profile: DataProfile
    /// The data layer's notes (categories seen only in validation, rows without a target).
    public let dataWarnings: [String]
    /// The prepared data (split, fitted encoding, encoded splits): what training uses.
    public let data: PreparedData
    /// The advisor's view of the data.
    public let summary: DataSummary
    /// The template the config is rendered through.
    public let template: ConfigTemplate
    /// The template's preferences as the advisor received them (`source` is the name, or the
    /// path as given).
    public let preferences: DesignPreferences
    /// The advisor's design.
    public let recommendation: Recommendation
    /// The catalog the template names came from (the re-parse checks against it).
    public let catalog: TemplateCatalog

    /// Runs the stages for the spec at `specPath`.
    /// - Parameters:
    ///   - specPath: the spec file (`.yaml`).
    ///   - catalog: the bundled and user templates.
    ///   - template: `--template NAME|PATH` (a path relative to the current directory); nil
    ///     uses the spec's `model.template`, or chooses automatically. Default nil.
    ///   - overrides: `--set KEY=VALUE` arguments applied over the file (default none).
    /// - Throws: `DesignPlanError` from the first stage that fails.
    public init(
        specPath: String, catalog: TemplateCatalog, template: String? = nil,
        overrides: [SpecOverride] = []
    ) throws(DesignPlanError) {
        try self.init(
            loaded: try Self.loadSpec(path: specPath, catalog: catalog, overrides: overrides),
            specPath: specPath, catalog: catalog, template: template)
    }

    /// Stages 2 to 4 for a spec already loaded (tune designs the other numbers' encoding from
    /// the user's spec with that key fixed).
    public init(
        loaded: LoadedSpec, specPath: String, catalog: TemplateCatalog, template: String? = nil
    ) throws(DesignPlanError) {
        let prepared = try Self.prepareData(for: loaded.spec)
        let profile = DataProfile(prepared)
        let summary = DataSummary(profile: profile)
        try self.init(
            specPath: specPath, loaded: loaded, data: prepared, profile: profile,
            summary: summary, catalog: catalog, template: template)
    }

    /// The stages after the data: template and advice, on an already profiled dataset.
    /// - Parameters:
    ///   - specPath: the spec file as the user named it.
    ///   - loaded: the loaded spec.
    ///   - data: its prepared data.
    ///   - profile: its data's profile.
    ///   - summary: the advisor's view of `profile`.
    ///   - catalog: the templates.
    ///   - template: `--template NAME|PATH`, or nil (spec's or auto). Default nil.
    /// - Throws: `DesignPlanError.template`, `.templateTask` or `.advisor`.
    public init(
        specPath: String, loaded: LoadedSpec, data: PreparedData, profile: DataProfile,
        summary: DataSummary, catalog: TemplateCatalog, template: String? = nil
    ) throws(DesignPlanError) {
        let spec = loaded.spec
        var chosen: ConfigTemplate
        var preferences: DesignPreferences
        var recommendation: Recommendation
        if let requested = template ?? spec.model.template.value {
            let fromSpec = template == nil
            do {
                chosen = try catalog.template(named: requested, specPath: fromSpec ? specPath : nil)
            } catch let error as TemplateError {
                throw .template(error)
            } catch {
                throw .template(.unreadable(path: requested, reason: "\(error)"))
            }
            try Self.checkTask(
                chosen, name: requested, task: summary.task, loaded: loaded, fromSpec: fromSpec)
            var reason: String? = nil
            if !fromSpec {
                reason =
                    spec.model.template.value.map {
                        "chosen with --template (the spec says \($0))"
                    } ?? "chosen with --template"
            }
            preferences = DesignPreferences(
                template: chosen.design, name: requested, reason: reason)
            recommendation = try Self.recommend(loaded, summary, preferences)
        } else {
            // Auto: the policy names a template for the design without preferences; the
            // design is then made again with that template's preferences.
            let plain = try Self.recommend(loaded, summary, nil)
            let hidden = plain.hiddenWidths.count
            let automatic = TemplatePolicy.automaticTemplate(
                task: summary.task, hiddenLayers: hidden)
            do {
                chosen = try catalog.template(named: automatic.name)
            } catch let error as TemplateError {
                throw .template(error)
            } catch {
                throw .template(.unreadable(path: automatic.name, reason: "\(error)"))
            }
            try Self.checkTask(
                chosen, name: automatic.name, task: summary.task, loaded: loaded, fromSpec: false)
            preferences = DesignPreferences(
                template: chosen.design, name: automatic.name, reason: automatic.why)
            recommendation = try Self.recommend(loaded, summary, preferences)
        }
        self.specPath = specPath
        self.loaded = loaded
        self.profile = profile
        self.dataWarnings = data.warnings
        self.data = data
        self.summary = summary
        self.template = chosen
        self.preferences = preferences
        self.recommendation = recommendation
        self.catalog = catalog
    }

    // MARK: Stages

    /// Stage 1: loads and validates the spec, with `overrides` (`--set`, default none) applied
    /// over it; `model.template` may name any catalog template.
    /// - Throws: `DesignPlanError.spec` with every diagnostic.
    public static func loadSpec(
        path: String, catalog: TemplateCatalog, overrides: [SpecOverride] = []
    ) throws(DesignPlanError)
        -> LoadedSpec
    {
        var loader = SpecLoader(templates: TemplateNames(names: catalog.entries.map(\.name)))
        loader.overrides = overrides
        do {
            return try loader.load(path: path)
        } catch {
            throw .spec(error)
        }
    }

    /// Stage 2: reads, types, splits and encodes the data the spec describes.
    /// - Throws: `DesignPlanError.data` with the data layer's located error.
    public static func prepareData(for spec: NetworkSpec) throws(DesignPlanError) -> PreparedData {
        do {
            return try PreparedData.load(DataOptions(spec: spec))
        } catch let error as DataError {
            throw .data(error)
        } catch {
            throw .data(
                DataError(.fileNotReadable, path: spec.data.resolvedPath, message: "\(error)"))
        }
    }

    static func recommend(
        _ loaded: LoadedSpec, _ summary: DataSummary, _ preferences: DesignPreferences?
    ) throws(DesignPlanError) -> Recommendation {
        do {
            return try SizingAdvisor.recommend(
                spec: loaded.spec, data: summary, preferences: preferences)
        } catch {
            throw .advisor(error, source: loaded.source(of: error))
        }
    }

    /// A template written for the other task is an error located at `model.template` when the
    /// spec names it.
    static func checkTask(
        _ template: ConfigTemplate, name: String, task: TaskKind, loaded: LoadedSpec,
        fromSpec: Bool
    ) throws(DesignPlanError) {
        guard !template.design.task.accepts(task) else { return }
        let other: String =
            switch task {
            case .classification: TemplatePolicy.classifier
            case .regression: TemplatePolicy.regressor
            }
        let message =
            "template `\(name)` is for \(template.design.task.rawValue), but the data is a "
            + "\(task.rawValue) task"
        let help = Diagnostic.Note.help(
            "use `\(other)`, a template with `task: any` (`layerwise templates`), or "
                + "`model.template: auto`")
        let location = fromSpec ? loaded.spec.location(of: SpecKey.template.path) : nil
        let diagnostic: Diagnostic
        if let location {
            diagnostic = Diagnostic(
                .error, at: location,
                length: tokenLength(in: loaded.text(of: location.file) ?? "", at: location),
                keyPath: SpecKey.template.path,
                message, notes: [help])
        } else {
            diagnostic = Diagnostic(
                .error, file: loaded.spec.sourcePath ?? "spec",
                keyPath: fromSpec ? SpecKey.template.path : "--template", message, notes: [help])
        }
        throw .templateTask(diagnostic, source: loaded.text(of: diagnostic.file))
    }

    // MARK: Warnings

    /// Everything worth a warning, as diagnostics: the spec loader's, the data layer's (on the
    /// data file), and the advisor's (located at the spec key when the user wrote it, with the
    /// rule ID in brackets).
    public var warnings: [Diagnostic] {
        let dataFile = loaded.spec.data.resolvedPath
        let fromData = dataWarnings.map { Diagnostic(.warning, file: dataFile, $0) }
        let fromAdvisor = recommendation.warnings.map { warning in
            let message = "\(warning.message) [\(warning.ruleID)]"
            guard let location = warning.location else {
                return Diagnostic(.warning, file: specPath, keyPath: warning.keyPath, message)
            }
            return Diagnostic(
                .warning, at: location,
                length: Self.tokenLength(in: loaded.text(of: location.file) ?? "", at: location),
                keyPath: warning.keyPath, message)
        }
        return loaded.warnings + fromData + fromAdvisor
    }

    /// The warnings rendered like a compiler: headline, source line and caret for those in the
    /// spec. Empty when there are none.
    /// - Parameter colored: ANSI colours (a terminal only).
    public func renderedWarnings(colored: Bool) -> String {
        let renderer = DiagnosticRenderer(colored: colored)
        return warnings.map { diagnostic in
            renderer.render(diagnostic, source: loaded.text(of: diagnostic.file))
        }.joined()
    }

    /// Characters of the YAML value at `location`: a flow collection to its closing bracket,
    /// a scalar up to a comment, comma or closing bracket.
    static func tokenLength(in source: String, at location: Spec.SourceLocation) -> Int {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard location.line >= 1, location.line <= lines.count else { return 1 }
        let text = Array(lines[location.line - 1])
        let start = location.column - 1
        guard start >= 0, start < text.count else { return 1 }
        if text[start] == "[" || text[start] == "{" {
            var depth = 0
            for index in start..<text.count {
                if text[index] == "[" || text[index] == "{" { depth += 1 }
                if text[index] == "]" || text[index] == "}" { depth -= 1 }
                if depth == 0 { return index - start + 1 }
            }
            return text.count - start
        }
        var end = start
        while end < text.count, !",]}#".contains(text[end]) { end += 1 }
        while end > start + 1, text[end - 1] == " " { end -= 1 }
        return max(1, end - start)
    }
}
