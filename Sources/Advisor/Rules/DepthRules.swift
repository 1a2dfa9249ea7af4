import Spec

// Sizing: number of hidden layers (rulebook "Sizing: number of hidden layers"; notes: "How to
// configure layers and neurons", "Wide vs Deep Models").

/// DEPTH-LINEAR: linearly separable data needs no hidden layer.
///
/// Classification: separable when the linear probe's training accuracy is 100%. Regression
/// (calibrated): when a ridge model cross-validated on the training split scores within
/// `margin` (0, `AdvisorSettings.linearR2Margin`) of the same model with 128 random ReLU
/// features of the inputs beside them, or above it: what a hidden layer could add, it does not.
/// Unknown probe: not applied.
public struct LinearDepthRule: Rule {
    public static let id = "DEPTH-LINEAR"
    public static let title = "linearly separable data: no hidden layer"
    public static let formula =
        "classification: linear training accuracy = 100%; regression: "
        + "R2_ridge_cv >= R2_random_features_cv - margin"
    /// The task.
    public var task: TaskKind
    /// The probe's results.
    public var probe: LinearProbeSummary
    /// The R² margin for regression.
    public var margin: Double

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(task: TaskKind, probe: LinearProbeSummary, margin: Double) {
        self.task = task
        self.probe = probe
        self.margin = margin
    }

    /// Whether the data counts as linear; nil when the probe does not say.
    public var isLinear: Bool? {
        switch task {
        case .classification:
            if probe.separable { return true }
            return probe.trainingAccuracy.map { $0 >= 1.0 }
        case .regression:
            guard let linear = probe.linearR2, let nonlinear = probe.nonlinearR2 else {
                return nil
            }
            // A hair of tolerance so that exactly `margin` apart counts as within.
            return linear >= nonlinear - margin - 1e-12
        }
    }

    public func evaluate() -> RuleEvaluation {
        var inputs: [RuleInput] = []
        switch task {
        case .classification:
            inputs.append(
                RuleInput(
                    "train_acc", probe.trainingAccuracy.map { .number($0) } ?? .text("unknown")))
            inputs.append(RuleInput("separable", .flag(probe.separable)))
        case .regression:
            inputs.append(
                RuleInput("R2_ridge_cv", probe.linearR2.map { .number($0) } ?? .text("unknown")))
            inputs.append(
                RuleInput(
                    "R2_random_features_cv",
                    probe.nonlinearR2.map { .number($0) } ?? .text("unknown")))
            inputs.append(RuleInput("margin", .number(margin)))
        }
        let linear = isLinear
        let why: String
        switch linear {
        case .some(true):
            why =
                task == .classification
                ? "the training split is linearly separable: no hidden layer"
                : "random ReLU features add nothing to a cross-validated linear model: "
                    + "no hidden layer"
        case .some(false):
            why =
                task == .classification
                ? "not linearly separable: hidden layers needed"
                : "random ReLU features lift a cross-validated linear model by more than the "
                    + "margin: hidden layers needed"
        case .none:
            why = "the probe does not tell (not measured): hidden layers by DEPTH-LOW/HIGH"
        }
        return evaluation(
            inputs, linear.map { .flag($0) } ?? .text("unknown"), applies: linear == true, why: why)
    }

    /// DEPTH-LINEAR against a fixed depth: hidden layers on linear data, or none on data that
    /// is not linear (an unknown probe checks nothing).
    /// - Parameters:
    ///   - layers: the fixed number of hidden layers.
    ///   - keyPath: the key the warning points at (`model.hidden_layers`, `model.layers`).
    public func check(layers: Int, keyPath: String) -> [AdvisorWarning] {
        if isLinear == true && layers > 0 {
            return [
                Self.warning(
                    keyPath,
                    "\(layers) hidden layer\(layers == 1 ? "" : "s") on linearly separable data: "
                        + "a linear model (no hidden layer) suffices and generalises better")
            ]
        }
        if isLinear == false && layers == 0 {
            return [
                Self.warning(
                    keyPath,
                    "no hidden layer, but the data is not linearly separable: the network may "
                        + "underfit")
            ]
        }
        return []
    }
}

/// DEPTH-NO-SIGNAL: when a cross-validated linear model barely beats predicting without the
/// inputs (the majority class, or the mean), and so does the same model with DEPTH-LINEAR's
/// random ReLU features beside the inputs, the data holds too little signal for hidden layers
/// to learn beyond noise: no hidden layer. The scores are ENC-NUMERIC-PLE's ridge probe on the
/// training split (5 folds), for the encoding used; the minimum lift is
/// `AdvisorSettings.signalMinimumLift` (proposed 0.05). The random features keep signal that
/// is all interaction (XOR, a product of two columns) from counting as none. Unknown scores:
/// not applied.
public struct SignalDepthRule: Rule {
    public static let id = "DEPTH-NO-SIGNAL"
    public static let title = "too little signal for hidden layers: a linear model"
    public static let formula =
        "max(score_linear_cv, score_features_cv) - score_trivial < minimum lift -> no hidden layer"
    /// The ridge model's cross-validated score (accuracy or R²); nil when not measured.
    public var linearScore: Double?
    /// The same with the random ReLU features beside the inputs; nil when not measured.
    public var featuresScore: Double?
    /// The score without the inputs: the majority class's share, or 0 (R²).
    public var trivialScore: Double?
    /// The lift below which the data counts as signal-free.
    public var minimumLift: Double

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(
        linearScore: Double?, featuresScore: Double? = nil, trivialScore: Double?,
        minimumLift: Double
    ) {
        self.linearScore = linearScore
        self.featuresScore = featuresScore
        self.trivialScore = trivialScore
        self.minimumLift = minimumLift
    }

    /// The rule on ENC-NUMERIC-PLE's probe scores for the encoding used (nil: not measured).
    public init(encoding: NumericEncodingChoice?, minimumLift: Double) {
        self.init(
            linearScore: encoding?.linearScore, featuresScore: encoding?.nonlinearScore,
            trivialScore: encoding?.trivialScore, minimumLift: minimumLift)
    }

    /// The better model's lift over the trivial prediction; nil when unknown.
    public var lift: Double? {
        guard let linearScore, let trivialScore else { return nil }
        return max(linearScore, featuresScore ?? -.infinity) - trivialScore
    }

    /// Whether the data counts as signal-free; nil when the probe does not say.
    public var isWeak: Bool? { lift.map { $0 < minimumLift } }

    public func evaluate() -> RuleEvaluation {
        let inputs = [
            RuleInput("score_linear_cv", linearScore.map { .number($0) } ?? .text("unknown")),
            RuleInput(
                "score_features_cv", featuresScore.map { .number($0) } ?? .text("not measured")),
            RuleInput("score_trivial", trivialScore.map { .number($0) } ?? .text("unknown")),
            RuleInput("minimum_lift", .number(minimumLift)),
        ]
        let model =
            featuresScore == nil
            ? "a linear model" : "a linear model, with random ReLU features or without,"
        let why: String
        switch isWeak {
        case .some(true):
            why =
                "\(model) lifts the score only \(NumberText.evidence(lift ?? 0)) above "
                + "predicting without the inputs: no hidden layer"
        case .some(false):
            let byFeatures = (featuresScore ?? -.infinity) > (linearScore ?? 0)
            why =
                (byFeatures ? "with random ReLU features, " : "")
                + "the linear model lifts the score \(NumberText.evidence(lift ?? 0)): signal"
        case .none:
            why = "not measured (the probe did not run)"
        }
        return evaluation(
            inputs, lift.map { .number($0) } ?? .text("unknown"), applies: isWeak == true,
            why: why)
    }
}

/// DEPTH-LOW: fewer dimensions (proposed: `Ni <= 32`, `AdvisorSettings.depthHighInputs`):
/// 1 to 2 hidden layers.
///
/// The advisor takes 2 only when the data affords two tapered layers even at the conservative
/// capacity (alpha 10): `Ns / (10 * (Ni + No)) >= Nh[0] + Nh[1]`; otherwise 1.
public struct LowDepthRule: Rule {
    public static let id = "DEPTH-LOW"
    public static let title = "fewer dimensions: 1 to 2 hidden layers"
    public static let formula =
        "Ni <= threshold: 2 layers if Ns / (10 * (Ni + No)) >= Nh[0] + Nh[1], else 1"
    /// `Ni`.
    public var inputs: Int
    /// The threshold (default 32).
    public var threshold: Int
    /// SIZE-CAPACITY's total at alpha 10.
    public var conservativeCapacity: Double
    /// The total width of two tapered layers.
    public var twoLayerWidth: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(inputs: Int, threshold: Int, conservativeCapacity: Double, twoLayerWidth: Int) {
        self.inputs = inputs
        self.threshold = threshold
        self.conservativeCapacity = conservativeCapacity
        self.twoLayerWidth = twoLayerWidth
    }

    /// Whether the data has few dimensions.
    public var applies: Bool { inputs <= threshold }
    /// The number of hidden layers this rule gives (1 or 2).
    public var layers: Int { conservativeCapacity >= Double(twoLayerWidth) ? 2 : 1 }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [
                RuleInput("Ni", .integer(inputs)), RuleInput("threshold", .integer(threshold)),
                RuleInput("cap@10", .number(conservativeCapacity)),
                RuleInput("Nh[0]+Nh[1]", .integer(twoLayerWidth)),
            ], .integer(layers), applies: applies,
            why: applies
                ? (layers == 2
                    ? "few inputs; the data affords two layers even at alpha 10"
                    : "few inputs; too few rows for a second layer at alpha 10")
                : "Ni above the threshold: DEPTH-HIGH")
    }

    /// DEPTH-LOW against a fixed depth: few inputs need at most 2 hidden layers.
    /// - Parameters:
    ///   - layers: the fixed number of hidden layers.
    ///   - keyPath: the key the warning points at (`model.hidden_layers`, `model.layers`).
    public func check(layers: Int, keyPath: String) -> [AdvisorWarning] {
        guard applies && layers > 2 else { return [] }
        return [
            Self.warning(
                keyPath,
                "\(layers) hidden layers on \(inputs) inputs: few dimensions need 1 to 2 hidden "
                    + "layers (Ni <= \(threshold))")
        ]
    }
}

/// DEPTH-HIGH: many dimensions (proposed: `Ni > 32`): 3 hidden layers up to 128 inputs, 4 up
/// to 512, 5 beyond (`AdvisorSettings.depthThreeLayersUpTo`, `depthFourLayersUpTo`).
public struct HighDepthRule: Rule {
    public static let id = "DEPTH-HIGH"
    public static let title = "many dimensions: 3 to 5 hidden layers"
    public static let formula = "Ni > 32: 3 layers if Ni <= 128, 4 if Ni <= 512, else 5"
    /// `Ni`.
    public var inputs: Int
    /// Inputs above this are "many" (default 32).
    public var threshold: Int
    /// 3 layers up to this (default 128).
    public var threeUpTo: Int
    /// 4 layers up to this (default 512).
    public var fourUpTo: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(inputs: Int, threshold: Int, threeUpTo: Int, fourUpTo: Int) {
        self.inputs = inputs
        self.threshold = threshold
        self.threeUpTo = threeUpTo
        self.fourUpTo = fourUpTo
    }

    /// Whether the data has many dimensions.
    public var applies: Bool { inputs > threshold }
    /// The number of hidden layers this rule gives.
    public var layers: Int { inputs <= threeUpTo ? 3 : (inputs <= fourUpTo ? 4 : 5) }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [
                RuleInput("Ni", .integer(inputs)), RuleInput("threshold", .integer(threshold)),
                RuleInput("3 up to", .integer(threeUpTo)), RuleInput("4 up to", .integer(fourUpTo)),
            ], .integer(layers), applies: applies,
            why: applies ? "many inputs" : "Ni at or below the threshold: DEPTH-LOW")
    }

    /// DEPTH-HIGH against a fixed depth: many inputs need at most 5 hidden layers.
    /// - Parameters:
    ///   - layers: the fixed number of hidden layers.
    ///   - keyPath: the key the warning points at (`model.hidden_layers`, `model.layers`).
    public func check(layers: Int, keyPath: String) -> [AdvisorWarning] {
        guard applies && layers > 5 else { return [] }
        return [
            Self.warning(
                keyPath, "\(layers) hidden layers: many dimensions need 3 to 5 hidden layers")
        ]
    }
}

/// DEPTH-WIDE-VS-DEEP: very wide shallow networks memorise; prefer adding a layer to widening
/// past SIZE-BOUNDS.
///
/// Applies when the median width reaches `2 * Ni` while SIZE-BOUNDS can hold (`No < 2 * Ni`):
/// then the width is cut and a second layer added if the capacity affords it. (With the three
/// width rules this cannot happen: their median is at most `(Ni + No) / 2 < 1.5 * Ni`; the rule
/// matters for a user's widths, which get its advice in the SIZE-BOUNDS warning.) When
/// `No >= 2 * Ni` the output itself is past the bound and another layer would not help.
public struct WideVersusDeepRule: Rule {
    public static let id = "DEPTH-WIDE-VS-DEEP"
    public static let title = "prefer adding a layer to widening past SIZE-BOUNDS"
    public static let formula =
        "Nh_median >= 2 * Ni > No and capacity >= Nh[0] + Nh[1]: cut the width, add a layer"
    /// The median width before clamping.
    public var desiredWidth: Int
    /// `Ni`.
    public var inputs: Int
    /// `No`.
    public var outputs: Int
    /// SIZE-CAPACITY's total (units).
    public var capacity: Int
    /// The total width of two tapered layers.
    public var twoLayerWidth: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(desiredWidth: Int, inputs: Int, outputs: Int, capacity: Int, twoLayerWidth: Int) {
        self.desiredWidth = desiredWidth
        self.inputs = inputs
        self.outputs = outputs
        self.capacity = capacity
        self.twoLayerWidth = twoLayerWidth
    }

    /// Whether the width wanted to pass SIZE-BOUNDS and was cut.
    public var widthCut: Bool { desiredWidth >= 2 * inputs && outputs < 2 * inputs }
    /// Whether to add a layer instead of widening.
    public var addsLayer: Bool { widthCut && capacity >= twoLayerWidth }

    public func evaluate() -> RuleEvaluation {
        let why: String
        if widthCut {
            why =
                addsLayer
                ? "width cut by SIZE-BOUNDS: a second layer instead"
                : "width cut by SIZE-BOUNDS; capacity too small for another layer"
        } else if outputs >= 2 * inputs {
            why = "No >= 2 * Ni: the output is past the bound; another layer would not help"
        } else {
            why = "the width stays under 2 * Ni"
        }
        return evaluation(
            [
                RuleInput("Nh_median", .integer(desiredWidth)),
                RuleInput("2*Ni", .integer(2 * inputs)),
                RuleInput("No", .integer(outputs)), RuleInput("capacity", .integer(capacity)),
                RuleInput("Nh[0]+Nh[1]", .integer(twoLayerWidth)),
            ], .flag(addsLayer), applies: widthCut, why: why)
    }
}
