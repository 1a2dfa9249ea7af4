import ArgumentParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Folder of the templates `model.template` may name.", valueName: "dir"))
    var templates: String = "Templates"

    @Flag(name: .long, help: "Never colour the output (colour is on only for a terminal; NO_COLOR also turns it off).")
    var noColor = false

    /// Colour only on a terminal, unless turned off.
    var colorsStandardOutput: Bool {
        !noColor && isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil
    }
}
