import Spec

// The training section: loss, optimizer, learning rate, schedule, regularisation, batch,
// epochs, early stopping, clipping, class weights, shuffling. One decision per setting, in the
// order the report lists their evaluations, reasons and warnings.

/// The weight penalty of a design and what the weight decay decision needs of it.
struct PenaltyDecision {
    /// `training.regularization`.
    var regularization: Regularization
    /// REG-WEIGHT-DECAY on this data and schedule.
    var decay: WeightDecayRule
    /// Whether the optimizer decays the weights itself (AdamW).
    var decoupled: Bool
}

extension DesignSession {
    /// The complete training section, from the rules and the user's fixed settings.
    mutating func trainingDesign(hidden: HiddenDesign, layers: [LayerConfig]) -> TrainingSection {
        var training = spec.training
        training.loss = .fixed(decideLoss())
        let optimizer = decideOptimizer()
        training.optimizer = .fixed(optimizer)
        decideLearningRate(hidden: hidden)
        let schedule = decideSchedule()
        training.schedule = .fixed(schedule)
        let penalty = decideRegularization(optimizer: optimizer, schedule: schedule, hidden: hidden)
        training.regularization = .fixed(penalty.regularization)
        training.weightDecay = .fixed(decideWeightDecay(penalty))
        let batch = decideBatchSize(layers: layers)
        training.batchSize = .fixed(batch)
        training.epochs = .fixed(decideEpochs(batch: batch))
        training.earlyStopping = .fixed(decideEarlyStopping(batch: batch))
        training.gradientClipping = .fixed(decideClipping())
        training.classWeights = .fixed(decideClassWeights())
        decideShuffleAndSeed()
        training.ensemble = .fixed(decideEnsemble())
        return training
    }

    /// The loss: the spec's, else the task's (ACT-OUTPUT-*).
    mutating func decideLoss() -> LossFunction {
        let user = spec.training.loss
        let loss = user.value ?? rulebookLoss
        chooseSetting(
            SpecKey.loss.path, SpecText.loss(loss), fixed: !user.isAuto, outputRuleID,
            "\(taskDescription): \(loss.name)")
        return loss
    }

    /// The optimizer: the spec's, else Adam (OPT-DEFAULT); OPT-MOMENTUM checks it.
    mutating func decideOptimizer() -> OptimizerConfig {
        let user = spec.training.optimizer
        let optimizer = user.value ?? DefaultOptimizerRule.adam
        let momentum = MomentumRule(optimizer: optimizer)
        evaluations += [DefaultOptimizerRule(isAuto: user.isAuto).evaluate(), momentum.evaluate()]
        chooseSetting(
            SpecKey.optimizer.path, SpecText.optimizer(optimizer), fixed: !user.isAuto,
            DefaultOptimizerRule.id, "Adam with PyTorch's defaults unless the spec names another")
        raise(momentum.check(keyPath: SpecKey.optimizer.path))
        return optimizer
    }

    /// The learning rate: the spec's, else `auto` for the range test (LR-RANGE-TEST,
    /// LR-WITH-BATCHNORM); it stays as the spec has it in the config.
    mutating func decideLearningRate(hidden: HiddenDesign) {
        let user = spec.training.learningRate
        let rangeTest = RangeTestRule(isAuto: user.isAuto)
        let withNorm = BatchNormLearningRateRule(batchNorm: hidden.batchNorm)
        evaluations += [rangeTest.evaluate(), withNorm.evaluate()]
        if let rate = user.value {
            choose(SpecKey.learningRate.path, NumberText.evidence(rate), .spec, nil, "set in spec")
        } else {
            choose(
                SpecKey.learningRate.path, "auto", .rule, RangeTestRule.id,
                "the range test picks it before training"
                    + (hidden.batchNorm
                        ? ", on the batch-normalised network (LR-WITH-BATCHNORM)" : ""))
        }
    }

    /// The schedule: the spec's, else constant. No rule asks for one; the range test picks one
    /// rate, early stopping ends.
    mutating func decideSchedule() -> ScheduleConfig {
        let user = spec.training.schedule
        let schedule = user.value ?? .constant
        chooseSetting(
            SpecKey.schedule.path, SpecText.schedule(schedule), fixed: !user.isAuto, nil,
            "one rate from the range test; early stopping ends the run", source: .policy)
        return schedule
    }

    /// The weight penalty (REG-*, OVERFIT-RECIPE-MLP): the spec's; none with dropout (the
    /// modern recipe) or AdamW (decoupled decay); else L2 by REG-WEIGHT-DECAY. REG-L1-RANGE and
    /// REG-L2-RANGE check it.
    mutating func decideRegularization(
        optimizer: OptimizerConfig, schedule: ScheduleConfig, hidden: HiddenDesign
    ) -> PenaltyDecision {
        let user = spec.training.regularization
        let decay = WeightDecayRule(rows: ns, scheduled: schedule.kind != .constant)
        let decoupled: Bool
        if case .adamw = optimizer { decoupled = true } else { decoupled = false }
        let regularization: Regularization
        let rule: String
        let why: String
        if let fixed = user.value {
            regularization = fixed
            (rule, why) = ("", "set in spec")
        } else if hidden.dropout > 0 {
            regularization = .none
            (rule, why) = (
                OverfitRecipeRule.id,
                "modern recipe: dropout + max_norm \(NumberText.evidence(OverfitRecipeRule.maxNorm)) on "
                    + "the hidden dense layers + early stopping"
            )
        } else if decoupled {
            regularization = .none
            (rule, why) = (
                WeightDecayRule.id, "adamw decays the weights itself (training.weight_decay)"
            )
        } else {
            regularization = Regularization(penalty: .l2(decay.l2))
            (rule, why) = (
                OverfitRecipeRule.id,
                "classical recipe: early stopping + L2; REG-WEIGHT-DECAY: 0.1 / Ns = "
                    + "\(NumberText.evidence(decay.l2)) in 1e-6..1e-2"
            )
        }
        chooseSetting(
            SpecKey.regularization.path, SpecText.regularization(regularization),
            fixed: !user.isAuto, rule, why)
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
        raise(l1Rule.check(keyPath: SpecKey.regularization.path))
        raise(l2Rule.check(keyPath: SpecKey.regularization.path))
        return PenaltyDecision(regularization: regularization, decay: decay, decoupled: decoupled)
    }

    /// The weight decay: the spec's, else AdamW's decoupled decay (REG-WEIGHT-DECAY) or 0;
    /// REG-L1-XOR-L2 checks it against an L1 penalty.
    mutating func decideWeightDecay(_ penalty: PenaltyDecision) -> Double {
        let user = spec.training.weightDecay
        let decay = penalty.decay
        let weightDecay = user.value ?? (penalty.decoupled ? decay.decoupledDecay : 0)
        chooseSetting(
            SpecKey.weightDecay.path, NumberText.evidence(weightDecay), fixed: !user.isAuto,
            WeightDecayRule.id,
            penalty.decoupled
                ? "adamw: 10 / Ns = \(NumberText.evidence(decay.decoupledDecay)) in 1e-4..0.1, larger "
                    + "for smaller data"
                : "0: the penalty is training.regularization (one weight penalty, REG-L1-XOR-L2)")
        raise(
            L1XorL2Rule(penalty: penalty.regularization.penalty).check(
                weightDecay: weightDecay, decoupled: penalty.decoupled,
                keyPath: SpecKey.weightDecay.path))
        return weightDecay
    }

    /// The batch size (BATCH-*): the spec's, checked by BATCH-NEVER-ABOVE-DATA,
    /// BATCH-NOT-TOO-SMALL and BATCH-MEMORY; else by data size, halved to fit the memory, at
    /// least the minimum, at most the rows. LR-BATCH-COUPLING is evaluated on it.
    mutating func decideBatchSize(layers: [LayerConfig]) -> Int {
        let user = spec.training.batchSize
        let floatsPerRow = ni + Self.outputWidths(layers, inputs: ni).reduce(0, +)
        let small = SmallDataBatchRule(rows: ns, smallDataRows: settings.smallDataRows)
        let large = LargeDataBatchRule(
            rows: ns, from128: settings.smallDataRows, from256: settings.batch256Rows,
            from512: settings.batch512Rows)
        let base = small.applies ? small.batchSize : large.batchSize
        let memory = MemoryBatchRule(
            batchSize: user.value ?? base, floatsPerRow: floatsPerRow,
            budgetMiB: settings.batchMemoryMiB, minimumBatch: settings.minimumBatch)
        let minimum = MinimumBatchRule(
            batchSize: memory.fittedBatchSize, minimumBatch: settings.minimumBatch)
        let withinData = BatchWithinDataRule(batchSize: minimum.result, rows: ns)
        evaluations += [
            small.evaluate(), large.evaluate(), memory.evaluate(), minimum.evaluate(),
            withinData.evaluate(),
        ]
        let batch: Int
        if let fixed = user.value {
            batch = fixed
            choose(SpecKey.batchSize.path, String(fixed), .spec, nil, "set in spec")
            // The rules on the fixed size itself (`memory` holds it already).
            let key = SpecKey.batchSize.path
            raise(BatchWithinDataRule(batchSize: fixed, rows: ns).check(keyPath: key))
            raise(
                MinimumBatchRule(batchSize: fixed, minimumBatch: settings.minimumBatch)
                    .check(keyPath: key))
            raise(memory.check(keyPath: key))
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
                    + "\(NumberText.evidence(settings.batchMemoryMiB)) MiB"
            }
            if withinData.result != minimum.result {
                rule = BatchWithinDataRule.id
                why += "; cut to the \(ns) training rows"
            }
            choose(SpecKey.batchSize.path, String(batch), .rule, rule, why)
        }
        evaluations.append(
            BatchCouplingRule(
                learningRateFixed: !spec.training.learningRate.isAuto, batchSize: batch
            )
            .evaluate())
        return batch
    }

    /// EPOCHS-BY-SIZE for `batch` (its steps per epoch also set EARLY-STOP-STEPS' patience).
    func epochsRule(batch: Int) -> EpochsRule {
        EpochsRule(
            rows: ns, batchSize: batch, targetSteps: settings.targetSteps,
            minimumEpochs: settings.minimumEpochs, maximumEpochs: settings.maximumEpochs)
    }

    /// The epochs: the spec's, else EPOCHS-BY-SIZE's (EARLY-STOP evaluated alongside).
    mutating func decideEpochs(batch: Int) -> Int {
        let user = spec.training.epochs
        let epochsRule = epochsRule(batch: batch)
        let stopping = EarlyStoppingRule(
            patience: settings.earlyStoppingPatience, minDelta: settings.earlyStoppingMinDelta)
        evaluations += [epochsRule.evaluate(), stopping.evaluate()]
        let epochs = user.value ?? epochsRule.epochs
        chooseSetting(
            SpecKey.epochs.path, String(epochs), fixed: !user.isAuto, EpochsRule.id,
            "about \(settings.targetSteps) steps at \(epochsRule.stepsPerEpoch) per epoch, "
                + "clamped to \(settings.minimumEpochs)..\(settings.maximumEpochs); early stopping "
                + "ends sooner"
        )
        return epochs
    }

    /// Early stopping: the spec's (EARLY-STOP checks it is on), else EARLY-STOP's; the reasons
    /// of its fields.
    mutating func decideEarlyStopping(batch: Int) -> EarlyStoppingConfig? {
        let steps = epochsRule(batch: batch).stepsPerEpoch
        let bySteps = PatienceByStepsRule(
            basePatience: settings.earlyStoppingPatience, stepsPerEpoch: steps,
            minimumSteps: settings.patienceMinimumSteps)
        evaluations.append(bySteps.evaluate())
        let stopping = EarlyStoppingRule(
            patience: bySteps.patience, minDelta: settings.earlyStoppingMinDelta)
        let earlyStopping: EarlyStoppingConfig?
        switch spec.training.earlyStopping {
        case .fixed(let fixed):
            earlyStopping = fixed
            choose(
                SpecKey.earlyStopping.path, SpecText.earlyStopping(fixed), .spec, nil, "set in spec"
            )
            raise(stopping.check(fixed, keyPath: SpecKey.earlyStopping.path))
        case .auto:
            earlyStopping = stopping.config
            choose(
                SpecKey.earlyStopping.path, SpecText.earlyStopping(stopping.config), .rule,
                EarlyStoppingRule.id, "stop on validation loss, restore the best weights")
        }
        if let earlyStopping {
            let fixed = !spec.training.earlyStopping.isAuto
            chooseSetting(
                "training.early_stopping.patience", String(earlyStopping.patience), fixed: fixed,
                bySteps.applies ? PatienceByStepsRule.id : EarlyStoppingRule.id,
                bySteps.applies
                    ? "\(steps) steps per epoch: at least \(settings.patienceMinimumSteps) steps "
                        + "without improvement before stopping"
                    : "epochs without improvement before stopping (proposed 10)")
            chooseSetting(
                "training.early_stopping.min_delta", NumberText.evidence(earlyStopping.minDelta),
                fixed: fixed, EarlyStoppingRule.id, "smallest drop that counts (proposed 1e-4)")
            chooseSetting(
                "training.early_stopping.restore_best", String(earlyStopping.restoreBest),
                fixed: fixed, EarlyStoppingRule.id, "keep the best epoch's weights")
        }
        return earlyStopping
    }

    /// Gradient clipping: the spec's, else CLIP-DEFAULTS' clip_norm 1.
    mutating func decideClipping() -> GradientClipping {
        let user = spec.training.gradientClipping
        evaluations.append(ClippingRule().evaluate())
        let clipping = user.value ?? ClippingRule.clipping
        chooseSetting(
            SpecKey.gradientClipping.path, SpecText.clipping(clipping), fixed: !user.isAuto,
            ClippingRule.id,
            "clip each tensor's gradient norm to 1.0: cheap insurance against exploding gradients")
        return clipping
    }

    /// Class weights: the spec's for classification, else none. No rulebook rule;
    /// DIAG-CONTRADICTION follows up after training.
    mutating func decideClassWeights() -> ClassWeights {
        let user = spec.training.classWeights
        let classWeights = task == .classification ? (user.value ?? .none) : .none
        let ratio = data.imbalanceRatio.map { "majority / minority = \(NumberText.evidence($0))" }
        chooseSetting(
            SpecKey.classWeights.path, SpecText.classWeights(classWeights),
            fixed: !user.isAuto && task == .classification, nil,
            task == .regression
                ? "regression: no classes"
                : "none by default\(ratio.map { " (\($0))" } ?? ""); DIAG-CONTRADICTION reports "
                    + "a starved class",
            source: .policy)
        return classWeights
    }

    /// The members averaged: the spec's, else ENSEMBLE-SMALL-DATA's.
    mutating func decideEnsemble() -> Int {
        let user = spec.training.ensemble
        let rule = EnsembleRule(
            rows: ns, members: settings.ensembleMembers, rowBudget: settings.ensembleRowBudget)
        evaluations.append(rule.evaluate())
        let members = user.value ?? rule.ensemble
        chooseSetting(
            SpecKey.ensemble.path, String(members), fixed: !user.isAuto, EnsembleRule.id,
            rule.reason)
        return members
    }

    /// Shuffling (SHUFFLE-ALWAYS checks a spec that turns it off) and the seed: both stay as
    /// the spec has them.
    mutating func decideShuffleAndSeed() {
        let user = spec.training
        evaluations.append(ShuffleRule().evaluate())
        let shuffleWritten = spec.location(of: SpecKey.shuffle.path) != nil
        if user.shuffle {
            choose(
                SpecKey.shuffle.path, "true", shuffleWritten ? .spec : .rule,
                shuffleWritten ? nil : ShuffleRule.id,
                shuffleWritten
                    ? "set in spec" : "reshuffle every epoch, also after the random split")
        } else {
            choose(SpecKey.shuffle.path, "false", .spec, nil, "set in spec")
        }
        raise(ShuffleRule().check(shuffle: user.shuffle, keyPath: SpecKey.shuffle.path))
        let seedFixed = spec.location(of: SpecKey.seed.path) != nil
        choose(
            SpecKey.seed.path, String(user.seed), seedFixed ? .spec : .policy, nil,
            seedFixed ? "set in spec" : "default seed: same spec and seed give the same model")
    }
}
