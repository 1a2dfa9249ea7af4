import Spec

// Learning rate and optimizer (rulebook "Learning rate and optimizer"; notes: "Learning Rate",
// "Optimzation Algos", "Batch Normalization", "Summary of hyperparameter tuning").

/// LR-RANGE-TEST: when the spec says `auto`, the learning rate is picked by a range test
/// before training (sweep 1e-7..10 over 100 steps, EMA-smoothed loss, fastai's `valley`).
public struct RangeTestRule: Rule {
    public static let id = "LR-RANGE-TEST"
    public static let title = "pick the learning rate with a range test when auto"
    public static let formula = "lr_k = 1e-7 * (10/1e-7)^(k/99), k = 0..99; choose the valley"
    /// Whether the spec leaves the learning rate `auto`.
    public var isAuto: Bool

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(isAuto: Bool) { self.isAuto = isAuto }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("learning_rate", .text(isAuto ? "auto" : "fixed"))],
            .text(isAuto ? "auto (range test before training)" : "as set"), applies: isAuto,
            why: isAuto ? "the range test resolves it before training" : "set in spec")
    }
}

/// LR-WITH-BATCHNORM: batch normalisation allows a larger learning rate: the range test runs
/// on the normalised network.
public struct BatchNormLearningRateRule: Rule {
    public static let id = "LR-WITH-BATCHNORM"
    public static let title = "batch normalisation allows a larger learning rate"
    public static let formula = "batch_norm: range test on the normalised network"
    /// Whether the network has batch normalisation.
    public var batchNorm: Bool

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(batchNorm: Bool) { self.batchNorm = batchNorm }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("batch_norm", .flag(batchNorm))], .flag(batchNorm), applies: batchNorm,
            why: batchNorm ? "the range test sees the normalised network" : "no batch normalisation"
        )
    }
}

/// LR-BATCH-COUPLING: when the batch size grows, re-check the learning rate; lowering the rate
/// while raising epochs or batch size is often a good combination. Applies when the user fixed
/// the rate (an auto rate is measured with the chosen batch).
public struct BatchCouplingRule: Rule {
    public static let id = "LR-BATCH-COUPLING"
    public static let title = "re-check the learning rate when the batch size changes"
    public static let formula = "batch size changed: re-run the range test"
    /// Whether the user fixed the learning rate.
    public var learningRateFixed: Bool
    /// The chosen batch size.
    public var batchSize: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(learningRateFixed: Bool, batchSize: Int) {
        self.learningRateFixed = learningRateFixed
        self.batchSize = batchSize
    }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("lr fixed", .flag(learningRateFixed)), RuleInput("B", .integer(batchSize))],
            .text(
                learningRateFixed
                    ? "re-check the fixed rate at B=\(batchSize)" : "measured at B=\(batchSize)"),
            applies: learningRateFixed,
            why: learningRateFixed
                ? "a fixed rate was not measured with this batch size"
                : "the range test runs with the chosen batch size")
    }
}

/// OPT-DEFAULT: Adam (lr 1e-3, betas 0.9 / 0.999, eps 1e-8) unless the spec names another.
public struct DefaultOptimizerRule: Rule {
    public static let id = "OPT-DEFAULT"
    public static let title = "Adam unless the spec names another"
    public static let formula = "adam(beta1 0.9, beta2 0.999, eps 1e-8), lr 1e-3"
    /// The optimizer Adam defaults to.
    public static let adam = OptimizerConfig.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
    /// Adam's default learning rate.
    public static let learningRate = 1e-3
    /// Whether the spec leaves the optimizer `auto`.
    public var isAuto: Bool

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(isAuto: Bool) { self.isAuto = isAuto }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("optimizer", .text(isAuto ? "auto" : "fixed"))], .text("adam"),
            applies: isAuto, why: isAuto ? "the robust default" : "set in spec")
    }
}

/// OPT-MOMENTUM: momentum damps oscillation and allows a larger rate: SGD uses momentum 0.9.
public struct MomentumRule: Rule {
    public static let id = "OPT-MOMENTUM"
    public static let title = "SGD uses momentum 0.9"
    public static let formula = "sgd: momentum = 0.9"
    /// The optimizer in use.
    public var optimizer: OptimizerConfig

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(optimizer: OptimizerConfig) { self.optimizer = optimizer }

    /// Whether the optimizer is SGD.
    public var applies: Bool {
        if case .sgd = optimizer { return true }
        return false
    }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("optimizer", .text(optimizer.name))], .number(0.9), applies: applies,
            why: applies ? "SGD without momentum oscillates" : "not SGD")
    }

    /// OPT-MOMENTUM against the optimizer in use: SGD without momentum breaks it.
    /// - Parameter keyPath: the key the warning points at (`training.optimizer`).
    public func check(keyPath: String) -> [AdvisorWarning] {
        guard case .sgd(let momentum, _) = optimizer, momentum == 0 else { return [] }
        return [
            Self.warning(
                keyPath, "sgd without momentum oscillates across the valley: use momentum 0.9")
        ]
    }
}
