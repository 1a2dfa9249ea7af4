/// A spec that did not load: every diagnostic found (errors and warnings), and the source text
/// they point into, so the caller can render them with ``DiagnosticRenderer``.
public struct SpecLoadError: Error, CustomStringConvertible, Sendable {
    /// The spec file as the user named it.
    public var file: String
    /// The spec's text, or nil when it could not be read.
    public var source: String?
    /// Every problem, in source order; at least one is an error.
    public var diagnostics: [Diagnostic]

    public init(file: String, source: String?, diagnostics: [Diagnostic]) {
        self.file = file
        self.source = source
        self.diagnostics = diagnostics
    }

    /// Only the errors.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    /// All diagnostics rendered without colour, with source lines and carets.
    public var description: String {
        DiagnosticRenderer(colored: false).render(diagnostics, source: source)
    }
}
