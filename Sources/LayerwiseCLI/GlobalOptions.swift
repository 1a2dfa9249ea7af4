import ArgumentParser
import Generator
import Spec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A folder of your own *.mustache templates (besides the bundled ones).",
            valueName: "dir"),
        completion: .directory)
    var templates: String?

    @Flag(
        name: .long,
        help:
            "Never colour the output (colour is on only for a terminal; NO_COLOR also turns it off)."
    )
    var noColor = false

    /// Colour only on a terminal, unless turned off.
    var colorsStandardOutput: Bool {
        !noColor && isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil
    }

    /// Colour on standard error only for a terminal, unless turned off.
    var colorsStandardError: Bool {
        !noColor && isatty(STDERR_FILENO) == 1 && getenv("NO_COLOR") == nil
    }

    /// The bundled templates and the user's.
    func templateCatalog() throws -> TemplateCatalog {
        try TemplateCatalog(userDirectory: templates)
    }

    /// A spec loader that knows every template name of the catalog.
    func specLoader() throws -> SpecLoader {
        SpecLoader(templates: TemplateNames(names: try templateCatalog().entries.map(\.name)))
    }
}

/// `--template NAME|PATH`, shared by the commands that design a network.
struct TemplateOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "A template name (`layerwise templates`) or a .mustache file; overrides the spec's "
                + "model.template.",
            valueName: "name|path"))
    var template: String?
}

/// `--set KEY=VALUE` (repeatable), shared by the commands that read a spec to design or train.
struct SpecOverridesOption: ParsableArguments {
    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Set a spec key over the file, as YAML (repeatable): --set training.epochs=20 "
                + "--set model.neurons=[64,32]. Checked like the spec; an error points at the "
                + "argument.",
            valueName: "key=value"))
    var assignments: [String] = []

    func validate() throws {
        _ = try overrides()
    }

    /// The arguments parsed.
    func overrides() throws -> [SpecOverride] {
        do {
            return try assignments.map { argument throws(SpecOverrideError) in
                try SpecOverride(parsing: argument)
            }
        } catch {
            throw ValidationError(error.description)
        }
    }
}
