// How the values of `training:` keys read from a validated node and write back as YAML.

extension LossFunction: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> LossFunction? {
        guard case .named(let name, let parameters) = node.value else { return nil }
        switch name {
        case "cross_entropy": return .crossEntropy
        case "binary_cross_entropy": return .binaryCrossEntropy
        case "mse": return .mse
        case "mae": return .mae
        case "huber": return .huber(delta: parameters["delta"]?.number ?? 1)
        default: return nil
        }
    }

    /// `mse`, or `{name: huber, delta: 1.0}`.
    public var yaml: String {
        if case .huber(let delta) = self { return namedValueYAML(name, [("delta", delta.yaml)]) }
        return name
    }
}

extension OptimizerConfig: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> OptimizerConfig? {
        guard case .named(let name, let parameters) = node.value else { return nil }
        func number(_ key: String) -> Double { parameters[key]?.number ?? 0 }
        switch name {
        case "sgd":
            let nesterov = parameters["nesterov"]?.bool ?? false
            if nesterov, number("momentum") == 0, let at = parameters["nesterov"] {
                decoder.report(
                    .error, at, "Nesterov momentum needs a momentum above 0",
                    notes: [.help("add `momentum: 0.9` (OPT-MOMENTUM)")])
            }
            return .sgd(momentum: number("momentum"), nesterov: nesterov)
        case "adam":
            return .adam(beta1: number("beta1"), beta2: number("beta2"), epsilon: number("epsilon"))
        case "adamw":
            return .adamw(
                beta1: number("beta1"), beta2: number("beta2"), epsilon: number("epsilon"))
        case "rmsprop":
            return .rmsprop(
                alpha: number("alpha"), epsilon: number("epsilon"), momentum: number("momentum"))
        case "adagrad":
            return .adagrad(
                epsilon: number("epsilon"), initialAccumulator: number("initial_accumulator"))
        default: return nil
        }
    }

    /// Every parameter next to the name, in the schema's order (`beta1: 0.9`, ...).
    public var parameters: [(key: String, yaml: String)] {
        switch self {
        case .sgd(let momentum, let nesterov):
            [("momentum", momentum.yaml), ("nesterov", nesterov.yaml)]
        case .adam(let beta1, let beta2, let epsilon), .adamw(let beta1, let beta2, let epsilon):
            [("beta1", beta1.yaml), ("beta2", beta2.yaml), ("epsilon", epsilon.yaml)]
        case .rmsprop(let alpha, let epsilon, let momentum):
            [("alpha", alpha.yaml), ("epsilon", epsilon.yaml), ("momentum", momentum.yaml)]
        case .adagrad(let epsilon, let initialAccumulator):
            [("epsilon", epsilon.yaml), ("initial_accumulator", initialAccumulator.yaml)]
        }
    }

    /// `{name: adam, beta1: 0.9, beta2: 0.999, epsilon: 1.0e-8}`.
    public var yaml: String { namedValueYAML(name, parameters) }
}

extension ScheduleConfig: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> ScheduleConfig? {
        guard case .named(let name, let parameters) = node.value else { return nil }
        func number(_ key: String) -> Double { parameters[key]?.number ?? 0 }
        func int(_ key: String) -> Int { parameters[key]?.int ?? 0 }
        let kind: Kind
        switch name {
        case "constant": kind = .constant
        case "step": kind = .step(stepSize: int("step_size"), gamma: number("gamma"))
        case "exponential": kind = .exponential(gamma: number("gamma"))
        case "cosine": kind = .cosine(minimumRate: number("min_rate"))
        case "plateau":
            kind = .plateau(
                factor: number("factor"), patience: int("patience"), minDelta: number("min_delta"))
        case "one_cycle":
            kind = .oneCycle(maxRate: number("max_rate"), pctStart: number("pct_start"))
        default: return nil
        }
        return ScheduleConfig(kind: kind, warmupEpochs: int("warmup_epochs"))
    }

    /// The schedule's own parameters (`gamma: 0.1`), without `warmup_epochs`.
    public var parameters: [(key: String, yaml: String)] {
        switch kind {
        case .constant: []
        case .step(let stepSize, let gamma): [("step_size", stepSize.yaml), ("gamma", gamma.yaml)]
        case .exponential(let gamma): [("gamma", gamma.yaml)]
        case .cosine(let minimumRate): [("min_rate", minimumRate.yaml)]
        case .plateau(let factor, let patience, let minDelta):
            [("factor", factor.yaml), ("patience", patience.yaml), ("min_delta", minDelta.yaml)]
        case .oneCycle(let maxRate, let pctStart):
            [("max_rate", maxRate.yaml), ("pct_start", pctStart.yaml)]
        }
    }

    /// `{name: step, step_size: 10, gamma: 0.1, warmup_epochs: 0}`.
    public var yaml: String {
        namedValueYAML(kind.name, parameters + [("warmup_epochs", warmupEpochs.yaml)])
    }
}

extension EarlyStoppingConfig {
    static func decode(_ node: SpecNode) -> EarlyStoppingConfig {
        var config = EarlyStoppingConfig()
        if let patience = node["patience"]?.int { config.patience = patience }
        if let delta = node["min_delta"]?.number { config.minDelta = delta }
        if let restore = node["restore_best"]?.bool { config.restoreBest = restore }
        return config
    }

    /// `patience`, `min_delta`, `restore_best` as a config writes them.
    public var parameters: [(key: String, yaml: String)] {
        [
            ("patience", patience.yaml), ("min_delta", minDelta.yaml),
            ("restore_best", restoreBest.yaml),
        ]
    }
}

/// `training.early_stopping`: a mapping of its parameters, `true` (the defaults) or `false`.
struct EarlyStoppingSetting: SpecCodable {
    var config: EarlyStoppingConfig?

    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> EarlyStoppingSetting? {
        switch node.value {
        case .bool(let on): EarlyStoppingSetting(config: on ? EarlyStoppingConfig() : nil)
        case .mapping: EarlyStoppingSetting(config: EarlyStoppingConfig.decode(node))
        default: nil
        }
    }

    var yaml: String {
        guard let config else { return "false" }
        return "{" + config.parameters.map { "\($0.key): \($0.yaml)" }.joined(separator: ", ")
            + "}"
    }
}

extension Regularization: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> Regularization? {
        switch node.value {
        case .word("none"): return Regularization.none
        case .mapping:
            let l1 = node["l1"]
            let l2 = node["l2"]
            var penalty = Penalty.none
            if let l1, let l2 {
                let origin = YAMLMark(line: 0, column: 0)
                let (first, second) =
                    (l1.node?.start ?? origin) < (l2.node?.start ?? origin) ? (l1, l2) : (l2, l1)
                decoder.report(
                    .error, second,
                    "`l1` and `l2` are set together; use one or the other (REG-L1-XOR-L2)",
                    notes: [
                        decoder.note(
                            "`\(first.path.split(separator: ".").last ?? "")` is set here",
                            at: first),
                        .help("L1 makes weights sparse, L2 keeps them small; for an MLP choose l2"),
                    ])
            } else if let strength = l1?.number {
                penalty = .l1(strength)
            } else if let strength = l2?.number {
                penalty = .l2(strength)
            }
            return Regularization(penalty: penalty, maxNorm: node["max_norm"]?.number)
        default: return nil
        }
    }

    /// The penalty and max-norm entries a config writes (`l2: 0.0001`); empty for none.
    public var entries: [(key: String, yaml: String)] {
        var entries: [(key: String, yaml: String)] = []
        switch penalty {
        case .none: break
        case .l1(let strength): entries.append(("l1", strength.yaml))
        case .l2(let strength): entries.append(("l2", strength.yaml))
        }
        if let maxNorm { entries.append(("max_norm", maxNorm.yaml)) }
        return entries
    }

    /// `none`, or `{l2: 0.0001, max_norm: 3.0}`.
    public var yaml: String {
        entries.isEmpty
            ? "none" : "{" + entries.map { "\($0.key): \($0.yaml)" }.joined(separator: ", ") + "}"
    }
}

extension GradientClipping: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> GradientClipping? {
        switch node.value {
        case .word("none"): return GradientClipping.none
        case .mapping(let entries):
            guard let (firstKey, first) = entries.first else {
                decoder.report(
                    .error, node, "empty `gradient_clipping`",
                    notes: [
                        .help(
                            "give one of `clipnorm`, `global_clipnorm`, `clipvalue`, or write `none`"
                        )
                    ])
                return nil
            }
            for (key, other) in entries.dropFirst() {
                decoder.report(
                    .error, other,
                    "`\(firstKey)` and `\(key)` are set together; gradient clipping takes one kind",
                    notes: [
                        decoder.note("`\(firstKey)` is set here", at: first),
                        .help(
                            "clipnorm 1.0 or clipvalue 0.5 are the usual choices (CLIP-DEFAULTS)"),
                    ])
            }
            let value = first.number ?? 1
            switch firstKey {
            case "clipnorm": return .clipNorm(value)
            case "global_clipnorm": return .globalClipNorm(value)
            default: return .clipValue(value)
            }
        default: return nil
        }
    }

    /// The one entry a config writes (`clipnorm: 1.0`); nil for none.
    public var entry: (key: String, yaml: String)? {
        switch self {
        case .none: nil
        case .clipNorm(let value): ("clipnorm", value.yaml)
        case .globalClipNorm(let value): ("global_clipnorm", value.yaml)
        case .clipValue(let value): ("clipvalue", value.yaml)
        }
    }

    /// `none`, or `{clipnorm: 1.0}`.
    public var yaml: String { entry.map { "{\($0.key): \($0.yaml)}" } ?? "none" }
}

extension ClassWeights: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> ClassWeights? {
        switch node.value {
        case .word("balanced"): return .balanced
        case .word("none"): return ClassWeights.none
        case .mapping(let entries):
            var byLabel: [String: Double] = [:]
            for (label, weight) in entries { byLabel[label] = weight.number }
            return .explicit(byLabel)
        default: return nil
        }
    }

    /// `none`, `balanced`, or `{a: 1.0, b: 2.5}` by label.
    public var yaml: String {
        switch self {
        case .none: "none"
        case .balanced: "balanced"
        case .explicit(let map):
            "{"
                + map.keys.sorted().map { "\(YAMLText.string($0)): \(map[$0]!.yaml)" }
                .joined(separator: ", ") + "}"
        }
    }
}
