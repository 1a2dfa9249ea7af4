import ArgumentParser
import Runs

/// `layerwise report RUN`: writes the run's report.html again (after an upgrade, or for a run
/// stopped before the end).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a run's report.html again (self-contained HTML: curves, design, findings)."
    )

    @Argument(help: ArgumentHelp("A run folder written by `layerwise train`.", valueName: "run"))
    var runFolder: String

    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingErrors {
            let diagnosis = try RunDiagnosis.load(
                try RunFolder(existing: runFolder), loader: try options.specLoader())
            try diagnosis.writeReport()
            print(
                "Wrote \(diagnosis.folder.reportPath) (\(diagnosis.findings.count) finding"
                    + (diagnosis.findings.count == 1 ? "" : "s") + ")")
        }
    }
}
