import Foundation

/// The template names a spec may use in `model.template` (the generator owns the templates).
public struct TemplateNames: Sendable {
    /// Known template names (file names without `.mustache`).
    public var names: Set<String>
    /// The folder they came from, for messages; nil when given as names.
    public var directory: String?

    /// Templates given by name.
    public init(names: some Sequence<String>) {
        self.names = Set(names)
        self.directory = nil
    }

    /// The `*.mustache` files in `directory` (none when it does not exist).
    public init(directory: String) {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        self.names = Set(files.filter { $0.hasSuffix(".mustache") }.map { String($0.dropLast(9)) })
        self.directory = directory
    }

    /// Whether `model.template` names a file rather than a template: it contains `/` or ends
    /// in `.mustache`.
    public static func isPath(_ name: String) -> Bool {
        name.contains("/") || name.hasSuffix(".mustache")
    }
}

/// A spec that loaded, with the warnings found on the way.
public struct LoadedSpec: Sendable {
    public var spec: NetworkSpec
    /// Problems that do not stop a run.
    public var warnings: [Diagnostic]
    /// The spec's text, to render the warnings against.
    public var source: String
    /// The `--set` arguments applied over the file (empty without).
    public var overrides: [SpecOverride] = []

    /// The text a diagnostic points into: the spec's, or the command line's for a `--set`
    /// value (nil for another file).
    public func text(of file: String) -> String? {
        if file == SpecOverride.commandLine { return SpecOverride.commandLineText(overrides) }
        return file == spec.sourcePath ? source : nil
    }
}

/// Loads spec files: parses the YAML (libyaml), validates it against ``SpecSchema`` and
/// decodes it into a ``NetworkSpec``, reporting every problem at once.
///
/// ```swift
/// let loader = SpecLoader(templates: TemplateNames(directory: "Templates"))
/// do {
///     let loaded = try loader.load(path: "Specs/iris.yaml")
/// } catch {
///     print(DiagnosticRenderer().render(error.diagnostics, source: error.source))
/// }
/// ```
public struct SpecLoader: Sendable {
    /// Templates that `model.template` may name.
    public var templates: TemplateNames
    /// The YAML parser (its node limit guards against alias bombs).
    public var parser: YAMLParser
    /// `--set KEY=VALUE` arguments applied over every spec loaded, in order (default none).
    public var overrides: [SpecOverride] = []

    /// - Parameter templates: the templates `model.template` may name. Default: none.
    public init(
        templates: TemplateNames = TemplateNames(names: []), parser: YAMLParser = YAMLParser()
    ) {
        self.templates = templates
        self.parser = parser
    }

    /// Templates given by name (`["mlp"]`).
    public init(templateNames: some Sequence<String>) {
        self.init(templates: TemplateNames(names: templateNames))
    }

    /// Loads the spec at `path`; relative paths in it resolve against its folder.
    /// - Throws: ``SpecLoadError`` with every diagnostic (warnings included) when any is an error.
    public func load(path: String) throws(SpecLoadError) -> LoadedSpec {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SpecLoadError(
                file: path, source: nil,
                diagnostics: [Diagnostic(.error, file: path, "no such file")])
        }
        guard !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path)
        else {
            let reason = isDirectory.boolValue ? "is a folder, not a spec file" : "cannot be read"
            throw SpecLoadError(
                file: path, source: nil, diagnostics: [Diagnostic(.error, file: path, reason)])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SpecLoadError(
                file: path, source: nil,
                diagnostics: [
                    Diagnostic(
                        .error, file: path, "the file is not UTF-8 text",
                        notes: [.help("save it as UTF-8")])
                ])
        }
        return try load(text: text, path: path)
    }

    /// Loads a spec from text.
    /// - Parameters:
    ///   - text: the YAML.
    ///   - path: the file name used in messages and for the default `name`.
    ///   - baseDirectory: the folder relative paths resolve against; default: `path`'s folder.
    ///     Messages still show paths relative to `path`'s folder, as the user would.
    /// - Throws: ``SpecLoadError`` with every diagnostic when any is an error.
    public func load(
        text: String, path: String, baseDirectory: String? = nil
    ) throws(SpecLoadError)
        -> LoadedSpec
    {
        let (spec, diagnostics) = check(text: text, path: path, baseDirectory: baseDirectory)
        guard let spec, !diagnostics.contains(where: { $0.severity == .error }) else {
            throw SpecLoadError(
                file: path, source: text, diagnostics: diagnostics,
                commandLine: overrides.isEmpty ? nil : SpecOverride.commandLineText(overrides))
        }
        return LoadedSpec(spec: spec, warnings: diagnostics, source: text, overrides: overrides)
    }

    /// Every diagnostic for a spec, in source order, and the spec when it decoded.
    public func check(
        text: String, path: String, baseDirectory: String? = nil
    )
        -> (spec: NetworkSpec?, diagnostics: [Diagnostic])
    {
        let parsed = parser.parse(text, file: path)
        var diagnostics = parsed.diagnostics
        // `--set` values stand on lines after the file's last: locations past it are theirs.
        let commandLineStart =
            text.split(separator: "\n", omittingEmptySubsequences: false).count + 1
        var root = parsed.root
        if !overrides.isEmpty, parsed.diagnostics.allSatisfy({ $0.severity != .error }) {
            let applied = applyOverrides(to: root, commandLineStart: commandLineStart)
            root = applied.root
            diagnostics += applied.diagnostics
        }
        guard let root else {
            if parsed.isEmpty {
                diagnostics.append(
                    Diagnostic(
                        .error, file: path, "the spec is empty",
                        notes: [.help("a spec needs at least `data:` with `path:` and `target:`")]))
            }
            return (nil, Self.sorted(diagnostics))
        }
        var validator = SchemaValidator(file: path, commandLineStart: commandLineStart)
        guard root.entries != nil else {
            validator.error(
                root, "",
                "a spec is a mapping of keys (`data:`, `model:`, …), found \(SchemaValidator.describe(root))"
            )
            return (nil, Self.sorted(diagnostics + validator.diagnostics))
        }
        let validated = validator.validate(root, as: SpecSchema.root, path: "", name: "spec")
        diagnostics += validator.diagnostics
        let displayDirectory = (path as NSString).deletingLastPathComponent
        var decoder = SpecDecoder(
            file: path, commandLineStart: commandLineStart,
            baseDirectory: baseDirectory ?? displayDirectory,
            displayDirectory: displayDirectory,
            templates: templates, fileExists: Self.fileKind)
        let defaultName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var spec = validated.flatMap { decoder.decode($0, defaultName: defaultName) }
        diagnostics += decoder.diagnostics
        validator.locations.removeValue(forKey: "")
        spec?.sourcePath = path
        spec?.locations = validator.locations
        return (spec, Self.sorted(diagnostics))
    }

    /// `root` (an empty mapping when the file is empty) with every `--set` value in place, and
    /// the problems of those that could not be placed, located on the command line.
    private func applyOverrides(
        to root: YAMLNode?, commandLineStart: Int
    ) -> (root: YAMLNode, diagnostics: [Diagnostic]) {
        let start = YAMLMark(line: 1, column: 1)
        var root = root ?? YAMLNode(.mapping([]), start: start, end: start)
        var diagnostics: [Diagnostic] = []
        for (k, override) in overrides.enumerated() {
            let (value, problems) = parseValue(
                override, index: k, commandLineStart: commandLineStart)
            diagnostics += problems
            guard let value else { continue }
            let line = commandLineStart + k
            let key = YAMLNode(
                .scalar(YAMLScalar(text: override.key, style: .plain)),
                start: YAMLMark(line: line, column: 7),
                end: YAMLMark(line: line, column: override.valueColumnOffset))
            if let updated = root.setting(override.keyPath[...], to: value, key: key) {
                root = updated
            } else {
                diagnostics.append(
                    Diagnostic(
                        .error,
                        at: SourceLocation(file: SpecOverride.commandLine, line: k + 1, column: 7),
                        length: override.key.count, keyPath: override.key,
                        "a key on the way holds a value, not a section of keys",
                        notes: [.help("set the key itself, or the section as a mapping")]))
            }
        }
        return (root, diagnostics)
    }

    /// The `k`-th `--set` value parsed as YAML, its marks moved to its line after the file's
    /// last (`commandLineStart + k`); its syntax errors located on the command line.
    private func parseValue(
        _ override: SpecOverride, index k: Int, commandLineStart: Int
    ) -> (YAMLNode?, [Diagnostic]) {
        let parsed = parser.parse(override.value, file: SpecOverride.commandLine)
        // A place in the value is a place on its argument's line; past the value's first line
        // (an unclosed bracket is found at the end) is the argument's end.
        func place(_ location: SourceLocation) -> SourceLocation {
            SourceLocation(
                file: SpecOverride.commandLine, line: k + 1,
                column: location.line == 1
                    ? location.column + override.valueColumnOffset
                    : override.commandLineText.count + 1)
        }
        let problems = parsed.diagnostics.map { diagnostic -> Diagnostic in
            var moved = diagnostic
            moved.file = SpecOverride.commandLine
            moved.location = diagnostic.location.map(place)
            moved.notes = diagnostic.notes.map { note in
                var note = note
                note.location = note.location.map(place)
                return note
            }
            return moved
        }
        guard !problems.contains(where: { $0.severity == .error }) else { return (nil, problems) }
        // An empty value is YAML's null, as `epochs:` with nothing after it.
        let start = YAMLMark(line: 1, column: 1)
        let value =
            parsed.root
            ?? YAMLNode(.scalar(YAMLScalar(text: "", style: .plain)), start: start, end: start)
        return (
            value.shifted(lines: commandLineStart + k - 1, columns: override.valueColumnOffset),
            problems
        )
    }

    @Sendable static func fileKind(_ path: String) -> SpecDecoder.FileKind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .missing
        }
        return isDirectory.boolValue ? .directory : .file
    }

    /// Source order; whole-file problems first; stable otherwise.
    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { lhs, rhs in
            let l = lhs.element.location.map { ($0.line, $0.column) } ?? (0, 0)
            let r = rhs.element.location.map { ($0.line, $0.column) } ?? (0, 0)
            return l != r ? l < r : lhs.offset < rhs.offset
        }.map(\.element)
    }
}
