import ArgumentParser
import Dataset
import Foundation
import Runs

/// `layerwise init data.csv --target COL [-o spec.yaml] [--force]`.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a starter spec for a CSV file: everything `auto`, with comments.")

    @OptionGroup var source: DataSourceArguments

    @Option(name: [.short, .customLong("output")], help: "The spec file to write.")
    var output: String = "spec.yaml"

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    func validate() throws { try source.validateInput(allowingSpec: false) }

    func run() throws {
        do {
            let profile = DataProfile(try PreparedData.load(source.options))
            let directory = (output as NSString).deletingLastPathComponent
            let dataPath = StarterSpec.relativePath(
                of: source.input, from: directory.isEmpty ? "." : directory)
            let name = ((source.input as NSString).lastPathComponent as NSString)
                .deletingPathExtension
            let text = StarterSpec.render(name: name, dataPath: dataPath, profile: profile)
            if !force, AtomicFile.exists(output) {
                throw DesignPlanError.outputExists(path: output)
            }
            try AtomicFile.write(text, to: output)
            print(
                "wrote \(output) (\(profile.task.rawValue), target '\(profile.target)', "
                    + "Ni = \(profile.inputs), No = \(profile.outputs))")
        } catch let error as DataError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode.failure
        } catch let error as DesignPlanError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode.failure
        } catch let error as FileWriteError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode.failure
        }
    }
}
