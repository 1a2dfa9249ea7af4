import Foundation
import Tune
import TuneSearch
import TuneStorage

/// `tune`'s output for a person: one line per finished trial (its number, the values that
/// differ from the zero-trial design, its value, the best so far), and on a terminal a live
/// line of the running trials' epochs.
final class StudyProgress: @unchecked Sendable {
    // Called from the study's workers, serialised by the study's callback lock.
    private let study: TuneStudy
    private let quiet: Bool
    private let live = isatty(STDOUT_FILENO) == 1
    private var epochs: [Int: Int] = [:]
    private var liveShown = false

    init(study: TuneStudy, quiet: Bool) {
        self.study = study
        self.quiet = quiet
    }

    var header: String {
        let definition = study.definition
        var lines = [
            "Study    \(definition.name) in \(study.folder): \(definition.targetTrials) trials, "
                + "\(definition.direction.rawValue) validation \(definition.metric)"
                + (study.folds.map { " (\($0)-fold cv)" } ?? "")
                + (study.pruning ? ", pruned by successive halving [TUNE-ASHA]" : "")
                + ", \(study.workers) worker" + (study.workers == 1 ? "" : "s"),
            "Space    trial 0 is the zero-trial design [TUNE-ZERO-TRIAL]; trials 1-"
                + "\(TuneStudy.startupTrials) quasi-random [TUNE-STARTUP-QMC], then TPE [TUNE-TPE] "
                + "(search trials: TUNE-SEARCH-PATIENCE); the others vary:",
        ]
        for parameter in study.space.parameters {
            lines.append(
                "  \(parameter.name) \(Self.domainText(parameter.domain)) [\(parameter.rule)]")
        }
        return lines.joined(separator: "\n")
    }

    func epoch(trial: Int, epoch: Int) {
        guard live, !quiet else { return }
        epochs[trial] = epoch
        let running = epochs.keys.sorted().map { "trial \($0) epoch \(epochs[$0] ?? 0)" }
        print("\r\u{1B}[2K  " + running.joined(separator: ", "), terminator: "")
        fflush(nil)
        liveShown = true
    }

    func trialEnded(_ trial: TrialRecord, best: TrialRecord?) {
        epochs[trial.number] = nil
        guard !quiet else { return }
        clearLine()
        let zero = study.space.zeroTrial
        let changed = study.space.parameters.compactMap { parameter -> String? in
            guard let value = trial.assignment[parameter.name], value != zero[parameter.name]
            else { return nil }
            return "\(Self.shortName(parameter.name))=\(compactText(value))"
        }
        let what = trial.number == 0 ? "zero-trial design" : changed.joined(separator: " ")
        let value: String
        switch trial.state {
        case .complete:
            value =
                trial.value.map { String(format: "%.4f", $0) } ?? "?"
                + (trial.attributes["value_std"].flatMap(Double.init).map {
                    String(format: " ± %.4f", $0)
                } ?? "")
        case .pruned: value = "pruned at epoch \(trial.attributes["pruned_at_epoch"] ?? "?")"
        default: value = "failed: \(trial.attributes["error"] ?? "")"
        }
        let bestText =
            best.map { "best \(String(format: "%.4f", $0.value ?? .nan)) (#\($0.number))" } ?? ""
        print("Trial \(trial.number)  \(value)  \(bestText)  \(what)")
    }

    func clearLine() {
        if liveShown {
            print("\r\u{1B}[2K", terminator: "")
            fflush(nil)
            liveShown = false
        }
    }

    func summary(_ outputs: TuneStudy.Outputs, trials: [TrialRecord]) -> String {
        var lines: [String] = []
        let counts = TrialState.allCases.compactMap { state -> String? in
            let count = trials.filter { $0.state == state }.count
            return count == 0 ? nil : "\(count) \(state.rawValue)"
        }
        lines.append("Trials   " + counts.joined(separator: ", "))
        if let best = outputs.best {
            let zero = trials.first { $0.number == 0 && $0.state == .complete }
            lines.append(
                "Best     trial \(best.number): validation \(study.definition.metric) "
                    + String(format: "%.4f", best.value ?? .nan)
                    + (zero?.value.map {
                        String(format: " (zero-trial design %.4f)", $0)
                    } ?? ""))
            if let note = TuneStudy.selectionNote(trials, direction: study.definition.direction) {
                lines.append("  " + note)
            }
            for parameter in study.space.parameters {
                guard let value = best.assignment[parameter.name] else { continue }
                let zeroValue = parameter.zeroTrial
                lines.append(
                    "  \(parameter.name) \(compactText(value))"
                        + (value == zeroValue
                            ? "  (the rule's)" : "  (rule: \(compactText(zeroValue)))"))
            }
            if let score = outputs.testScore {
                lines.append(
                    "Test     \(score.name) " + String(format: "%.4f", score.value)
                        + " (the best trial's config trained as `train` would, scored once)")
            }
            if let run = outputs.bestRun { lines.append("Run      \(run)") }
            lines.append("Config   \(study.bestConfigPath)")
        } else {
            lines.append("Best     none: no trial completed")
        }
        lines.append("Trials   \(study.trialsPath)")
        lines.append("Report   \(study.reportPath)")
        return lines.joined(separator: "\n")
    }

    static func shortName(_ key: String) -> String {
        String(key.split(separator: ".").last ?? Substring(key))
    }

    static func domainText(_ domain: ParameterDomain) -> String {
        switch domain {
        case .real(let low, let high, let log):
            String(format: "%.3g..%.3g", low, high) + (log ? " log" : "")
        case .integer(let low, let high, let log): "\(low)..\(high)" + (log ? " log" : "")
        case .choice(let names): names.joined(separator: "|")
        }
    }
}
