import Foundation
import Mustache
import Spec

/// Where a template comes from.
public enum TemplateOrigin: String, Sendable, Equatable, CaseIterable {
    /// Shipped in the package's `Templates/` folder.
    case bundled
    /// The user's: from `--templates DIR` or a path in the spec's `model.template`.
    case user
}

/// A template file: its text, where it came from, and its design header.
///
/// Loading reads only the header (enough for `layerwise templates`); `checked()` runs the full
/// strictness check before anything renders.
public struct ConfigTemplate: Sendable, Equatable {
    /// The name `model.template` uses: the file name without `.mustache`.
    public let name: String
    /// The file's path as shown in diagnostics (relative to the current directory when inside it).
    public let path: String
    /// Bundled or the user's.
    public let origin: TemplateOrigin
    /// The template text.
    public let source: String
    /// The design preferences of its header.
    public let design: TemplateDesign

    /// A template from text (tests, or templates built in code).
    /// - Parameters:
    ///   - name: the template's name.
    ///   - path: the path shown in diagnostics.
    ///   - origin: bundled or user. Default `.user`.
    ///   - source: the template text.
    /// - Throws: `TemplateError` for a missing content-type line or a bad header.
    public init(name: String, path: String, origin: TemplateOrigin = .user, source: String) throws {
        self.name = name
        self.path = path
        self.origin = origin
        self.source = source
        self.design = try TemplateDesign.parse(source: source, file: path)
    }

    /// Reads the template file at `path`.
    /// - Parameters:
    ///   - path: the file (absolute, or relative to the current directory).
    ///   - origin: bundled or user.
    /// - Throws: `TemplateError.unreadable`, or a header error.
    public static func load(path: String, origin: TemplateOrigin) throws -> ConfigTemplate {
        let url = URL(fileURLWithPath: path)
        let source: String
        do {
            source = try String(contentsOf: url, encoding: .utf8)
        } catch {
            let exists = FileManager.default.fileExists(atPath: path)
            throw TemplateError.unreadable(
                path: displayPath(path),
                reason: exists ? "not UTF-8 text or not readable" : "no such file")
        }
        var name = url.lastPathComponent
        if name.hasSuffix(".mustache") { name.removeLast(".mustache".count) }
        return try ConfigTemplate(
            name: name, path: displayPath(path), origin: origin, source: source)
    }

    /// The template checked against the generator's variables and parsed by swift-mustache,
    /// ready to render.
    ///
    /// Checks, all reported at once with `file:line:column`: malformed tags, set-delimiter tags,
    /// partials, unbalanced sections, unknown variables (with did-you-mean, following mustache's
    /// section scopes), mappings printed as values, required variables never printed, and
    /// swift-mustache's own parse errors.
    /// - Throws: `TemplateError` (`.many` for several).
    public func checked() throws -> CheckedTemplate {
        let scanner = TemplateScanner(file: path, source: source)
        let (tags, scanErrors) = scanner.scan()
        var errors = scanErrors
        for tag in tags where tag.kind == .pragma {
            let words = tag.name.replacingOccurrences(of: " ", with: "")
            if words.hasPrefix("CONTENT_TYPE:"), words != "CONTENT_TYPE:TEXT" {
                errors.append(
                    .syntax(
                        tag.nameSpan,
                        message:
                            "only `CONTENT_TYPE: TEXT` is supported (other types escape values)"))
            }
        }
        if errors.isEmpty {
            errors += TemplateChecker(file: path, schema: .standard).check(tags)
        }
        if let error = TemplateError.combined(errors) { throw error }
        do {
            let mustache = try MustacheTemplate(string: source)
            return CheckedTemplate(template: self, mustache: mustache)
        } catch let error as MustacheTemplate.ParserError {
            let span = scanner.span(
                line: error.context.lineNumber, column: error.context.columnNumber, length: 1)
            throw TemplateError.syntax(span, message: "mustache: \(Self.explain(error.error))")
        }
    }

    /// Words for swift-mustache's parse errors.
    static func explain(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "a section is closed with the wrong name"
        case .unfinishedName: return "malformed tag name"
        case .expectedSectionEnd: return "a section is never closed"
        case .invalidSetDelimiter: return "malformed set-delimiter tag"
        case .transformAppliedToInheritanceSection: return "transform on an inherited section"
        case .illegalTokenInsideInheritSection: return "illegal tag inside an inherited section"
        case .textInsideInheritSection: return "text inside an inherited section"
        case .invalidConfigVariableSyntax:
            return "malformed pragma: expected `{{% CONTENT_TYPE: TEXT}}`"
        case .unrecognisedConfigVariable:
            return "unknown pragma: only `{{% CONTENT_TYPE: TEXT}}` is recognised"
        }
    }

    /// `path` relative to the current directory when it lies inside it.
    static func displayPath(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .standardizedFileURL.path
        let prefix = current.hasSuffix("/") ? current : current + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }
}

/// A template that passed `ConfigTemplate.checked()`, parsed and ready to render.
public struct CheckedTemplate: Sendable {
    /// The template.
    public let template: ConfigTemplate
    let mustache: MustacheTemplate

    /// Renders `view` and aligns the trailing comments in a column.
    public func render(_ view: ConfigViewModel) -> String {
        CommentAligner.align(mustache.render(view.mustacheContext))
    }
}
