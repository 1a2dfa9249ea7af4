/// Turns a validated tree into a ``NetworkSpec`` and checks what spans several keys
/// (split fractions, L1 with L2, clipping kinds, layer counts, names of files and templates).
struct SpecDecoder {
    let file: String
    /// Folder that relative paths in the spec resolve against (as the process sees it).
    let baseDirectory: String
    /// The same folder as the user named it, for messages.
    let displayDirectory: String
    let templates: TemplateNames
    let fileExists: @Sendable (String) -> FileKind
    var diagnostics: [Diagnostic] = []

    enum FileKind: Sendable {
        case missing
        case file
        case directory
    }

    private func location(_ node: SpecNode) -> SourceLocation? {
        node.node.map { SourceLocation(file: file, line: $0.start.line, column: $0.start.column) }
    }

    private mutating func report(
        _ severity: Diagnostic.Severity, _ node: SpecNode, _ message: String,
        notes: [Diagnostic.Note] = []
    ) {
        guard let yaml = node.node else { return }
        diagnostics.append(
            Diagnostic(
                severity,
                at: SourceLocation(file: file, line: yaml.start.line, column: yaml.start.column),
                length: yaml.underlineLength, keyPath: node.path, message, notes: notes))
    }

    private func note(_ message: String, at node: SpecNode?) -> Diagnostic.Note {
        guard let node, let yaml = node.node else { return .note(message) }
        return .note(
            message,
            at: SourceLocation(file: file, line: yaml.start.line, column: yaml.start.column),
            length: yaml.underlineLength)
    }

    // MARK: - Spec

    mutating func decode(_ root: SpecNode, defaultName: String) -> NetworkSpec? {
        guard let dataNode = root["data"], let data = decodeData(dataNode) else { return nil }
        var spec = NetworkSpec(name: root["name"]?.string ?? defaultName, data: data)
        spec.version = root["version"]?.int ?? SpecSchema.version
        if let task = root["task"]?.word { spec.task = setting(task) { TaskKind(rawValue: $0) } }
        if let model = root["model"] { spec.model = decodeModel(model) }
        if let training = root["training"] { spec.training = decodeTraining(training) }
        if let advisor = root["advisor"] { spec.advisor = decodeAdvisor(advisor) }
        checkAcrossSections(spec, root)
        return spec
    }

    private func setting<T>(_ word: String, _ make: (String) -> T?) -> Setting<T> {
        if word == "auto" { return .auto }
        return make(word).map { .fixed($0) } ?? .auto
    }

    // MARK: - data

    private mutating func decodeData(_ node: SpecNode) -> DataSection? {
        guard let pathNode = node["path"], let path = pathNode.string,
            let target = node["target"]?.string
        else { return nil }
        let resolved = Self.join(baseDirectory, path)
        switch fileExists(resolved) {
        case .file: break
        case .missing:
            report(
                .error, pathNode, "data file not found: `\(Self.join(displayDirectory, path))`",
                notes: [.note("`path` is relative to the folder of the spec file")])
        case .directory:
            report(
                .error, pathNode,
                "`\(Self.join(displayDirectory, path))` is a folder, not a CSV file")
        }
        var data = DataSection(path: path, resolvedPath: resolved, target: target)
        data.features = node["features"]?.strings
        if let ignore = node["ignore"]?.strings { data.ignore = ignore }
        if let categorical = node["categorical"]?.strings { data.categorical = categorical }
        data.idColumn = node["id_column"]?.string
        data.delimiter = node["delimiter"]?.string?.first
        if let missing = node["missing_values"]?.strings { data.missingValues = missing }
        if let split = node["split"] {
            if let validation = split["validation"]?.number { data.split.validation = validation }
            if let test = split["test"]?.number { data.split.test = test }
            if let stratify = split["stratify"] {
                data.split.stratify = stratify.bool.map { .fixed($0) } ?? .auto
            }
            if data.split.validation + data.split.test >= 1,
                let at = split["test"] ?? split["validation"]
            {
                let sum = Bounds.format(data.split.validation + data.split.test)
                report(
                    .error, at,
                    "validation (\(Bounds.format(data.split.validation))) + test (\(Bounds.format(data.split.test))) = \(sum) leaves no rows for training",
                    notes: [.help("the two fractions must sum to less than 1, e.g. 0.15 and 0.15")])
            }
        }
        let targetNode = node["target"]
        for (key, list) in [("ignore", node["ignore"]), ("features", node["features"])] {
            guard let list, case .list(let items) = list.value else { continue }
            if let item = items.first(where: { $0.string == data.target }) {
                report(
                    .error, item,
                    key == "ignore"
                        ? "the target `\(data.target)` cannot be ignored"
                        : "the target `\(data.target)` cannot be a feature",
                    notes: [note("the target is set here", at: targetNode)])
            }
            if key == "features", let idColumn = data.idColumn,
                let item = items.first(where: { $0.string == idColumn })
            {
                report(
                    .error, item, "the id column `\(idColumn)` cannot be a feature",
                    notes: [note("the id column is set here", at: node["id_column"])])
            }
            var seen = Set<String>()
            for item in items {
                guard let name = item.string, !seen.insert(name).inserted else { continue }
                report(.warning, item, "`\(name)` is listed twice")
            }
        }
        if let idNode = node["id_column"], data.idColumn == data.target {
            report(
                .error, idNode, "the id column cannot be the target `\(data.target)`",
                notes: [note("the target is set here", at: targetNode)])
        }
        return data
    }

    // MARK: - model

    private mutating func decodeModel(_ node: SpecNode) -> ModelSection {
        var model = ModelSection()
        if let templateNode = node["template"], let name = templateNode.string {
            if checkTemplate(name, templateNode) { model.template = .fixed(name) }
        }
        if let layers = node["hidden_layers"]?.int { model.hiddenLayers = .fixed(layers) }
        if let neurons = node["neurons"] {
            switch neurons.value {
            case .word(let word):
                if let rule = SizingRule(rawValue: word) { model.neurons = .fixed(.rule(rule)) }
            case .int(let width): model.neurons = .fixed(.width(width))
            case .list(let items): model.neurons = .fixed(.widths(items.compactMap(\.int)))
            default: break
            }
        }
        if let activation = node["activation"], let function = Self.activation(activation) {
            model.activation = .fixed(function)
        }
        if let batchNorm = node["batch_norm"]?.bool { model.batchNorm = .fixed(batchNorm) }
        if let dropout = node["dropout"]?.number { model.dropout = .fixed(dropout) }
        if let initializer = node["initializer"]?.word.flatMap(Initializer.init(rawValue:)) {
            model.initializer = .fixed(initializer)
        }
        if let layersNode = node["layers"], case .list(let items) = layersNode.value {
            model.layers = decodeLayers(items)
        }
        // Widths per layer must match a fixed layer count.
        if case .fixed(.widths(let widths)) = model.neurons, let count = model.hiddenLayers.value,
            widths.count != count, let neuronsNode = node["neurons"]
        {
            report(
                .error, neuronsNode,
                "\(widths.count) widths for \(count) hidden layer\(count == 1 ? "" : "s")",
                notes: [
                    note("`hidden_layers` is \(count) here", at: node["hidden_layers"]),
                    .help("give one width per hidden layer, or a single number for all of them"),
                ])
        }
        return model
    }

    /// Whether the template name or path exists; reports it if not.
    private mutating func checkTemplate(_ name: String, _ node: SpecNode) -> Bool {
        if TemplateNames.isPath(name) {
            let resolved = Self.join(baseDirectory, name)
            if fileExists(resolved) == .file { return true }
            report(
                .error, node, "template file not found: `\(Self.join(displayDirectory, name))`",
                notes: [.note("a template path is relative to the folder of the spec file")])
            return false
        }
        if templates.names.contains(name) { return true }
        var notes: [Diagnostic.Note] = []
        if let close = Suggestion.closest(to: name, in: templates.names.sorted()) {
            notes.append(.help("did you mean `\(close)`?"))
        }
        if templates.names.isEmpty {
            notes.append(
                .note("no templates found" + (templates.directory.map { " in `\($0)`" } ?? "")))
        } else {
            notes.append(
                .note(
                    "available templates: "
                        + templates.names.sorted().map { "`\($0)`" }.joined(separator: ", ")))
        }
        report(.error, node, "unknown template `\(name)`", notes: notes)
        return false
    }

    static func activation(_ node: SpecNode) -> ActivationFunction? {
        guard case .named(let name, let parameters) = node.value else { return nil }
        func number(_ key: String) -> Double { parameters[key]?.number ?? 0 }
        switch name {
        case "relu": return .relu
        case "leaky_relu": return .leakyReLU(slope: number("slope"))
        case "prelu": return .prelu(initialSlope: number("initial_slope"))
        case "elu": return .elu(alpha: number("alpha"))
        case "selu": return .selu
        case "tanh": return .tanh
        case "sigmoid": return .sigmoid
        case "swish": return .swish
        case "gelu": return .gelu
        case "maxout": return .maxout(pieces: parameters["pieces"]?.int ?? 2)
        case "softmax": return .softmax
        case "linear": return .linear
        default: return nil
        }
    }

    private func decodeLayers(_ items: [SpecNode]) -> [LayerConfig] {
        var layers: [LayerConfig] = []
        for (index, item) in items.enumerated() {
            guard case .tagged(let kind, let payload) = item.value else { continue }
            switch kind {
            case "dense":
                guard let payload, let units = payload["units"]?.int else { continue }
                let initializer =
                    payload["initializer"]?.word.flatMap(Initializer.init(rawValue:))
                    ?? Self.initializer(before: items[(index + 1)...])
                layers.append(
                    .dense(
                        DenseConfig(
                            units: units, initializer: initializer,
                            bias: payload["bias"]?.bool ?? true,
                            maxNorm: payload["max_norm"]?.number)))
            case "batch_norm":
                layers.append(
                    .batchNorm(
                        momentum: payload?["momentum"]?.number ?? 0.1,
                        epsilon: payload?["epsilon"]?.number ?? 1e-5))
            case "activation":
                if let payload, let function = Self.activation(payload) {
                    layers.append(.activation(function))
                }
            case "dropout":
                if let rate = payload?.number { layers.append(.dropout(rate: rate)) }
            default: continue
            }
        }
        return layers
    }

    /// INIT-BY-ACTIVATION: He for the ReLU family, LeCun for SELU, Glorot otherwise — by the
    /// first activation after the dense layer (before the next dense layer).
    static func initializer(before rest: ArraySlice<SpecNode>) -> Initializer {
        for item in rest {
            guard case .tagged(let kind, let payload) = item.value else { continue }
            if kind == "dense" { break }
            if kind == "activation", let payload, let function = activation(payload) {
                if function == .selu { return .lecunNormal }
                return function.isReLUFamily ? .heUniform : .glorotUniform
            }
        }
        return .glorotUniform
    }

    // MARK: - training

    private mutating func decodeTraining(_ node: SpecNode) -> TrainingSection {
        var training = TrainingSection()
        if let loss = node["loss"], case .named(let name, let parameters) = loss.value {
            switch name {
            case "cross_entropy": training.loss = .fixed(.crossEntropy)
            case "binary_cross_entropy": training.loss = .fixed(.binaryCrossEntropy)
            case "mse": training.loss = .fixed(.mse)
            case "mae": training.loss = .fixed(.mae)
            case "huber": training.loss = .fixed(.huber(delta: parameters["delta"]?.number ?? 1))
            default: break
            }
        }
        if let optimizer = node["optimizer"] { training.optimizer = decodeOptimizer(optimizer) }
        if let rate = node["learning_rate"]?.number { training.learningRate = .fixed(rate) }
        if let batch = node["batch_size"]?.int { training.batchSize = .fixed(batch) }
        if let epochs = node["epochs"]?.int { training.epochs = .fixed(epochs) }
        if let stopping = node["early_stopping"] {
            switch stopping.value {
            case .bool(let on): training.earlyStopping = .fixed(on ? EarlyStoppingConfig() : nil)
            case .mapping:
                var config = EarlyStoppingConfig()
                if let patience = stopping["patience"]?.int { config.patience = patience }
                if let delta = stopping["min_delta"]?.number { config.minDelta = delta }
                if let restore = stopping["restore_best"]?.bool { config.restoreBest = restore }
                training.earlyStopping = .fixed(config)
            default: break
            }
        }
        if let regularization = node["regularization"] {
            training.regularization = decodeRegularization(regularization)
        }
        if let decay = node["weight_decay"]?.number { training.weightDecay = .fixed(decay) }
        if let clipping = node["gradient_clipping"] {
            training.gradientClipping = decodeClipping(clipping)
        }
        if let schedule = node["schedule"] { training.schedule = decodeSchedule(schedule) }
        if let weights = node["class_weights"] {
            switch weights.value {
            case .word("balanced"): training.classWeights = .fixed(.balanced)
            case .word("none"): training.classWeights = .fixed(.none)
            case .mapping(let entries):
                var byLabel: [String: Double] = [:]
                for (label, weight) in entries { byLabel[label] = weight.number }
                training.classWeights = .fixed(.explicit(byLabel))
            default: break
            }
        }
        if let shuffle = node["shuffle"]?.bool { training.shuffle = shuffle }
        if let seed = node["seed"]?.int { training.seed = UInt64(seed) }
        return training
    }

    private mutating func decodeOptimizer(_ node: SpecNode) -> Setting<OptimizerConfig> {
        guard case .named(let name, let parameters) = node.value else { return .auto }
        func number(_ key: String) -> Double { parameters[key]?.number ?? 0 }
        switch name {
        case "sgd":
            let nesterov = parameters["nesterov"]?.bool ?? false
            if nesterov, number("momentum") == 0, let at = parameters["nesterov"] {
                report(
                    .error, at, "Nesterov momentum needs a momentum above 0",
                    notes: [.help("add `momentum: 0.9` (OPT-MOMENTUM)")])
            }
            return .fixed(.sgd(momentum: number("momentum"), nesterov: nesterov))
        case "adam":
            return .fixed(
                .adam(beta1: number("beta1"), beta2: number("beta2"), epsilon: number("epsilon")))
        case "adamw":
            return .fixed(
                .adamw(beta1: number("beta1"), beta2: number("beta2"), epsilon: number("epsilon")))
        case "rmsprop":
            return .fixed(
                .rmsprop(
                    alpha: number("alpha"), epsilon: number("epsilon"), momentum: number("momentum")
                ))
        case "adagrad":
            return .fixed(
                .adagrad(
                    epsilon: number("epsilon"), initialAccumulator: number("initial_accumulator")))
        default: return .auto
        }
    }

    private mutating func decodeRegularization(_ node: SpecNode) -> Setting<Regularization> {
        switch node.value {
        case .word("none"): return .fixed(.none)
        case .mapping:
            let l1 = node["l1"]
            let l2 = node["l2"]
            var penalty = Regularization.Penalty.none
            if let l1, let l2 {
                let (first, second) =
                    (l1.node?.start ?? .init(line: 0, column: 0))
                        < (l2.node?.start ?? .init(line: 0, column: 0)) ? (l1, l2) : (l2, l1)
                report(
                    .error, second,
                    "`l1` and `l2` are set together; use one or the other (REG-L1-XOR-L2)",
                    notes: [
                        note(
                            "`\(first.path.split(separator: ".").last ?? "")` is set here",
                            at: first),
                        .help("L1 makes weights sparse, L2 keeps them small; for an MLP choose l2"),
                    ])
            } else if let strength = l1?.number {
                penalty = .l1(strength)
            } else if let strength = l2?.number {
                penalty = .l2(strength)
            }
            return .fixed(Regularization(penalty: penalty, maxNorm: node["max_norm"]?.number))
        default: return .auto
        }
    }

    private mutating func decodeClipping(_ node: SpecNode) -> Setting<GradientClipping> {
        switch node.value {
        case .word("none"): return .fixed(.none)
        case .mapping(let entries):
            guard let (firstKey, first) = entries.first else {
                diagnostics.append(
                    Diagnostic(
                        .error,
                        at: location(node) ?? SourceLocation(file: file, line: 1, column: 1),
                        keyPath: node.path, "empty `gradient_clipping`",
                        notes: [
                            .help(
                                "give one of `clipnorm`, `global_clipnorm`, `clipvalue`, or write `none`"
                            )
                        ]))
                return .auto
            }
            for (key, other) in entries.dropFirst() {
                report(
                    .error, other,
                    "`\(firstKey)` and `\(key)` are set together; gradient clipping takes one kind",
                    notes: [
                        note("`\(firstKey)` is set here", at: first),
                        .help(
                            "clipnorm 1.0 or clipvalue 0.5 are the usual choices (CLIP-DEFAULTS)"),
                    ])
            }
            let value = first.number ?? 1
            switch firstKey {
            case "clipnorm": return .fixed(.clipNorm(value))
            case "global_clipnorm": return .fixed(.globalClipNorm(value))
            default: return .fixed(.clipValue(value))
            }
        default: return .auto
        }
    }

    private func decodeSchedule(_ node: SpecNode) -> Setting<ScheduleConfig> {
        guard case .named(let name, let parameters) = node.value else { return .auto }
        func number(_ key: String) -> Double { parameters[key]?.number ?? 0 }
        func int(_ key: String) -> Int { parameters[key]?.int ?? 0 }
        let kind: ScheduleConfig.Kind
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
        default: return .auto
        }
        return .fixed(ScheduleConfig(kind: kind, warmupEpochs: int("warmup_epochs")))
    }

    // MARK: - advisor

    private mutating func decodeAdvisor(_ node: SpecNode) -> AdvisorSettings {
        var settings = AdvisorSettings()
        for threshold in AdvisorSettings.thresholds {
            switch threshold.property {
            case .integer(let path):
                if let value = node[threshold.key]?.int { settings[keyPath: path] = value }
            case .number(let path):
                if let value = node[threshold.key]?.number { settings[keyPath: path] = value }
            }
        }
        for (low, high) in [
            ("minimum_epochs", "maximum_epochs"),
            ("depth_three_layers_up_to", "depth_four_layers_up_to"),
            ("batch256_rows", "batch512_rows"),
        ] {
            guard let lowNode = node[low], let highNode = node[high] ?? node[low],
                let lowValue = lowNode.number
            else { continue }
            let highValue = node[high]?.number ?? advisorDefault(high)
            if lowValue > highValue {
                report(
                    .error, node[high] == nil ? lowNode : highNode,
                    "`\(low)` (\(Bounds.format(lowValue))) exceeds `\(high)` (\(Bounds.format(highValue)))"
                )
            }
        }
        return settings
    }

    private func advisorDefault(_ key: String) -> Double {
        AdvisorSettings.threshold(named: key)?.defaultValue ?? .infinity
    }

    // MARK: - Across sections

    private mutating func checkAcrossSections(_ spec: NetworkSpec, _ root: SpecNode) {
        let training = root["training"]
        if spec.task == .fixed(.regression) {
            if let stratify = root["data"]?["split"]?["stratify"], stratify.bool == true {
                report(
                    .warning, stratify, "stratifying a regression split has no effect",
                    notes: [note("the task is regression here", at: root["task"])])
            }
            if let weights = training?["class_weights"], !weights.isAuto, weights.word != "none" {
                report(
                    .error, weights, "class weights need a classification task",
                    notes: [note("the task is regression here", at: root["task"])])
            }
        }
        if spec.data.split.validation == 0, let stopping = training?["early_stopping"],
            case .fixed(.some) = spec.training.earlyStopping
        {
            report(
                .error, stopping,
                "early stopping needs validation rows, but `data.split.validation` is 0",
                notes: [
                    note(
                        "the validation fraction is set here",
                        at: root["data"]?["split"]?["validation"]),
                    .help("set a validation fraction such as 0.15, or `early_stopping: false`"),
                ])
        }
        if case .fixed(let regularization) = spec.training.regularization,
            case .l2 = regularization.penalty, let decay = spec.training.weightDecay.value,
            decay > 0,
            let decayNode = training?["weight_decay"]
        {
            report(
                .warning, decayNode, "`weight_decay` and an `l2` penalty both shrink the weights",
                notes: [
                    note("the l2 penalty is set here", at: training?["regularization"]?["l2"]),
                    .help("usually one is enough; keep `weight_decay` with adamw, `l2` otherwise"),
                ])
        }
    }

    // MARK: - Paths

    /// `directory/path` (just `path` when absolute), with `.` and `dir/..` segments removed.
    static func join(_ directory: String, _ path: String) -> String {
        let joined = path.hasPrefix("/") || directory.isEmpty ? path : directory + "/" + path
        var segments: [Substring] = []
        for segment in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == "..", let last = segments.last, last != ".." {
                segments.removeLast()
                continue
            }
            segments.append(segment)
        }
        let normalized = segments.joined(separator: "/")
        if joined.hasPrefix("/") { return "/" + normalized }
        return normalized.isEmpty ? "." : normalized
    }
}
