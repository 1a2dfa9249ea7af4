import Spec

// Batch normalisation (rulebook "Regularisation and stability"; notes: "Batch Normalization"):
// where it goes and when a network gets it. REG-BN-REPLACES-DROPOUT and LR-WITH-BATCHNORM sit
// with the dropout and learning-rate rules.

/// BN-PLACEMENT: batch normalisation before the activation for the ReLU family, after it for
/// tanh, sigmoid (and any other activation).
public struct BatchNormPlacementRule: Rule {
    public static let id = "BN-PLACEMENT"
    public static let title = "before ReLU-family activations, after tanh and sigmoid"
    public static let formula = "ReLU family: before; otherwise: after"
    /// The hidden activation.
    public var activation: ActivationFunction

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(activation: ActivationFunction) { self.activation = activation }

    /// Where batch normalisation goes.
    public var placement: BatchNormPlacement {
        activation.isReLUFamily ? .beforeActivation : .afterActivation
    }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("activation", .text(activation.name))], .text(placement.rawValue),
            applies: true,
            why: activation.isReLUFamily
                ? "ReLU outputs are not Gaussian: normalise the pre-activations"
                : "s-shaped activations: normalise their outputs")
    }

    /// BN-PLACEMENT against the batch-norm layer at `index` of a user's layer list: before an
    /// activation only of the ReLU family, after one only of another.
    /// - Parameters:
    ///   - index: the index of the batch-norm layer in `layers`.
    ///   - layers: the user's `model.layers`.
    ///   - keyPath: the key the warning points at (`model.layers[i].batch_norm`).
    public static func check(
        at index: Int, in layers: [LayerConfig], keyPath: String
    )
        -> [AdvisorWarning]
    {
        if index + 1 < layers.count, case .activation(let next) = layers[index + 1],
            !next.isReLUFamily
        {
            return [
                warning(
                    keyPath,
                    "batch norm before \(next.name): for s-shaped activations place it after "
                        + "the activation")
            ]
        }
        if index > 0, case .activation(let previous) = layers[index - 1], previous.isReLUFamily {
            return [
                warning(
                    keyPath,
                    "batch norm after \(previous.name): for the ReLU family place it before "
                        + "the activation")
            ]
        }
        return []
    }
}

/// BN-DEEP: batch normalisation for deep networks (proposed: 3 or more hidden layers,
/// `AdvisorSettings.batchNormFromLayers`).
public struct DeepBatchNormRule: Rule {
    public static let id = "BN-DEEP"
    public static let title = "batch normalisation for deep networks"
    public static let formula = "hidden layers >= 3: batch_norm"
    /// Hidden layers.
    public var layers: Int
    /// The threshold (default 3).
    public var fromLayers: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(layers: Int, fromLayers: Int) {
        self.layers = layers
        self.fromLayers = fromLayers
    }

    /// Whether the network is deep enough.
    public var applies: Bool { layers >= fromLayers }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("layers", .integer(layers)), RuleInput("threshold", .integer(fromLayers))],
            .flag(applies), applies: applies,
            why: applies ? "deep: stabilises training" : "shallow: not needed")
    }
}
