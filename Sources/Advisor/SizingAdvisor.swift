import Foundation
import Spec

/// Turns a spec and a data summary into a complete, explained network design (rulebook).
///
/// The combination policy is `CombinationPolicy.text` (printed by `layerwise recommend
/// --policy`); in short: DEPTH-LINEAR or a capacity below a useful width gives no hidden layer;
/// otherwise DEPTH-LOW / DEPTH-HIGH give the depth, the median of SIZE-GEOMETRIC,
/// SIZE-TWO-THIRDS and SIZE-MEAN clamped to SIZE-BOUNDS gives the first width, SIZE-TAPER
/// halves it layer after layer, and SIZE-CAPACITY caps the total. The user's fixed choices win
/// and break rules only with a warning.
public enum SizingAdvisor {
    /// The smallest hidden width worth a layer: one ReLU unit is only a hinge and dies easily.
    public static let minimumUsefulWidth = 2
    /// Batch normalisation's momentum (PyTorch's default 0.1).
    public static let batchNormMomentum = 0.1
    /// Batch normalisation's epsilon (PyTorch's default 1e-5).
    public static let batchNormEpsilon = 1e-5

    /// Designs the network for `data` under the choices fixed in `spec`.
    /// - Parameters:
    ///   - spec: the user's spec; its fixed settings win, `auto` ones are decided by the rules,
    ///     `spec.advisor` holds the proposed thresholds, `spec.locations` places the warnings.
    ///   - data: the data summary (Ns, Ni, No, task, classes, linear probe).
    ///   - preferences: the chosen template's design preferences (default none): weaker than
    ///     the spec's fixed values, stronger than the rules; `preferences.source` becomes
    ///     `model.template`. Without them an auto template is named by `TemplatePolicy`.
    /// - Returns: the complete config with the evaluations, reasons and warnings behind it.
    /// - Throws: `AdvisorError.invalidData` for counts below 1, `AdvisorError.invalidSpec` for
    ///   an explicit layer list whose output is not `No` wide or widths that contradict
    ///   `model.hidden_layers`.
    public static func recommend(
        spec: NetworkSpec, data: DataSummary, preferences: DesignPreferences? = nil
    ) throws(AdvisorError) -> Recommendation {
        var design = DesignSession(spec: spec, data: data, preferences: preferences)
        return try design.run()
    }
}

/// The hidden part of a design, however it was decided.
struct HiddenDesign {
    var widths: [Int]
    var activation: ActivationFunction
    var batchNorm: Bool
    var placement: BatchNormPlacement
    var dropout: Double
    var initializer: Initializer
    var maxNorm: Double?
}

/// One advisor run: the state that builds the recommendation.
struct DesignSession {
    let spec: NetworkSpec
    let data: DataSummary
    /// The template's preferences, if a template was chosen.
    let preferences: DesignPreferences?
    /// The spec's advisor thresholds, with the template's BN-DEEP and ACT-HIDDEN-DEEP
    /// thresholds where the spec leaves them at their defaults.
    let settings: AdvisorSettings
    /// Advisor keys whose value came from the template.
    let templateSettings: Set<String>
    var warnings: [AdvisorWarning] = []
    var choices: [Choice] = []
    var sizing: [RuleEvaluation] = []
    var evaluations: [RuleEvaluation] = []
    /// Rule and reason of each hidden width, for the `dense.units` annotations.
    var widthReasons: [(source: ChoiceSource, rule: String?, why: String)] = []
    /// Whether the spec listed the layers itself.
    var explicitLayers = false

    init(spec: NetworkSpec, data: DataSummary, preferences: DesignPreferences? = nil) {
        self.spec = spec
        self.data = data
        self.preferences = preferences
        // An explicit layer list is the network as written: only the template's name applies.
        let design = spec.model.layers == nil ? preferences : nil
        var settings = spec.advisor
        var fromTemplate: Set<String> = []
        let defaults = AdvisorSettings()
        func userSet(_ key: String) -> Bool { spec.location(of: "advisor.\(key)") != nil }
        if let swish = design?.swishFromLayers, !userSet("swish_from_layers"),
            settings.swishFromLayers == defaults.swishFromLayers
        {
            settings.swishFromLayers = swish
            if swish != defaults.swishFromLayers { fromTemplate.insert("swish_from_layers") }
        }
        if let norm = design?.batchNormFromLayers, !userSet("batch_norm_from_layers"),
            settings.batchNormFromLayers == defaults.batchNormFromLayers
        {
            settings.batchNormFromLayers = norm
            if norm != defaults.batchNormFromLayers {
                fromTemplate.insert("batch_norm_from_layers")
            }
        }
        self.settings = settings
        self.templateSettings = fromTemplate
    }

    /// `template NAME` for annotations and warnings.
    var templateLabel: String { "template \(preferences?.source ?? "")" }

    /// Prefixes the warnings recorded since `start` with the template's name and locates them
    /// at the spec's `model.template` (when written): the template, not the user's key, chose
    /// the values they are about.
    mutating func attributeWarnings(since start: Int) {
        guard let preferences, start < warnings.count else { return }
        for index in start..<warnings.count {
            warnings[index].message = "template \(preferences.source): " + warnings[index].message
            warnings[index].location = spec.location(of: SpecKey.template.path)
        }
    }

    var ni: Int { data.inputs }
    var no: Int { data.outputs }
    var ns: Int { data.trainingRows }
    var task: TaskKind { data.task }

    // MARK: Recording

    /// The location of `keyPath`, or of its nearest written parent.
    func location(of keyPath: String) -> SourceLocation? {
        var path = Substring(keyPath)
        while true {
            if let found = spec.location(of: String(path)) { return found }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            path = path[..<cut]
        }
    }

    mutating func warn(_ ruleID: String, _ keyPath: String, _ message: String) {
        warnings.append(
            AdvisorWarning(
                ruleID: ruleID, keyPath: keyPath, message: message, location: location(of: keyPath))
        )
    }

    /// Records the warnings a rule's check raised, each located at its key path.
    mutating func raise(_ found: [AdvisorWarning]) {
        for var warning in found {
            warning.location = location(of: warning.keyPath)
            warnings.append(warning)
        }
    }

    mutating func choose(
        _ keyPath: String, _ value: String, _ source: ChoiceSource, _ ruleID: String? = nil,
        _ why: String
    ) {
        choices.append(
            Choice(keyPath: keyPath, value: value, source: source, ruleID: ruleID, why: why))
    }

    /// Records a setting: "set in spec" when the user fixed it, else the rule's reason.
    mutating func chooseSetting(
        _ keyPath: String, _ value: String, fixed: Bool, _ ruleID: String?, _ why: String,
        source: ChoiceSource = .rule
    ) {
        if fixed {
            choose(keyPath, value, .spec, nil, "set in spec")
        } else {
            choose(keyPath, value, ruleID == nil ? source : .rule, ruleID, why)
        }
    }

    // MARK: The run

    mutating func run() throws(AdvisorError) -> Recommendation {
        guard ni >= 1 else {
            throw .invalidData("Ni (inputs) is \(ni); at least 1 input is needed")
        }
        guard no >= 1 else {
            throw .invalidData("No (outputs) is \(no); at least 1 output is needed")
        }
        guard ns >= 1 else {
            throw .invalidData("Ns (training rows) is \(ns); no rows to train on")
        }
        if let fixedTask = spec.task.value, fixedTask != task {
            throw .invalidData(
                "the spec fixes task \(fixedTask.rawValue) but the data summary is \(task.rawValue)"
            )
        }
        if task == .classification, !data.classCounts.isEmpty {
            let classes = data.classCounts.count
            guard classes >= 2 else {
                throw .invalidData("the target has one class only: nothing to classify")
            }
            let expected = classes > 2 ? classes : 1
            guard no == expected else {
                throw .invalidData(
                    "\(classes) classes need No = \(expected) outputs, the summary says \(no)")
            }
        }
        guard settings.capacityAlpha > 0 else {
            throw .invalidSpec(
                keyPath: "advisor.capacity_alpha",
                message: "capacity_alpha must be above 0 (the rulebook uses 2 to 10)",
                location: location(of: "advisor.capacity_alpha"))
        }

        var config = spec
        config.task = .fixed(task)
        let outputActivation = outputActivationChoice()
        let hidden: HiddenDesign
        let layers: [LayerConfig]
        if let explicit = spec.model.layers {
            (hidden, layers) = try explicitDesign(explicit, outputActivation: outputActivation)
        } else {
            hidden = try ruleDesign()
            layers = Self.layers(for: hidden, outputs: no, outputActivation: outputActivation)
        }
        // The embedding tables are trained parameters too (ENC-EMBED-SIZE).
        let parameters = Self.parameterCount(layers, inputs: ni) + data.embeddingParameters
        evaluations += initializerEvaluations(layers)
        let startSetting = spec.model.linearStart.value
        let start = LinearStartDecision(
            task: task, layers: layers, embedded: data.embeddingParameters > 0,
            setting: startSetting)
        evaluations += start.evaluations
        config.model.linearStart = .fixed(start.starts)
        if startSetting == true, let reason = start.randomReason {
            warn(
                start.rule, SpecKey.linearStart.path,
                "true, but the networks start at random: \(reason); use relu, leaky_relu or "
                    + "prelu hidden layers without batch norm, or remove the key")
        }

        config.model.layers = layers
        config.model.template = .fixed(templateChoice(hiddenLayers: hidden.widths.count).name)
        config.model.hiddenLayers = .fixed(hidden.widths.count)
        config.model.neurons = .fixed(.widths(hidden.widths))
        config.model.activation = .fixed(hidden.activation)
        config.model.batchNorm = .fixed(hidden.batchNorm)
        config.model.dropout = .fixed(hidden.dropout)
        config.model.initializer = .fixed(hidden.initializer)

        config.advisor = settings
        config.training = trainingDesign(hidden: hidden, layers: layers)
        try TrainingMemory.check(
            config, inputs: ni, embeddingParameters: data.embeddingParameters, fixedIn: spec)
        config.data.split.stratify = .fixed(
            spec.data.split.stratify.value ?? (task == .classification))
        config.data.numericEncoding = .fixed(
            spec.data.numericEncoding.value ?? data.numericEncoding?.encoding ?? .standard)
        config.data.equalityIndicators = .fixed(
            spec.data.equalityIndicators.value ?? data.numericEncoding?.equalities?.kept ?? false)
        config.data.targetTransform = .fixed(
            task == .classification
                ? .none
                : spec.data.targetTransform.value ?? data.targetTransform?.transform ?? .none)

        choices = orderedChoices(config: config, hidden: hidden, layers: layers, start: start)
        let widths = hidden.widths
        let diagram =
            ([ni] + widths + [no]).map(String.init).joined(separator: " -> ")
            + " (\(outputActivation.name))"
        return Recommendation(
            data: data, config: config, sizing: sizing, evaluations: evaluations, choices: choices,
            warnings: warnings, parameterCount: parameters, diagram: diagram, hiddenWidths: widths)
    }

    /// The template named in the complete config and why: the preferences' template, else the
    /// spec's, else `TemplatePolicy` for `model.template: auto`.
    func templateChoice(hiddenLayers: Int) -> (name: String, source: ChoiceSource, why: String) {
        if let preferences {
            if spec.model.template.value == preferences.source {
                return (preferences.source, .spec, "set in spec")
            }
            let why = preferences.reason ?? "template \(preferences.source)"
            return (preferences.source, .policy, why)
        }
        if let fixed = spec.model.template.value { return (fixed, .spec, "set in spec") }
        let automatic = TemplatePolicy.automaticTemplate(task: task, hiddenLayers: hiddenLayers)
        return (automatic.name, .policy, automatic.why)
    }

    /// INIT-BY-ACTIVATION for every dense layer: the activation after it and its fans.
    func initializerEvaluations(_ layers: [LayerConfig]) -> [RuleEvaluation] {
        var fanIn = ni
        var result: [RuleEvaluation] = []
        for (index, layer) in layers.enumerated() {
            guard case .dense(let dense) = layer else { continue }
            var evaluation = InitializerRule(
                activation: activationAfter(index, in: layers), fanIn: fanIn, fanOut: dense.units
            ).evaluate()
            evaluation.why = "model.layers[\(index)]: " + evaluation.why
            result.append(evaluation)
            fanIn = dense.units
        }
        return result
    }

    // MARK: Output (ACT-OUTPUT-*)

    /// The output activation by task, with ACT-OUTPUT-* evaluated and a fixed loss checked.
    mutating func outputActivationChoice() -> ActivationFunction {
        let multi = MulticlassOutputRule(task: task, outputs: no)
        let binary = BinaryOutputRule(task: task, outputs: no)
        let regression = RegressionOutputRule(task: task)
        evaluations += [multi.evaluate(), binary.evaluate(), regression.evaluate()]
        if let loss = spec.training.loss.value {
            let fits: Bool
            switch loss {
            case .crossEntropy: fits = multi.applies
            case .binaryCrossEntropy: fits = binary.applies
            case .mse, .mae, .huber: fits = regression.applies
            }
            if !fits {
                let rule =
                    multi.applies
                    ? MulticlassOutputRule.id
                    : (binary.applies ? BinaryOutputRule.id : RegressionOutputRule.id)
                warn(
                    rule, SpecKey.loss.path,
                    "loss \(loss.name) does not fit \(taskDescription): the rule asks for "
                        + "\(rulebookLoss.name)"
                )
            }
        }
        if multi.applies { return .softmax }
        return binary.applies ? .sigmoid : .linear
    }

    var taskDescription: String {
        switch task {
        case .classification:
            no > 1 ? "multiclass classification (\(no) classes)" : "binary classification"
        case .regression: "regression"
        }
    }

    var rulebookLoss: LossFunction {
        switch task {
        case .classification: no > 1 ? .crossEntropy : .binaryCrossEntropy
        case .regression: .mse
        }
    }

    var outputRuleID: String {
        switch task {
        case .classification: no > 1 ? MulticlassOutputRule.id : BinaryOutputRule.id
        case .regression: RegressionOutputRule.id
        }
    }
}
