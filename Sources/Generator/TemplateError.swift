import Spec

/// A place in a template: where a diagnostic points, with the source line for the caret.
public struct TemplateSpan: Sendable, Equatable, CustomStringConvertible {
    /// File, 1-based line and 1-based column.
    public var location: SourceLocation
    /// The text of that line (without its newline), shown under the message.
    public var sourceLine: String
    /// How many characters the caret underlines (at least 1).
    public var length: Int

    public init(location: SourceLocation, sourceLine: String, length: Int = 1) {
        self.location = location
        self.sourceLine = sourceLine
        self.length = max(1, length)
    }

    public var description: String { location.description }

    /// The source line and a caret line under the span, each with a 4-space margin.
    var excerpt: String {
        let line = sourceLine.replacingTabs()
        let column = max(1, location.column)
        let available = max(1, line.count - (column - 1))
        let caret =
            String(repeating: " ", count: column - 1) + "^"
            + String(repeating: "~", count: max(0, min(length, available) - 1))
        return "    \(line)\n    \(caret)"
    }
}

extension String {
    // Tabs would misplace the caret; one space per tab keeps columns counted as characters.
    fileprivate func replacingTabs() -> String {
        String(map { $0 == "\t" ? " " : $0 })
    }
}

/// Everything that can be wrong with a template, its header, or finding it.
///
/// Each case renders like a compiler diagnostic:
/// `Templates/x.mustache:12:5: error: ...`, then the source line and a caret.
public enum TemplateError: Error, CustomStringConvertible, Equatable {
    /// The first line is not `{{% CONTENT_TYPE: TEXT}}` (without it values would be HTML-escaped).
    case missingContentType(file: String)
    /// The design header (`{{! ... }}` after the content-type line) is missing or malformed.
    case header(TemplateSpan, message: String)
    /// A malformed tag: unclosed `{{`, an invalid name, a malformed pragma, or a parse error
    /// reported by swift-mustache.
    case syntax(TemplateSpan, message: String)
    /// `{{#name}}` or `{{^name}}` without its `{{/name}}`.
    case unclosedSection(TemplateSpan, name: String)
    /// `{{/name}}` closing a different section than the one open (`opened` points at it), or
    /// closing when no section is open (`opened` is nil).
    case mismatchedSectionEnd(TemplateSpan, name: String, open: String?, opened: TemplateSpan?)
    /// A set-delimiter tag (`{{=<% %>=}}`): templates keep the standard `{{ }}` delimiters.
    case setDelimiterNotSupported(TemplateSpan)
    /// A partial, parent or block tag (`{{> x}}`, `{{< x}}`, `{{$ x}}`): a template is one
    /// self-contained file.
    case partialNotSupported(TemplateSpan, name: String)
    /// A variable the generator does not provide in this scope.
    case unknownVariable(TemplateSpan, name: String, suggestion: String?, note: String?)
    /// A mapping or list printed as a value (`{{model.layers}}`); it must be a section.
    case sectionUsedAsValue(TemplateSpan, name: String, path: String)
    /// A variable the generator requires (a layer field, a hyperparameter, or its `_why`) that the
    /// template never prints: the generated config would silently drop it.
    case requiredVariableUnused(file: String, path: String, hint: String)
    /// No template with this name among the bundled and user templates.
    case notFound(name: String, searched: [String], suggestion: String?)
    /// The bundled `Templates/` folder was not found; lists the places searched.
    case bundledTemplatesNotFound(searched: [String])
    /// A template file or folder could not be read.
    case unreadable(path: String, reason: String)
    /// Several errors, reported together.
    case many([TemplateError])

    /// The errors this value stands for, flattened.
    public var all: [TemplateError] {
        if case .many(let errors) = self { return errors.flatMap(\.all) }
        return [self]
    }

    /// One error as itself, several as `.many`; nil for none.
    static func combined(_ errors: [TemplateError]) -> TemplateError? {
        let flat = errors.flatMap(\.all)
        if flat.count <= 1 { return flat.first }
        return .many(flat)
    }

    public var description: String {
        switch self {
        case .missingContentType(let file):
            return "\(file):1:1: error: a template must begin with `{{% CONTENT_TYPE: TEXT}}`"
                + " (otherwise values are HTML-escaped)"
        case .header(let span, let message):
            return Self.diagnostic(span, message)
        case .syntax(let span, let message):
            return Self.diagnostic(span, message)
        case .unclosedSection(let span, let name):
            return Self.diagnostic(
                span, "section `\(name)` is never closed; add `{{/\(name)}}`")
        case .mismatchedSectionEnd(let span, let name, let open, let opened):
            guard let open else {
                return Self.diagnostic(span, "`{{/\(name)}}` closes a section that is not open")
            }
            var text = Self.diagnostic(
                span, "`{{/\(name)}}` closes section `\(open)`; expected `{{/\(open)}}`")
            if let opened {
                text += "\n" + Self.diagnostic(opened, "`\(open)` opened here", kind: "note")
            }
            return text
        case .setDelimiterNotSupported(let span):
            return Self.diagnostic(
                span, "set-delimiter tags are not supported: keep the standard `{{ }}` delimiters")
        case .partialNotSupported(let span, let name):
            return Self.diagnostic(
                span,
                "partials and template inheritance (`\(name)`) are not supported:"
                    + " a template is one self-contained file")
        case .unknownVariable(let span, let name, let suggestion, let note):
            var message = "unknown variable `\(name)`"
            if let suggestion { message += "; did you mean `\(suggestion)`?" }
            var text = Self.diagnostic(span, message)
            if let note { text += "\n\(span.location): note: \(note)" }
            return text
        case .sectionUsedAsValue(let span, let name, let path):
            return Self.diagnostic(
                span,
                "`\(name)` (\(path)) is a mapping or list, not a value:"
                    + " open it as a section, `{{#\(name)}} ... {{/\(name)}}`")
        case .requiredVariableUnused(let file, let path, let hint):
            return "\(file): error: the template never uses `\(path)`, which the generator"
                + " requires (a config must not drop a value or its reason)\n\(file): note: \(hint)"
        case .notFound(let name, let searched, let suggestion):
            var text = "error: no template named `\(name)`"
            if let suggestion { text += "; did you mean `\(suggestion)`?" }
            if !searched.isEmpty {
                text += "\nnote: searched " + searched.joined(separator: ", ")
            }
            text += "\nnote: `layerwise templates` lists the available templates"
            return text
        case .bundledTemplatesNotFound(let searched):
            return "error: the bundled Templates/ folder was not found; searched:\n"
                + searched.map { "    \($0)" }.joined(separator: "\n")
                + "\nnote: set LAYERWISE_TEMPLATES to the folder holding mlp-classifier.mustache"
        case .unreadable(let path, let reason):
            return "\(path): error: cannot read: \(reason)"
        case .many(let errors):
            return errors.map(\.description).joined(separator: "\n")
        }
    }

    static func diagnostic(
        _ span: TemplateSpan, _ message: String, kind: String = "error"
    )
        -> String
    {
        "\(span.location): \(kind): \(message)\n\(span.excerpt)"
    }
}

/// Problems with the generator's input rather than with the template.
public enum GeneratorError: Error, CustomStringConvertible, Equatable {
    /// The spec still leaves these key paths to the advisor (only `training.learning_rate` may
    /// stay `auto` in a complete config), or has no explicit `model.layers`.
    case incompleteConfig(keyPaths: [String])
    /// The template's header is for another task (`task: regression` for a classifier...).
    case taskMismatch(template: String, templateTask: String, specTask: String)

    public var description: String {
        switch self {
        case .incompleteConfig(let keyPaths):
            return "error: the config is not complete: "
                + keyPaths.map { "`\($0)`" }.joined(separator: ", ")
                + (keyPaths.count == 1 ? " is" : " are")
                + " still `auto` or missing (the advisor resolves them before generating)"
        case .taskMismatch(let template, let templateTask, let specTask):
            return "error: template `\(template)` is for \(templateTask), but the task is"
                + " \(specTask); choose a template for \(specTask) (`layerwise templates`)"
        }
    }
}
