import ArgumentParser
import Engine

/// `--threads N`, shared by the commands that train or run a network.
struct ThreadsOption: ParsableArguments {
    // Unconditional: `--threads -1` is a value to refuse with the range, not a missing value.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Cores the training engine uses (default: all, at most 16). Results are the same "
                + "for any count; 1 can be faster when other work keeps the machine busy.",
            valueName: "n"))
    var threads: Int?

    func validate() throws {
        if let threads, !(1...CPUKernels.maximumThreadCount).contains(threads) {
            throw ValidationError(
                "--threads must be between 1 and \(CPUKernels.maximumThreadCount), not \(threads)")
        }
    }

    /// Sets the engine's thread count when one was given.
    func apply() {
        if let threads { CPUKernels.threadCount = threads }
    }
}
