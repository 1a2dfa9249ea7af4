import ArgumentParser
import Dataset
import Foundation

/// `layerwise profile data.csv --target COL [--format text|json]`.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Profile a dataset: rows per split, Ni, No, column types, classes, and the "
            + "linear-separability probe.")

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var source: DataSourceArguments

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws { try source.validateInput() }

    func run() throws {
        let profile: DataProfile
        do {
            profile = DataProfile(try PreparedData.load(source.options))
        } catch let error as DataError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode.failure
        }
        switch format {
        case .text:
            print(profile.text, terminator: "")
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(profile), as: UTF8.self))
        }
    }
}
