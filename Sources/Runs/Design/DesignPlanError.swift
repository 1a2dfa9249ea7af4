import Advisor
import Dataset
import Generator
import Spec

/// A failure of one design stage, described by that stage's own compiler-style diagnostic.
public enum DesignPlanError: Error, CustomStringConvertible {
    /// The spec did not load: every diagnostic, with source lines and carets.
    case spec(SpecLoadError)
    /// The data could not be read or prepared (file, line, column, hint).
    case data(DataError)
    /// The template could not be found or read, or its header or body is wrong.
    case template(TemplateError)
    /// The template is written for the other task (located at `model.template` when the spec
    /// names it).
    case templateTask(Diagnostic, source: String?)
    /// The advisor cannot design from this spec or data.
    case advisor(AdvisorError, source: String?)
    /// The generator refused the config (an incomplete config: an internal error).
    case generator(GeneratorError)
    /// Internal: the generated config did not load back with the spec loader.
    case generatedConfigInvalid(SpecLoadError)
    /// Internal: the generated config loads, but describes another network at `keyPath`.
    case generatedConfigMismatch(keyPath: String, expected: String, found: String)
    /// The output file exists and overwriting was not asked for.
    case outputExists(path: String)
    /// The output file could not be written.
    case write(FileWriteError)

    /// The stage's diagnostic, ending in a newline.
    public var description: String {
        var text: String
        switch self {
        case .spec(let error):
            text = error.description
        case .data(let error):
            text = error.description
        case .template(let error):
            text = error.description
        case .templateTask(let diagnostic, let source):
            text = DiagnosticRenderer().render(diagnostic, source: source)
        case .advisor(let error, let source):
            text = Self.render(error, source: source)
        case .generator(let error):
            text = "internal error: \(error.description)"
        case .generatedConfigInvalid(let error):
            text =
                "internal error: the generated config does not load back with the spec loader "
                + "(please report this with the spec):\n" + error.description
        case .generatedConfigMismatch(let keyPath, let expected, let found):
            text =
                "internal error: the generated config loads back with a different \(keyPath): "
                + "the advisor chose \(expected), the file says \(found) (please report this "
                + "with the spec and the template)"
        case .outputExists(let path):
            text =
                "\(path): error: the file already exists\n"
                + "  hint: pass --force to replace it, or choose another path with -o"
        case .write(let error):
            text = error.description
        }
        return text.hasSuffix("\n") ? text : text + "\n"
    }

    /// An advisor error as a diagnostic: at the spec key, with its source line, when located.
    static func render(_ error: AdvisorError, source: String?) -> String {
        guard case .invalidSpec(let keyPath, let message, let location?, let help) = error else {
            return error.description
        }
        let diagnostic = Diagnostic(
            .error, at: location,
            length: source.map { DesignPlan.tokenLength(in: $0, at: location) } ?? 1,
            keyPath: keyPath, message, notes: help.map { [.help($0)] } ?? [])
        return DiagnosticRenderer().render(diagnostic, source: source)
    }
}

extension LoadedSpec {
    /// The text an advisor error points into: the spec's, or the command line's for a value
    /// from `--set`.
    func source(of error: AdvisorError) -> String? {
        if case .invalidSpec(_, _, let location?, _) = error { return text(of: location.file) }
        return source
    }
}
