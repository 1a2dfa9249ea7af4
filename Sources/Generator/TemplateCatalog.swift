import Foundation
import Spec

/// The templates available: bundled ones and the user's.
///
/// The bundled `Templates/` folder is looked up in this order (first hit wins):
/// 1. `$LAYERWISE_TEMPLATES` (must hold at least one `.mustache` file, else an error);
/// 2. `Templates/` (or `share/layerwise/Templates/`) in the executable's folder or any folder
///    above it: `.build/debug/layerwise` and the test bundle both find the repository's
///    `Templates/` this way;
/// 3. `Templates/` in the current directory or any folder above it (`swift run` from the repo);
/// 4. the `Templates/` folder of the source checkout this module was compiled from.
///
/// A folder counts in steps 2 to 4 only if it holds `mlp-classifier.mustache`, so an unrelated
/// `Templates/` folder is not picked up. User templates come from `--templates DIR` (every
/// `*.mustache` in it, not recursive) and shadow bundled ones of the same name.
public struct TemplateCatalog: Sendable {
    /// One template in the catalog.
    public struct Entry: Sendable, Equatable {
        /// The name `model.template` uses.
        public var name: String
        /// The header's one-line description.
        public var description: String
        /// Bundled or the user's.
        public var origin: TemplateOrigin
        /// The file, as shown in messages.
        public var path: String
        /// The loaded template.
        public var template: ConfigTemplate
    }

    /// User templates first (they shadow bundled ones), then bundled, each by name.
    public let entries: [Entry]
    /// The bundled folder found, if any.
    public let bundledDirectory: String?
    /// The user's folder, if given.
    public let userDirectory: String?

    /// The environment variable naming the bundled templates folder.
    public static let environmentVariable = "LAYERWISE_TEMPLATES"
    /// The file that marks a folder as the bundled templates.
    static let markerFile = "mlp-classifier.mustache"

    /// Loads the bundled templates and, when given, the user's folder.
    /// - Parameters:
    ///   - userDirectory: `--templates DIR`; nil for none.
    ///   - bundledDirectory: the bundled folder; nil to look it up (see the type's lookup
    ///     order).
    ///   - environment: where `LAYERWISE_TEMPLATES` is read. Default: the process environment.
    /// - Throws: `TemplateError` for a folder that cannot be read, bundled templates not found,
    ///   or template headers with errors (all at once).
    public init(
        userDirectory: String? = nil, bundledDirectory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let bundled = try bundledDirectory ?? Self.locateBundledDirectory(environment: environment)
        var errors: [TemplateError] = []
        var entries: [Entry] = []
        if let userDirectory {
            entries += Self.load(directory: userDirectory, origin: .user, errors: &errors)
        }
        entries += Self.load(directory: bundled, origin: .bundled, errors: &errors)
        if let error = TemplateError.combined(errors) { throw error }
        self.entries = entries.sorted {
            ($0.name, $0.origin == .user ? 0 : 1) < ($1.name, $1.origin == .user ? 0 : 1)
        }
        self.bundledDirectory = bundled
        self.userDirectory = userDirectory
    }

    /// The template `model.template` or `--template` names.
    ///
    /// A value containing `/` or ending in `.mustache` is a path: relative to the spec file's
    /// folder when `specPath` is given, else to the current directory. Anything else is a name:
    /// the user's template of that name, else the bundled one.
    /// - Throws: `TemplateError.notFound` with did-you-mean, or a load error.
    public func template(named nameOrPath: String, specPath: String? = nil) throws -> ConfigTemplate
    {
        if Self.isPath(nameOrPath) {
            var path = nameOrPath
            if !path.hasPrefix("/"), let specPath {
                path =
                    URL(fileURLWithPath: specPath).deletingLastPathComponent()
                    .appendingPathComponent(path).path
            }
            return try ConfigTemplate.load(path: path, origin: .user)
        }
        if let entry = entries.first(where: { $0.name == nameOrPath }) { return entry.template }
        throw TemplateError.notFound(
            name: nameOrPath, searched: [userDirectory, bundledDirectory].compactMap { $0 },
            suggestion: Suggestion.closest(
                to: nameOrPath, in: entries.map(\.name).sorted(),
                maximumDistance: Suggestion.nameDistance))
    }

    /// Whether `model.template` names a file rather than a template.
    public static func isPath(_ value: String) -> Bool {
        value.contains("/") || value.hasSuffix(".mustache")
    }

    /// The catalog as an aligned table: name, origin, description; shadowed bundled templates
    /// are marked.
    public var listing: String {
        let nameWidth = entries.map(\.name.count).max() ?? 0
        let originWidth = TemplateOrigin.allCases.map(\.rawValue.count).max() ?? 0
        var seen: Set<String> = []
        return entries.map { entry in
            let shadowed = seen.contains(entry.name)
            seen.insert(entry.name)
            let name = entry.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            let origin = entry.origin.rawValue.padding(
                toLength: originWidth, withPad: " ", startingAt: 0)
            let note = shadowed ? " (shadowed by the user's template)" : ""
            return "\(name)  \(origin)  \(entry.description)\(note)"
        }.joined(separator: "\n")
    }

    /// The bundled templates folder (see the type's lookup order).
    /// - Parameters:
    ///   - environment: where `LAYERWISE_TEMPLATES` is read.
    ///   - executablePath: the running executable. Default: this process's.
    ///   - currentDirectory: where `swift run` was started. Default: the current directory.
    /// - Throws: `TemplateError.unreadable` when `LAYERWISE_TEMPLATES` names a folder without
    ///   templates, `TemplateError.bundledTemplatesNotFound` listing the places searched.
    public static func locateBundledDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executablePath: String? = Bundle.main.executablePath,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> String {
        if let configured = environment[environmentVariable], !configured.isEmpty {
            guard !mustacheFiles(in: configured).isEmpty else {
                throw TemplateError.unreadable(
                    path: configured,
                    reason: "\(environmentVariable) names a folder without .mustache templates")
            }
            return configured
        }
        var candidates: [String] = []
        if let executablePath {
            let resolved = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
            for folder in ancestors(of: resolved.deletingLastPathComponent()) {
                candidates.append(folder.appendingPathComponent("Templates").path)
                candidates.append(folder.appendingPathComponent("share/layerwise/Templates").path)
            }
        }
        for folder in ancestors(of: URL(fileURLWithPath: currentDirectory)) {
            candidates.append(folder.appendingPathComponent("Templates").path)
        }
        // Sources/Generator/TemplateCatalog.swift -> the checkout's Templates/.
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(checkout.appendingPathComponent("Templates").path)

        var seen: Set<String> = []
        for candidate in candidates where seen.insert(candidate).inserted {
            if FileManager.default.fileExists(atPath: candidate + "/" + markerFile) {
                return candidate
            }
        }
        throw TemplateError.bundledTemplatesNotFound(searched: Array(seen).sorted())
    }

    /// `folder` and each folder above it, nearest first.
    static func ancestors(of folder: URL) -> [URL] {
        var result: [URL] = []
        var current = folder.standardizedFileURL
        while true {
            result.append(current)
            let parent = current.deletingLastPathComponent().standardizedFileURL
            if parent.path == current.path || result.count > 64 { break }
            current = parent
        }
        return result
    }

    /// The `.mustache` files directly in `directory`, sorted; empty when unreadable.
    static func mustacheFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".mustache") }.sorted()
            .map { URL(fileURLWithPath: directory).appendingPathComponent($0).path }
    }

    static func load(
        directory: String, origin: TemplateOrigin, errors: inout [TemplateError]
    ) -> [Entry] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            errors.append(.unreadable(path: directory, reason: "no such folder"))
            return []
        }
        var entries: [Entry] = []
        for file in mustacheFiles(in: directory) {
            do {
                let template = try ConfigTemplate.load(path: file, origin: origin)
                entries.append(
                    Entry(
                        name: template.name, description: template.design.description,
                        origin: origin, path: template.path, template: template))
            } catch let error as TemplateError {
                errors.append(error)
            } catch {
                errors.append(.unreadable(path: file, reason: "\(error)"))
            }
        }
        return entries
    }
}
