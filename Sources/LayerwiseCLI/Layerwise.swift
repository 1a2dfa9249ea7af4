import ArgumentParser

@main
struct Layerwise: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layerwise",
        abstract: "Configure, explain and train neural networks for tabular data.",
        subcommands: [
            TrainCommand.self, EvaluateCommand.self, PredictCommand.self, ValidateCommand.self,
            SchemaCommand.self, InitCommand.self,
            ProfileCommand.self, RecommendCommand.self, GenerateCommand.self,
            TemplatesCommand.self, LearningRateFindCommand.self, DiagnoseCommand.self,
            ReportCommand.self, RulebookCommand.self, TuneCommand.self, StudyCommand.self,
            ExportCommand.self, ServeCommand.self,
        ]
    )
}
