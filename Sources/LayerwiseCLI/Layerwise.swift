import ArgumentParser

@main
struct Layerwise: AsyncParsableCommand {
    /// The release, printed by `layerwise --version`; raised with each release.
    static let version = "0.9.0"

    static let configuration = CommandConfiguration(
        commandName: "layerwise",
        abstract: "Configure, explain and train neural networks for tabular data.",
        version: version,
        subcommands: [
            TrainCommand.self, EvaluateCommand.self, PredictCommand.self, ValidateCommand.self,
            SchemaCommand.self, InitCommand.self,
            ProfileCommand.self, RecommendCommand.self, GenerateCommand.self,
            TemplatesCommand.self, LearningRateFindCommand.self, DiagnoseCommand.self,
            ReportCommand.self, RulebookCommand.self, TuneCommand.self, StudyCommand.self,
            ExportCommand.self, ServeCommand.self, CompareCommand.self,
        ]
    )
}
