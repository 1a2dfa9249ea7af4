import Foundation
import Spec

// Activations, outputs and initialisation (rulebook "Activations and outputs"; notes:
// "Choosing an activation function").

/// ACT-OUTPUT-MULTICLASS: multiclass classification gets a softmax output and categorical
/// cross-entropy.
public struct MulticlassOutputRule: Rule {
    public static let id = "ACT-OUTPUT-MULTICLASS"
    public static let title = "multiclass: softmax output, categorical cross-entropy"
    public static let formula = "classification and No > 1: softmax, cross_entropy"
    /// The task.
    public var task: TaskKind
    /// `No`.
    public var outputs: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(task: TaskKind, outputs: Int) {
        self.task = task
        self.outputs = outputs
    }

    /// Whether the task is multiclass classification.
    public var applies: Bool { task == .classification && outputs > 1 }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [
                RuleInput(SpecKey.task.path, .text(task.rawValue)),
                RuleInput("No", .integer(outputs)),
            ],
            .text("softmax, cross_entropy"), applies: applies,
            why: applies ? "\(outputs) classes" : "not multiclass")
    }
}

/// ACT-OUTPUT-BINARY: binary classification gets one sigmoid output and binary cross-entropy.
public struct BinaryOutputRule: Rule {
    public static let id = "ACT-OUTPUT-BINARY"
    public static let title = "binary: one sigmoid output, binary cross-entropy"
    public static let formula = "classification and No = 1: sigmoid, binary_cross_entropy"
    /// The task.
    public var task: TaskKind
    /// `No`.
    public var outputs: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(task: TaskKind, outputs: Int) {
        self.task = task
        self.outputs = outputs
    }

    /// Whether the task is binary classification.
    public var applies: Bool { task == .classification && outputs == 1 }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [
                RuleInput(SpecKey.task.path, .text(task.rawValue)),
                RuleInput("No", .integer(outputs)),
            ],
            .text("sigmoid, binary_cross_entropy"), applies: applies,
            why: applies ? "two classes: one logit" : "not binary")
    }
}

/// ACT-OUTPUT-REGRESSION: regression gets a linear output and mean squared error (Huber is the
/// option for outliers).
public struct RegressionOutputRule: Rule {
    public static let id = "ACT-OUTPUT-REGRESSION"
    public static let title = "regression: linear output, mean squared error"
    public static let formula = "regression: linear, mse (huber for outliers)"
    /// The task.
    public var task: TaskKind

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(task: TaskKind) { self.task = task }

    /// Whether the task is regression.
    public var applies: Bool { task == .regression }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput(SpecKey.task.path, .text(task.rawValue))], .text("linear, mse"),
            applies: applies,
            why: applies ? "a real-valued target" : "not regression")
    }
}

/// ACT-HIDDEN-DEFAULT: hidden layers start with ReLU (below ACT-HIDDEN-DEEP's depth).
public struct DefaultHiddenActivationRule: Rule {
    public static let id = "ACT-HIDDEN-DEFAULT"
    public static let title = "hidden layers start with ReLU"
    public static let formula = "hidden layers < swish threshold: relu"
    /// Hidden layers.
    public var layers: Int
    /// ACT-HIDDEN-DEEP's threshold (default 6).
    public var swishFromLayers: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(layers: Int, swishFromLayers: Int) {
        self.layers = layers
        self.swishFromLayers = swishFromLayers
    }

    /// Whether ReLU is the choice.
    public var applies: Bool { layers > 0 && layers < swishFromLayers }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [
                RuleInput("layers", .integer(layers)),
                RuleInput("swish from", .integer(swishFromLayers)),
            ],
            .text("relu"), applies: applies,
            why: layers == 0
                ? "no hidden layer" : (applies ? "the default start" : "deep: ACT-HIDDEN-DEEP"))
    }

    /// ACT-HIDDEN-DEFAULT against a fixed hidden activation for `layers` hidden layers:
    /// sigmoid, tanh in a deep network, linear and softmax break it.
    /// - Parameters:
    ///   - activation: the fixed (or a template's) hidden activation.
    ///   - deepFromLayers: the depth from which tanh saturates too (BN-DEEP's threshold,
    ///     `AdvisorSettings.batchNormFromLayers`).
    ///   - keyPath: the key the warning points at (`model.activation`, a layer of
    ///     `model.layers`).
    /// - Returns: none without hidden layers: the activation is unused there.
    public func check(
        _ activation: ActivationFunction, deepFromLayers: Int, keyPath: String
    ) -> [AdvisorWarning] {
        guard layers > 0 else { return [] }
        switch activation {
        case .sigmoid,
            .tanh where layers >= deepFromLayers:
            return [
                Self.warning(
                    keyPath,
                    "\(activation.name) in \(layers) hidden layers: s-shaped units saturate and "
                        + "gradients vanish in deep networks; start with relu")
            ]
        case .linear:
            return [
                Self.warning(
                    keyPath,
                    "linear hidden layers collapse into one linear map: use relu (or no hidden "
                        + "layer)")
            ]
        case .softmax:
            return [
                Self.warning(
                    keyPath, "softmax is an output activation: hidden layers start with relu")
            ]
        default:
            return []
        }
    }
}

/// ACT-HIDDEN-BETTER: if ReLU does not do well enough (dead units, DIAG-DEAD-RELU), Leaky ReLU.
/// Recorded: the diagnostics apply it after training.
public struct BetterHiddenActivationRule: Rule {
    public static let id = "ACT-HIDDEN-BETTER"
    public static let title = "if ReLU does not do well enough: Leaky ReLU"
    public static let formula = "DIAG-DEAD-RELU after training: leaky_relu"

    /// The rule; it has no inputs.
    public init() {}

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [], .text("leaky_relu"), applies: false, why: "after training, on DIAG-DEAD-RELU")
    }
}

/// ACT-HIDDEN-LAST-RESORT: then PReLU, then Maxout. Recorded: applied after training.
public struct LastResortHiddenActivationRule: Rule {
    public static let id = "ACT-HIDDEN-LAST-RESORT"
    public static let title = "then PReLU, then Maxout"
    public static let formula = "Leaky ReLU not enough: prelu, then maxout"

    /// The rule; it has no inputs.
    public init() {}

    public func evaluate() -> RuleEvaluation {
        evaluation([], .text("prelu, maxout"), applies: false, why: "after Leaky ReLU did not help")
    }
}

/// ACT-HIDDEN-DEEP: Swish for really deep networks (proposed: 6 or more hidden layers,
/// `AdvisorSettings.swishFromLayers`).
public struct DeepHiddenActivationRule: Rule {
    public static let id = "ACT-HIDDEN-DEEP"
    public static let title = "Swish for really deep networks"
    public static let formula = "hidden layers >= 6: swish"
    /// Hidden layers.
    public var layers: Int
    /// The threshold (default 6).
    public var swishFromLayers: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(layers: Int, swishFromLayers: Int) {
        self.layers = layers
        self.swishFromLayers = swishFromLayers
    }

    /// Whether the network is deep enough for Swish.
    public var applies: Bool { layers >= swishFromLayers }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [
                RuleInput("layers", .integer(layers)),
                RuleInput("threshold", .integer(swishFromLayers)),
            ],
            .text("swish"), applies: applies,
            why: applies ? "a really deep network" : "not deep enough")
    }
}

/// ACT-RECURRENT: recurrent networks do well with tanh. Recorded only: no sequence models.
public struct RecurrentActivationRule: Rule {
    public static let id = "ACT-RECURRENT"
    public static let title = "recurrent networks do well with tanh"
    public static let formula = "recurrent layers: tanh"

    /// The rule; it has no inputs.
    public init() {}

    public func evaluate() -> RuleEvaluation {
        evaluation([], .text("tanh"), applies: false, why: "no recurrent layers in an MLP")
    }
}

/// INIT-BY-ACTIVATION: the initialiser follows the activation after the layer.
///
/// He (Kaiming) normal for the ReLU family, std `gain / sqrt(fan_in)` with gain `sqrt(2)`, or
/// `sqrt(2 / (1 + a^2))` for a leaky slope a; Glorot (Xavier) uniform for tanh, sigmoid, softmax
/// and linear, bound `sqrt(6 / (fan_in + fan_out))`; LeCun normal for SELU, std
/// `sqrt(1 / fan_in)`.
public struct InitializerRule: Rule {
    public static let id = "INIT-BY-ACTIVATION"
    public static let title = "initialiser by activation"
    public static let formula =
        "ReLU family: He normal std sqrt(2/(1+a^2))/sqrt(fan_in); tanh/sigmoid/softmax/linear: "
        + "Glorot uniform bound sqrt(6/(fan_in+fan_out)); SELU: LeCun normal std sqrt(1/fan_in)"
    /// The activation after the dense layer.
    public var activation: ActivationFunction
    /// Inputs of the dense layer.
    public var fanIn: Int
    /// Outputs of the dense layer.
    public var fanOut: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(activation: ActivationFunction, fanIn: Int, fanOut: Int) {
        self.activation = activation
        self.fanIn = fanIn
        self.fanOut = fanOut
    }

    /// The initialiser the rule picks.
    public var initializer: Initializer { Self.initializer(for: activation) }

    /// The initialiser the rule picks for an activation.
    public static func initializer(for activation: ActivationFunction) -> Initializer {
        if activation == .selu { return .lecunNormal }
        return activation.isReLUFamily ? .heNormal : .glorotUniform
    }

    /// Whether an initialiser is of the family the rule asks for this activation (He normal
    /// or uniform for ReLU, ...).
    public static func suits(_ initializer: Initializer, _ activation: ActivationFunction) -> Bool {
        switch self.initializer(for: activation) {
        case .heNormal, .heUniform: [.heNormal, .heUniform].contains(initializer)
        case .glorotNormal, .glorotUniform: [.glorotNormal, .glorotUniform].contains(initializer)
        case .lecunNormal, .lecunUniform: [.lecunNormal, .lecunUniform].contains(initializer)
        }
    }

    /// INIT-BY-ACTIVATION against a fixed initialiser: it must be of the activation's family.
    /// - Parameters:
    ///   - initializer: the fixed (or a template's) initialiser.
    ///   - activation: the activation after the layer.
    ///   - keyPath: the key the warning points at (`model.initializer`, a dense layer's
    ///     `initializer`).
    public static func check(
        _ initializer: Initializer, activation: ActivationFunction, keyPath: String
    ) -> [AdvisorWarning] {
        guard !suits(initializer, activation) else { return [] }
        return [
            warning(
                keyPath,
                "\(initializer.rawValue) does not suit \(activation.name): use "
                    + "\(self.initializer(for: activation).rawValue)")
        ]
    }

    /// He gain for the activation: `sqrt(2 / (1 + a^2))` with a the negative slope (0 for ReLU).
    public var heGain: Double {
        let slope: Double
        switch activation {
        case .leakyReLU(let a): slope = a
        case .prelu(let a): slope = a
        default: slope = 0
        }
        return (2 / (1 + slope * slope)).squareRoot()
    }

    /// The scale of the initial weights: the normal's std, or the uniform's bound.
    public var scale: Double {
        switch initializer {
        case .heNormal: heGain / Double(fanIn).squareRoot()
        case .heUniform: heGain * (3 / Double(fanIn)).squareRoot()
        case .glorotUniform: (6 / Double(fanIn + fanOut)).squareRoot()
        case .glorotNormal: (2 / Double(fanIn + fanOut)).squareRoot()
        case .lecunNormal: (1 / Double(fanIn)).squareRoot()
        case .lecunUniform: (3 / Double(fanIn)).squareRoot()
        }
    }

    public func evaluate() -> RuleEvaluation {
        let kind = initializer == .glorotUniform ? "bound" : "std"
        return evaluation(
            [
                RuleInput("activation", .text(activation.name)),
                RuleInput("fan_in", .integer(fanIn)),
                RuleInput("fan_out", .integer(fanOut)),
            ], .text("\(initializer.rawValue) (\(kind) \(NumberText.evidence(scale)))"),
            applies: true,
            why: "\(initializer.rawValue) suits \(activation.name)")
    }
}

/// What INIT-LINEAR-RIDGE and INIT-LINEAR-LOGISTIC share: a network without hidden layers of
/// the rule's task is a linear model, and each network of the run starts at that model's fit
/// on its own training rows instead of random weights, then trains on from there. The
/// training session applies them (`LinearStart`); the advisor records whether they will.
public protocol LinearStartRule: Rule {
    /// The task whose linear model the rule fits.
    static var fittedTask: TaskKind { get }
    /// The fit, as the rule's `why` names it ("the ridge fit").
    static var fitName: String { get }
    /// What the rule reads of the design.
    var inputs: LinearStartInputs { get }
    /// The rule on its inputs.
    init(_ inputs: LinearStartInputs)
}

/// What INIT-LINEAR-RIDGE and INIT-LINEAR-LOGISTIC read of a design.
public struct LinearStartInputs: Sendable, Equatable {
    /// The task.
    public var task: TaskKind
    /// Hidden layers of the design.
    public var hiddenLayers: Int
    /// Whether the first layer sees embedding tables (the fit is of the encoded inputs, codes
    /// and all, so there is nothing to start from).
    public var embedded: Bool
    /// Whether the spec turns linear starts off (`model.linear_start: false`).
    public var turnedOff: Bool
}

/// INIT-LINEAR-RIDGE and INIT-LINEAR-LOGISTIC for a design (at most one applies: one per task).
/// - Parameters:
///   - task: regression or classification.
///   - layers: the network's layers, input first.
///   - embedded: whether any input column is embedded (default false).
///   - setting: `model.linear_start` (default nil: `auto`).
public func linearStartRules(
    task: TaskKind, layers: [LayerConfig], embedded: Bool = false, setting: Bool? = nil
) -> [any LinearStartRule] {
    [
        LinearRidgeStartRule(
            task: task, layers: layers, embedded: embedded, turnedOff: setting == false),
        LinearLogisticStartRule(
            task: task, layers: layers, embedded: embedded, turnedOff: setting == false),
    ]
}

/// How each network of a design starts: at, or as, the linear fit of its training rows, or at
/// random. INIT-LINEAR-RIDGE or INIT-LINEAR-LOGISTIC decides for a network without hidden
/// layers, INIT-HIDDEN-LINEAR for one with them. The advisor records the three rules'
/// evaluations, the config's reasons and the training session all read this one value.
public struct LinearStartDecision: Sendable {
    /// INIT-LINEAR-RIDGE and INIT-LINEAR-LOGISTIC on the design.
    public let linearRules: [any LinearStartRule]
    /// INIT-HIDDEN-LINEAR on the design.
    public let hiddenRule: HiddenLinearStartRule

    /// The decision for a design.
    /// - Parameters:
    ///   - task: regression or classification.
    ///   - layers: the network's layers, input first.
    ///   - embedded: whether any input column is embedded.
    ///   - setting: `model.linear_start` (nil: `auto`; `true` starts there where the network
    ///     can carry the fit, as `auto`; `false` never).
    public init(task: TaskKind, layers: [LayerConfig], embedded: Bool, setting: Bool?) {
        linearRules = linearStartRules(
            task: task, layers: layers, embedded: embedded, setting: setting)
        hiddenRule = HiddenLinearStartRule(
            task: task, layers: layers, embedded: embedded, turnedOff: setting == false)
    }

    /// The rule that decides: INIT-HIDDEN-LINEAR with hidden layers, else the linear rule of
    /// the task.
    private var deciding: any Rule {
        if hiddenRule.hiddenLayers == 0,
            let linear = linearRules.first(where: { type(of: $0).fittedTask == hiddenRule.task })
        {
            return linear
        }
        return hiddenRule
    }

    /// The deciding rule's ID.
    public var rule: String { type(of: deciding).id }
    /// Whether the networks start at the fit.
    public var starts: Bool {
        hiddenRule.hiddenLayers > 0 ? hiddenRule.applies : linearRules.contains(where: \.applies)
    }
    /// The deciding rule's reason.
    public var why: String { deciding.evaluate().why }
    /// Why the networks start at random; nil when they start at the fit.
    public var randomReason: String? {
        hiddenRule.hiddenLayers > 0 ? hiddenRule.randomReason : starts ? nil : why
    }
    /// The three rules' evaluations, for the design's record.
    public var evaluations: [RuleEvaluation] {
        linearRules.map { $0.evaluate() } + [hiddenRule.evaluate()]
    }
}

extension LinearStartRule {
    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(task: TaskKind, hiddenLayers: Int, embedded: Bool, turnedOff: Bool = false) {
        self.init(
            LinearStartInputs(
                task: task, hiddenLayers: hiddenLayers, embedded: embedded, turnedOff: turnedOff))
    }

    /// The rule for a network's layers: its hidden layers are its dense layers but the output.
    public init(
        task: TaskKind, layers: [LayerConfig], embedded: Bool = false, turnedOff: Bool = false
    ) {
        let denses = layers.filter { if case .dense = $0 { true } else { false } }.count
        self.init(
            task: task, hiddenLayers: max(0, denses - 1), embedded: embedded,
            turnedOff: turnedOff)
    }

    /// The task.
    public var task: TaskKind { inputs.task }
    /// Hidden layers of the design.
    public var hiddenLayers: Int { inputs.hiddenLayers }
    /// Whether any input column is embedded.
    public var embedded: Bool { inputs.embedded }
    /// Whether `model.linear_start` is `false`.
    public var turnedOff: Bool { inputs.turnedOff }

    /// Whether the networks start at the fit.
    public var applies: Bool {
        task == Self.fittedTask && hiddenLayers == 0 && !embedded && !turnedOff
    }

    public func evaluate() -> RuleEvaluation {
        let why: String
        if applies {
            why =
                "\(task.rawValue) without hidden layers: each network starts at "
                + "\(Self.fitName) of its training rows"
        } else if task != Self.fittedTask {
            why = "\(task.rawValue): not \(Self.fitName) (\(Self.fittedTask.rawValue) only)"
        } else if hiddenLayers > 0 {
            why = "hidden layers: INIT-HIDDEN-LINEAR decides the start"
        } else if embedded {
            why = "embedded inputs: random initial weights (the fit sees their codes)"
        } else {
            why = "model.linear_start: false: random initial weights (INIT-BY-ACTIVATION)"
        }
        return evaluation(
            [RuleInput("task", .text(task.rawValue)), RuleInput("hidden", .integer(hiddenLayers))],
            .flag(applies), applies: applies, why: why)
    }
}

/// INIT-LINEAR-RIDGE (calibrated): a regression network without hidden layers starts at the
/// ridge fit of its own training rows (penalty 0.01 x rows, the probes' model).
public struct LinearRidgeStartRule: LinearStartRule {
    public static let id = "INIT-LINEAR-RIDGE"
    public static let title = "a linear regression starts at its ridge fit"
    public static let formula =
        "w0 = argmin |Xw + b - y|^2 + 0.01 n |w|^2 on the network's training rows"
    public static let fittedTask = TaskKind.regression
    public static let fitName = "the ridge fit"
    public let inputs: LinearStartInputs

    public init(_ inputs: LinearStartInputs) { self.inputs = inputs }
}

/// INIT-LINEAR-LOGISTIC (calibrated): a classification network without hidden layers starts at
/// the penalised logistic fit of its own training rows (scikit-learn's default
/// `LogisticRegression`, C = 1).
public struct LinearLogisticStartRule: LinearStartRule {
    public static let id = "INIT-LINEAR-LOGISTIC"
    public static let title = "a linear classifier starts at its logistic regression fit"
    public static let formula =
        "W0 = argmin sum_i log-loss_i + |W|^2 / 2 on the network's training rows"
    public static let fittedTask = TaskKind.classification
    public static let fitName = "the logistic regression fit"
    public let inputs: LinearStartInputs

    public init(_ inputs: LinearStartInputs) { self.inputs = inputs }
}

/// INIT-HIDDEN-LINEAR (calibrated): a network with hidden layers starts as the linear model
/// INIT-LINEAR-RIDGE or INIT-LINEAR-LOGISTIC fits, carried through each hidden layer by two
/// rectifier units per output (`f(z) - f(-z) = (1 + a) z` for a rectifier of slope `a`), with
/// the other units' output weights a tenth of their random draw: the hidden units then add what
/// the linear model misses, and restoring the best epoch keeps the linear part when they add
/// nothing the validation rows confirm.
public struct HiddenLinearStartRule: Rule {
    public static let id = "INIT-HIDDEN-LINEAR"
    public static let title = "a network with hidden layers starts as its linear fit"
    public static let formula =
        "first hidden units 2k, 2k+1 = f(+-(w_k x + b_k)), passed on by each hidden layer; "
        + "output k = (u_2k - u_2k+1) / (1 + a) + 0.1 x the random draw's other weights"
    /// The share of their random draw the other hidden units' output weights keep.
    public static let remainderScale: Float = 0.1
    /// The task: its linear model is the ridge fit or the logistic regression fit.
    public var task: TaskKind
    /// Hidden layers of the design.
    public var hiddenLayers: Int
    /// The hidden layers' activations, in order.
    public var activations: [ActivationFunction]
    /// The narrowest hidden layer.
    public var narrowestWidth: Int
    /// Output units: one linear model each.
    public var outputs: Int
    /// Whether a batch norm rescales the units (the carried values would change; a max-norm
    /// constraint does not: the carrying units' weights are scaled into it and read back
    /// larger).
    public var rescaled: Bool
    /// Whether the first layer sees embedding tables (the fit is of the encoded inputs only).
    public var embedded: Bool
    /// Whether the spec turns linear starts off (`model.linear_start: false`).
    public var turnedOff: Bool

    /// The rule on a network's layers: its hidden layers are its dense layers but the output.
    /// - Parameters:
    ///   - task: regression or classification.
    ///   - layers: the network's layers, input first.
    ///   - embedded: whether any input column is embedded (default false).
    ///   - turnedOff: whether `model.linear_start` is `false` (default false).
    public init(
        task: TaskKind, layers: [LayerConfig], embedded: Bool = false, turnedOff: Bool = false
    ) {
        var widths: [Int] = []
        var activations: [ActivationFunction] = []
        var rescaled = false
        for layer in layers {
            switch layer {
            case .dense(let dense): widths.append(dense.units)
            case .activation(let activation): activations.append(activation)
            case .batchNorm: rescaled = true
            case .dropout: break
            }
        }
        self.task = task
        hiddenLayers = max(0, widths.count - 1)
        self.activations = Array(activations.prefix(hiddenLayers))
        narrowestWidth = widths.dropLast().min() ?? 0
        outputs = widths.last ?? 0
        self.rescaled = rescaled
        self.embedded = embedded
        self.turnedOff = turnedOff
    }

    /// The negative slope of a rectifier that carries a value in two units; nil for any other
    /// activation.
    public static func rectifierSlope(_ activation: ActivationFunction) -> Double? {
        switch activation {
        case .relu: 0
        case .leakyReLU(let slope): slope
        case .prelu(let slope): slope
        default: nil
        }
    }

    /// The fit the network starts as.
    public var fitName: String {
        task == .regression ? LinearRidgeStartRule.fitName : LinearLogisticStartRule.fitName
    }

    /// Why the networks start at random; nil when they start as the fit.
    public var randomReason: String? {
        if hiddenLayers == 0 { return "no hidden layer: INIT-LINEAR-RIDGE or INIT-LINEAR-LOGISTIC" }
        if turnedOff { return "model.linear_start: false" }
        if activations.count < hiddenLayers
            || !activations.allSatisfy({ Self.rectifierSlope($0) != nil })
        {
            return "the hidden activations are not all rectifiers (relu, leaky_relu, prelu)"
        }
        if rescaled { return "batch norm rescales the units that would carry it" }
        if narrowestWidth < 2 * outputs {
            return "a hidden layer narrower than 2 units per output (\(2 * outputs))"
        }
        if embedded { return "embedded inputs: the fit sees their codes, the network their tables" }
        return nil
    }

    /// Whether the networks start as the fit.
    public var applies: Bool { randomReason == nil }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [
                RuleInput("task", .text(task.rawValue)),
                RuleInput("hidden", .integer(hiddenLayers)),
                RuleInput("activation", .text(activations.first?.name ?? "none")),
                RuleInput("narrowest", .integer(narrowestWidth)),
                RuleInput("outputs", .integer(outputs)),
            ], .flag(applies), applies: applies,
            why: randomReason.map { "random start: \($0)" }
                ?? "each network starts as \(fitName) of its training rows, carried by 2 units "
                + "per output in each hidden layer; the others' output weights x "
                + NumberText.evidence(Double(Self.remainderScale)))
    }
}
