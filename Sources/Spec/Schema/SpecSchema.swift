/// The spec language, version 1, as a tree: the keys of ``SpecKey/all`` in their sections, and
/// the vocabularies their values draw on (tasks, activations, layer kinds, optimizers, ...).
///
/// ``SpecLoader`` validates specs against the tree (filling in parameter defaults),
/// `layerwise schema` turns it into a JSON Schema (``JSONSchemaWriter``) and
/// `layerwise schema --format markdown` into `docs/spec.md` (``SpecReferenceWriter``).
/// Defaults that the model types also carry are read from them.
public enum SpecSchema {
    /// The current (and only) spec language version.
    public static let version = 1

    /// The top-level mapping of a spec, built from the key table (``SpecKey/all``).
    public static let root: SchemaType = .object(rootKeys)

    static let rootKeys = keys(in: "")
    static let dataKeys = keys(in: "data")
    static let splitKeys = keys(in: "data.split")
    static let modelKeys = keys(in: "model")
    static let trainingKeys = keys(in: "training")
    static let tuneKeys = keys(in: "tune")
    static let advisorKeys = keys(in: "advisor")

    /// The keys of `section` (`""` for the top level) as its mapping lists them, each nested
    /// section where its first key is.
    static func keys(in section: String) -> [SchemaKey] {
        var keys: [SchemaKey] = []
        var placed = Set<String>()
        for key in SpecKey.all {
            if key.section == section {
                keys.append(key.schemaKey)
                continue
            }
            guard let child = SpecKey.subsection(of: section, holding: key.section) else {
                continue
            }
            guard placed.insert(child).inserted,
                let declared = SpecSection.all.first(where: { $0.path == child })
            else { continue }
            let name = String(child.split(separator: ".").last ?? "")
            let type = SchemaType.object(Self.keys(in: child))
            keys.append(
                declared.defaultValue.map {
                    SchemaKey(name, type, default: $0, declared.doc, example: declared.example)
                } ?? SchemaKey(required: name, type, declared.doc, example: declared.example))
        }
        return keys
    }

    static let tasks = [
        SchemaChoice(
            "classification", "Predict a class: softmax (or one sigmoid for two classes)."),
        SchemaChoice("regression", "Predict a number: linear output, mean squared error."),
    ]

    static let tuneMetrics = [
        SchemaChoice("loss", "The validation loss (the training loss function)."),
        SchemaChoice("accuracy", "Share of validation rows classified right (classification)."),
        SchemaChoice("macro_f1", "Mean F1 over the classes (classification)."),
        SchemaChoice("r2", "Coefficient of determination R² (regression)."),
        SchemaChoice("rmse", "Root mean squared error, in the target's units (regression)."),
        SchemaChoice("mae", "Mean absolute error, in the target's units (regression)."),
    ]

    static let tuneDirections = [
        SchemaChoice("minimize", "Lower is better."),
        SchemaChoice("maximize", "Higher is better."),
    ]

    static let tuneRangeKeys: [SchemaKey] = [
        SchemaKey(required: "low", .number(.any), "Lowest value."),
        SchemaKey(required: "high", .number(.any), "Highest value."),
        SchemaKey(
            "log", .boolean, default: .described("the key's usual scale"),
            "Sample on a log scale (needs low > 0)."),
    ]

    static let numericEncodings = [
        SchemaChoice("standard", "Standardised by the training mean and deviation."),
        SchemaChoice(
            "piecewise_linear",
            "Standardised, and beside it one column per training-quantile bin: "
                + "clip((x - low) / (high - low), 0, 1) (ENC-NUMERIC-PLE)."),
    ]

    static let targetTransforms = [
        SchemaChoice("none", "The target as it is (standardised)."),
        SchemaChoice(
            "log",
            "Its natural log, standardised; predictions are exp(output) times Duan's smearing "
                + "factor. Needs a positive target."),
    ]

    // MARK: - model

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

    /// `patience: 10, min_delta: 0.0001, restore_best: true`: the defaults, for help text.
    static var earlyStoppingDefaults: String {
        earlyStoppingKeys.compactMap { key in
            guard case .value(let value) = key.defaultValue, let text = yaml(value) else {
                return nil
            }
            return "\(key.name): \(text)"
        }.joined(separator: ", ")
    }

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
            parameters: sgdParameters,
            constraints: [
                .requires(
                    path: ["nesterov"], value: .bool(true), then: ["momentum"], bounds: .above(0))
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

    private static let sgdParameters: [SchemaKey] = [
        SchemaKey(
            "momentum", .number(.fraction()), default: .number(0), "Momentum; 0.9 is usual."
        ),
        SchemaKey(
            "nesterov", .boolean, default: .bool(false),
            "Nesterov momentum (needs momentum > 0)."),
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

    // MARK: - Words

    /// `auto`: the advisor decides.
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
        return yaml(value)
    }

    /// A default as YAML (`0.15`, `true`, `[]`); nil for text and mappings.
    static func yaml(_ value: JSONValue) -> String? {
        switch value {
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .number(let number): return NumberText.spec(number)
        case .array(let items):
            let parts = items.compactMap(yaml)
            return parts.count == items.count ? "[" + parts.joined(separator: ", ") + "]" : nil
        case .string, .null, .object: return nil
        }
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
