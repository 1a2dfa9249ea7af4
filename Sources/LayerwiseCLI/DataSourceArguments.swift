import ArgumentParser
import Dataset

/// The options shared by the commands that read a CSV directly (`profile`, `init`).
struct DataSourceArguments: ParsableArguments {
    @Argument(help: "A CSV file (header line, then one row per example).")
    var input: String

    @Option(help: "The column to predict.")
    var target: String?

    @Option(help: "Seed of the split and the probe.")
    var seed: UInt64 = 42

    /// Specs need the spec loader; until it lands only CSV paths are accepted.
    func validateInput() throws {
        let lowered = input.lowercased()
        if lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") {
            throw ValidationError(
                "'\(input)' is a spec: reading specs needs the spec loader, which is not part of "
                    + "this build yet. Use `layerwise <command> "
                    + "data.csv --target COLUMN` for now.")
        }
        if target == nil {
            throw ValidationError("--target COLUMN is required with a CSV file.")
        }
    }

    /// The data options for the CSV and target.
    var options: DataOptions {
        DataOptions(path: input, target: target ?? "", seed: seed)
    }
}
