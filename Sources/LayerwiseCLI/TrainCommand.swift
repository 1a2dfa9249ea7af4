import Advisor
import ArgumentParser
import CurveAnalysis
import Engine
import Foundation
import Runs

/// `layerwise train SPEC`: from a spec (or a generated config) to a trained, saved, evaluated
/// model in a run folder; `--resume RUN` continues a run from its last checkpoint.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Design, train, save and evaluate a network from a spec or a generated config.",
        discussion: """
            Writes runs/<name>-<time>/ (or --out DIR): config.yaml (the resolved config), \
            history.csv, metrics.json, model.safetensors, record.json, report.html and a \
            checkpoint (rewritten at least every second and at the end); prints the \
            diagnostics' findings at the end. \
            Ctrl-C stops after the current step and saves; `--resume RUN` continues a run.
            """)

    @Argument(help: ArgumentHelp("A spec or a generated config (YAML).", valueName: "spec"))
    var spec: String?

    @OptionGroup var templateOption: TemplateOption

    @OptionGroup var specOverrides: SpecOverridesOption

    @Option(
        name: .long,
        help: ArgumentHelp("The run folder (default runs/<name>-<time>).", valueName: "dir"))
    var out: String?

    @Option(
        help: ArgumentHelp(
            "Continue the run in this folder from its last checkpoint.", valueName: "run"))
    var resume: String?

    @Flag(help: "Print no progress.")
    var quiet = false

    @OptionGroup var compute: ThreadsOption

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if resume != nil {
            if spec != nil { throw ValidationError("give a spec or --resume RUN, not both") }
            if out != nil || templateOption.template != nil {
                throw ValidationError(
                    "--resume continues a run as it was: drop --out and --template")
            }
        } else if spec == nil {
            throw ValidationError(
                "give a spec, e.g. `layerwise train Specs/iris.yaml`, or --resume RUN")
        }
    }

    func run() throws {
        compute.apply()
        try reportingErrors {
            let folder: RunFolder
            let session: TrainingSession
            if let resume {
                folder = try RunFolder.reopen(resume)
                session = try TrainingSession.resume(folder, loader: try options.specLoader())
                print(
                    session.trainer.epoch == 0
                        ? "Restarting \(folder.path) from the start (no epoch had finished)"
                        : "Resuming \(folder.path) after epoch \(session.trainer.epoch)")
            } else if let spec {
                if let out { try RunFolder.checkAvailable(out) }
                let plan = try DesignPlan(
                    specPath: spec, catalog: try options.templateCatalog(),
                    template: templateOption.template, overrides: try specOverrides.overrides())
                let warnings = plan.renderedWarnings(colored: options.colorsStandardError)
                if !warnings.isEmpty { printError(warnings) }
                print(TextReport.compact(plan.recommendation))
                // Everything that can fail on this spec and data fails before the folder exists.
                session = try TrainingSession.prepare(plan: plan)
                if let test = session.rangeTest { print(test.summary + "\n") }
                folder = try RunFolder.create(name: plan.loaded.spec.name, explicit: out)
                try session.start(plan: plan, in: folder)
            } else {
                return
            }
            let progress = TrainingProgress(
                epochs: session.config.training.epochs.value ?? 0, quiet: quiet)
            let stop = session.trainer.stopRequest
            let interrupt = InterruptHandler { stop.request() }
            if !quiet, session.ensembleSize > 1 {
                print(
                    "Training \(session.ensembleSize) networks (ENSEMBLE-SMALL-DATA); the epochs "
                        + "below are the first one's, the others report as they end")
                session.onMemberTrained = { member, count, result in
                    progress.standingLine(Self.memberLine(member + 1, of: count, result))
                }
            }
            let result = try session.run(in: folder, onEvent: progress.handle)
            progress.finish()
            withExtendedLifetime(interrupt) {}
            print(Self.summary(result, folder: folder))
            if let diagnosis = result.diagnosis {
                print("\n" + diagnosis.findingsText)
                if !diagnosis.findings.flatMap(\.edits).isEmpty {
                    print("Apply: layerwise diagnose \(folder.path) --write-spec NEW.yaml")
                }
                print("Report   \(folder.reportPath)")
            }
            if case .nonFinite = result.stopReason { throw ExitCode.failure }
        }
    }

    /// `Ensemble member 3 of 5 done: epoch 41 kept, 0.9565 on its validation rows`.
    static func memberLine(_ number: Int, of count: Int, _ result: MemberResult?) -> String {
        guard let result else {
            return "Ensemble member \(number) of \(count) diverged with no good epoch: left out"
        }
        return "Ensemble member \(number) of \(count) done: epoch \(result.chosenEpoch) kept"
            + (result.validation.map { String(format: ", %.4f on its validation rows", $0) } ?? "")
    }

    /// The end of a run for a person: why it stopped, the scores, the folder.
    static func summary(_ result: RunResult, folder: RunFolder) -> String {
        var lines = [
            "Stopped  \(result.stopReason.explanation) after \(result.epochsRun) epoch"
                + (result.epochsRun == 1 ? "" : "s")
                + (result.chosenEpoch.map { "; weights of epoch \($0)" } ?? "")
        ]
        if result.stopReason == .stopRequested {
            lines.append(
                result.epochsRun == 0
                    ? "  no epoch finished; `--resume \(folder.path)` trains the run from the start"
                    : "  the model holds the weights at the stop; `--resume \(folder.path)` "
                        + "continues from the end of epoch \(result.epochsRun)")
        }
        if !result.members.isEmpty {
            let others = result.members
            let scores = others.compactMap(\.validation).map { String(format: "%.4f", $0) }
            lines.append(
                "Ensemble \(others.count + 1) networks averaged [ENSEMBLE-SMALL-DATA]; the others "
                    + "kept epochs " + others.map { String($0.chosenEpoch) }.joined(separator: ", ")
            )
            if !scores.isEmpty {
                lines.append(
                    "  and scored \(scores.joined(separator: ", ")) on their own validation rows")
            }
            lines.append("  train and test: the average; validation: the first network's own rows")
        }
        for split in ["train", "validation", "test"] {
            guard let score = result.scores[split] else { continue }
            let name = split.padding(toLength: 10, withPad: " ", startingAt: 0)
            switch score.metrics {
            case .classification(let metrics):
                lines.append(
                    "  \(name) accuracy \(String(format: "%.4f", metrics.accuracy))  macro F1 "
                        + String(format: "%.4f", metrics.macroF1)
                        + (metrics.rocAUC.map { String(format: "  AUC %.4f", $0) } ?? "")
                        + "  (\(score.rows) rows)")
            case .regression(let metrics):
                lines.append("  \(name) \(metrics.summaryText)  (\(score.rows) rows)")
            }
        }
        if !result.savedModel {
            lines.append(
                "No model saved: no epoch finished with finite weights; the last good checkpoint stays."
            )
        }
        lines.append("Run      \(folder.path)")
        return lines.joined(separator: "\n")
    }
}
