import Spec

// The training section: loss, optimizer, learning rate, schedule, regularisation, batch,
// epochs, early stopping, clipping, class weights, shuffling.

extension DesignSession {
    /// The complete training section, from the rules and the user's fixed settings.
    mutating func trainingDesign(hidden: HiddenDesign, layers: [LayerConfig]) -> TrainingSection {
        var training = spec.training
        let user = spec.training

        // Loss (ACT-OUTPUT-*).
        let loss = user.loss.value ?? rulebookLoss
        training.loss = .fixed(loss)
        chooseSetting(
            "training.loss", SpecText.loss(loss), fixed: !user.loss.isAuto, outputRuleID,
            "\(taskDescription): \(loss.name)")

        // Optimizer (OPT-*).
        let optimizer = user.optimizer.value ?? DefaultOptimizerRule.adam
        training.optimizer = .fixed(optimizer)
        let momentum = MomentumRule(optimizer: optimizer)
        evaluations += [
            DefaultOptimizerRule(isAuto: user.optimizer.isAuto).evaluate(), momentum.evaluate(),
        ]
        chooseSetting(
            "training.optimizer", SpecText.optimizer(optimizer), fixed: !user.optimizer.isAuto,
            DefaultOptimizerRule.id, "Adam with PyTorch's defaults unless the spec names another")
        if case .sgd(let value, _) = optimizer, value == 0 {
            warn(
                MomentumRule.id, "training.optimizer",
                "sgd without momentum oscillates across the valley: use momentum 0.9")
        }

        // Learning rate (LR-*).
        let rangeTest = RangeTestRule(isAuto: user.learningRate.isAuto)
        let withNorm = BatchNormLearningRateRule(batchNorm: hidden.batchNorm)
        evaluations += [rangeTest.evaluate(), withNorm.evaluate()]
        if let rate = user.learningRate.value {
            choose("training.learning_rate", formatNumber(rate), .spec, nil, "set in spec")
        } else {
            choose(
                "training.learning_rate", "auto", .rule, RangeTestRule.id,
                "the range test picks it before training"
                    + (hidden.batchNorm
                        ? ", on the batch-normalised network (LR-WITH-BATCHNORM)" : ""))
        }

        // Schedule: no rule asks for one; the range test picks one rate, early stopping ends.
        let schedule = user.schedule.value ?? .constant
        training.schedule = .fixed(schedule)
        chooseSetting(
            "training.schedule", SpecText.schedule(schedule), fixed: !user.schedule.isAuto, nil,
            "one rate from the range test; early stopping ends the run", source: .policy)

        // Regularisation (REG-*, OVERFIT-RECIPE-MLP).
        let decay = WeightDecayRule(rows: ns, scheduled: schedule.kind != .constant)
        let isAdamW: Bool
        if case .adamw = optimizer { isAdamW = true } else { isAdamW = false }
        let regularization: Regularization
        let regularizationWhy: String
        let regularizationRule: String
        if let fixed = user.regularization.value {
            regularization = fixed
            (regularizationRule, regularizationWhy) = ("", "set in spec")
        } else if hidden.dropout > 0 {
            regularization = .none
            (regularizationRule, regularizationWhy) = (
                OverfitRecipeRule.id,
                "modern recipe: dropout + max_norm \(formatNumber(OverfitRecipeRule.maxNorm)) on "
                    + "the hidden dense layers + early stopping"
            )
        } else if isAdamW {
            regularization = .none
            (regularizationRule, regularizationWhy) = (
                WeightDecayRule.id, "adamw decays the weights itself (training.weight_decay)"
            )
        } else {
            regularization = Regularization(penalty: .l2(decay.l2))
            (regularizationRule, regularizationWhy) = (
                OverfitRecipeRule.id,
                "classical recipe: early stopping + L2; REG-WEIGHT-DECAY: 0.1 / Ns = "
                    + "\(formatNumber(decay.l2)) in 1e-6..1e-2"
            )
        }
        training.regularization = .fixed(regularization)
        chooseSetting(
            "training.regularization", SpecText.regularization(regularization),
            fixed: !user.regularization.isAuto, regularizationRule, regularizationWhy)
        var l1: Double?
        var l2: Double?
        switch regularization.penalty {
        case .l1(let value): l1 = value
        case .l2(let value): l2 = value
        case .none: break
        }
        let l1Rule = L1RangeRule(strength: l1)
        let l2Rule = L2RangeRule(strength: l2)
        evaluations += [
            l1Rule.evaluate(), l2Rule.evaluate(),
            L1XorL2Rule(penalty: regularization.penalty).evaluate(),
            decay.evaluate(), OverfitRecipeRule(dropout: hidden.dropout > 0).evaluate(),
        ]
        if let l1, !l1Rule.holds {
            warn(
                L1RangeRule.id, "training.regularization",
                "L1 of \(formatNumber(l1)) is outside 1e-8..1e-4: larger values make models of "
                    + "little use"
            )
        }
        if let l2, !l2Rule.holds {
            warn(
                L2RangeRule.id, "training.regularization",
                "L2 of \(formatNumber(l2)) is outside 1e-6..1e-2: "
                    + (l2 > 1e-2
                        ? "so strong the weights cannot fit the data" : "too weak to matter")
            )
        }

        let weightDecay = user.weightDecay.value ?? (isAdamW ? decay.decoupledDecay : 0)
        training.weightDecay = .fixed(weightDecay)
        chooseSetting(
            "training.weight_decay", formatNumber(weightDecay), fixed: !user.weightDecay.isAuto,
            WeightDecayRule.id,
            isAdamW
                ? "adamw: 10 / Ns = \(formatNumber(decay.decoupledDecay)) in 1e-4..0.1, larger "
                    + "for smaller data"
                : "0: the penalty is training.regularization (one weight penalty, REG-L1-XOR-L2)")
        if l1 != nil, weightDecay > 0, !isAdamW {
            warn(
                L1XorL2Rule.id, "training.weight_decay",
                "weight decay \(formatNumber(weightDecay)) adds an L2 penalty to the L1 one: "
                    + "choose one or the other"
            )
        }

        // Batch size (BATCH-*).
        let floatsPerRow = ni + Self.outputWidths(layers, inputs: ni).reduce(0, +)
        let small = SmallDataBatchRule(rows: ns, smallDataRows: settings.smallDataRows)
        let large = LargeDataBatchRule(
            rows: ns, from128: settings.smallDataRows, from256: settings.batch256Rows,
            from512: settings.batch512Rows)
        let base = small.applies ? small.batchSize : large.batchSize
        let memory = MemoryBatchRule(
            batchSize: user.batchSize.value ?? base, floatsPerRow: floatsPerRow,
            budgetMiB: settings.batchMemoryMiB, minimumBatch: settings.minimumBatch)
        let minimum = MinimumBatchRule(
            batchSize: memory.fittedBatchSize, minimumBatch: settings.minimumBatch)
        let withinData = BatchWithinDataRule(batchSize: minimum.result, rows: ns)
        evaluations += [
            small.evaluate(), large.evaluate(), memory.evaluate(), minimum.evaluate(),
            withinData.evaluate(),
        ]
        let batch: Int
        if let fixed = user.batchSize.value {
            batch = fixed
            choose("training.batch_size", String(fixed), .spec, nil, "set in spec")
            if fixed > ns {
                warn(
                    BatchWithinDataRule.id, "training.batch_size",
                    "batch size \(fixed) exceeds the \(ns) training rows: every step sees all "
                        + "rows; use at most \(ns)"
                )
            }
            if fixed < settings.minimumBatch {
                warn(
                    MinimumBatchRule.id, "training.batch_size",
                    "batch size \(fixed) is below \(settings.minimumBatch): very small batches "
                        + "destabilise training"
                )
            }
            if memory.bytes(forBatch: fixed) > memory.budgetBytes {
                warn(
                    MemoryBatchRule.id, "training.batch_size",
                    "a batch of \(fixed) needs about "
                        + "\(formatBytes(memory.bytes(forBatch: fixed))) for activations and "
                        + "gradients, above the \(formatNumber(settings.batchMemoryMiB)) MiB "
                        + "budget: halve it"
                )
            }
        } else {
            batch = withinData.result
            var rule = small.applies ? SmallDataBatchRule.id : LargeDataBatchRule.id
            var why =
                small.applies
                ? "\(ns) rows < \(settings.smallDataRows): \(base)" : "\(ns) rows: \(base)"
            if memory.fittedBatchSize != base {
                rule = MemoryBatchRule.id
                why +=
                    "; halved to \(memory.fittedBatchSize) to fit "
                    + "\(formatNumber(settings.batchMemoryMiB)) MiB"
            }
            if withinData.result != minimum.result {
                rule = BatchWithinDataRule.id
                why += "; cut to the \(ns) training rows"
            }
            choose("training.batch_size", String(batch), .rule, rule, why)
        }
        training.batchSize = .fixed(batch)
        evaluations.append(
            BatchCouplingRule(learningRateFixed: !user.learningRate.isAuto, batchSize: batch)
                .evaluate())

        // Epochs and early stopping (EPOCHS-BY-SIZE, EARLY-STOP).
        let epochsRule = EpochsRule(
            rows: ns, batchSize: batch, targetSteps: settings.targetSteps,
            minimumEpochs: settings.minimumEpochs, maximumEpochs: settings.maximumEpochs)
        let stopping = EarlyStoppingRule(
            patience: settings.earlyStoppingPatience, minDelta: settings.earlyStoppingMinDelta)
        evaluations += [epochsRule.evaluate(), stopping.evaluate()]
        let epochs = user.epochs.value ?? epochsRule.epochs
        training.epochs = .fixed(epochs)
        chooseSetting(
            "training.epochs", String(epochs), fixed: !user.epochs.isAuto, EpochsRule.id,
            "about \(settings.targetSteps) steps at \(epochsRule.stepsPerEpoch) per epoch, "
                + "clamped to \(settings.minimumEpochs)..\(settings.maximumEpochs); early stopping "
                + "ends sooner"
        )
        let earlyStopping: EarlyStoppingConfig?
        switch user.earlyStopping {
        case .fixed(let fixed):
            earlyStopping = fixed
            choose(
                "training.early_stopping", SpecText.earlyStopping(fixed), .spec, nil, "set in spec")
            if fixed == nil {
                warn(
                    EarlyStoppingRule.id, "training.early_stopping",
                    "early stopping is off: on small data the network trains into overfitting; "
                        + "keep it on with patience \(settings.earlyStoppingPatience)"
                )
            }
        case .auto:
            earlyStopping = stopping.config
            choose(
                "training.early_stopping", SpecText.earlyStopping(stopping.config), .rule,
                EarlyStoppingRule.id, "stop on validation loss, restore the best weights")
        }
        training.earlyStopping = .fixed(earlyStopping)
        if let earlyStopping {
            let fixed = !user.earlyStopping.isAuto
            chooseSetting(
                "training.early_stopping.patience", String(earlyStopping.patience), fixed: fixed,
                EarlyStoppingRule.id, "epochs without improvement before stopping (proposed 10)")
            chooseSetting(
                "training.early_stopping.min_delta", formatNumber(earlyStopping.minDelta),
                fixed: fixed, EarlyStoppingRule.id, "smallest drop that counts (proposed 1e-4)")
            chooseSetting(
                "training.early_stopping.restore_best", String(earlyStopping.restoreBest),
                fixed: fixed, EarlyStoppingRule.id, "keep the best epoch's weights")
        }

        // Clipping (CLIP-DEFAULTS).
        evaluations.append(ClippingRule().evaluate())
        let clipping = user.gradientClipping.value ?? ClippingRule.clipping
        training.gradientClipping = .fixed(clipping)
        chooseSetting(
            "training.gradient_clipping", SpecText.clipping(clipping),
            fixed: !user.gradientClipping.isAuto, ClippingRule.id,
            "clip each tensor's gradient norm to 1.0: cheap insurance against exploding gradients")

        // Class weights: no rulebook rule; DIAG-CONTRADICTION follows up after training.
        let classWeights = task == .classification ? (user.classWeights.value ?? .none) : .none
        training.classWeights = .fixed(classWeights)
        let ratio = data.imbalanceRatio.map { "majority / minority = \(formatNumber($0))" }
        chooseSetting(
            "training.class_weights", SpecText.classWeights(classWeights),
            fixed: !user.classWeights.isAuto && task == .classification, nil,
            task == .regression
                ? "regression: no classes"
                : "none by default\(ratio.map { " (\($0))" } ?? ""); DIAG-CONTRADICTION reports "
                    + "a starved class",
            source: .policy)

        // Shuffling (SHUFFLE-ALWAYS) and the seed.
        evaluations.append(ShuffleRule().evaluate())
        if user.shuffle {
            choose(
                "training.shuffle", "true",
                spec.location(of: "training.shuffle") != nil ? .spec : .rule,
                spec.location(of: "training.shuffle") != nil ? nil : ShuffleRule.id,
                spec.location(of: "training.shuffle") != nil
                    ? "set in spec" : "reshuffle every epoch, also after the random split")
        } else {
            choose("training.shuffle", "false", .spec, nil, "set in spec")
            warn(
                ShuffleRule.id, "training.shuffle",
                "shuffling is off: a random split does not reorder rows, so batches see runs of "
                    + "similar rows; shuffle every epoch"
            )
        }
        let seedFixed = spec.location(of: "training.seed") != nil
        choose(
            "training.seed", String(user.seed), seedFixed ? .spec : .policy, nil,
            seedFixed ? "set in spec" : "default seed: same spec and seed give the same model")
        return training
    }
}
