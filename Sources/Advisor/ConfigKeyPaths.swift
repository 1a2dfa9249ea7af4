import Spec

extension AdvisorSettings {
    /// One proposed threshold: its spec key under `advisor:`, value, default and rule.
    public struct Entry: Sendable, Equatable {
        /// The key under `advisor:` (`capacity_alpha`).
        public var key: String
        /// The value in use.
        public var value: Double
        /// The rulebook's proposed default.
        public var defaultValue: Double
        /// The rule that reads it.
        public var ruleID: String
    }

    /// Every threshold with its key, value, default and rule, in declaration order (from
    /// `AdvisorSettings.thresholds`, the one list of them).
    public var entries: [Entry] {
        AdvisorSettings.thresholds.map { threshold in
            Entry(
                key: threshold.key, value: threshold.value(in: self),
                defaultValue: threshold.defaultValue, ruleID: threshold.ruleID)
        }
    }
}

extension Recommendation {
    /// Every key path of a complete config, in the order a config file lists them: the spec's
    /// settings, each field of each explicit layer, the early-stopping fields when it is on,
    /// and each `advisor:` threshold (not `tune:`, which a config does not hold). Every one has
    /// a `Choice` in a recommendation.
    /// - Parameter config: a complete config (`model.layers` present).
    public static func keyPaths(of config: NetworkSpec) -> [String] {
        var paths: [String] = []
        for key in SpecKey.all where key.section != "tune" {
            switch key.path {
            case SpecKey.layers.path:
                for (index, layer) in (config.model.layers ?? []).enumerated() {
                    let base = "\(key.path)[\(index)]"
                    switch layer {
                    case .dense, .batchNorm:
                        paths += layer.fields.map { "\(base).\(layer.kindName).\($0.key)" }
                    case .activation, .dropout:
                        paths.append("\(base).\(layer.kindName)")
                    }
                }
            case SpecKey.earlyStopping.path:
                paths.append(key.path)
                if case .fixed(.some(let stopping)) = config.training.earlyStopping {
                    paths += stopping.parameters.map { "\(key.path).\($0.key)" }
                }
            default:
                paths.append(key.path)
            }
        }
        return paths
    }
}

extension DesignSession {
    /// Adds the reasons of the keys the design steps did not annotate (data, name, layers,
    /// advisor thresholds) and orders all of them as `Recommendation.keyPaths(of:)`.
    mutating func orderedChoices(
        config: NetworkSpec, hidden: HiddenDesign, layers: [LayerConfig],
        start: LinearStartDecision
    ) -> [Choice] {
        func written(_ key: String) -> Bool { spec.location(of: key) != nil }
        func given(_ key: String, _ value: String, defaultWhy: String) {
            choose(
                key, value, written(key) ? .spec : .policy, nil,
                written(key) ? "set in spec" : defaultWhy)
        }
        choose("version", String(config.version), .policy, nil, "spec language version 1")
        given("name", config.name, defaultWhy: "the spec file's base name")
        choose(
            SpecKey.task.path, config.task.value?.rawValue ?? task.rawValue,
            spec.task.isAuto ? .data : .spec, nil,
            spec.task.isAuto ? "the target column decides: \(taskDescription)" : "set in spec")
        let data = config.data
        choose(SpecKey.dataPath.path, data.path, .spec, nil, "set in spec")
        choose(SpecKey.dataTarget.path, data.target, .spec, nil, "set in spec")
        given(
            SpecKey.dataFeatures.path, data.features.map { SpecText.list($0) } ?? "all",
            defaultWhy: "every column but the target and the ignored ones")
        given(SpecKey.dataIgnore.path, SpecText.list(data.ignore), defaultWhy: "no column ignored")
        given(
            SpecKey.dataCategorical.path, SpecText.list(data.categorical),
            defaultWhy: "types inferred from the values")
        given(SpecKey.dataIDColumn.path, data.idColumn ?? "none", defaultWhy: "no id column")
        given(
            SpecKey.dataDelimiter.path, data.delimiter.map { String($0) } ?? "detect",
            defaultWhy: "comma, semicolon or tab detected")
        given(
            SpecKey.dataMissingValues.path, SpecText.list(data.missingValues.map { "\"\($0)\"" }),
            defaultWhy: "the default missing-value markers")
        let transform = config.data.targetTransform.value ?? .none
        if !spec.data.targetTransform.isAuto {
            choose(
                SpecKey.targetTransform.path, transform.rawValue, .spec, nil, "set in spec")
        } else if task == .classification {
            choose(
                SpecKey.targetTransform.path, transform.rawValue, .policy, nil,
                "classification: no target transform")
        } else {
            let skew =
                self.data.targetTransform?.skewness.map {
                    "skewness " + NumberText.evidence($0)
                } ?? "skewness unknown"
            let threshold = NumberText.evidence(TargetTransform.logSkewnessThreshold)
            choose(
                SpecKey.targetTransform.path, transform.rawValue, .rule, "ENC-TARGET-LOG",
                transform == .log
                    ? "positive target, \(skew) > \(threshold): trained on its log"
                    : "\(skew): the target as it is (the log only for a positive target "
                        + "skewed above \(threshold))")
        }
        let numeric = config.data.numericEncoding.value ?? .standard
        if !spec.data.numericEncoding.isAuto {
            choose(SpecKey.numericEncoding.path, numeric.rawValue, .spec, nil, "set in spec")
        } else {
            choose(
                SpecKey.numericEncoding.path, numeric.rawValue, .rule, NumericEncodingChoice.rule,
                self.data.numericEncoding?.why ?? "the probe did not run: standardised numbers")
        }
        let equalities = config.data.equalityIndicators.value ?? false
        if !spec.data.equalityIndicators.isAuto {
            choose(SpecKey.equalityIndicators.path, String(equalities), .spec, nil, "set in spec")
        } else {
            choose(
                SpecKey.equalityIndicators.path, String(equalities), .rule, EqualityChoice.rule,
                self.data.numericEncoding?.equalities?.why
                    ?? "no two number columns are equal on many rows: no indicators")
        }
        given(
            SpecKey.splitValidation.path, NumberText.evidence(data.split.validation),
            defaultWhy: "default 0.15"
        )
        given(
            SpecKey.splitTest.path, NumberText.evidence(data.split.test), defaultWhy: "default 0.15"
        )
        let stratify = config.data.split.stratify.value ?? false
        if spec.data.split.stratify.isAuto {
            choose(
                SpecKey.splitStratify.path, String(stratify), .policy, nil,
                task == .classification
                    ? "classification: keep class proportions in every split"
                    : "regression: nothing to stratify")
        } else {
            choose(SpecKey.splitStratify.path, String(stratify), .spec, nil, "set in spec")
        }
        let template = templateChoice(hiddenLayers: hidden.widths.count)
        choose(SpecKey.template.path, template.name, template.source, nil, template.why)
        annotateLayers(layers, hidden: hidden, start: start)
        if let fixed = spec.model.linearStart.value {
            choose(
                SpecKey.linearStart.path, String(start.starts), .spec, nil,
                fixed == start.starts ? "set in spec" : "true, but \(start.why)")
        } else {
            choose(SpecKey.linearStart.path, String(start.starts), .rule, start.rule, start.why)
        }
        for entry in config.advisor.entries {
            let key = "advisor.\(entry.key)"
            if templateSettings.contains(entry.key) {
                choose(
                    key, NumberText.evidence(entry.value), .template, nil,
                    "\(preferences?.source ?? ""): \(entry.key) \(NumberText.evidence(entry.value)) "
                        + "(proposed default \(NumberText.evidence(entry.defaultValue)))")
                continue
            }
            let fixed = written(key) || entry.value != entry.defaultValue
            choose(
                key, NumberText.evidence(entry.value), fixed ? .spec : .policy,
                fixed ? nil : entry.ruleID,
                fixed
                    ? "set in spec (proposed default \(NumberText.evidence(entry.defaultValue)))"
                    : "proposed default of \(entry.ruleID)")
        }
        let order = Dictionary(
            Recommendation.keyPaths(of: config).enumerated().map { ($1, $0) },
            uniquingKeysWith: { first, _ in first })
        // A value from `--set` was set on the command line, not in the file.
        for index in choices.indices where choices[index].why.contains("set in spec") {
            if spec.location(of: choices[index].keyPath)?.file == SpecOverride.commandLine {
                choices[index].why = choices[index].why.replacingOccurrences(
                    of: "set in spec", with: "set with --set")
            }
        }
        // Each choice's place looked up once, not in every comparison (tune designs each trial).
        let places = choices.map { order[$0.keyPath] ?? Int.max }
        return choices.indices.sorted { (places[$0], $0) < (places[$1], $1) }.map { choices[$0] }
    }

    /// The reasons of every field of every layer; `start` says how the output layer's weights
    /// start.
    mutating func annotateLayers(
        _ layers: [LayerConfig], hidden: HiddenDesign, start: LinearStartDecision
    ) {
        let lastDense = layers.lastIndex { if case .dense = $0 { true } else { false } } ?? -1
        var hiddenIndex = -1
        for (index, layer) in layers.enumerated() {
            let base = "model.layers[\(index)]"
            if explicitLayers {
                switch layer {
                case .dense(let dense):
                    choose("\(base).dense.units", String(dense.units), .spec, nil, "set in spec")
                    choose(
                        "\(base).dense.initializer", dense.initializer.rawValue, .spec, nil,
                        "set in spec")
                    choose("\(base).dense.bias", String(dense.bias), .spec, nil, "set in spec")
                    choose(
                        "\(base).dense.max_norm", dense.maxNorm.map(NumberText.evidence) ?? "none",
                        .spec,
                        nil, "set in spec")
                case .batchNorm(let momentum, let epsilon):
                    choose(
                        "\(base).batch_norm.momentum", NumberText.evidence(momentum), .spec, nil,
                        "set in spec")
                    choose(
                        "\(base).batch_norm.epsilon", NumberText.evidence(epsilon), .spec, nil,
                        "set in spec")
                case .activation(let activation):
                    choose(
                        "\(base).activation", SpecText.activation(activation), .spec, nil,
                        "set in spec")
                case .dropout(let rate):
                    choose("\(base).dropout", NumberText.evidence(rate), .spec, nil, "set in spec")
                }
                continue
            }
            let isOutput = index >= lastDense
            switch layer {
            case .dense(let dense):
                if isOutput {
                    choose(
                        "\(base).dense.units", String(dense.units), .rule, outputRuleID,
                        "No = \(no) output\(no == 1 ? "" : "s"): \(taskDescription)")
                    // INIT-LINEAR-RIDGE or INIT-LINEAR-LOGISTIC: a linear model starts at its
                    // fit; INIT-HIDDEN-LINEAR: a network with hidden layers starts as it.
                    let initializer = dense.initializer.rawValue
                    let fit = start.hiddenRule.fitName
                    let (rule, why): (String, String) =
                        if !start.starts {
                            (
                                InitializerRule.id,
                                "\(initializer) suits the \(outputActivationName(layers)) output"
                            )
                        } else if start.hiddenRule.hiddenLayers == 0 {
                            (
                                start.rule,
                                "no hidden layer: each network starts at \(fit) of its training "
                                    + "rows (\(initializer) unused)"
                            )
                        } else {
                            (
                                start.rule,
                                "each network starts as \(fit) of its training rows, carried by 2 "
                                    + "units per output; \(initializer) x "
                                    + NumberText.evidence(
                                        Double(HiddenLinearStartRule.remainderScale))
                                    + " for the other units' weights"
                            )
                        }
                    choose("\(base).dense.initializer", initializer, .rule, rule, why)
                    choose(
                        "\(base).dense.bias", "true", .policy, nil,
                        "the output layer keeps its bias")
                    choose(
                        "\(base).dense.max_norm", "none", .policy, nil,
                        "no constraint on the output layer")
                } else {
                    hiddenIndex += 1
                    let reason: (source: ChoiceSource, rule: String?, why: String) =
                        hiddenIndex < widthReasons.count
                        ? widthReasons[hiddenIndex] : (.spec, nil, "")
                    choose(
                        "\(base).dense.units", String(dense.units), reason.source, reason.rule,
                        reason.why)
                    if let preferred = preferred(\.initializer, unless: spec.model.initializer) {
                        choose(
                            "\(base).dense.initializer", dense.initializer.rawValue, .template,
                            nil, "\(preferences?.source ?? ""): initializer \(preferred.rawValue)")
                    } else {
                        chooseSetting(
                            "\(base).dense.initializer", dense.initializer.rawValue,
                            fixed: !spec.model.initializer.isAuto, InitializerRule.id,
                            "\(dense.initializer.rawValue) suits \(hidden.activation.name)")
                    }
                    choose(
                        "\(base).dense.bias", String(dense.bias), .rule, BatchNormPlacementRule.id,
                        dense.bias
                            ? "no batch norm right after: the layer keeps its bias"
                            : "batch norm follows and has its own shift: no bias")
                    if let maxNorm = dense.maxNorm {
                        choose(
                            "\(base).dense.max_norm", NumberText.evidence(maxNorm), .rule,
                            OverfitRecipeRule.id,
                            "modern recipe: dropout with a max-norm constraint")
                    } else {
                        choose(
                            "\(base).dense.max_norm", "none", .rule, OverfitRecipeRule.id,
                            hidden.dropout > 0
                                ? "regularisation set in spec" : "classical recipe: L2, no max-norm"
                        )
                    }
                }
            case .batchNorm(let momentum, let epsilon):
                let fixed = !spec.model.batchNorm.isAuto
                let why =
                    "\(hidden.placement == .beforeActivation ? "before" : "after") "
                    + "\(hidden.activation.name)"
                let origin =
                    fixed
                    ? "batch_norm set in spec; "
                    : (preferred(\.batchNorm, unless: spec.model.batchNorm) != nil
                        ? "\(templateLabel), BN-PLACEMENT \(why); " : "BN-DEEP, \(why); ")
                choose(
                    "\(base).batch_norm.momentum", NumberText.evidence(momentum), .policy, nil,
                    origin + "PyTorch's momentum 0.1")
                choose(
                    "\(base).batch_norm.epsilon", NumberText.evidence(epsilon), .policy, nil,
                    origin + "PyTorch's epsilon 1e-5")
            case .activation(let activation):
                if isOutput {
                    choose(
                        "\(base).activation", activation.name, .rule, outputRuleID, taskDescription)
                } else if let preferred = preferred(\.activation, unless: spec.model.activation) {
                    choose(
                        "\(base).activation", SpecText.activation(activation), .template, nil,
                        "\(preferences?.source ?? ""): activation \(preferred.name)")
                } else {
                    chooseSetting(
                        "\(base).activation", SpecText.activation(activation),
                        fixed: !spec.model.activation.isAuto,
                        hidden.widths.count >= settings.swishFromLayers
                            ? DeepHiddenActivationRule.id : DefaultHiddenActivationRule.id,
                        hidden.widths.count >= settings.swishFromLayers
                            ? "a really deep network" : "hidden layers start with ReLU")
                }
            case .dropout(let rate)
            where preferred(\.dropout, unless: spec.model.dropout) != nil:
                choose(
                    "\(base).dropout", NumberText.evidence(rate), .template, nil,
                    "\(preferences?.source ?? ""): dropout after each hidden layer")
            case .dropout(let rate):
                chooseSetting(
                    "\(base).dropout", NumberText.evidence(rate), fixed: !spec.model.dropout.isAuto,
                    DropoutRule.id,
                    "parameters exceed \(NumberText.evidence(settings.dropoutParameterRatio)) * Ns: "
                        + "overfitting likely"
                )
            }
        }
    }

    /// The template's preference at `keyPath` when the spec leaves `setting` auto.
    func preferred<Value, Fixed>(
        _ keyPath: KeyPath<DesignPreferences, Value?>, unless setting: Setting<Fixed>
    ) -> Value? {
        guard setting.isAuto else { return nil }
        return preferences?[keyPath: keyPath]
    }

    func outputActivationName(_ layers: [LayerConfig]) -> String {
        if case .activation(let activation)? = layers.last { return activation.name }
        return "linear"
    }
}
