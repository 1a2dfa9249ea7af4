import ArgumentParser
import CurveAnalysis
import Foundation
import Runs

/// `layerwise compare RUN RUN... [-o compare.html]`: one page overlaying the runs' curves and
/// tabulating their scores and designs.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare runs on one page: scores, overlaid curves, designs side by side.",
        discussion: """
            Writes a self-contained HTML page (default compare.html): each run's final scores \
            (the best of each in bold), its validation and training loss, validation metric and \
            learning rate overlaid, and its design with the settings that differ first, each \
            value with the rule that chose it.
            """)

    @Argument(help: ArgumentHelp("Two or more run folders.", valueName: "run"))
    var runFolders: [String]

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp("The page to write.", valueName: "file"))
    var output = "compare.html"

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        guard runFolders.count >= 2 else {
            throw ValidationError("give two or more run folders to compare")
        }
        guard runFolders.count <= 12 else {
            throw ValidationError("compare takes at most 12 runs, not \(runFolders.count)")
        }
        if !force, FileManager.default.fileExists(atPath: output) {
            throw ValidationError("\(output) exists; pass --force to replace it")
        }
    }

    func run() throws {
        try reportingErrors {
            let loader = try options.specLoader()
            let runs = try runFolders.map { path in
                try RunDiagnosis.load(try RunFolder(existing: path), loader: loader).comparisonRun
            }
            try AtomicFile.makeFolder(for: output)
            try AtomicFile.write(RunComparison(runs: runs).html(), to: output)
            printError("wrote \(output) (\(runs.count) runs)")
        }
    }
}
