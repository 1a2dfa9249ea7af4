/// The table of spec keys, version 1: each key once, in the order a config file lists them.
///
/// The schema tree (``SpecSchema/root``), the decoder, the JSON Schema, docs/spec.md, the
/// starter spec, the generator's values and the config diff all come from here. The
/// vocabularies that values draw on (activations, optimizers, schedules, layer kinds) are in
/// ``SpecSchema``.
extension SpecKey {
    /// Every key, in config order; `tune.*` (read by `tune` only) before `advisor.*`, which
    /// come last, from `AdvisorSettings.thresholds`.
    public static let all: [SpecKey] =
        [
            version, name,
            dataPath, dataTarget, dataFeatures, dataIgnore, dataCategorical, dataIDColumn,
            dataDelimiter, dataMissingValues, targetTransform, numericEncoding, equalityIndicators,
            splitValidation, splitTest,
            splitStratify,
            task,
            template, hiddenLayers, neurons, activation, batchNorm, dropout, initializer,
            linearStart,
            layers,
            loss, optimizer, learningRate, batchSize, epochs, earlyStopping, regularization,
            weightDecay, gradientClipping, schedule, classWeights, shuffle, seed, ensemble,
            tuneTrials, tuneTimeout, tuneMetric, tuneDirection, tuneFolds, tunePruning, tuneSpace,
        ] + advisorThresholds

    private static let auto = SpecSchema.auto

    // MARK: - Top level

    public static let version = SpecKey(
        "version", .integer(.within(1, Double(SpecSchema.version))),
        default: .int(SpecSchema.version), "Spec language version; only 1 exists.",
        field: .value(\.version))

    public static let name = SpecKey(
        "name", .string(.fileName), default: .described("the spec file's name"),
        "The experiment's name; names the run folder.", example: "iris", field: .value(\.name))

    public static let task = SpecKey(
        "task", .anyOf([.choice(noun: "task", SpecSchema.tasks), auto]), default: .auto,
        "What to predict: `auto` decides from the target column (text or few integer values: classification).",
        starter: "classification | regression (detected: DETECTED)", field: .value(\.task))

    // MARK: - data

    public static let dataPath = SpecKey(
        "data.path", .string(.any), default: nil,
        "The CSV file, relative to the spec file's folder.", example: "data/iris.csv",
        field: SpecField(
            decode: { node, spec, decoder in
                guard let path = node.string else { return }
                spec.data.path = path
                spec.data.resolvedPath = decoder.checkDataFile(path, at: node)
            },
            yaml: { $0.data.path.yaml }, equal: { $0.data.path == $1.data.path }))

    public static let dataTarget = SpecKey(
        "data.target", .string(.any), default: nil, "The column to predict.", example: "species",
        field: .value(\.data.target))

    public static let dataFeatures = SpecKey(
        "data.features", .list(.string(.any), minimumCount: 1),
        default: .described("every column but `target`, `ignore` and `id_column`"),
        "Input columns, listed explicitly.", field: .optional(\.data.features))

    public static let dataIgnore = SpecKey(
        "data.ignore", .list(.string(.any), minimumCount: 0), default: .value(.array([])),
        "Columns to drop.", field: .value(\.data.ignore))

    public static let dataCategorical = SpecKey(
        "data.categorical", .list(.string(.any), minimumCount: 0), default: .value(.array([])),
        "Columns forced to be categorical (e.g. integer-coded categories).",
        field: .value(\.data.categorical))

    public static let dataIDColumn = SpecKey(
        "data.id_column", .string(.any), default: .described("none"),
        "A column that identifies rows: not an input, copied into predictions.",
        field: .optional(\.data.idColumn))

    public static let dataDelimiter = SpecKey(
        "data.delimiter", .anyOf([.string(.singleCharacter), auto]), default: .auto,
        "Field delimiter; `auto` detects comma, semicolon or tab (write a tab as `\"\\t\"`).",
        field: .stored(
            \.data.delimiter, as: { $0.map { String($0) } }, from: { $0.first }, absentable: true))

    public static let dataMissingValues = SpecKey(
        "data.missing_values", .list(.string(.any), minimumCount: 0),
        default: .value(.array(DataSection.defaultMissingValues.map(JSONValue.string))),
        "Field texts that mean \"missing\" (quote `\"null\"` to mean the text).",
        field: .value(\.data.missingValues))

    public static let splitValidation = SpecKey(
        "data.split.validation", .number(.fraction()), default: .number(SplitSection().validation),
        "Fraction of rows for validation (early stopping, diagnostics); validation + test < 1.",
        starter: "share held out for validation", field: .value(\.data.split.validation))

    public static let splitTest = SpecKey(
        "data.split.test", .number(.fraction()), default: .number(SplitSection().test),
        "Fraction of rows for the final test score; validation + test < 1.",
        starter: "share held out for the final test", field: .value(\.data.split.test))

    public static let splitStratify = SpecKey(
        "data.split.stratify", .anyOf([.boolean, auto]), default: .auto,
        "Keep class proportions in every split; `auto` is yes for classification.",
        starter: "keep class shares equal (classification)", field: .value(\.data.split.stratify))

    public static let targetTransform = SpecKey(
        "data.target_transform",
        .anyOf([.choice(noun: "target transform", SpecSchema.targetTransforms), auto]),
        default: .auto, rules: ["ENC-TARGET-LOG"],
        "How a regression target is trained: `auto` takes the log of a positive target skewed "
            + "right (ENC-TARGET-LOG), `none` keeps it.",
        starter: "none | log (regression)", field: .value(\.data.targetTransform))

    public static let numericEncoding = SpecKey(
        "data.numeric_encoding",
        .anyOf([.choice(noun: "numeric encoding", SpecSchema.numericEncodings), auto]),
        default: .auto, rules: ["ENC-NUMERIC-PLE"],
        "How number inputs are encoded: `auto` adds piecewise-linear bins (8 training-quantile "
            + "bins per column, beside the standardised value) when a ridge model on the "
            + "training split cross-validates better with them (ENC-NUMERIC-PLE); `standard` or "
            + "`piecewise_linear` fixes it.",
        starter: "standard | piecewise_linear", field: .value(\.data.numericEncoding))

    public static let equalityIndicators = SpecKey(
        "data.equality_indicators", .anyOf([.boolean, auto]), default: .auto,
        rules: ["ENC-NUMERIC-EQUAL"],
        "Whether pairs of number columns that are exactly equal on many rows (a price paid and "
            + "the price of one option, a season's total and the career's) get a 0/1 input "
            + "\"equal on this row\": `auto` keeps them when a ridge model on the training split "
            + "cross-validates better with them by more than a standard error (ENC-NUMERIC-EQUAL).",
        starter: "true | false", field: .value(\.data.equalityIndicators))

    // MARK: - model

    public static let template = SpecKey(
        "model.template", .anyOf([.string(.any), auto]), default: .auto,
        "A template in `Templates/` by name (`mlp-classifier`), or a path to a `.mustache` file "
            + "(contains `/` or ends in `.mustache`), relative to the spec.",
        starter: "a template name in Templates/ or a path",
        field: SpecField(
            decode: { node, spec, decoder in
                guard let name = node.string else { return }
                if decoder.checkTemplate(name, node) { spec.model.template = .fixed(name) }
            },
            yaml: { $0.model.template.yaml }, equal: { $0.model.template == $1.model.template }))

    public static let hiddenLayers = SpecKey(
        "model.hidden_layers",
        .anyOf([.integer(.within(0, Double(SpecLimits.hiddenLayers))), auto]), default: .auto,
        rules: ["DEPTH-*"], "Number of hidden layers (DEPTH-*).",
        starter: "an integer from 0 to \(SpecLimits.hiddenLayers) (rules DEPTH-*)",
        field: .value(\.model.hiddenLayers))

    public static let neurons = SpecKey(
        "model.neurons",
        .anyOf([
            .choice(noun: "sizing rule", SpecSchema.sizingRules), .integer(SpecSchema.widthBounds),
            .list(
                .integer(SpecSchema.widthBounds), minimumCount: 0,
                maximumCount: SpecLimits.hiddenLayers),
            auto,
        ]), default: .auto, rules: ["SIZE-*"],
        "Hidden widths: a sizing rule, one width for every layer, or a list of widths "
            + "(one per hidden layer; `[]` with `hidden_layers: 0`).",
        starter: "geometric | capacity | two-thirds | mean, or a list",
        field: .value(\.model.neurons))

    public static let activation = SpecKey(
        "model.activation",
        .anyOf([.named(noun: "activation", SpecSchema.hiddenActivations), auto]),
        default: .auto, rules: ["ACT-HIDDEN-*"], "Hidden-layer activation (ACT-HIDDEN-*).",
        starter: "relu, leaky_relu, elu, selu, tanh, swish, gelu, ...",
        field: .value(\.model.activation))

    public static let batchNorm = SpecKey(
        "model.batch_norm", .anyOf([.boolean, auto]), default: .auto, rules: ["BN-*"],
        "Batch normalisation in the hidden layers (BN-*).", starter: "true | false",
        field: .value(\.model.batchNorm))

    public static let dropout = SpecKey(
        "model.dropout", .anyOf([.number(.fraction()), auto]), default: .auto,
        rules: ["REG-DROPOUT"], "Dropout rate after each hidden layer; 0 for none (REG-DROPOUT).",
        starter: "a rate in [0, 1)", field: .value(\.model.dropout))

    public static let initializer = SpecKey(
        "model.initializer",
        .anyOf([.choice(noun: "initializer", SpecSchema.initializers), auto]), default: .auto,
        rules: ["INIT-BY-ACTIVATION"],
        "Weight initialiser of the hidden layers (INIT-BY-ACTIVATION).",
        field: .value(\.model.initializer))

    public static let linearStart = SpecKey(
        "model.linear_start", .anyOf([.boolean, auto]), default: .auto,
        rules: ["INIT-LINEAR-RIDGE", "INIT-LINEAR-LOGISTIC", "INIT-HIDDEN-LINEAR"],
        "Whether each network starts at the linear fit of its training rows (ridge for "
            + "regression, logistic for classes): a network without hidden layers is that fit, "
            + "one with rectifier hidden layers computes it in two units per output and its "
            + "other units add what it misses. `auto` starts there wherever the network can "
            + "carry the fit; `false` starts at the initializers' random draw.",
        starter: "true | false", field: .value(\.model.linearStart))

    public static let layers = SpecKey(
        "model.layers",
        .list(
            .tagged(noun: "layer", SpecSchema.layerKinds), minimumCount: 1,
            maximumCount: SpecLimits.layers),
        default: .described("none: built from the keys above"),
        "An explicit layer list, output layer included (what `generate` writes). When "
            + "present it is the network.",
        field: .stored(
            \.model.layers, as: { LayerList(layers: $0) }, from: { $0.layers }, absentable: true))

    // MARK: - training

    public static let loss = SpecKey(
        "training.loss", .anyOf([.named(noun: "loss", SpecSchema.losses), auto]), default: .auto,
        rules: ["ACT-OUTPUT-*"], "Loss function; `auto` follows the task (ACT-OUTPUT-*).",
        field: .value(\.training.loss))

    public static let optimizer = SpecKey(
        "training.optimizer", .anyOf([.named(noun: "optimizer", SpecSchema.optimizers), auto]),
        default: .auto, rules: ["OPT-DEFAULT"],
        "Optimizer: a name, or a mapping with `name` and parameters; missing parameters get "
            + "PyTorch's defaults. `auto` is Adam (OPT-DEFAULT).",
        starter: "adam, sgd, ... (rule OPT-DEFAULT)", field: .value(\.training.optimizer))

    public static let learningRate = SpecKey(
        "training.learning_rate", .anyOf([.number(.above(0)), auto]), default: .auto,
        rules: ["LR-RANGE-TEST"], "Base learning rate; `auto` runs the range test (LR-RANGE-TEST).",
        starter: "a number, or auto: range test (LR-RANGE-TEST)",
        field: .value(\.training.learningRate))

    public static let batchSize = SpecKey(
        "training.batch_size",
        .anyOf([.integer(.within(1, Double(SpecLimits.batchSize))), auto]), default: .auto,
        rules: ["BATCH-*"], "Rows per optimizer step (BATCH-*).",
        starter: "rows per batch (rules BATCH-*)", field: .value(\.training.batchSize))

    public static let epochs = SpecKey(
        "training.epochs", .anyOf([.integer(SpecSchema.epochBounds(from: 1)), auto]),
        default: .auto, rules: ["EPOCHS-BY-SIZE"],
        "Most passes over the training rows (EPOCHS-BY-SIZE); early stopping may end sooner.",
        starter: "upper bound; early stopping ends sooner", field: .value(\.training.epochs))

    public static let earlyStopping = SpecKey(
        "training.early_stopping",
        .anyOf([.object(SpecSchema.earlyStoppingKeys), .boolean, auto]), default: .auto,
        rules: ["EARLY-STOP"],
        "Stop when validation loss stops improving (EARLY-STOP); `false` turns it off, "
            + "`true` uses the defaults.",
        starter: "false, or {\(SpecSchema.earlyStoppingDefaults)} (EARLY-STOP)",
        field: .stored(
            \.training.earlyStopping,
            as: { setting -> Setting<EarlyStoppingSetting>? in
                switch setting {
                case .auto: .auto
                case .fixed(let config): .fixed(EarlyStoppingSetting(config: config))
                }
            },
            from: { setting in
                switch setting {
                case .auto: .auto
                case .fixed(let written): .fixed(written.config)
                }
            }))

    public static let regularization = SpecKey(
        "training.regularization",
        .anyOf([
            .object(SpecSchema.regularizationKeys), .keyword("none", doc: "No penalty."), auto,
        ]),
        default: .auto, rules: ["REG-L1-XOR-L2", "REG-L2-RANGE", "REG-L1-RANGE"],
        "Weight penalty: L1 or L2, never both (REG-L1-XOR-L2); `none` for none.",
        constraints: [.exclusive(["l1", "l2"])], field: .value(\.training.regularization))

    public static let weightDecay = SpecKey(
        "training.weight_decay", .anyOf([.number(.atLeast(0)), auto]), default: .auto,
        "Decoupled weight decay (AdamW), or added to the gradient for other optimizers.",
        field: .value(\.training.weightDecay))

    public static let gradientClipping = SpecKey(
        "training.gradient_clipping",
        .anyOf([.object(SpecSchema.clippingKeys), .keyword("none", doc: "No clipping."), auto]),
        default: .auto, rules: ["CLIP-DEFAULTS"],
        "Gradient clipping, one of its three kinds (CLIP-DEFAULTS); `none` for none.",
        constraints: [.exactlyOne(["clipnorm", "global_clipnorm", "clipvalue"])],
        field: .value(\.training.gradientClipping))

    public static let schedule = SpecKey(
        "training.schedule", .anyOf([.named(noun: "schedule", SpecSchema.schedules), auto]),
        default: .auto,
        "Learning-rate schedule: a name, or a mapping with `name`, parameters and "
            + "`warmup_epochs`.",
        starter: "constant | step | exponential | cosine | plateau | one_cycle",
        field: .value(\.training.schedule))

    public static let classWeights = SpecKey(
        "training.class_weights",
        .anyOf([
            .dictionary(keyNoun: "class label", value: .number(.above(0))),
            .keyword("balanced", doc: "Inverse class frequency."),
            .keyword("none", doc: "Every class weighs 1."), auto,
        ]), default: .auto,
        "Class weights of the loss (classification): `balanced`, `none`, or a weight per label.",
        field: .value(\.training.classWeights))

    public static let shuffle = SpecKey(
        "training.shuffle", .boolean, default: .bool(TrainingSection().shuffle),
        rules: ["SHUFFLE-ALWAYS"], "Shuffle the training rows every epoch (SHUFFLE-ALWAYS).",
        starter: "shuffle every epoch (SHUFFLE-ALWAYS)", field: .value(\.training.shuffle))

    public static let seed = SpecKey(
        "training.seed", .integer(.atLeast(0)), default: .int(Int(TrainingSection().seed)),
        "Seed of every random draw: split, initialisation, shuffling, dropout.",
        starter: "an integer: same spec and seed, same model", field: .value(\.training.seed))

    public static let ensemble = SpecKey(
        "training.ensemble",
        .anyOf([.integer(.within(1, Double(SpecLimits.ensembleMembers))), auto]),
        default: .auto, rules: ["ENSEMBLE-SMALL-DATA"],
        "Networks trained and averaged, each on its own random training/validation draw of the "
            + "non-test rows (ENSEMBLE-SMALL-DATA); 1 is a single network.",
        starter: "1, or members to average (ENSEMBLE-SMALL-DATA)",
        field: .value(\.training.ensemble))

    // MARK: - tune

    public static let tuneTrials = SpecKey(
        "tune.trials", .integer(.within(1, Double(SpecLimits.tuneTrials))),
        default: .int(TuneSection().trials),
        "Trials of `layerwise tune`, trial 0 (the zero-trial design) included; `--trials` "
            + "overrides.",
        field: .value(\.tune.trials))

    public static let tuneTimeout = SpecKey(
        "tune.timeout",
        .anyOf([.string(.duration), .keyword("none", doc: "No time limit.")]),
        default: .word("none"),
        "Stop starting trials after this long (`10m`); running ones are stopped and queued for "
            + "`--resume`. `--timeout` overrides.",
        field: .stored(
            \.tune.timeout, as: { DurationOrNone(seconds: $0) }, from: { $0.seconds }))

    public static let tuneMetric = SpecKey(
        "tune.metric", .anyOf([.choice(noun: "metric", SpecSchema.tuneMetrics), auto]),
        default: .auto,
        "The validation score trials are ranked by; `auto`: accuracy (classification), R² "
            + "(regression).",
        field: .value(\.tune.metric))

    public static let tuneDirection = SpecKey(
        "tune.direction",
        .anyOf([.choice(noun: "direction", SpecSchema.tuneDirections), auto]), default: .auto,
        "Whether a lower or a higher metric is better; `auto`: the metric's own.",
        field: .value(\.tune.direction))

    public static let tuneFolds = SpecKey(
        "tune.cv",
        .anyOf([
            .integer(.within(2, Double(SpecLimits.tuneFolds))),
            .keyword("none", doc: "Score on the validation split."),
        ]),
        default: .word("none"),
        "Score each trial by stratified k-fold cross-validation of the non-test rows (mean and "
            + "spread); `none`: the validation split.",
        field: .stored(\.tune.folds, as: { CountOrNone(count: $0) }, from: { $0.count }))

    public static let tunePruning = SpecKey(
        "tune.pruning", .boolean, default: .bool(TuneSection().pruning),
        "Stop unpromising trials early: asynchronous successive halving (ASHA, reduction factor "
            + "3) on the validation loss after each epoch.",
        field: .value(\.tune.pruning))

    public static let tuneSpace = SpecKey(
        "tune.space",
        .dictionary(
            keyNoun: "tunable key",
            value: .anyOf([
                .object(SpecSchema.tuneRangeKeys),
                .list(.anyOf([.string(.any), .boolean]), minimumCount: 1),
            ])),
        default: .value(.object([])),
        "Ranges replacing the advisor's, by key: `{low, high, log}` for numbers, a list of "
            + "values for the others (`model.activation: [relu, swish]`). Keys: "
            + TuneSection.tunableKeys.map { "`\($0)`" }.joined(separator: ", ") + ".",
        field: .value(\.tune.space))

    // MARK: - advisor

    /// One key per proposed threshold, from `AdvisorSettings.thresholds` (the one list of them).
    static let advisorThresholds: [SpecKey] = AdvisorSettings.thresholds.map { threshold in
        let bounds = Bounds(
            minimum: threshold.minimum, minimumIsExclusive: threshold.minimumIsExclusive,
            maximum: threshold.maximum)
        let doc = "\(threshold.ruleID): \(threshold.doc)"
        let path = "advisor.\(threshold.key)"
        let field: SpecField
        let defaultValue: SchemaDefault
        let type: SchemaType
        switch threshold.property {
        case .integer(let property):
            (field, type) = (.threshold(property), .integer(bounds))
            defaultValue = .int(Int(threshold.defaultValue))
        case .number(let property):
            (field, type) = (.threshold(property), .number(bounds))
            defaultValue = .number(threshold.defaultValue)
        }
        return SpecKey(
            path, type, default: defaultValue, rules: [threshold.ruleID], doc, field: field)
    }
}

extension SpecKey {
    /// Constraints across sections, as JSON Schema states them (the loader's checks with
    /// their messages are in `SpecDecoder.checkAcrossSections` and `checkLayerCount`).
    static let crossSectionConstraints: [SchemaRule] = [
        .implies(
            path: ["task"], value: .string("regression"), then: ["training", "class_weights"],
            allowed: [.string("auto"), .string("none")]),
        .implies(
            path: ["data", "split", "validation"], value: .int(0),
            then: ["training", "early_stopping"], allowed: [.bool(false), .string("auto")]),
        .lengthMatches(
            list: ["model", "neurons"], count: ["model", "hidden_layers"],
            upTo: SpecLimits.hiddenLayers),
    ]
}

extension SpecSection {
    /// The sections, each placed in the tree where its first key is.
    static let all: [SpecSection] = [
        SpecSection(
            "data", default: nil, "Where the data is and how to read and split it.",
            example: "{path: data/train.csv, target: label}"),
        SpecSection(
            "data.split", default: .described("see `data.split`"),
            "The train / validation / test split."),
        SpecSection("model", default: .described("all `auto`"), "The network's shape."),
        SpecSection("training", default: .described("all `auto`"), "How to train the network."),
        SpecSection(
            "tune", default: .described("20 trials, the advisor's space"),
            "What `layerwise tune` searches and how it scores trials (`train` ignores it)."),
        SpecSection(
            "advisor", default: .described("the proposed thresholds"),
            "Overrides of the advisor's proposed thresholds (rulebook)."),
    ]
}
