import Spec

/// A template's design preferences, as the advisor honours them: weaker than the user's fixed
/// spec values, stronger than the rulebook's defaults.
///
/// Precedence for each choice: the spec's fixed value, else the preference, else the rule.
/// A preference that breaks a rule is kept and warned about (rule ID and reason, attributed to
/// the template: `template wide-shallow: width 16 is not under 2 * Ni = 8 ... [SIZE-BOUNDS]`);
/// the values it decides are annotated `template deep-mlp: at least 3 hidden layers`. An
/// explicit `model.layers` list in the spec is the network as written: preferences are ignored.
/// The Generator module maps a template header (`TemplateDesign`) to this value.
public struct DesignPreferences: Sendable, Equatable {
    /// The template's name (or the path given for it): written as `model.template` in the
    /// complete config and named in annotations and warnings.
    public var source: String
    /// Why this template was chosen (the `model.template` annotation), e.g. "auto: 1 hidden
    /// layer, classification"; nil says "template <source>".
    public var reason: String?
    /// Exactly this many hidden layers (header `hidden_layers`).
    public var hiddenLayers: Int?
    /// At least this many hidden layers (`min_hidden_layers`).
    public var minHiddenLayers: Int?
    /// At most this many hidden layers (`max_hidden_layers`).
    public var maxHiddenLayers: Int?
    /// Multiplies the rule-chosen hidden widths (`width_factor`, > 0).
    public var widthFactor: Double?
    /// Batch normalisation on or off (`batch_norm`).
    public var batchNorm: Bool?
    /// Dropout rate after each hidden layer (`dropout`).
    public var dropout: Double?
    /// Hidden activation (`activation`).
    public var activation: ActivationFunction?
    /// Hidden-layer initialiser (`initializer`).
    public var initializer: Initializer?
    /// ACT-HIDDEN-DEEP's threshold (`swish_from_layers`), unless the spec's `advisor:` sets it.
    public var swishFromLayers: Int?
    /// BN-DEEP's threshold (`batch_norm_from_layers`), unless the spec's `advisor:` sets it.
    public var batchNormFromLayers: Int?

    /// Preferences of the template `source`; every preference defaults to none.
    public init(
        source: String, reason: String? = nil, hiddenLayers: Int? = nil,
        minHiddenLayers: Int? = nil, maxHiddenLayers: Int? = nil, widthFactor: Double? = nil,
        batchNorm: Bool? = nil, dropout: Double? = nil, activation: ActivationFunction? = nil,
        initializer: Initializer? = nil, swishFromLayers: Int? = nil,
        batchNormFromLayers: Int? = nil
    ) {
        self.source = source
        self.reason = reason
        self.hiddenLayers = hiddenLayers
        self.minHiddenLayers = minHiddenLayers
        self.maxHiddenLayers = maxHiddenLayers
        self.widthFactor = widthFactor
        self.batchNorm = batchNorm
        self.dropout = dropout
        self.activation = activation
        self.initializer = initializer
        self.swishFromLayers = swishFromLayers
        self.batchNormFromLayers = batchNormFromLayers
    }

    /// The depth the template asks for given the rules' `depth`, and the words for it; nil
    /// when the template leaves `depth` as it is.
    func depth(from depth: Int) -> (depth: Int, why: String)? {
        if let exact = hiddenLayers {
            return (exact, "\(exact) hidden layer\(exact == 1 ? "" : "s")")
        }
        if let low = minHiddenLayers, depth < low {
            return (low, "at least \(low) hidden layer\(low == 1 ? "" : "s")")
        }
        if let high = maxHiddenLayers, depth > high {
            return (high, "at most \(high) hidden layer\(high == 1 ? "" : "s")")
        }
        return nil
    }

    /// The fewest hidden layers the template allows (the capacity may not drop below it).
    var lowestDepth: Int { hiddenLayers ?? minHiddenLayers ?? 0 }
}

/// `model.template: auto`: which bundled template the advisor names for a design.
///
/// Policy: `deep-mlp` when the design has `deepFromLayers` (3) hidden layers or more (the
/// depth where BN-DEEP turns batch normalisation on, which deep-mlp lays out per
/// BN-PLACEMENT); otherwise `mlp-classifier` for classification and `mlp-regressor` for
/// regression. The pipeline then designs again with the chosen template's preferences.
public enum TemplatePolicy {
    /// The template for classification designs below `deepFromLayers`.
    public static let classifier = "mlp-classifier"
    /// The template for regression designs below `deepFromLayers`.
    public static let regressor = "mlp-regressor"
    /// The template for deep designs, either task.
    public static let deep = "deep-mlp"
    /// Hidden layers from which `deep` is chosen (BN-DEEP's default threshold).
    public static let deepFromLayers = 3

    /// The bundled template for `model.template: auto`.
    /// - Parameters:
    ///   - task: the design's task.
    ///   - hiddenLayers: the design's hidden layers.
    /// - Returns: the template's name and a one-line reason (`auto: ...`).
    public static func automaticTemplate(
        task: TaskKind, hiddenLayers: Int
    )
        -> (name: String, why: String)
    {
        let layers = "\(hiddenLayers) hidden layer\(hiddenLayers == 1 ? "" : "s")"
        if hiddenLayers >= deepFromLayers {
            return (deep, "auto: \(layers), deep (>= \(deepFromLayers)): batch norm per layer")
        }
        switch task {
        case .classification: return (classifier, "auto: \(layers), classification")
        case .regression: return (regressor, "auto: \(layers), regression")
        }
    }
}
