import ArgumentParser
import Runs

/// `layerwise diagnose RUN [--write-spec FILE] [--force]`: the diagnostics' findings for any
/// run; `--write-spec` writes the follow-up spec with the findings' edits applied.
struct DiagnoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Print the diagnostics' findings (DIAG-*, SIZE-PRUNE) for a run.",
        discussion: """
            Reads the run's record.json (or rebuilds it from the checkpoint). Each finding: the \
            rule ID, the evidence, and the change as a spec edit. --write-spec FILE writes the \
            spec the run started from with the edits applied (validated first; refuses to \
            overwrite without --force).
            """)

    @Argument(help: ArgumentHelp("A run folder written by `layerwise train`.", valueName: "run"))
    var runFolder: String

    @Option(
        help: ArgumentHelp(
            "Write the spec with the findings' edits applied to this file.", valueName: "file"))
    var writeSpec: String?

    @Flag(help: "Overwrite the --write-spec file if it exists.")
    var force = false

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if force && writeSpec == nil {
            throw ValidationError("--force only goes with --write-spec FILE")
        }
    }

    func run() throws {
        try reportingErrors {
            let loader = try options.specLoader()
            let diagnosis = try RunDiagnosis.load(
                try RunFolder(existing: runFolder), loader: loader)
            print(diagnosis.findingsText)
            guard let writeSpec else { return }
            let source =
                diagnosis.editable.map {
                    $0.isOriginal ? $0.path : "\($0.path) (the original spec is unknown)"
                } ?? "?"
            let edits = try diagnosis.writeSpec(to: writeSpec, force: force, loader: loader)
            if edits.isEmpty {
                print("\nNo finding proposes a spec change: \(writeSpec) not written.")
            } else {
                print(
                    "\nWrote \(writeSpec): \(source) with \(edits.count) edit"
                        + (edits.count == 1 ? "" : "s") + ":")
                for edit in edits { print("  \(edit)") }
                print("Next: layerwise train \(writeSpec)")
            }
        }
    }
}
