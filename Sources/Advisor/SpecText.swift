import Spec

/// Spec values as the spec language writes them, for reports and annotations.
enum SpecText {
    static func number(_ value: Double) -> String { NumberText.evidence(value) }

    static func activation(_ activation: ActivationFunction) -> String {
        switch activation {
        case .leakyReLU(let slope): "leaky_relu(slope \(number(slope)))"
        case .prelu(let slope): "prelu(initial_slope \(number(slope)))"
        case .elu(let alpha): "elu(alpha \(number(alpha)))"
        case .maxout(let pieces): "maxout(pieces \(pieces))"
        default: activation.name
        }
    }

    static func loss(_ loss: LossFunction) -> String {
        if case .huber(let delta) = loss { return "huber(delta \(number(delta)))" }
        return loss.name
    }

    static func optimizer(_ optimizer: OptimizerConfig) -> String {
        switch optimizer {
        case .sgd(let momentum, let nesterov):
            "sgd(momentum \(number(momentum))\(nesterov ? ", nesterov" : ""))"
        case .adam(let b1, let b2, let eps):
            "adam(beta1 \(number(b1)), beta2 \(number(b2)), epsilon \(number(eps)))"
        case .adamw(let b1, let b2, let eps):
            "adamw(beta1 \(number(b1)), beta2 \(number(b2)), epsilon \(number(eps)))"
        case .rmsprop(let alpha, let eps, let momentum):
            "rmsprop(alpha \(number(alpha)), epsilon \(number(eps)), momentum \(number(momentum)))"
        case .adagrad(let eps, let initial):
            "adagrad(epsilon \(number(eps)), initial_accumulator \(number(initial)))"
        }
    }

    static func regularization(_ regularization: Regularization) -> String {
        var parts: [String] = []
        switch regularization.penalty {
        case .none: break
        case .l1(let value): parts.append("l1 \(number(value))")
        case .l2(let value): parts.append("l2 \(number(value))")
        }
        if let maxNorm = regularization.maxNorm { parts.append("max_norm \(number(maxNorm))") }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    static func clipping(_ clipping: GradientClipping) -> String {
        switch clipping {
        case .none: "none"
        case .clipNorm(let value): "clip_norm \(number(value))"
        case .globalClipNorm(let value): "global_clip_norm \(number(value))"
        case .clipValue(let value): "clip_value \(number(value))"
        }
    }

    static func schedule(_ schedule: ScheduleConfig) -> String {
        var text: String
        switch schedule.kind {
        case .constant: text = "constant"
        case .step(let size, let gamma): text = "step(step_size \(size), gamma \(number(gamma)))"
        case .exponential(let gamma): text = "exponential(gamma \(number(gamma)))"
        case .cosine(let minimum): text = "cosine(minimum_rate \(number(minimum)))"
        case .plateau(let factor, let patience, let minDelta):
            text =
                "plateau(factor \(number(factor)), patience \(patience), min_delta "
                + "\(number(minDelta)))"
        case .oneCycle(let maxRate, let pct):
            text = "one_cycle(max_rate \(number(maxRate)), pct_start \(number(pct)))"
        }
        if schedule.warmupEpochs > 0 { text += ", warmup_epochs \(schedule.warmupEpochs)" }
        return text
    }

    static func classWeights(_ weights: ClassWeights) -> String {
        switch weights {
        case .none: "none"
        case .balanced: "balanced"
        case .explicit(let map):
            map.keys.sorted().map { "\($0): \(number(map[$0] ?? 0))" }.joined(separator: ", ")
        }
    }

    static func earlyStopping(_ config: EarlyStoppingConfig?) -> String {
        guard let config else { return "off" }
        return
            "patience \(config.patience), min_delta \(number(config.minDelta)), restore_best "
            + "\(config.restoreBest)"
    }

    static func neurons(_ neurons: NeuronsChoice) -> String {
        switch neurons {
        case .rule(let rule): rule.rawValue
        case .width(let width): String(width)
        case .widths(let widths): "[" + widths.map(String.init).joined(separator: ", ") + "]"
        }
    }

    static func list(_ values: [String]) -> String {
        "[" + values.joined(separator: ", ") + "]"
    }
}
