/// The spec language, version 1: every key, its type, default, allowed values, range and doc.
///
/// This tree is the single source of the language. ``SpecLoader`` validates specs against it
/// (filling in parameter defaults), `layerwise schema` turns it into a JSON Schema
/// (``JSONSchemaWriter``) and `layerwise schema --format markdown` into `docs/spec.md`
/// (``SpecReferenceWriter``). Defaults that the model types also carry are read from them.
public enum SpecSchema {
    /// The current (and only) spec language version.
    public static let version = 1

    /// The top-level mapping of a spec.
    public static let root: SchemaType = .object(rootKeys)

    static let rootKeys: [SchemaKey] = [
        SchemaKey(
            "version", .integer(.within(1, Double(version))), default: .int(version),
            "Spec language version; only 1 exists."),
        SchemaKey(
            "name", .string(.fileName), default: .described("the spec file's name"),
            "The experiment's name; names the run folder.", example: "iris"),
        SchemaKey(
            required: "data", .object(dataKeys), "Where the data is and how to read and split it.",
            example: "{path: data/train.csv, target: label}"),
        SchemaKey(
            "task", .anyOf([.choice(noun: "task", tasks), auto]), default: .auto,
            "What to predict: `auto` decides from the target column (text or few integer values: classification)."
        ),
        SchemaKey(
            "model", .object(modelKeys), default: .described("all `auto`"), "The network's shape."),
        SchemaKey(
            "training", .object(trainingKeys), default: .described("all `auto`"),
            "How to train the network."),
        SchemaKey(
            "advisor", .object(advisorKeys), default: .described("the proposed thresholds"),
            "Overrides of the advisor's proposed thresholds (rulebook)."),
    ]

    // MARK: - data

    static let dataKeys: [SchemaKey] = [
        SchemaKey(
            required: "path", .string(.any), "The CSV file, relative to the spec file's folder.",
            example: "data/iris.csv"),
        SchemaKey(required: "target", .string(.any), "The column to predict.", example: "species"),
        SchemaKey(
            "features", .list(.string(.any), minimumCount: 1),
            default: .described("every column but `target`, `ignore` and `id_column`"),
            "Input columns, listed explicitly."),
        SchemaKey(
            "ignore", .list(.string(.any), minimumCount: 0), default: .value(.array([])),
            "Columns to drop."),
        SchemaKey(
            "categorical", .list(.string(.any), minimumCount: 0), default: .value(.array([])),
            "Columns forced to be categorical (e.g. integer-coded categories)."),
        SchemaKey(
            "id_column", .string(.any), default: .described("none"),
            "A column that identifies rows: not an input, copied into predictions."),
        SchemaKey(
            "delimiter", .anyOf([.string(.singleCharacter), auto]), default: .auto,
            "Field delimiter; `auto` detects comma, semicolon or tab (write a tab as `\"\\t\"`)."),
        SchemaKey(
            "missing_values", .list(.string(.any), minimumCount: 0),
            default: .value(.array(DataSection.defaultMissingValues.map(JSONValue.string))),
            "Field texts that mean \"missing\" (quote `\"null\"` to mean the text)."),
        SchemaKey(
            "split", .object(splitKeys), default: .described("see `data.split`"),
            "The train / validation / test split."),
    ]

    static let splitKeys: [SchemaKey] = [
        SchemaKey(
            "validation", .number(.fraction()), default: .number(SplitSection().validation),
            "Fraction of rows for validation (early stopping, diagnostics); validation + test < 1."),
        SchemaKey(
            "test", .number(.fraction()), default: .number(SplitSection().test),
            "Fraction of rows for the final test score; validation + test < 1."),
        SchemaKey(
            "stratify", .anyOf([.boolean, auto]), default: .auto,
            "Keep class proportions in every split; `auto` is yes for classification."),
    ]

    static let tasks = [
        SchemaChoice(
            "classification", "Predict a class: softmax (or one sigmoid for two classes)."),
        SchemaChoice("regression", "Predict a number: linear output, mean squared error."),
    ]

    // MARK: - model

    static let modelKeys: [SchemaKey] = [
        SchemaKey(
            "template", .anyOf([.string(.any), auto]), default: .auto,
            "A template in `Templates/` by name (`mlp-classifier`), or a path to a `.mustache` file "
                + "(contains `/` or ends in `.mustache`), relative to the spec."),
        SchemaKey(
            "hidden_layers", .anyOf([.integer(.within(0, Double(SpecLimits.hiddenLayers))), auto]),
            default: .auto,
            "Number of hidden layers (DEPTH-*)."),
        SchemaKey(
            "neurons",
            .anyOf([
                .choice(noun: "sizing rule", sizingRules), .integer(widthBounds),
                .list(
                    .integer(widthBounds), minimumCount: 0, maximumCount: SpecLimits.hiddenLayers),
                auto,
            ]), default: .auto,
            "Hidden widths: a sizing rule, one width for every layer, or a list of widths "
                + "(one per hidden layer; `[]` with `hidden_layers: 0`)."),
        SchemaKey(
            "activation", .anyOf([.named(noun: "activation", hiddenActivations), auto]),
            default: .auto, "Hidden-layer activation (ACT-HIDDEN-*)."),
        SchemaKey(
            "batch_norm", .anyOf([.boolean, auto]), default: .auto,
            "Batch normalisation in the hidden layers (BN-*)."),
        SchemaKey(
            "dropout", .anyOf([.number(.fraction()), auto]), default: .auto,
            "Dropout rate after each hidden layer; 0 for none (REG-DROPOUT)."),
        SchemaKey(
            "initializer", .anyOf([.choice(noun: "initializer", initializers), auto]),
            default: .auto, "Weight initialiser of the hidden layers (INIT-BY-ACTIVATION)."),
        SchemaKey(
            "layers",
            .list(
                .tagged(noun: "layer", layerKinds), minimumCount: 1,
                maximumCount: SpecLimits.layers),
            default: .described("none: built from the keys above"),
            "An explicit layer list, output layer included (what `generate` writes). When "
                + "present it is the network."),
    ]

    /// A layer's width: 1 to `SpecLimits.width`.
    static let widthBounds = Bounds.within(1, Double(SpecLimits.width))
    /// A count of epochs: at least `low`, at most `SpecLimits.epochs`.
    static func epochBounds(from low: Double) -> Bounds { .within(low, Double(SpecLimits.epochs)) }

    static let sizingRules = [
        SchemaChoice(SizingRule.geometric.rawValue, "sqrt(Ni * No) (SIZE-GEOMETRIC)."),
        SchemaChoice(
            SizingRule.capacity.rawValue,
            "Ns / (alpha * (Ni + No)) across the hidden layers (SIZE-CAPACITY)."),
        SchemaChoice(SizingRule.twoThirds.rawValue, "2/3 * Ni + No (SIZE-TWO-THIRDS)."),
        SchemaChoice(SizingRule.mean.rawValue, "(Ni + No) / 2 (SIZE-MEAN)."),
    ]

    static let initializers: [SchemaChoice] = Initializer.allCases.map { initializer in
        let doc =
            switch initializer {
            case .heNormal: "He (Kaiming) normal, std sqrt(2 / fan_in): the ReLU family."
            case .heUniform: "He (Kaiming) uniform, bound sqrt(6 / fan_in): the ReLU family."
            case .glorotNormal: "Glorot (Xavier) normal: tanh, sigmoid, softmax, linear."
            case .glorotUniform: "Glorot (Xavier) uniform, bound sqrt(6 / (fan_in + fan_out))."
            case .lecunNormal: "LeCun normal, std sqrt(1 / fan_in): SELU."
            case .lecunUniform: "LeCun uniform, bound sqrt(3 / fan_in)."
            }
        return SchemaChoice(initializer.rawValue, doc)
    }

    static let hiddenActivations: [SchemaVariant] = [
        SchemaVariant("relu", "max(0, x)."),
        SchemaVariant(
            "leaky_relu", "x, or slope * x below 0.",
            parameters: [
                SchemaKey("slope", .number(.atLeast(0)), default: .number(0.01), "Negative slope.")
            ]),
        SchemaVariant(
            "prelu", "Leaky ReLU with a learned slope per unit.",
            parameters: [
                SchemaKey(
                    "initial_slope", .number(.atLeast(0)), default: .number(0.25), "Starting slope."
                )
            ]),
        SchemaVariant(
            "elu", "x, or alpha * (exp(x) - 1) below 0.",
            parameters: [
                SchemaKey("alpha", .number(.above(0)), default: .number(1.0), "Saturation value.")
            ]),
        SchemaVariant("selu", "Scaled ELU (self-normalising; use lecun_normal)."),
        SchemaVariant("tanh", "Hyperbolic tangent."),
        SchemaVariant("sigmoid", "Logistic sigmoid."),
        SchemaVariant("swish", "x * sigmoid(x) (SiLU)."),
        SchemaVariant("gelu", "Gaussian error linear unit."),
        SchemaVariant(
            "maxout",
            "Maximum over `pieces` linear pieces (the layer before is `pieces` times wider).",
            parameters: [
                SchemaKey(
                    "pieces", .integer(.within(2, Double(SpecLimits.maxoutPieces))),
                    default: .int(2), "Linear pieces per unit.")
            ]),
    ]

    static let layerActivations: [SchemaVariant] =
        hiddenActivations + [
            SchemaVariant("softmax", "Output: class probabilities."),
            SchemaVariant("linear", "Output: identity (regression)."),
        ]

    static let layerKinds: [SchemaVariant] = [
        SchemaVariant(
            "dense", "A fully connected layer.",
            payload: .object([
                SchemaKey(required: "units", .integer(widthBounds), "Output width.", example: "8"),
                SchemaKey(
                    "initializer", .choice(noun: "initializer", initializers),
                    default: .described("by the next activation (INIT-BY-ACTIVATION)"),
                    "Weight initialiser."),
                SchemaKey(
                    "bias", .boolean, default: .bool(true), "Add a bias (off before batch norm)."),
                SchemaKey(
                    "max_norm", .number(.above(0)), default: .described("none"),
                    "Max-norm constraint on each unit's incoming weights."),
            ])),
        SchemaVariant(
            "batch_norm", "Batch normalisation (PyTorch semantics).",
            payload: .object([
                SchemaKey(
                    "momentum", .number(Bounds(minimum: 0, minimumIsExclusive: true, maximum: 1)),
                    default: .number(0.1), "Weight of the batch in the running statistics."),
                SchemaKey(
                    "epsilon", .number(.above(0)), default: .number(1e-5), "Added to the variance."),
            ])),
        SchemaVariant(
            "activation", "An activation function (a name, or `{name: leaky_relu, slope: 0.1}`).",
            payload: .named(noun: "activation", layerActivations)),
        SchemaVariant("dropout", "Inverted dropout with this rate.", payload: .number(.fraction())),
    ]

    // MARK: - training

    static let trainingKeys: [SchemaKey] = [
        SchemaKey(
            "loss", .anyOf([.named(noun: "loss", losses), auto]), default: .auto,
            "Loss function; `auto` follows the task (ACT-OUTPUT-*)."),
        SchemaKey(
            "optimizer", .anyOf([.named(noun: "optimizer", optimizers), auto]), default: .auto,
            "Optimizer: a name, or a mapping with `name` and parameters; missing parameters get "
                + "PyTorch's defaults. `auto` is Adam (OPT-DEFAULT)."),
        SchemaKey(
            "learning_rate", .anyOf([.number(.above(0)), auto]), default: .auto,
            "Base learning rate; `auto` runs the range test (LR-RANGE-TEST)."),
        SchemaKey(
            "batch_size", .anyOf([.integer(.within(1, Double(SpecLimits.batchSize))), auto]),
            default: .auto,
            "Rows per optimizer step (BATCH-*)."),
        SchemaKey(
            "epochs", .anyOf([.integer(epochBounds(from: 1)), auto]), default: .auto,
            "Most passes over the training rows (EPOCHS-BY-SIZE); early stopping may end sooner."),
        SchemaKey(
            "early_stopping", .anyOf([.object(earlyStoppingKeys), .boolean, auto]), default: .auto,
            "Stop when validation loss stops improving (EARLY-STOP); `false` turns it off, "
                + "`true` uses the defaults."),
        SchemaKey(
            "regularization",
            .anyOf([.object(regularizationKeys), .keyword("none", doc: "No penalty."), auto]),
            default: .auto, "Weight penalty: L1 or L2, never both (REG-L1-XOR-L2); `none` for none."
        ),
        SchemaKey(
            "weight_decay", .anyOf([.number(.atLeast(0)), auto]), default: .auto,
            "Decoupled weight decay (AdamW), or added to the gradient for other optimizers."),
        SchemaKey(
            "gradient_clipping",
            .anyOf([.object(clippingKeys), .keyword("none", doc: "No clipping."), auto]),
            default: .auto,
            "Gradient clipping, one of its three kinds (CLIP-DEFAULTS); `none` for none."),
        SchemaKey(
            "schedule", .anyOf([.named(noun: "schedule", schedules), auto]), default: .auto,
            "Learning-rate schedule: a name, or a mapping with `name`, parameters and "
                + "`warmup_epochs`."),
        SchemaKey(
            "class_weights",
            .anyOf([
                .dictionary(keyNoun: "class label", value: .number(.above(0))),
                .keyword("balanced", doc: "Inverse class frequency."),
                .keyword("none", doc: "Every class weighs 1."), auto,
            ]), default: .auto,
            "Class weights of the loss (classification): `balanced`, `none`, or a weight per label."
        ),
        SchemaKey(
            "shuffle", .boolean, default: .bool(TrainingSection().shuffle),
            "Shuffle the training rows every epoch (SHUFFLE-ALWAYS)."),
        SchemaKey(
            "seed", .integer(.atLeast(0)), default: .int(Int(TrainingSection().seed)),
            "Seed of every random draw: split, initialisation, shuffling, dropout."),
    ]

    static let earlyStoppingKeys: [SchemaKey] = [
        SchemaKey(
            "patience", .integer(epochBounds(from: 1)),
            default: .int(EarlyStoppingConfig().patience),
            "Epochs without improvement before stopping."),
        SchemaKey(
            "min_delta", .number(.atLeast(0)), default: .number(EarlyStoppingConfig().minDelta),
            "Smallest decrease of validation loss that counts as improvement."),
        SchemaKey(
            "restore_best", .boolean, default: .bool(EarlyStoppingConfig().restoreBest),
            "Restore the weights of the best epoch at the end."),
    ]

    static let regularizationKeys: [SchemaKey] = [
        SchemaKey(
            "l1", .number(.atLeast(0)), default: .described("none"), "L1 strength (REG-L1-RANGE)."),
        SchemaKey(
            "l2", .number(.atLeast(0)), default: .described("none"), "L2 strength (REG-L2-RANGE)."),
        SchemaKey(
            "max_norm", .number(.above(0)), default: .described("none"),
            "Max-norm constraint on each unit's incoming weights (OVERFIT-RECIPE-MLP)."),
    ]

    static let clippingKeys: [SchemaKey] = [
        SchemaKey(
            "clipnorm", .number(.above(0)), default: .described("none"),
            "Rescale each parameter tensor's gradient to this norm at most."),
        SchemaKey(
            "global_clipnorm", .number(.above(0)), default: .described("none"),
            "Rescale all gradients together to this global norm at most."),
        SchemaKey(
            "clipvalue", .number(.above(0)), default: .described("none"),
            "Clamp each gradient element to [-value, value]."),
    ]

    static let losses: [SchemaVariant] = [
        SchemaVariant("cross_entropy", "Softmax cross-entropy from logits (multiclass)."),
        SchemaVariant("binary_cross_entropy", "Binary cross-entropy from one logit."),
        SchemaVariant("mse", "Mean squared error."),
        SchemaVariant("mae", "Mean absolute error."),
        SchemaVariant(
            "huber", "Huber loss: squared below `delta`, linear above (robust to outliers).",
            parameters: [
                SchemaKey("delta", .number(.above(0)), default: .number(1.0), "Threshold.")
            ]),
    ]

    private static let epsilonDoc = "Added to the denominator for numerical stability."

    static let optimizers: [SchemaVariant] = [
        SchemaVariant(
            "sgd",
            "Stochastic gradient descent, optionally with (Nesterov) momentum (OPT-MOMENTUM).",
            parameters: [
                SchemaKey(
                    "momentum", .number(.fraction()), default: .number(0), "Momentum; 0.9 is usual."
                ),
                SchemaKey(
                    "nesterov", .boolean, default: .bool(false),
                    "Nesterov momentum (needs momentum > 0)."),
            ]),
        SchemaVariant("adam", "Adam (OPT-DEFAULT).", parameters: adamParameters),
        SchemaVariant(
            "adamw", "Adam with decoupled weight decay (`training.weight_decay`).",
            parameters: adamParameters),
        SchemaVariant(
            "rmsprop", "RMSprop.",
            parameters: [
                SchemaKey(
                    "alpha", .number(.fraction()), default: .number(0.99), "Smoothing constant."),
                SchemaKey("epsilon", .number(.above(0)), default: .number(1e-8), epsilonDoc),
                SchemaKey("momentum", .number(.fraction()), default: .number(0), "Momentum."),
            ]),
        SchemaVariant(
            "adagrad", "Adagrad.",
            parameters: [
                SchemaKey("epsilon", .number(.above(0)), default: .number(1e-10), epsilonDoc),
                SchemaKey(
                    "initial_accumulator", .number(.atLeast(0)), default: .number(0),
                    "Starting value of the squared-gradient sum."),
            ]),
    ]

    private static let adamParameters: [SchemaKey] = [
        SchemaKey(
            "beta1", .number(.fraction()), default: .number(0.9), "Decay of the first moment."),
        SchemaKey(
            "beta2", .number(.fraction()), default: .number(0.999), "Decay of the second moment."),
        SchemaKey("epsilon", .number(.above(0)), default: .number(1e-8), epsilonDoc),
    ]

    private static let warmup = SchemaKey(
        "warmup_epochs", .integer(epochBounds(from: 0)), default: .int(0),
        "Epochs of linear warmup from 0 to the base rate first.")

    static let schedules: [SchemaVariant] = [
        SchemaVariant("constant", "The base rate throughout.", parameters: [warmup]),
        SchemaVariant(
            "step", "Multiply the rate by `gamma` every `step_size` epochs.",
            parameters: [
                SchemaKey(
                    "step_size", .integer(epochBounds(from: 1)), default: .int(10),
                    "Epochs between steps."),
                SchemaKey(
                    "gamma", .number(Bounds(minimum: 0, minimumIsExclusive: true, maximum: 1)),
                    default: .number(0.1), "Factor per step."),
                warmup,
            ]),
        SchemaVariant(
            "exponential", "Multiply the rate by `gamma` every epoch.",
            parameters: [
                SchemaKey(
                    "gamma", .number(Bounds(minimum: 0, minimumIsExclusive: true, maximum: 1)),
                    default: .number(0.95), "Factor per epoch."),
                warmup,
            ]),
        SchemaVariant(
            "cosine", "Cosine annealing to `min_rate` over the run.",
            parameters: [
                SchemaKey("min_rate", .number(.atLeast(0)), default: .number(0), "The final rate."),
                warmup,
            ]),
        SchemaVariant(
            "plateau", "Multiply the rate by `factor` when validation loss stops improving.",
            parameters: [
                SchemaKey(
                    "factor",
                    .number(
                        Bounds(
                            minimum: 0, minimumIsExclusive: true, maximum: 1,
                            maximumIsExclusive: true)), default: .number(0.1),
                    "Factor per reduction."),
                SchemaKey(
                    "patience", .integer(epochBounds(from: 0)), default: .int(10),
                    "Epochs without improvement first."),
                SchemaKey(
                    "min_delta", .number(.atLeast(0)), default: .number(1e-4),
                    "Smallest improvement that counts."),
                warmup,
            ]),
        SchemaVariant(
            "one_cycle",
            "One cycle (Smith): up to `max_rate` for `pct_start` of the run, then down.",
            parameters: [
                SchemaKey(
                    required: "max_rate", .number(.above(0)), "The peak rate.", example: "0.01"),
                SchemaKey(
                    "pct_start",
                    .number(
                        Bounds(
                            minimum: 0, minimumIsExclusive: true, maximum: 1,
                            maximumIsExclusive: true)), default: .number(0.3),
                    "Fraction of the run spent rising."),
                warmup,
            ]),
    ]

    // MARK: - advisor

    /// Built from `AdvisorSettings.thresholds`, the one list of proposed thresholds.
    static let advisorKeys: [SchemaKey] = AdvisorSettings.thresholds.map { threshold in
        let bounds = Bounds(
            minimum: threshold.minimum, minimumIsExclusive: threshold.minimumIsExclusive,
            maximum: threshold.maximum)
        let doc = "\(threshold.ruleID): \(threshold.doc)"
        switch threshold.property {
        case .integer:
            return SchemaKey(
                threshold.key, .integer(bounds), default: .int(Int(threshold.defaultValue)), doc)
        case .number:
            return SchemaKey(
                threshold.key, .number(bounds), default: .number(threshold.defaultValue), doc)
        }
    }

    static let auto = SchemaType.keyword("auto", doc: "Let the advisor decide.")

    // MARK: - Lookup

    /// The key at a dotted path (`training.early_stopping.patience`), through mapping types.
    public static func key(at path: String) -> SchemaKey? {
        var keys = rootKeys
        var found: SchemaKey?
        for name in path.split(separator: ".") {
            guard let key = keys.first(where: { $0.name == name }) else { return nil }
            found = key
            keys = key.type.alternatives.flatMap { type -> [SchemaKey] in
                if case .object(let children) = type { return children }
                return []
            }
        }
        return found
    }

    /// What a starter spec writes for the key at `path`: `auto` where the key takes it, else
    /// its default as YAML (`0.15`, `true`, `[]`); nil for an unknown key or a default that
    /// depends on the spec.
    public static func starterValue(at path: String) -> String? {
        guard let key = key(at: path) else { return nil }
        if key.type.alternatives.contains(where: {
            if case .keyword("auto", _) = $0 { return true }
            return false
        }) {
            return "auto"
        }
        guard case .value(let value) = key.defaultValue else { return nil }
        func yaml(_ value: JSONValue) -> String? {
            switch value {
            case .bool(let flag): return flag ? "true" : "false"
            case .int(let number): return String(number)
            case .number(let number): return Bounds.format(number)
            case .array(let items):
                let parts = items.compactMap(yaml)
                return parts.count == items.count ? "[" + parts.joined(separator: ", ") + "]" : nil
            case .string, .null, .object: return nil
            }
        }
        return yaml(value)
    }

    /// The sections (dotted paths) that hold a key of this name, for "belongs in" hints.
    static func sections(holding key: String) -> [String] {
        var found: [String] = []
        func walk(_ keys: [SchemaKey], path: String) {
            for schemaKey in keys {
                let childPath = path.isEmpty ? schemaKey.name : "\(path).\(schemaKey.name)"
                if schemaKey.name == key { found.append(path) }
                for case .object(let children) in schemaKey.type.alternatives {
                    walk(children, path: childPath)
                }
            }
        }
        walk(rootKeys, path: "")
        return found
    }
}
