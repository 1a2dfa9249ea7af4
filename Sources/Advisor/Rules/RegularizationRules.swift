import Foundation
import Spec

// Regularisation and stability (rulebook "Regularisation and stability"; notes:
// "Regularization", "Weight Decay", "Overfitting", "Batch Normalization", "Exploding gradient").

/// REG-L1-RANGE: L1 strength between 1e-8 and 1e-4; larger values make models of little use.
public struct L1RangeRule: Rule {
    public static let id = "REG-L1-RANGE"
    public static let title = "L1 between 1e-8 and 1e-4"
    public static let formula = "1e-8 <= l1 <= 1e-4"
    /// The admitted range.
    public static let range: ClosedRange<Double> = 1e-8...1e-4
    /// The L1 strength, nil when no L1 is used.
    public var strength: Double?

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(strength: Double?) { self.strength = strength }

    /// Whether the strength is within range (true when unused).
    public var holds: Bool { strength.map { Self.range.contains($0) } ?? true }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("l1", strength.map { .number($0) } ?? .text("none"))], .flag(holds),
            applies: strength != nil,
            why: strength == nil ? "no L1 penalty" : (holds ? "within range" : "outside 1e-8..1e-4")
        )
    }

    /// REG-L1-RANGE against the penalty in use: one warning when the L1 strength is outside
    /// 1e-8...1e-4, else none.
    /// - Parameter keyPath: the key the warning points at (`training.regularization`).
    public func check(keyPath: String) -> [AdvisorWarning] {
        guard let strength, !holds else { return [] }
        return [
            Self.warning(
                keyPath,
                "L1 of \(NumberText.evidence(strength)) is outside 1e-8..1e-4: larger values make "
                    + "models of little use")
        ]
    }
}

/// REG-L2-RANGE: L2 strength between 1e-6 and 1e-2.
public struct L2RangeRule: Rule {
    public static let id = "REG-L2-RANGE"
    public static let title = "L2 between 1e-6 and 1e-2"
    public static let formula = "1e-6 <= l2 <= 1e-2"
    /// The admitted range.
    public static let range: ClosedRange<Double> = 1e-6...1e-2
    /// The L2 strength, nil when no L2 is used.
    public var strength: Double?

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(strength: Double?) { self.strength = strength }

    /// Whether the strength is within range (true when unused).
    public var holds: Bool { strength.map { Self.range.contains($0) } ?? true }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("l2", strength.map { .number($0) } ?? .text("none"))], .flag(holds),
            applies: strength != nil,
            why: strength == nil ? "no L2 penalty" : (holds ? "within range" : "outside 1e-6..1e-2")
        )
    }

    /// REG-L2-RANGE against the penalty in use: one warning when the L2 strength is outside
    /// 1e-6...1e-2 (too strong or too weak), else none.
    /// - Parameter keyPath: the key the warning points at (`training.regularization`).
    public func check(keyPath: String) -> [AdvisorWarning] {
        guard let strength, !holds else { return [] }
        return [
            Self.warning(
                keyPath,
                "L2 of \(NumberText.evidence(strength)) is outside 1e-6..1e-2: "
                    + (strength > 1e-2
                        ? "so strong the weights cannot fit the data" : "too weak to matter"))
        ]
    }
}

/// REG-L1-XOR-L2: L1 and L2 are never set together. The spec model holds one penalty, so the
/// loader reports both as an error; here the rule records which one is used.
public struct L1XorL2Rule: Rule {
    public static let id = "REG-L1-XOR-L2"
    public static let title = "L1 or L2, never both"
    public static let formula = "not (l1 and l2)"
    /// The penalty in use.
    public var penalty: Regularization.Penalty

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(penalty: Regularization.Penalty) { self.penalty = penalty }

    public func evaluate() -> RuleEvaluation {
        let used: String
        switch penalty {
        case .none: used = "none"
        case .l1: used = "l1 only"
        case .l2: used = "l2 only"
        }
        return evaluation(
            [RuleInput("penalty", .text(used))], .flag(true), applies: true,
            why: "one penalty at most (the loader rejects both)")
    }

    /// REG-L1-XOR-L2 against a weight decay: with an L1 penalty, a coupled weight decay adds
    /// an L2 one.
    /// - Parameters:
    ///   - weightDecay: `training.weight_decay`.
    ///   - decoupled: whether the optimizer decays the weights itself (AdamW): no L2 penalty.
    ///   - keyPath: the key the warning points at (`training.weight_decay`).
    public func check(weightDecay: Double, decoupled: Bool, keyPath: String) -> [AdvisorWarning] {
        guard case .l1 = penalty, weightDecay > 0, !decoupled else { return [] }
        return [
            Self.warning(
                keyPath,
                "weight decay \(NumberText.evidence(weightDecay)) adds an L2 penalty to the L1 one: "
                    + "choose one or the other")
        ]
    }
}

/// REG-WEIGHT-DECAY: smaller datasets and networks want larger weight decay, larger ones
/// smaller; with a learning-rate schedule the best decay is smaller than with a constant rate.
///
/// The advisor's L2 strength: `l2 = clamp(0.1 / Ns, 1e-6, 1e-2)` (1e-4, scikit-learn's alpha,
/// at 1,000 rows), and for AdamW's decoupled decay `wd = clamp(10 / Ns, 1e-4, 0.1)` (PyTorch's
/// 0.01 at 1,000 rows); both halved under a non-constant schedule.
public struct WeightDecayRule: Rule {
    public static let id = "REG-WEIGHT-DECAY"
    public static let title = "smaller data wants larger weight decay"
    public static let formula =
        "l2 = clamp(0.1 / Ns, 1e-6, 1e-2); adamw: wd = clamp(10 / Ns, 1e-4, 0.1); halved with a "
        + "schedule"
    /// `Ns`.
    public var rows: Int
    /// Whether a non-constant learning-rate schedule is used.
    public var scheduled: Bool

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(rows: Int, scheduled: Bool) {
        self.rows = rows
        self.scheduled = scheduled
    }

    private var factor: Double { scheduled ? 0.5 : 1 }

    /// The L2 penalty strength.
    public var l2: Double { min(max(0.1 / Double(max(1, rows)), 1e-6), 1e-2) * factor }

    /// AdamW's decoupled weight decay.
    public var decoupledDecay: Double { min(max(10 / Double(max(1, rows)), 1e-4), 0.1) * factor }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("Ns", .integer(rows)), RuleInput("schedule", .flag(scheduled))],
            .number(l2), applies: true, why: "decay grows as the data shrinks")
    }
}

/// REG-DROPOUT: dropout between 0.1 and 0.5 when overfitting is likely (proposed: when the
/// parameters exceed `ratio * Ns`, `AdvisorSettings.dropoutParameterRatio`, default 1).
///
/// Rate grows with the excess: `rate = clamp(0.1 + 0.1 * log2(P / Ns), 0.1, 0.5)`, to 0.05.
/// Not with batch normalisation (REG-BN-REPLACES-DROPOUT) nor without hidden layers.
public struct DropoutRule: Rule {
    public static let id = "REG-DROPOUT"
    public static let title = "dropout 0.1..0.5 when overfitting is likely"
    public static let formula = "P > ratio * Ns: rate = clamp(0.1 + 0.1 * log2(P / Ns), 0.1, 0.5)"
    /// The admitted range of rates.
    public static let range: ClosedRange<Double> = 0.1...0.5
    /// Trainable parameters `P`.
    public var parameters: Int
    /// `Ns`.
    public var rows: Int
    /// The ratio (default 1).
    public var ratio: Double
    /// Hidden layers.
    public var hiddenLayers: Int
    /// Whether the network has batch normalisation.
    public var batchNorm: Bool

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(parameters: Int, rows: Int, ratio: Double, hiddenLayers: Int, batchNorm: Bool) {
        self.parameters = parameters
        self.rows = rows
        self.ratio = ratio
        self.hiddenLayers = hiddenLayers
        self.batchNorm = batchNorm
    }

    /// Whether parameters exceed `ratio * Ns`.
    public var overfittingLikely: Bool { Double(parameters) > ratio * Double(rows) }
    /// Whether the rule sets dropout.
    public var applies: Bool { overfittingLikely && hiddenLayers > 0 && !batchNorm }

    /// The rate the excess gives.
    public var rate: Double {
        let raw = 0.1 + 0.1 * log2(Double(parameters) / Double(max(1, rows)))
        let clamped = min(max(raw, Self.range.lowerBound), Self.range.upperBound)
        return (clamped * 20).rounded() / 20
    }

    public func evaluate() -> RuleEvaluation {
        let why: String
        if hiddenLayers == 0 {
            why = "no hidden layer"
        } else if !overfittingLikely {
            why = "parameters within \(NumberText.evidence(ratio)) * Ns"
        } else if batchNorm {
            why = "overfitting likely, but batch normalisation replaces dropout"
        } else {
            why = "parameters exceed \(NumberText.evidence(ratio)) * Ns"
        }
        return evaluation(
            [
                RuleInput("P", .integer(parameters)), RuleInput("Ns", .integer(rows)),
                RuleInput("ratio", .number(ratio)),
            ], .number(applies ? rate : 0), applies: applies, why: why)
    }

    /// REG-DROPOUT against a fixed dropout rate: without hidden layers there is nothing to
    /// drop; with them the rate lies in 0.1...0.5. A rate of 0 checks nothing.
    /// - Parameters:
    ///   - rate: the fixed (or a template's) dropout rate.
    ///   - hiddenLayers: the number of hidden layers.
    ///   - keyPath: the key the warning points at (`model.dropout`, a dropout layer).
    public static func check(rate: Double, hiddenLayers: Int, keyPath: String) -> [AdvisorWarning] {
        guard rate > 0 else { return [] }
        if hiddenLayers == 0 {
            return [
                warning(
                    keyPath,
                    "dropout \(NumberText.evidence(rate)) without hidden layers has nothing to drop: "
                        + "ignored")
            ]
        }
        guard !range.contains(rate) else { return [] }
        return [warning(keyPath, "dropout \(NumberText.evidence(rate)) is outside 0.1 to 0.5")]
    }
}

/// REG-BN-REPLACES-DROPOUT: with batch normalisation, dropout is often unnecessary: off.
public struct BatchNormReplacesDropoutRule: Rule {
    public static let id = "REG-BN-REPLACES-DROPOUT"
    public static let title = "with batch normalisation, dropout off"
    public static let formula = "batch_norm: dropout = 0"
    /// Whether the network has batch normalisation.
    public var batchNorm: Bool

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(batchNorm: Bool) { self.batchNorm = batchNorm }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("batch_norm", .flag(batchNorm))], .number(0), applies: batchNorm,
            why: batchNorm ? "batch normalisation regularises already" : "no batch normalisation")
    }

    /// REG-BN-REPLACES-DROPOUT against a fixed dropout rate: no dropout on a batch-normalised
    /// network.
    /// - Parameters:
    ///   - rate: the fixed (or a template's) dropout rate.
    ///   - keyPath: the key the warning points at (`model.dropout`, a dropout layer).
    public func check(rate: Double, keyPath: String) -> [AdvisorWarning] {
        guard batchNorm && rate > 0 else { return [] }
        return [
            Self.warning(
                keyPath,
                "dropout \(NumberText.evidence(rate)) on a batch-normalised network: batch norm "
                    + "regularises already and dropout makes its statistics noisy")
        ]
    }
}

/// CLIP-DEFAULTS: gradient clipping with clipnorm 1.0 (each tensor's gradient rescaled to norm
/// <= 1.0) or clipvalue 0.5 (elements clamped to [-0.5, 0.5]), Keras semantics. The advisor
/// uses clipnorm 1.0: cheap insurance against exploding gradients.
public struct ClippingRule: Rule {
    public static let id = "CLIP-DEFAULTS"
    public static let title = "gradient clipping: clipnorm 1.0 or clipvalue 0.5"
    public static let formula = "clipnorm = 1.0 (or clipvalue = 0.5)"
    /// The default clipping.
    public static let clipping = GradientClipping.clipNorm(1.0)

    /// The rule; it has no inputs.
    public init() {}

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [], .text("clip_norm 1"), applies: true, why: "guards against exploding gradients")
    }
}

/// EARLY-STOP: early stopping on validation loss with the best weights restored (proposed:
/// patience 10, min_delta 1e-4: `AdvisorSettings.earlyStoppingPatience`,
/// `earlyStoppingMinDelta`).
public struct EarlyStoppingRule: Rule {
    public static let id = "EARLY-STOP"
    public static let title = "early stopping on validation loss, best weights restored"
    public static let formula =
        "stop after patience epochs without a drop > min_delta; restore best"
    /// Patience in epochs.
    public var patience: Int
    /// Minimum improvement.
    public var minDelta: Double

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(patience: Int, minDelta: Double) {
        self.patience = patience
        self.minDelta = minDelta
    }

    /// The configuration it gives.
    public var config: EarlyStoppingConfig {
        EarlyStoppingConfig(patience: patience, minDelta: minDelta, restoreBest: true)
    }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("patience", .integer(patience)), RuleInput("min_delta", .number(minDelta))],
            .text("patience \(patience), min_delta \(NumberText.evidence(minDelta)), restore best"),
            applies: true, why: "the main guard against overfitting small data")
    }

    /// EARLY-STOP against a fixed `training.early_stopping`: switching it off breaks it.
    /// - Parameters:
    ///   - fixed: the spec's early stopping, nil when off.
    ///   - keyPath: the key the warning points at (`training.early_stopping`).
    public func check(_ fixed: EarlyStoppingConfig?, keyPath: String) -> [AdvisorWarning] {
        guard fixed == nil else { return [] }
        return [
            Self.warning(
                keyPath,
                "early stopping is off: on small data the network trains into overfitting; "
                    + "keep it on with patience \(patience)")
        ]
    }
}

/// EARLY-STOP-STEPS (calibrated): EARLY-STOP's patience counts epochs, so on small data (a
/// few optimizer steps per epoch) it stops after a few dozen steps, on a plateau the optimizer
/// would leave: patience becomes at least `minimumSteps` steps, at most 5x the base patience.
public struct PatienceByStepsRule: Rule {
    public static let id = "EARLY-STOP-STEPS"
    public static let title = "patience of at least 500 optimizer steps"
    public static let formula =
        "patience = clamp(ceil(500 / steps per epoch), patience, 5 * patience) (proposed)"
    /// EARLY-STOP's patience in epochs.
    public var basePatience: Int
    /// Optimizer steps per epoch.
    public var stepsPerEpoch: Int
    /// The fewest steps of patience (`AdvisorSettings.patienceMinimumSteps`; 0: off).
    public var minimumSteps: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(basePatience: Int, stepsPerEpoch: Int, minimumSteps: Int) {
        self.basePatience = basePatience
        self.stepsPerEpoch = stepsPerEpoch
        self.minimumSteps = minimumSteps
    }

    /// The patience in epochs.
    public var patience: Int {
        let steps = max(1, stepsPerEpoch)
        let wanted = (minimumSteps + steps - 1) / steps
        return max(basePatience, min(wanted, 5 * basePatience))
    }

    /// Whether it lengthens EARLY-STOP's patience.
    public var applies: Bool { patience > basePatience }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [
                RuleInput("patience", .integer(basePatience)),
                RuleInput("steps/epoch", .integer(stepsPerEpoch)),
                RuleInput("min_steps", .integer(minimumSteps)),
            ], .integer(patience), applies: applies,
            why: applies
                ? "\(basePatience) epochs are \(basePatience * stepsPerEpoch) steps, fewer than "
                    + "\(minimumSteps): \(patience) epochs"
                : "\(basePatience) epochs are at least \(minimumSteps) steps")
    }
}

/// OVERFIT-RECIPE-MLP: for MLPs, classical: early stopping + L2; modern: early stopping +
/// dropout + a max-norm weight constraint. The advisor uses the classical recipe, the modern
/// one (max-norm 3, Srivastava et al. 2014) when REG-DROPOUT applies.
public struct OverfitRecipeRule: Rule {
    public static let id = "OVERFIT-RECIPE-MLP"
    public static let title = "early stopping + L2, or early stopping + dropout + max-norm"
    public static let formula = "dropout: early stop + dropout + max_norm 3; else early stop + L2"
    /// The max-norm bound of the modern recipe.
    public static let maxNorm = 3.0
    /// Whether dropout is used.
    public var dropout: Bool

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(dropout: Bool) { self.dropout = dropout }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("dropout", .flag(dropout))],
            .text(
                dropout ? "modern: early stop + dropout + max_norm 3" : "classical: early stop + L2"
            ),
            applies: true,
            why: dropout ? "dropout is on: pair it with max-norm" : "L2 with early stopping")
    }
}
