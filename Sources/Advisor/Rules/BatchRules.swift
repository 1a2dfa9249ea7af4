import Foundation
import Spec

// Batch size, epochs, shuffling (rulebook "Batch size, epochs, shuffling"; notes: "Batch size",
// "Epochs", "Data Shuffling", "Summary of hyperparameter tuning").

/// BATCH-SMALL-DATA: small datasets (proposed: `Ns < 10,000`, `AdvisorSettings.smallDataRows`)
/// train with batches of 32.
public struct SmallDataBatchRule: Rule {
    public static let id = "BATCH-SMALL-DATA"
    public static let title = "small datasets: batch 32"
    public static let formula = "Ns < 10000: 32"
    /// `Ns`.
    public var rows: Int
    /// The threshold (default 10,000).
    public var smallDataRows: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(rows: Int, smallDataRows: Int) {
        self.rows = rows
        self.smallDataRows = smallDataRows
    }

    /// Whether the data is small.
    public var applies: Bool { rows < smallDataRows }
    /// The batch size it gives.
    public var batchSize: Int { 32 }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("Ns", .integer(rows)), RuleInput("threshold", .integer(smallDataRows))],
            .integer(batchSize), applies: applies,
            why: applies ? "few rows: small batches" : "not small: BATCH-LARGE-DATA")
    }
}

/// BATCH-LARGE-DATA: larger datasets take 128, 256 or 512 (proposed: 128 from 10,000 rows,
/// 256 from 100,000, 512 from 1,000,000).
public struct LargeDataBatchRule: Rule {
    public static let id = "BATCH-LARGE-DATA"
    public static let title = "large datasets: 128, 256 or 512"
    public static let formula = "Ns >= 10000: 128; >= 100000: 256; >= 1000000: 512"
    /// `Ns`.
    public var rows: Int
    /// 128 from this many rows (default 10,000).
    public var from128: Int
    /// 256 from this many rows (default 100,000).
    public var from256: Int
    /// 512 from this many rows (default 1,000,000).
    public var from512: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(rows: Int, from128: Int, from256: Int, from512: Int) {
        self.rows = rows
        self.from128 = from128
        self.from256 = from256
        self.from512 = from512
    }

    /// Whether the data is large.
    public var applies: Bool { rows >= from128 }
    /// The batch size it gives (128 when it does not apply, for display).
    public var batchSize: Int { rows >= from512 ? 512 : (rows >= from256 ? 256 : 128) }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [
                RuleInput("Ns", .integer(rows)), RuleInput("128 from", .integer(from128)),
                RuleInput("256 from", .integer(from256)), RuleInput("512 from", .integer(from512)),
            ], .integer(batchSize), applies: applies,
            why: applies ? "many rows: larger batches" : "small data: BATCH-SMALL-DATA")
    }
}

/// BATCH-MEMORY: a batch's activations and gradients must fit the memory budget
/// (`AdvisorSettings.batchMemoryMiB`, default 1024 MiB): halve until they do.
///
/// Estimate, float32: every layer output (dense, batch norm, activation, dropout mask) and the
/// input row are stored once forward and once as a gradient backward:
/// `bytes(B) = B * 2 * 4 * (Ni + sum of layer output widths)`. Never halved below
/// BATCH-NOT-TOO-SMALL's minimum.
public struct MemoryBatchRule: Rule {
    public static let id = "BATCH-MEMORY"
    public static let title = "a batch's activations and gradients fit the memory budget"
    public static let formula =
        "bytes(B) = B * 2 * 4 * (Ni + sum of layer widths) <= budget; halve B"
    /// The batch size before this rule.
    public var batchSize: Int
    /// `Ni + sum of layer output widths`: floats per row.
    public var floatsPerRow: Int
    /// The budget in MiB.
    public var budgetMiB: Double
    /// The smallest batch to halve to.
    public var minimumBatch: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(batchSize: Int, floatsPerRow: Int, budgetMiB: Double, minimumBatch: Int) {
        self.batchSize = batchSize
        self.floatsPerRow = floatsPerRow
        self.budgetMiB = budgetMiB
        self.minimumBatch = minimumBatch
    }

    /// Activation and gradient bytes of a batch of `size` rows.
    public func bytes(forBatch size: Int) -> Double { Double(size) * 2 * 4 * Double(floatsPerRow) }

    /// The budget in bytes.
    public var budgetBytes: Double { budgetMiB * 1_048_576 }

    /// The batch size after halving until it fits (not below `minimumBatch`).
    public var fittedBatchSize: Int {
        var size = batchSize
        while bytes(forBatch: size) > budgetBytes && size / 2 >= max(1, minimumBatch) {
            size /= 2
        }
        return size
    }

    public func evaluate() -> RuleEvaluation {
        let fitted = fittedBatchSize
        return evaluation(
            [
                RuleInput("B", .integer(batchSize)),
                RuleInput("floats/row", .integer(floatsPerRow)),
                RuleInput("bytes", .number(bytes(forBatch: batchSize))),
                RuleInput("budget MiB", .number(budgetMiB)),
            ], .integer(fitted), applies: fitted != batchSize,
            why: fitted != batchSize
                ? "halved to fit \(NumberText.evidence(budgetMiB)) MiB"
                : "\(NumberText.bytes(bytes(forBatch: batchSize))) fits the budget")
    }

    /// BATCH-MEMORY against a fixed batch size (`batchSize`): its activations and gradients
    /// must fit the budget.
    /// - Parameter keyPath: the key the warning points at (`SpecKey.batchSize`).
    public func check(keyPath: String) -> [AdvisorWarning] {
        guard bytes(forBatch: batchSize) > budgetBytes else { return [] }
        return [
            Self.warning(
                keyPath,
                "a batch of \(batchSize) needs about "
                    + "\(NumberText.bytes(bytes(forBatch: batchSize))) for activations and "
                    + "gradients, above the \(NumberText.evidence(budgetMiB)) MiB budget: halve it")
        ]
    }
}

/// BATCH-MEMORY for the whole run: what training a design holds in memory at once, checked
/// against the budget before anything is allocated (a design past it is an error, not a
/// crash or a swapping machine).
///
/// Float32 throughout: the parameters, their gradients, the optimizer's per-parameter state
/// (Adam's two moments, a momentum buffer, ...), the best epoch's copy for early stopping, a
/// checkpoint's serialized copy of weights and state, and one batch's activations and
/// gradients (`MemoryBatchRule.bytes`). Sums are in Double: no size overflows.
public struct TrainingMemory: Sendable, Equatable {
    /// Trainable parameters.
    public var parameters: Double
    /// Floats of optimizer state per parameter.
    public var optimizerSlots: Int
    /// Whether a copy of the best epoch's weights is kept (EARLY-STOP restore_best).
    public var keepsBestCopy: Bool
    /// One batch's activation and gradient bytes.
    public var batchBytes: Double

    public init(parameters: Double, optimizerSlots: Int, keepsBestCopy: Bool, batchBytes: Double) {
        self.parameters = parameters
        self.optimizerSlots = optimizerSlots
        self.keepsBestCopy = keepsBestCopy
        self.batchBytes = batchBytes
    }

    /// Floats of state per parameter for `optimizer`.
    public static func slots(of optimizer: OptimizerConfig) -> Int {
        switch optimizer {
        case .sgd(let momentum, _): momentum > 0 ? 1 : 0
        case .adam, .adamw: 2
        case .rmsprop(_, _, let momentum): momentum > 0 ? 2 : 1
        case .adagrad: 1
        }
    }

    /// Copies of the parameters held while training: weights, gradients, optimizer state, the
    /// best copy, and the checkpoint written after each epoch (weights and state).
    public var parameterCopies: Int {
        let training = 2 + optimizerSlots + (keepsBestCopy ? 1 : 0)
        return training + 1 + optimizerSlots
    }

    /// The parameters' bytes over all copies.
    public var parameterBytes: Double { parameters * 4 * Double(parameterCopies) }

    /// Everything.
    public var bytes: Double { parameterBytes + batchBytes }

    /// The budget: `budgetMiB`, but never above 80% of `physicalMemory` bytes.
    public static func budgetBytes(budgetMiB: Double, physicalMemory: Double) -> Double {
        min(budgetMiB * 1_048_576, physicalMemory * 0.8)
    }
}

extension TrainingMemory {
    /// BATCH-MEMORY for the whole run: a complete config's training state must fit the budget
    /// before anything is built. The advisor checks every design; `train --resume` checks the
    /// run's config again (it may have been edited).
    /// - Parameters:
    ///   - config: a complete config (`model.layers`, batch size and optimizer resolved).
    ///   - inputs: Ni, the encoded input width.
    ///   - embeddingParameters: floats in the embedding tables of the inputs (default 0).
    ///   - spec: the spec whose fixed keys and locations the error points at (the user's).
    /// - Throws: `AdvisorError.invalidSpec` at the key that makes the design large, naming the
    ///   size, the budget and the fix.
    public static func check(
        _ config: NetworkSpec, inputs: Int, embeddingParameters: Int = 0,
        fixedIn spec: NetworkSpec
    ) throws(AdvisorError) {
        let layers = config.model.layers ?? []
        let settings = config.advisor
        let batch = config.training.batchSize.value ?? 1
        let parameters =
            DesignSession.parameterCount(layers, inputs: inputs) + embeddingParameters
        let floatsPerRow = inputs + DesignSession.outputWidths(layers, inputs: inputs).reduce(0, +)
        let batchRule = MemoryBatchRule(
            batchSize: batch, floatsPerRow: floatsPerRow, budgetMiB: settings.batchMemoryMiB,
            minimumBatch: settings.minimumBatch)
        let memory = TrainingMemory(
            // A complete config names its optimizer; Adam's two slots otherwise (OPT-DEFAULT).
            parameters: Double(parameters),
            optimizerSlots: config.training.optimizer.value.map(slots(of:)) ?? 2,
            keepsBestCopy: config.training.earlyStopping.value??.restoreBest ?? false,
            batchBytes: batchRule.bytes(forBatch: batch))
        let physical = Double(ProcessInfo.processInfo.physicalMemory)
        let budget = budgetBytes(budgetMiB: settings.memoryBudgetMiB, physicalMemory: physical)
        guard memory.bytes > budget else { return }
        let keyPath: String
        if memory.batchBytes > memory.parameterBytes, !spec.training.batchSize.isAuto {
            keyPath = SpecKey.batchSize.path
        } else if spec.model.layers != nil {
            keyPath = SpecKey.layers.path
        } else if !spec.model.neurons.isAuto {
            keyPath = SpecKey.neurons.path
        } else if !spec.model.hiddenLayers.isAuto {
            keyPath = SpecKey.hiddenLayers.path
        } else {
            keyPath = "model"
        }
        let budgetText =
            budget < settings.memoryBudgetMiB * 1_048_576
            ? "80% of this machine's \(NumberText.bytes(physical))"
            : "the \(NumberText.bytes(budget)) budget (advisor.memory_budget_mib)"
        let needed = NumberText.bytes(memory.bytes)
        let parameterPart =
            "\(parameters) parameters in \(memory.parameterCopies) copies (weights, gradients, "
            + "optimizer state, checkpoint) take \(NumberText.bytes(memory.parameterBytes))"
        let batchPart = "a batch of \(batch) rows \(NumberText.bytes(memory.batchBytes))"
        throw .invalidSpec(
            keyPath: keyPath,
            message: "training this design needs about \(needed), above \(budgetText) "
                + "[BATCH-MEMORY]: \(parameterPart), \(batchPart)",
            location: spec.location(of: keyPath),
            help: "use fewer or narrower layers, or a smaller \(SpecKey.batchSize.path); "
                + "advisor.memory_budget_mib raises the budget up to 80% of the machine's memory")
    }
}

/// BATCH-NOT-TOO-SMALL: very small batches destabilise training: never below 8
/// (`AdvisorSettings.minimumBatch`) unless the user asks.
public struct MinimumBatchRule: Rule {
    public static let id = "BATCH-NOT-TOO-SMALL"
    public static let title = "never below the minimum batch unless asked"
    public static let formula = "B >= 8"
    /// The batch size before this rule.
    public var batchSize: Int
    /// The minimum (default 8).
    public var minimumBatch: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(batchSize: Int, minimumBatch: Int) {
        self.batchSize = batchSize
        self.minimumBatch = minimumBatch
    }

    /// The batch size raised to the minimum.
    public var result: Int { max(batchSize, minimumBatch) }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("B", .integer(batchSize)), RuleInput("minimum", .integer(minimumBatch))],
            .integer(result), applies: result != batchSize,
            why: result != batchSize ? "raised to the minimum" : "at or above the minimum")
    }

    /// BATCH-NOT-TOO-SMALL against a fixed batch size (`batchSize`): not below the minimum.
    /// - Parameter keyPath: the key the warning points at (`SpecKey.batchSize`).
    public func check(keyPath: String) -> [AdvisorWarning] {
        guard batchSize < minimumBatch else { return [] }
        return [
            Self.warning(
                keyPath,
                "batch size \(batchSize) is below \(minimumBatch): very small batches "
                    + "destabilise training")
        ]
    }
}

/// BATCH-NEVER-ABOVE-DATA: the batch size never exceeds the training rows.
public struct BatchWithinDataRule: Rule {
    public static let id = "BATCH-NEVER-ABOVE-DATA"
    public static let title = "batch size never exceeds the training rows"
    public static let formula = "B <= Ns"
    /// The batch size before this rule.
    public var batchSize: Int
    /// `Ns`.
    public var rows: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(batchSize: Int, rows: Int) {
        self.batchSize = batchSize
        self.rows = rows
    }

    /// The batch size cut to the rows.
    public var result: Int { min(batchSize, max(1, rows)) }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("B", .integer(batchSize)), RuleInput("Ns", .integer(rows))],
            .integer(result), applies: result != batchSize,
            why: result != batchSize ? "cut to the training rows" : "within the training rows")
    }

    /// BATCH-NEVER-ABOVE-DATA against a fixed batch size (`batchSize`): at most the rows.
    /// - Parameter keyPath: the key the warning points at (`SpecKey.batchSize`).
    public func check(keyPath: String) -> [AdvisorWarning] {
        guard batchSize > rows else { return [] }
        return [
            Self.warning(
                keyPath,
                "batch size \(batchSize) exceeds the \(rows) training rows: every step sees all "
                    + "rows; use at most \(rows)")
        ]
    }
}

/// EPOCHS-BY-SIZE: few rows need more passes, many fewer. Proposed: aim at about 20,000
/// optimizer steps (`AdvisorSettings.targetSteps`), clamped to 10...500 epochs, early stopping
/// on: `epochs = clamp(round(steps / ceil(Ns / B)), 10, 500)`.
public struct EpochsRule: Rule {
    public static let id = "EPOCHS-BY-SIZE"
    public static let title = "few rows need more passes, many rows fewer"
    public static let formula = "epochs = clamp(round(target_steps / ceil(Ns / B)), min, max)"
    /// `Ns`.
    public var rows: Int
    /// The batch size.
    public var batchSize: Int
    /// Optimizer steps to aim at (default 20,000).
    public var targetSteps: Int
    /// Fewest epochs (default 10).
    public var minimumEpochs: Int
    /// Most epochs (default 500).
    public var maximumEpochs: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(rows: Int, batchSize: Int, targetSteps: Int, minimumEpochs: Int, maximumEpochs: Int)
    {
        self.rows = rows
        self.batchSize = batchSize
        self.targetSteps = targetSteps
        self.minimumEpochs = minimumEpochs
        self.maximumEpochs = maximumEpochs
    }

    /// Optimizer steps per epoch, `ceil(Ns / B)`.
    public var stepsPerEpoch: Int { max(1, (rows + max(1, batchSize) - 1) / max(1, batchSize)) }

    /// The epochs.
    public var epochs: Int {
        let raw = Int((Double(targetSteps) / Double(stepsPerEpoch)).rounded())
        return min(max(raw, minimumEpochs), max(minimumEpochs, maximumEpochs))
    }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [
                RuleInput("Ns", .integer(rows)), RuleInput("B", .integer(batchSize)),
                RuleInput("steps/epoch", .integer(stepsPerEpoch)),
                RuleInput("target_steps", .integer(targetSteps)),
                RuleInput("min", .integer(minimumEpochs)),
                RuleInput("max", .integer(maximumEpochs)),
            ], .integer(epochs), applies: true,
            why:
                "about \(targetSteps) steps at \(stepsPerEpoch) per epoch; early stopping ends "
                + "sooner"
        )
    }
}

/// SHUFFLE-ALWAYS: shuffle the training rows every epoch, also after a random split.
public struct ShuffleRule: Rule {
    public static let id = "SHUFFLE-ALWAYS"
    public static let title = "shuffle the training rows every epoch"
    public static let formula = "shuffle = true"

    /// The rule; it has no inputs.
    public init() {}

    public func evaluate() -> RuleEvaluation {
        evaluation([], .flag(true), applies: true, why: "a random split does not reorder rows")
    }

    /// SHUFFLE-ALWAYS against a fixed `training.shuffle`: switching it off breaks it.
    /// - Parameters:
    ///   - shuffle: the spec's setting.
    ///   - keyPath: the key the warning points at (`training.shuffle`).
    public func check(shuffle: Bool, keyPath: String) -> [AdvisorWarning] {
        guard !shuffle else { return [] }
        return [
            Self.warning(
                keyPath,
                "shuffling is off: a random split does not reorder rows, so batches see runs of "
                    + "similar rows; shuffle every epoch")
        ]
    }
}
