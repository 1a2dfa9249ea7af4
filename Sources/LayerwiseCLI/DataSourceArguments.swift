import ArgumentParser
import Dataset

/// The options shared by the commands that read a dataset (`profile`, `init`).
struct DataSourceArguments: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "A CSV file (header line, then one row per example), or for `profile` a spec "
                + "(.yaml).",
            valueName: "data.csv|spec.yaml"))
    var input: String

    @Option(help: "The column to predict (with a CSV file).")
    var target: String?

    // Unconditional: `--seed -3` is an invalid value, not a missing one.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Seed of the split and the probe, a whole number from 0 (with a CSV file; a spec "
                + "has training.seed)."))
    var seed: UInt64?

    /// Whether the input names a spec rather than a CSV file.
    var isSpec: Bool {
        let lowered = input.lowercased()
        return lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml")
    }

    /// Checks the input: a CSV needs `--target`; a spec is accepted only when `allowingSpec`
    /// and then takes no `--target` or `--seed` (the spec has them).
    func validateInput(allowingSpec: Bool) throws {
        if isSpec {
            guard allowingSpec else {
                throw ValidationError(
                    "'\(input)' is a spec; this command reads a CSV file: "
                        + "`layerwise <command> data.csv --target COLUMN`.")
            }
            if target != nil {
                throw ValidationError(
                    "--target is for CSV files; the spec names its target (data.target).")
            }
            if seed != nil {
                throw ValidationError(
                    "--seed is for CSV files; the spec's training.seed seeds the split.")
            }
            return
        }
        if target == nil {
            throw ValidationError("--target COLUMN is required with a CSV file.")
        }
    }

    /// The data options for the CSV and target.
    var options: DataOptions {
        DataOptions(path: input, target: target ?? "", seed: seed ?? 42)
    }
}
