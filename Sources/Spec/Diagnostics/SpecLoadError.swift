/// A spec that did not load: every diagnostic found (errors and warnings), and the source text
/// they point into, so the caller can render them with ``DiagnosticRenderer``.
public struct SpecLoadError: Error, CustomStringConvertible, Sendable {
    /// The spec file as the user named it.
    public var file: String
    /// The spec's text, or nil when it could not be read.
    public var source: String?
    /// Every problem, in source order; at least one is an error.
    public var diagnostics: [Diagnostic]
    /// The `--set` arguments, one per line, that diagnostics in `SpecOverride.commandLine`
    /// point into; nil without any.
    public var commandLine: String?

    public init(
        file: String, source: String?, diagnostics: [Diagnostic], commandLine: String? = nil
    ) {
        self.file = file
        self.source = source
        self.diagnostics = diagnostics
        self.commandLine = commandLine
    }

    /// Only the errors.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    /// All diagnostics rendered without colour, with source lines and carets.
    public var description: String { rendered(colored: false) }

    /// Every diagnostic with the source line of its own file (the spec or the command line).
    public func rendered(colored: Bool) -> String {
        let renderer = DiagnosticRenderer(colored: colored)
        return diagnostics.map { diagnostic in
            renderer.render(
                diagnostic,
                source: diagnostic.file == SpecOverride.commandLine ? commandLine : source)
        }.joined()
    }
}
