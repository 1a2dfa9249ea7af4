import Spec

/// One value the generator hands a template, shaped like `VariableSchema`.
public indirect enum ViewValue: Sendable, Equatable {
    /// Text to print: YAML for a value, plain text for a reason.
    case text(String)
    /// An optional value or mapping that is not set (renders as mustache `false`).
    case absent
    /// A mapping of names.
    case mapping([String: ViewValue])
    /// A list of mappings.
    case list([[String: ViewValue]])

    /// The value as swift-mustache reads it: String, `false`, dictionary or array.
    var mustacheObject: Any {
        switch self {
        case .text(let text): text
        case .absent: false
        case .mapping(let children): children.mapValues(\.mustacheObject)
        case .list(let items): items.map { $0.mapValues(\.mustacheObject) }
        }
    }

    /// The child at a dotted path (`training.batch_size`); list items by `[n]`
    /// (`model.layers[0].dense.units`).
    public subscript(path: String) -> ViewValue? {
        var current: ViewValue? = self
        for component in path.split(separator: ".") {
            var name = Substring(component)
            var index: Int?
            if let open = name.firstIndex(of: "["), name.hasSuffix("]") {
                index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)])
                name = name[..<open]
            }
            guard case .mapping(let children) = current, let child = children[String(name)] else {
                return nil
            }
            current = child
            if let index {
                guard case .list(let items) = child, items.indices.contains(index) else {
                    return nil
                }
                current = .mapping(items[index])
            }
        }
        return current
    }
}

/// What a template renders: every value of a complete config as YAML text with its reason.
///
/// Built from a complete `NetworkSpec` (every setting fixed, `model.layers` explicit; only
/// `training.learning_rate` may be `auto`) and the advisor's annotations, a map from dotted key
/// path (`model.layers[0].dense.units`, `training.batch_size`) to the reason
/// (`SIZE-GEOMETRIC: sqrt(Ni*No) = 3.46`). A value without an annotation takes its nearest
/// annotated parent's (`training.optimizer.beta1` falls back to `training.optimizer`), then
/// `set in spec`.
public struct ConfigViewModel: Sendable, Equatable {
    /// The tree of values; its shape is `VariableSchema.standard`.
    public let root: ViewValue

    /// The names a template may use (what the generator provides).
    public static var provided: VariableSchema { .standard }

    /// The value paths a template must print (`training.batch_size`,
    /// `model.layers[].dense.units`, and each one's `_why`).
    public static var required: Set<String> { VariableSchema.standard.requiredPaths }

    /// The reason used for a value nobody annotated.
    public static let defaultReason = "set in spec"

    /// Builds the view of `spec`.
    /// - Parameters:
    ///   - spec: a complete config.
    ///   - annotations: reasons by dotted key path.
    /// - Throws: `GeneratorError.incompleteConfig` listing every key still `auto`.
    public init(spec: NetworkSpec, annotations: [String: String]) throws {
        var builder = Builder(annotations: annotations)
        root = .mapping(try builder.root(spec))
        if !builder.missing.isEmpty {
            throw GeneratorError.incompleteConfig(keyPaths: builder.missing)
        }
    }

    /// The swift-mustache render context.
    var mustacheContext: [String: Any] {
        guard case .mapping(let children) = root else { return [:] }
        return children.mapValues(\.mustacheObject)
    }
}

/// Fills the view: each `value` call takes YAML text and its key path.
private struct Builder {
    let annotations: [String: String]
    var missing: [String] = []

    init(annotations: [String: String]) { self.annotations = annotations }

    /// The reason for `keyPath`: its annotation, else its nearest annotated parent's.
    func why(_ keyPath: String) -> String {
        var path = Substring(keyPath)
        while true {
            if let reason = annotations[String(path)] { return Self.oneLine(reason) }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            path = path[..<cut]
        }
        return ConfigViewModel.defaultReason
    }

    /// Reasons go into a `#` comment: one line, no trailing spaces.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() }
            .joined(separator: " ").trimmingWhitespace()
    }

    /// `name` and `name_why` for the value at `keyPath`.
    func value(
        _ name: String, _ text: String?, _ keyPath: String, into map: inout [String: ViewValue]
    ) {
        map[name] = text.map(ViewValue.text) ?? .absent
        map[name + "_why"] = .text(text == nil ? "" : why(keyPath))
    }

    /// The fixed value of `setting`, recording `keyPath` as missing when it is `auto`.
    mutating func fixed<T>(_ setting: Setting<T>, _ keyPath: String) -> T? {
        if let value = setting.value { return value }
        missing.append(keyPath)
        return nil
    }

    /// A `{key, value, why}` item.
    func parameter(_ key: String, _ text: String, _ keyPath: String) -> [String: ViewValue] {
        ["key": .text(key), "value": .text(text), "why": .text(why(keyPath))]
    }

    mutating func root(_ spec: NetworkSpec) throws -> [String: ViewValue] {
        var root: [String: ViewValue] = [:]
        value("version", YAMLScalar.integer(spec.version), "version", into: &root)
        value("name", YAMLScalar.string(spec.name), "name", into: &root)
        root["data"] = .mapping(data(spec.data))
        value(
            "task", fixed(spec.task, "task").map { YAMLScalar.string($0.rawValue) }, "task",
            into: &root)
        if root["task"] == .absent { root["task"] = .text("auto") }
        root["model"] = .mapping(model(spec.model))
        root["training"] = .mapping(training(spec.training))
        let advisorEntries = advisor(spec.advisor)
        root["advisor"] =
            advisorEntries.isEmpty ? .absent : .mapping(["entries": .list(advisorEntries)])
        return root
    }

    mutating func data(_ data: DataSection) -> [String: ViewValue] {
        var map: [String: ViewValue] = [:]
        value("path", YAMLScalar.string(data.path), "data.path", into: &map)
        value("target", YAMLScalar.string(data.target), "data.target", into: &map)
        value("features", data.features.map(YAMLScalar.stringList), "data.features", into: &map)
        value("ignore", YAMLScalar.stringList(data.ignore), "data.ignore", into: &map)
        value(
            "categorical", YAMLScalar.stringList(data.categorical), "data.categorical", into: &map)
        value("id_column", data.idColumn.map(YAMLScalar.string), "data.id_column", into: &map)
        value(
            "delimiter", data.delimiter.map { YAMLScalar.doubleQuoted(String($0)) },
            "data.delimiter", into: &map)
        value(
            "missing_values", YAMLScalar.stringList(data.missingValues), "data.missing_values",
            into: &map)
        var split: [String: ViewValue] = [:]
        value(
            "validation", YAMLScalar.float(data.split.validation), "data.split.validation",
            into: &split)
        value("test", YAMLScalar.float(data.split.test), "data.split.test", into: &split)
        let stratify = fixed(data.split.stratify, "data.split.stratify")
        value("stratify", YAMLScalar.bool(stratify ?? false), "data.split.stratify", into: &split)
        map["split"] = .mapping(split)
        return map
    }

    mutating func model(_ model: ModelSection) -> [String: ViewValue] {
        var map: [String: ViewValue] = [:]
        let p = "model."
        value(
            "template", fixed(model.template, p + "template").map(YAMLScalar.string) ?? "auto",
            p + "template", into: &map)
        value(
            "hidden_layers",
            fixed(model.hiddenLayers, p + "hidden_layers").map(YAMLScalar.integer) ?? "auto",
            p + "hidden_layers", into: &map)
        value(
            "neurons", fixed(model.neurons, p + "neurons").map(Self.neurons) ?? "auto",
            p + "neurons", into: &map)
        value(
            "activation", fixed(model.activation, p + "activation").map(Self.activation) ?? "auto",
            p + "activation", into: &map)
        value(
            "batch_norm", fixed(model.batchNorm, p + "batch_norm").map(YAMLScalar.bool) ?? "auto",
            p + "batch_norm", into: &map)
        value(
            "dropout", fixed(model.dropout, p + "dropout").map(YAMLScalar.float) ?? "auto",
            p + "dropout", into: &map)
        value(
            "initializer",
            fixed(model.initializer, p + "initializer").map { $0.rawValue } ?? "auto",
            p + "initializer", into: &map)
        guard let layers = model.layers, !layers.isEmpty else {
            missing.append("model.layers")
            map["layers"] = .list([])
            return map
        }
        map["layers"] = .list(layers.enumerated().map { layer($1, index: $0) })
        return map
    }

    func layer(_ layer: LayerConfig, index: Int) -> [String: ViewValue] {
        let p = "model.layers[\(index)]."
        var item: [String: ViewValue] = ["index": .text(String(index))]
        value("activation", nil, "", into: &item)
        value("dropout", nil, "", into: &item)
        item["dense"] = .absent
        item["batch_norm"] = .absent
        switch layer {
        case .dense(let dense):
            var map: [String: ViewValue] = [:]
            value("units", YAMLScalar.integer(dense.units), p + "dense.units", into: &map)
            value("initializer", dense.initializer.rawValue, p + "dense.initializer", into: &map)
            value("bias", YAMLScalar.bool(dense.bias), p + "dense.bias", into: &map)
            value("max_norm", dense.maxNorm.map(YAMLScalar.float), p + "dense.max_norm", into: &map)
            item["dense"] = .mapping(map)
        case .batchNorm(let momentum, let epsilon):
            var map: [String: ViewValue] = [:]
            value("momentum", YAMLScalar.float(momentum), p + "batch_norm.momentum", into: &map)
            value("epsilon", YAMLScalar.float(epsilon), p + "batch_norm.epsilon", into: &map)
            item["batch_norm"] = .mapping(map)
        case .activation(let function):
            value("activation", Self.activation(function), p + "activation", into: &item)
        case .dropout(let rate):
            value("dropout", YAMLScalar.float(rate), p + "dropout", into: &item)
        }
        return item
    }

    mutating func training(_ training: TrainingSection) -> [String: ViewValue] {
        var map: [String: ViewValue] = [:]
        let p = "training."
        value(
            "loss", fixed(training.loss, p + "loss").map(Self.loss) ?? "auto", p + "loss",
            into: &map)

        var optimizer: [String: ViewValue] = [:]
        let chosen = fixed(training.optimizer, p + "optimizer")
        value("name", chosen?.name ?? "auto", p + "optimizer.name", into: &optimizer)
        optimizer["params"] = .list(
            (chosen.map(Self.optimizerParameters) ?? []).map {
                parameter($0.key, $0.text, p + "optimizer.\($0.key)")
            })
        map["optimizer"] = .mapping(optimizer)

        // The one setting a complete config may leave to the range test (LR-RANGE-TEST).
        value(
            "learning_rate", training.learningRate.value.map(YAMLScalar.float) ?? "auto",
            p + "learning_rate", into: &map)
        value(
            "batch_size",
            fixed(training.batchSize, p + "batch_size").map(YAMLScalar.integer) ?? "auto",
            p + "batch_size", into: &map)
        value(
            "epochs", fixed(training.epochs, p + "epochs").map(YAMLScalar.integer) ?? "auto",
            p + "epochs", into: &map)

        switch fixed(training.earlyStopping, p + "early_stopping") {
        case .some(.some(let stopping)):
            var on: [String: ViewValue] = [:]
            let q = p + "early_stopping."
            value("patience", YAMLScalar.integer(stopping.patience), q + "patience", into: &on)
            value("min_delta", YAMLScalar.float(stopping.minDelta), q + "min_delta", into: &on)
            value(
                "restore_best", YAMLScalar.bool(stopping.restoreBest), q + "restore_best", into: &on
            )
            switchable("early_stopping", on: on, off: nil, p + "early_stopping", into: &map)
        case .some(.none):
            switchable("early_stopping", on: nil, off: "false", p + "early_stopping", into: &map)
        case .none:
            switchable("early_stopping", on: nil, off: "auto", p + "early_stopping", into: &map)
        }

        let regularization = fixed(training.regularization, p + "regularization")
        let penalty = regularization.map(Self.regularizationEntries) ?? []
        switchable(
            "regularization",
            on: penalty.isEmpty
                ? nil
                : [
                    "entries": .list(
                        penalty.map { parameter($0.key, $0.text, p + "regularization.\($0.key)") })
                ],
            off: regularization == nil ? "auto" : "none", p + "regularization", into: &map)

        value(
            "weight_decay",
            fixed(training.weightDecay, p + "weight_decay").map(YAMLScalar.float) ?? "auto",
            p + "weight_decay", into: &map)

        let clipping = fixed(training.gradientClipping, p + "gradient_clipping")
        let clip = clipping.flatMap(Self.clippingEntry)
        switchable(
            "gradient_clipping",
            on: clip.map {
                ["entries": .list([parameter($0.key, $0.text, p + "gradient_clipping.\($0.key)")])]
            },
            off: clipping == nil ? "auto" : "none", p + "gradient_clipping", into: &map)

        var schedule: [String: ViewValue] = [:]
        let chosenSchedule = fixed(training.schedule, p + "schedule")
        value("name", chosenSchedule?.kind.name ?? "auto", p + "schedule.name", into: &schedule)
        schedule["params"] = .list(
            (chosenSchedule.map { Self.scheduleParameters($0.kind) } ?? []).map {
                parameter($0.key, $0.text, p + "schedule.\($0.key)")
            })
        value(
            "warmup_epochs", YAMLScalar.integer(chosenSchedule?.warmupEpochs ?? 0),
            p + "schedule.warmup_epochs", into: &schedule)
        map["schedule"] = .mapping(schedule)

        value(
            "class_weights",
            fixed(training.classWeights, p + "class_weights").map(Self.classWeights) ?? "auto",
            p + "class_weights", into: &map)
        value("shuffle", YAMLScalar.bool(training.shuffle), p + "shuffle", into: &map)
        value("seed", YAMLScalar.integer(training.seed), p + "seed", into: &map)
        return map
    }

    /// `name` as a mapping when on; `name_off` with its reason when off.
    func switchable(
        _ name: String, on: [String: ViewValue]?, off: String?, _ keyPath: String,
        into map: inout [String: ViewValue]
    ) {
        map[name] = on.map(ViewValue.mapping) ?? .absent
        value(name + "_off", on == nil ? off : nil, keyPath, into: &map)
    }

    func advisor(_ settings: AdvisorSettings) -> [[String: ViewValue]] {
        AdvisorSettingKeys.differences(settings).map {
            parameter($0.key, $0.text, "advisor.\($0.key)")
        }
    }

    // MARK: - YAML forms of the spec's enums

    static func neurons(_ choice: NeuronsChoice) -> String {
        switch choice {
        case .rule(let rule): YAMLScalar.string(rule.rawValue)
        case .width(let width): YAMLScalar.integer(width)
        case .widths(let widths): "[" + widths.map(YAMLScalar.integer).joined(separator: ", ") + "]"
        }
    }

    /// `relu`, or `{name: leaky_relu, slope: 0.01}` for a parameterised activation (the loader's
    /// named-value form, shared with optimizers and schedules).
    static func activation(_ function: ActivationFunction) -> String {
        switch function {
        case .leakyReLU(let slope): "{name: leaky_relu, slope: \(YAMLScalar.float(slope))}"
        case .prelu(let slope): "{name: prelu, initial_slope: \(YAMLScalar.float(slope))}"
        case .elu(let alpha): "{name: elu, alpha: \(YAMLScalar.float(alpha))}"
        case .maxout(let pieces): "{name: maxout, pieces: \(YAMLScalar.integer(pieces))}"
        default: function.name
        }
    }

    static func loss(_ loss: LossFunction) -> String {
        if case .huber(let delta) = loss {
            return "{name: huber, delta: \(YAMLScalar.float(delta))}"
        }
        return loss.name
    }

    static func optimizerParameters(_ optimizer: OptimizerConfig) -> [(key: String, text: String)] {
        let f = YAMLScalar.float
        switch optimizer {
        case .sgd(let momentum, let nesterov):
            return [("momentum", f(momentum)), ("nesterov", YAMLScalar.bool(nesterov))]
        case .adam(let beta1, let beta2, let epsilon), .adamw(let beta1, let beta2, let epsilon):
            return [("beta1", f(beta1)), ("beta2", f(beta2)), ("epsilon", f(epsilon))]
        case .rmsprop(let alpha, let epsilon, let momentum):
            return [("alpha", f(alpha)), ("epsilon", f(epsilon)), ("momentum", f(momentum))]
        case .adagrad(let epsilon, let initialAccumulator):
            return [("epsilon", f(epsilon)), ("initial_accumulator", f(initialAccumulator))]
        }
    }

    static func regularizationEntries(
        _ regularization: Regularization
    ) -> [(key: String, text: String)] {
        var entries: [(key: String, text: String)] = []
        switch regularization.penalty {
        case .none: break
        case .l1(let strength): entries.append(("l1", YAMLScalar.float(strength)))
        case .l2(let strength): entries.append(("l2", YAMLScalar.float(strength)))
        }
        if let maxNorm = regularization.maxNorm {
            entries.append(("max_norm", YAMLScalar.float(maxNorm)))
        }
        return entries
    }

    static func clippingEntry(_ clipping: GradientClipping) -> (key: String, text: String)? {
        switch clipping {
        case .none: nil
        case .clipNorm(let value): ("clipnorm", YAMLScalar.float(value))
        case .globalClipNorm(let value): ("global_clipnorm", YAMLScalar.float(value))
        case .clipValue(let value): ("clipvalue", YAMLScalar.float(value))
        }
    }

    static func scheduleParameters(_ kind: ScheduleConfig.Kind) -> [(key: String, text: String)] {
        let f = YAMLScalar.float
        switch kind {
        case .constant: return []
        case .step(let stepSize, let gamma):
            return [("step_size", YAMLScalar.integer(stepSize)), ("gamma", f(gamma))]
        case .exponential(let gamma): return [("gamma", f(gamma))]
        case .cosine(let minimumRate): return [("min_rate", f(minimumRate))]
        case .plateau(let factor, let patience, let minDelta):
            return [
                ("factor", f(factor)), ("patience", YAMLScalar.integer(patience)),
                ("min_delta", f(minDelta)),
            ]
        case .oneCycle(let maxRate, let pctStart):
            return [("max_rate", f(maxRate)), ("pct_start", f(pctStart))]
        }
    }

    static func classWeights(_ weights: ClassWeights) -> String {
        switch weights {
        case .none: "none"
        case .balanced: "balanced"
        case .explicit(let map):
            "{"
                + map.keys.sorted().map {
                    "\(YAMLScalar.string($0)): \(YAMLScalar.float(map[$0]!))"
                }
                .joined(separator: ", ") + "}"
        }
    }
}

/// The spec-language keys of `AdvisorSettings` (`advisor:` section), in declaration order.
enum AdvisorSettingKeys {
    /// Each threshold's key and YAML text where it differs from `AdvisorSettings()`.
    static func differences(_ settings: AdvisorSettings) -> [(key: String, text: String)] {
        AdvisorSettings.thresholds.filter { $0.isOverridden(in: settings) }.map { threshold in
            switch threshold.property {
            case .integer(let path): (threshold.key, YAMLScalar.integer(settings[keyPath: path]))
            case .number(let path): (threshold.key, YAMLScalar.float(settings[keyPath: path]))
            }
        }
    }
}
