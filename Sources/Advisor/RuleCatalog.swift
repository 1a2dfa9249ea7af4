import Foundation
import Spec

/// The rulebook's text of one rule: what `layerwise recommend --explain RULE-ID` prints.
public struct RuleText: Sendable, Equatable, Codable {
    /// The rule ID.
    public var id: String
    /// The rulebook section it stands in.
    public var section: String
    /// The tuning-notes heading it comes from (nil where the rulebook adds it).
    public var notesHeading: String?
    /// The rule's full text.
    public var text: String
    /// The formula or decision, as the advisor applies it.
    public var formula: String
    /// Whether its thresholds are proposed (overridable in the spec's `advisor:` section).
    public var proposed: Bool

    /// The explanation as lines for a terminal, ending with the rulebook section it stands in.
    public var rendered: String {
        var lines = [
            "\(id)\(proposed ? " (proposed thresholds)" : "")", "", text, "", "Formula: \(formula)",
        ]
        if let notesHeading { lines.append("Notes: tuning-notes.md, \"\(notesHeading)\"") }
        lines.append("Rulebook: \(RuleCatalog.documentPath), section \"\(section)\"")
        return lines.joined(separator: "\n")
    }
}

/// Every rule of the rulebook with its text, formula and source, embedded (no file is read at
/// run time).
public enum RuleCatalog {
    /// The rule's full text, formula and source.
    /// - Parameter ruleID: a rulebook ID, any case (`size-geometric` finds SIZE-GEOMETRIC).
    /// - Throws: `AdvisorError.unknownRule` with the closest known ID as a did-you-mean.
    public static func explain(ruleID: String) throws(AdvisorError) -> RuleText {
        let wanted = ruleID.trimmingCharacters(in: .whitespaces).uppercased()
        if let rule = explainable.first(where: { $0.id == wanted }) { return rule }
        throw .unknownRule(ruleID, suggestion: suggestion(for: wanted))
    }

    /// The known ID closest to `id` by edit distance, if close enough to be a typo (or the
    /// unique ID starting with it).
    public static func suggestion(for id: String) -> String? {
        let wanted = id.uppercased()
        let prefixed = explainable.filter { $0.id.hasPrefix(wanted) }
        if prefixed.count == 1, !wanted.isEmpty { return prefixed[0].id }
        let scored = explainable.map { ($0.id, Suggestion.editDistance(wanted, $0.id)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, best.0.count / 3) ? best.0 : nil
    }

    static let sizing = "Sizing: neurons per hidden layer"
    static let depth = "Sizing: number of hidden layers"
    static let activations = "Activations and outputs"
    static let batches = "Batch size, epochs, shuffling"
    static let optimizer = "Learning rate and optimizer"
    static let regularisation = "Regularisation and stability"
    static let diagnostics = "Diagnostics after training"
    static let layersNotes = "How to configure layers and neurons"
    static let encoding = "Encoding of the inputs"
    static let tuning = "Tuning: search and verification"

    /// Every rule of the rulebook.
    public static let rules: [RuleText] = [
        RuleText(
            id: "SIZE-GEOMETRIC", section: sizing, notesHeading: layersNotes,
            text:
                "The most appropriate number of hidden neurons is the geometric mean of the "
                + "input and output widths. The advisor uses it as one of three per-layer "
                + "width candidates and takes their median.",
            formula: GeometricWidthRule.formula, proposed: false),
        RuleText(
            id: "SIZE-CAPACITY", section: sizing, notesHeading: layersNotes,
            text:
                "Capacity bound from the sample count: the total hidden neurons across all "
                + "hidden layers, with alpha an arbitrary scaling factor of 2 to 10. alpha = 2 "
                + "gives the upper bound on total hidden neurons, alpha = 10 the "
                + "conservative value. The advisor cuts the design's total to it "
                + "(alpha from advisor.capacity_alpha, default 2).",
            formula: CapacityRule.formula, proposed: false),
        RuleText(
            id: "SIZE-TWO-THIRDS", section: sizing, notesHeading: layersNotes,
            text:
                "The number of hidden neurons should be 2/3 the size of the input layer, plus "
                + "the size of the output layer. One of the three per-layer width candidates.",
            formula: TwoThirdsWidthRule.formula, proposed: false),
        RuleText(
            id: "SIZE-MEAN", section: sizing, notesHeading: layersNotes,
            text:
                "The number of hidden neurons should be between the size of the input layer and "
                + "the size of the output layer: their mean. One of the three per-layer width "
                + "candidates.",
            formula: MeanWidthRule.formula, proposed: false),
        RuleText(
            id: "SIZE-BOUNDS", section: sizing, notesHeading: layersNotes,
            text:
                "A hidden width lies between the output and input size, and under twice the "
                + "input: you will never require more than twice the number of hidden units as "
                + "you have inputs in an MLP with one hidden layer. The advisor clamps its "
                + "widths to it and warns, with the rule, when a user's width breaks it.",
            formula: WidthBoundsRule.formula, proposed: false),
        RuleText(
            id: "SIZE-TAPER", section: sizing, notesHeading: layersNotes,
            text:
                "The number of hidden neurons should keep on decreasing in subsequent layers: "
                + "each hidden layer is no wider than the one before it. The advisor halves "
                + "the width per layer, never below No.",
            formula: TaperRule.formula, proposed: false),
        RuleText(
            id: "SIZE-FLOOR", section: sizing, notesHeading: nil,
            text:
                "Calibrated (not in the notes): the first hidden layer a rule design gets is at "
                + "least 128 units wide (`advisor.width_floor`, 0 turns it off): SIZE-CAPACITY "
                + "still chooses the depth, but no longer narrows the first layer below the "
                + "floor. On tabular data the width rules give "
                + "2 to 20 units and SIZE-CAPACITY at alpha 2 cuts further; on the 18-dataset "
                + "quality suite (Benchmarks/quality-results.md, 2026-12-03, p2) one hidden "
                + "layer of 128 with the rules' early stopping, REG-DROPOUT and range test "
                + "beats those widths wherever the data is not linear (accuracy: mroz 0.653 -> "
                + "0.764, swiss_labor 0.619 -> 0.657; R2: cps1988 0.254 -> 0.298, galton 0.697 "
                + "-> 0.711) and costs no time (early stopping ends sooner); it loses on "
                + "hitters (-3.0 points) and stock_market (-2.7, a near-random target). "
                + "scikit-learn's default is 100 units, RealMLP-TD's 256 (Holzmueller et al., "
                + "NeurIPS 2024). Where a linear model is better, DEPTH-LINEAR takes no hidden "
                + "layer.",
            formula: WidthFloorRule.formula, proposed: true),
        RuleText(
            id: "SIZE-PRUNE", section: sizing, notesHeading: layersNotes,
            text:
                "After training, look at the weight matrices and remove units whose weights are "
                + "very close to zero: a unit whose incoming and outgoing weight norms are "
                + "below 1% of its layer's median counts as dead; the diagnostics suggest "
                + "the smaller width.",
            formula: PruneRule.formula, proposed: true),
        RuleText(
            id: "DEPTH-LINEAR", section: depth, notesHeading: layersNotes,
            text:
                "If the data is linearly separable, no hidden layer is needed. "
                + "Classification: a logistic model on the training split; separable when its "
                + "training accuracy is 100%. Measured and not adopted (quality suite, "
                + "2026-12-03): comparing validation accuracy chose worse than separability "
                + "(swiss_labor -3.8, fishing_mode -6.3 points): on validation splits of about "
                + "100 rows accuracy has a standard error of 4 to 5 points. Regression "
                + "(calibrated, 2026-12-07): ENC-NUMERIC-PLE's ridge probe (5 folds of the "
                + "training split, at most 4,096 rows, the encoding used) is scored again "
                + "with 128 random ReLU features of the standardised inputs beside them "
                + "(relu(xW + b), W ~ N(0, 1/inputs), b ~ N(0, 1), penalty 0.1 x rows: a "
                + "hidden layer whose output alone is fitted, Rahimi and Recht 2007); linear "
                + "when they lift its R2 by no more than `advisor.linear_r2_margin` (0). It "
                + "replaces a small MLP trained briefly and scored on the validation split. "
                + "On the suite's regression splits (Benchmarks/quality-results.md) the lift "
                + "is -0.017 to -0.105 on diabetes and house_prices (where the linear model "
                + "scores at or above the MLP on 4 of 6 test splits) and carseats, hitters and "
                + "med_expenses (already linear), +0.004 to +0.021 on galton, slid_wages and "
                + "cps1988 (where the MLP wins by up to 0.07); probes wider than 256 inputs "
                + "do not measure it.",
            formula: LinearDepthRule.formula, proposed: true),
        RuleText(
            id: "DEPTH-NO-SIGNAL", section: depth, notesHeading: nil,
            text:
                "Calibrated (not in the notes): when a linear model, cross-validated on the "
                + "training split, scores less than 0.05 above predicting without the inputs "
                + "(the majority class's share for classification, R2 0 for regression), the "
                + "data holds too little signal for hidden layers, which then fit noise: no "
                + "hidden layer (`advisor.signal_min_lift`). The linear model is "
                + "ENC-NUMERIC-PLE's ridge probe (5 folds, at most 4,096 rows) on the encoding "
                + "used. On the 18-dataset quality suite (Benchmarks/quality-results.md, "
                + "2026-12-07, sig against ple-rule, training seeds 42 / 7 / 8) the lifts are "
                + "0.002-0.030 on five datasets (credit_default, wvs_poverty, stock_market, "
                + "benefits, med_expenses: the S&P 500's direction, unemployment-benefit "
                + "take-up, medical expenses) and 0.13 or more on all others, so any threshold "
                + "from 0.03 to 0.13 makes the same choice. It applies to those five: "
                + "stock_market 0.484 -> 0.528 (seed 42; the linear baseline 0.532), benefits "
                + "0.690-0.699 -> 0.700-0.704, med_expenses 0.018 -> 0.040 (seed 42), "
                + "wvs_poverty and credit_default within a row of 2,000; the sum of the 18 "
                + "means rises 11.907 -> 11.985, 11.982 -> 11.991, 12.022 -> 12.032, and "
                + "within 0.5 point of the best baseline 12 -> 14 of 18 on seed 42. Signal "
                + "no linear model sees counts too (2026-12-07, later): the same ridge model "
                + "with DEPTH-LINEAR's 128 random ReLU features beside the inputs is scored as "
                + "well (regression always; classification where the linear lift is below the "
                + "minimum, the features beside the standardised inputs), and the better of "
                + "the two scores decides. Before, data whose signal is all interaction had "
                + "no hidden layer: XOR of two columns (the linear model 0.50, with the "
                + "features 0.95 accuracy) and y = a * b (R2 -0.01 against 0.98). On the "
                + "suite nothing changes (every lift below the minimum stays below it with the "
                + "features: stock_market 0.486 against 0.52 trivial), at 8 ms more per such "
                + "classification.",
            formula: SignalDepthRule.formula, proposed: true),
        RuleText(
            id: "DEPTH-LOW", section: depth, notesHeading: layersNotes,
            text:
                "Less complex data with fewer dimensions or features: 1 to 2 hidden layers (Ni "
                + "<= 32). The advisor takes 2 only when the data affords two tapered layers "
                + "even at the conservative capacity alpha 10.",
            formula: LowDepthRule.formula, proposed: true),
        RuleText(
            id: "DEPTH-HIGH", section: depth, notesHeading: layersNotes,
            text:
                "Data with many dimensions or features: 3 to 5 hidden layers (Ni > 32: 3 layers "
                + "up to 128 inputs, 4 up to 512, 5 beyond).",
            formula: HighDepthRule.formula, proposed: true),
        RuleText(
            id: "DEPTH-WIDE-VS-DEEP", section: depth, notesHeading: "Wide vs Deep Models",
            text:
                "Very wide, shallow networks are very good at memorisation but not so good at "
                + "generalisation; multiple layers generalise better because they learn "
                + "intermediate features. Prefer adding a layer to widening past " + "SIZE-BOUNDS.",
            formula: WideVersusDeepRule.formula, proposed: false),
        RuleText(
            id: "ACT-OUTPUT-MULTICLASS", section: activations,
            notesHeading: "Choosing an activation function",
            text: "Multiclass classification: softmax output, categorical cross-entropy.",
            formula: MulticlassOutputRule.formula, proposed: false),
        RuleText(
            id: "ACT-OUTPUT-BINARY", section: activations, notesHeading: nil,
            text: "Binary classification: one sigmoid output, binary cross-entropy.",
            formula: BinaryOutputRule.formula, proposed: false),
        RuleText(
            id: "ACT-OUTPUT-REGRESSION", section: activations, notesHeading: nil,
            text:
                "Regression: linear output, mean squared error (Huber as an option for outliers).",
            formula: RegressionOutputRule.formula, proposed: false),
        RuleText(
            id: "ACT-HIDDEN-DEFAULT", section: activations,
            notesHeading: "Choosing an activation function",
            text: "Hidden layers start with ReLU.", formula: DefaultHiddenActivationRule.formula,
            proposed: false),
        RuleText(
            id: "ACT-HIDDEN-BETTER", section: activations,
            notesHeading: "Choosing an activation function",
            text: "If ReLU does not do well enough (dead units, see DIAG-DEAD-RELU): Leaky ReLU.",
            formula: BetterHiddenActivationRule.formula, proposed: false),
        RuleText(
            id: "ACT-HIDDEN-LAST-RESORT", section: activations,
            notesHeading: "Choosing an activation function",
            text: "Then PReLU, then Maxout.", formula: LastResortHiddenActivationRule.formula,
            proposed: false),
        RuleText(
            id: "ACT-HIDDEN-DEEP", section: activations,
            notesHeading: "Choosing an activation function",
            text: "Swish for really deep networks (6 or more hidden layers).",
            formula: DeepHiddenActivationRule.formula, proposed: true),
        RuleText(
            id: "ACT-RECURRENT", section: activations,
            notesHeading: "Choosing an activation function",
            text:
                "Recurrent networks do well with tanh (recorded; applies only if sequence models "
                + "are added).",
            formula: RecurrentActivationRule.formula, proposed: false),
        RuleText(
            id: "INIT-BY-ACTIVATION", section: activations, notesHeading: nil,
            text:
                "He (Kaiming) for the ReLU family: normal std sqrt(2/fan_in) or uniform bound "
                + "sqrt(6/fan_in); leaky slope a: gain sqrt(2/(1+a^2)). Glorot (Xavier) for "
                + "tanh, sigmoid, softmax and linear: uniform bound "
                + "sqrt(6/(fan_in+fan_out)). LeCun for SELU: normal std sqrt(1/fan_in).",
            formula: InitializerRule.formula, proposed: false),
        RuleText(
            id: "INIT-LINEAR-RIDGE", section: activations, notesHeading: nil,
            text:
                "Calibrated (not in the notes): a regression network without hidden layers is a "
                + "linear model, and each network of the run (each ensemble member, on its own "
                + "rows) starts at the ridge fit of its training rows (penalty 0.01 x rows on "
                + "the weights, the intercept free: the model ENC-NUMERIC-PLE's and "
                + "DEPTH-LINEAR's probes cross-validate) instead of random weights; training "
                + "then goes on as the recipe says and restoring the best epoch keeps it near "
                + "that start unless the validation rows prefer otherwise. Adam from random "
                + "weights, stopped early on a few dozen validation rows, ended short of the "
                + "optimum: on the quality suite (Benchmarks/quality-results.md, 2026-12-07, "
                + "seed 42) R2 hitters 0.651 -> 0.726, diabetes 0.395 -> 0.403, house_prices "
                + "0.644 -> 0.647, carseats 0.847 -> 0.848, med_expenses 0.040 -> 0.040. A "
                + "larger L2 alone (0.01) did not get there (hitters 0.640). Inputs wider than "
                + "512 start at random.",
            formula: LinearRidgeStartRule.formula, proposed: true),
        RuleText(
            id: "INIT-LINEAR-LOGISTIC", section: activations, notesHeading: nil,
            text:
                "Calibrated (not in the notes): INIT-LINEAR-RIDGE for classes. A classification "
                + "network without hidden layers is a logistic regression (one sigmoid output "
                + "for two classes, a softmax for more), and each network of the run (each "
                + "ensemble member, on its own rows) starts at the penalised logistic fit of "
                + "its training rows: scikit-learn's default LogisticRegression (the summed "
                + "log-loss plus |W|^2 / 2, C = 1; intercepts free), by 200 full-batch Adam "
                + "steps at rate 0.1 in double precision from zero (the objective is convex), "
                + "on at most 1,000,000 / (inputs x outputs) rows read at an even stride. "
                + "Training then goes on as the recipe says, and restoring the best epoch "
                + "keeps it near the start unless the validation rows prefer otherwise. On the "
                + "quality suite (Benchmarks/quality-results.md, 2026-12-08, ls3 against eq, "
                + "training seeds 42 / 7 / 8) the linear classifiers move by a row or two: "
                + "at or above scikit-learn's MLP on 17 / 14 / 16 -> 18 / 16 / 17 of 18 "
                + "(iris 0.978 -> 0.989 on seed 42; credit_default 0.9728 -> 0.9732, "
                + "penguins 0.986 -> 0.990 on seeds 7 and 8), stock_market 0.528 / 0.519 / "
                + "0.521 -> 0.527 / 0.520 / 0.529, wvs_poverty -0.002 to +0.001, benefits "
                + "-0.001 to +0.005, breast_cancer (linear on some splits) 0.962 -> 0.968 and "
                + "0.974 -> 0.971; the sum of the 18 mean scores 12.163 / "
                + "12.163 / 12.164 -> 12.179 / 12.173 / 12.171, for about 1.3 s more over the "
                + "suite's 54 fits (the fits of the ensemble members). 500 steps at 0.05 gave "
                + "the same scores at 2.5 times the cost. Inputs wider than 512 start at random.",
            formula: LinearLogisticStartRule.formula, proposed: true),
        RuleText(
            id: "INIT-HIDDEN-LINEAR", section: activations, notesHeading: nil,
            text:
                "Calibrated (not in the notes): INIT-LINEAR-RIDGE and INIT-LINEAR-LOGISTIC for "
                + "networks with hidden layers. Each network of the run (each ensemble member, "
                + "on its own rows) starts as the linear fit of its training rows (the ridge "
                + "fit for regression, the logistic regression fit for classes) and its hidden "
                + "units add what that model misses. A rectifier of negative slope a carries a "
                + "value z in two units, f(z) - f(-z) = (1 + a) z: units 2k and 2k + 1 of the "
                + "first hidden layer compute f(z_k) and f(-z_k) of output k's linear value, "
                + "each later hidden layer passes the pair on, and the output layer reads z_k "
                + "back. A max-norm constraint is kept by scaling the carrying weights into it "
                + "and reading them back larger. The other units keep their INIT-BY-ACTIVATION "
                + "draw, except that their output weights start at a tenth of it, so that the "
                + "first loss is the linear fit's, nearly. Restoring the best epoch then keeps "
                + "the linear part when the hidden units add nothing the validation rows "
                + "confirm. Applies to relu, leaky_relu and prelu hidden layers at least 2 "
                + "units per output wide, without batch norm (which would rescale the carried "
                + "values) or embedded inputs. `model.linear_start: false` starts every network "
                + "at its initializers' random draw instead (this rule, INIT-LINEAR-RIDGE and "
                + "INIT-LINEAR-LOGISTIC alike). On the quality suite (Benchmarks/"
                + "quality-results.md, 2026-12-08, hl against rv, training seeds 42 / 7 / 8 / "
                + "1 / 2 / 3) only the datasets with a hidden layer move: breast_cancer's "
                + "split 0, where the logistic regression scores 0.974 and a randomly started "
                + "MLP 0.939-0.965, 0.939 / 0.947 -> 0.947 / 0.956 (seeds 42 / 7); the mean "
                + "scores of mroz -0.002 to +0.013, swiss_labor -0.008 to +0.010, galton "
                + "-0.008 to +0.008, slid_wages -0.003 to +0.003, cps1988 +0.000 to +0.001; "
                + "within 0.5 point of the best baseline 16 / 15 / 18 "
                + "/ 16 / 17 / 17 -> 16 / 16 / 18 / 16 / 17 / 17 of 18, at or above "
                + "scikit-learn's MLP 18 / 16 / 17 / 18 / 16 / 16 -> 18 / 17 / 18 / 18 / 16 / "
                + "16, the sum of the 18 mean scores +0.042 over the six seeds (-0.009 to "
                + "+0.016 each), the suite's time unchanged. In a first version, where "
                + "max-norm cut the carrying weights after the first step, the other units' "
                + "output weights at 0, 0.03, 0.1 or 0.3 of their draw scored the same within "
                + "noise; at their full draw (the start no longer the fit) the sums fell by "
                + "0.01 to 0.02, and 8 pairs of carrying units per output (less dropout noise "
                + "on the linear part) lost 1.2 to 1.7 points on swiss_labor.",
            formula: HiddenLinearStartRule.formula, proposed: true),
        RuleText(
            id: "BATCH-SMALL-DATA", section: batches, notesHeading: "Batch size",
            text: "Small datasets: batch size 32 (Ns < 10,000).",
            formula: SmallDataBatchRule.formula,
            proposed: true),
        RuleText(
            id: "BATCH-LARGE-DATA", section: batches, notesHeading: "Batch size",
            text:
                "Around a million rows: 128, 256 or 512 (128 from 10,000 rows, 256 from 100,000, "
                + "512 from 1,000,000).",
            formula: LargeDataBatchRule.formula, proposed: true),
        RuleText(
            id: "BATCH-MEMORY", section: batches, notesHeading: "Summary of hyperparameter tuning",
            text:
                "A batch's activations and gradients must fit the memory budget: halve until "
                + "they do. When the data does not fit into memory, reduce the batch size.",
            formula: MemoryBatchRule.formula, proposed: true),
        RuleText(
            id: "BATCH-NOT-TOO-SMALL", section: batches,
            notesHeading: "Summary of hyperparameter tuning",
            text: "Very small batches destabilise training: never below 8 unless asked.",
            formula: MinimumBatchRule.formula, proposed: true),
        RuleText(
            id: "BATCH-NEVER-ABOVE-DATA", section: batches, notesHeading: nil,
            text: "The batch size never exceeds the training rows.",
            formula: BatchWithinDataRule.formula,
            proposed: false),
        RuleText(
            id: "EPOCHS-BY-SIZE", section: batches, notesHeading: "Epochs",
            text:
                "Data sets with few observations need more passes over the data, larger ones "
                + "fewer. Aim at about 20,000 optimizer steps, clamped to 10..500 epochs, with "
                + "early stopping on.",
            formula: EpochsRule.formula, proposed: true),
        RuleText(
            id: "SHUFFLE-ALWAYS", section: batches, notesHeading: "Data Shuffling",
            text:
                "Shuffle the training rows every epoch, also after a random split: a random "
                + "split chooses the rows but does not change their order.",
            formula: ShuffleRule.formula, proposed: false),
        RuleText(
            id: "LR-RANGE-TEST", section: optimizer, notesHeading: "Learning Rate",
            text:
                "Pick the learning rate with a range test when the spec says auto: copy weights "
                + "and optimizer state (restore after); sweep exponentially from 1e-7 to 10 "
                + "over 100 steps; smooth the loss with a bias-corrected EMA (beta 0.98); "
                + "stop on a non-finite loss or 5 steps after smooth > 4 * best; drop "
                + "the first 10% and the last 5 points; choose fastai's valley, "
                + "cross-check steep and minimum/10 (read from a centred robust trend), "
                + "flag low confidence unless the loss clearly falls, the valley lies in "
                + "the fall and the three agree within 10x. Calibrated: training takes the "
                + "valley only when the confidence is high, else OPT-DEFAULT's 1e-3. On the "
                + "quality suite (Benchmarks/quality-results.md, 2026-12-03) low-confidence "
                + "suggestions lost to 1e-3 on 19 of 31 splits; trusting only high ones took "
                + "the designs within 0.5 point of the best baseline from 7 to 10 of 18 "
                + "(stock_market +2.9, house_prices +1.7, swiss_labor +1.1; hitters -5.3).",
            formula: RangeTestRule.formula, proposed: false),
        RuleText(
            id: "LR-WITH-BATCHNORM", section: optimizer, notesHeading: "Batch Normalization",
            text:
                "Batch normalisation allows a larger learning rate: the range test is run with "
                + "the normalised network.",
            formula: BatchNormLearningRateRule.formula, proposed: false),
        RuleText(
            id: "LR-BATCH-COUPLING", section: optimizer,
            notesHeading: "Summary of hyperparameter tuning",
            text:
                "When the batch size grows, re-check the learning rate; lowering the rate while "
                + "raising epochs or batch size is often a good combination.",
            formula: BatchCouplingRule.formula, proposed: false),
        RuleText(
            id: "OPT-DEFAULT", section: optimizer, notesHeading: nil,
            text: "Adam (lr 1e-3, betas 0.9 / 0.999, eps 1e-8) unless the spec names another.",
            formula: DefaultOptimizerRule.formula, proposed: false),
        RuleText(
            id: "OPT-MOMENTUM", section: optimizer, notesHeading: "Optimzation Algos",
            text:
                "Momentum damps oscillation across the valley and allows a larger rate: SGD uses "
                + "momentum 0.9 when chosen.",
            formula: MomentumRule.formula, proposed: false),
        RuleText(
            id: "REG-L1-RANGE", section: regularisation, notesHeading: "Regularization",
            text: "L1 between 1e-8 and 1e-4; larger values make models of little use.",
            formula: L1RangeRule.formula, proposed: false),
        RuleText(
            id: "REG-L2-RANGE", section: regularisation, notesHeading: "Regularization",
            text: "L2 between 1e-6 and 1e-2.", formula: L2RangeRule.formula, proposed: false),
        RuleText(
            id: "REG-L1-XOR-L2", section: regularisation, notesHeading: "Regularization",
            text: "L1 and L2 are not set together: one or the other (spec error if both).",
            formula: L1XorL2Rule.formula, proposed: false),
        RuleText(
            id: "REG-WEIGHT-DECAY", section: regularisation, notesHeading: "Weight Decay",
            text:
                "Smaller datasets and networks want larger weight decay, larger and deeper ones "
                + "smaller; with a learning-rate range (schedule) the best decay is smaller "
                + "than with a constant rate.",
            formula: WeightDecayRule.formula, proposed: false),
        RuleText(
            id: "REG-DROPOUT", section: regularisation, notesHeading: "Overfitting",
            text:
                "Dropout between 0.1 and 0.5 on wide hidden layers when overfitting is likely "
                + "(when the parameters exceed Ns).",
            formula: DropoutRule.formula, proposed: true),
        RuleText(
            id: "REG-BN-REPLACES-DROPOUT", section: regularisation,
            notesHeading: "Batch Normalization",
            text:
                "With batch normalisation, dropout is often unnecessary: default it off. The "
                + "statistics used to normalise become noisy under dropout.",
            formula: BatchNormReplacesDropoutRule.formula, proposed: false),
        RuleText(
            id: "BN-PLACEMENT", section: regularisation, notesHeading: "Batch Normalization",
            text:
                "Batch normalisation before the activation for ReLU-family activations, after it "
                + "for tanh and sigmoid.",
            formula: BatchNormPlacementRule.formula, proposed: false),
        RuleText(
            id: "BN-DEEP", section: regularisation, notesHeading: "Batch Normalization",
            text: "Batch normalisation for deep networks (3 or more hidden layers).",
            formula: DeepBatchNormRule.formula, proposed: true),
        RuleText(
            id: "CLIP-DEFAULTS", section: regularisation, notesHeading: "Exploding gradient",
            text:
                "Gradient clipping: clipnorm 1.0 or clipvalue 0.5 (Keras semantics: clipnorm "
                + "rescales each tensor's gradient to norm <= 1.0; clipvalue clamps each "
                + "element to [-0.5, 0.5]).",
            formula: ClippingRule.formula, proposed: false),
        RuleText(
            id: "EARLY-STOP", section: regularisation, notesHeading: "Overfitting",
            text:
                "Early stopping on validation loss, with best weights restored (patience 10, "
                + "min_delta 1e-4).",
            formula: EarlyStoppingRule.formula, proposed: true),
        RuleText(
            id: "EARLY-STOP-STEPS", section: regularisation, notesHeading: nil,
            text:
                "Calibrated (not in the notes): EARLY-STOP's patience counts epochs, and on "
                + "small data an epoch is a few optimizer steps (iris: 4), so 10 epochs stop "
                + "training on the first plateau. Patience becomes at least 500 steps "
                + "(`advisor.patience_min_steps`, 0 turns it off), at most 5 times "
                + "EARLY-STOP's (50 epochs); from 50 steps per epoch (1,600 training rows at "
                + "batch 32) it is EARLY-STOP's 10. On the 18-dataset quality suite "
                + "(Benchmarks/quality-results.md, 2026-12-03, ens5s500 against ens5, both "
                + "with ENSEMBLE-SMALL-DATA) the sum of the 18 mean scores rises 11.642 -> "
                + "11.729 (R2: hitters 0.426 -> 0.492, diabetes 0.380 -> 0.387, galton 0.726 "
                + "-> 0.730; accuracy: swiss_labor 0.665 -> 0.672, breast_cancer 0.959 -> "
                + "0.962, stock_market 0.501 -> 0.507; fishing_mode 0.931 -> 0.925) and 13 "
                + "of 18 are at or above scikit-learn's MLP (11); small data trains longer, "
                + "larger data as before. scikit-learn's MLP has no early stopping by "
                + "default; it trains until the training loss stops falling for 10 epochs.",
            formula: PatienceByStepsRule.formula, proposed: true),
        RuleText(
            id: "ENSEMBLE-SMALL-DATA", section: regularisation, notesHeading: nil,
            text:
                "Calibrated (not in the notes): train up to 5 networks "
                + "(`advisor.ensemble_members`, `training.ensemble` fixes the count), as many "
                + "as a budget of 100,000 rows holds, members x training rows "
                + "(`advisor.ensemble_row_budget`): 5 up to 20,000 training rows, 4 to 25,000, "
                + "3 to 33,333, 2 to 50,000, one network beyond; and average their outputs "
                + "(probabilities, or values). Each member draws its own training and "
                + "validation rows from the non-test rows (the same sizes, stratified as the "
                + "split) and its own initial weights; the first member is the run's own "
                + "split, whose curves the diagnostics read. On small data a validation split "
                + "of a few dozen rows makes early stopping's epoch noisy and one seed's "
                + "network a noisy draw. On the 18-dataset quality suite "
                + "(Benchmarks/quality-results.md, 2026-12-03) 5 networks of different seeds "
                + "averaged beat the mean of the same 5 alone on 15 of 18 (R2: hitters "
                + "0.425 -> 0.465, diabetes 0.366 -> 0.391, med_expenses 0.011 -> 0.026; "
                + "accuracy: iris 0.936 -> 0.967, mroz 0.756 -> 0.766), and as the default "
                + "(ens5 against p4) the sum of the 18 mean scores rises 11.615 -> 11.642 "
                + "(hitters 0.407 -> 0.426, med_expenses 0.007 -> 0.018, house_prices 0.633 "
                + "-> 0.641; below the single seed-42 network on breast_cancer, iris and "
                + "stock_market, whose one network was a lucky draw) for 1.3x the suite's "
                + "time: members train in memory, without the first one's per-epoch files. "
                + "The budget (2026-12-07) replaced a cap of 10,000 rows: it is "
                + "BATCH-LARGE-DATA's threshold, so an ensemble passes over no more rows than "
                + "one network on large data; the variance averaging removes shrinks and the "
                + "cost grows with the rows. cps1988 (22,524 training rows, the suite's one "
                + "dataset between the old cap and 50,000) gets 4 members: R2 0.297 -> 0.300, "
                + "0.295 -> 0.299 and 0.296 -> 0.300 on three training seeds, above "
                + "scikit-learn's MLP (0.298) on each, for 0.3 s more over its three splits; "
                + "the other 17 datasets are unchanged (bagging: Breiman 1996; RealMLP-TD, "
                + "Holzmueller et al. NeurIPS 2024, and AutoGluon average bagged MLPs).",
            formula: EnsembleRule.formula, proposed: true),
        RuleText(
            id: "OVERFIT-RECIPE-MLP", section: regularisation, notesHeading: "Overfitting",
            text:
                "For MLPs, classical: early stopping + L2 weight regularisation; modern: early "
                + "stopping + dropout + a max-norm weight constraint.",
            formula: OverfitRecipeRule.formula, proposed: false),
        RuleText(
            id: "DIAG-NONFINITE", section: diagnostics, notesHeading: "Exploding gradient",
            text:
                "Any NaN or Inf in loss, weights or gradients: exploding gradients. Clip "
                + "(CLIP-DEFAULTS), lower the rate, smaller batch, fewer layers, weight "
                + "regularisation; check inputs for NaN.",
            formula: "any non-finite loss, weight or gradient", proposed: true),
        RuleText(
            id: "DIAG-EXPLODING", section: diagnostics, notesHeading: "Exploding gradient",
            text:
                "Loss jumps above 4x its running minimum, or a layer's gradient norm above 10x "
                + "its running median, or gradient norms above 1.0 for most steps: gradient "
                + "clipping; lower learning rate; fewer layers.",
            formula: "loss > 4 * running min, or |g| > 10 * running median, or |g| > 1 most steps",
            proposed: true),
        RuleText(
            id: "DIAG-VANISHING", section: diagnostics, notesHeading: "Vanishing Gradient Problem",
            text:
                "First-layer / last-layer gradient-norm ratio below 1e-3, or a layer's norm "
                + "below 1e-7: ReLU family, batch normalisation, fewer layers.",
            formula: "|g_first| / |g_last| < 1e-3 or |g_layer| < 1e-7", proposed: true),
        RuleText(
            id: "DIAG-DEAD-RELU", section: diagnostics,
            notesHeading: "Choosing an activation function",
            text:
                "More than 10% of ReLU units never active over an epoch (error at 40%): Leaky "
                + "ReLU (ACT-HIDDEN-BETTER), lower learning rate.",
            formula: "dead fraction > 0.10 (error > 0.40)", proposed: true),
        RuleText(
            id: "DIAG-OSCILLATING", section: diagnostics,
            notesHeading: "Summary of hyperparameter tuning",
            text:
                "Coefficient of variation of the detrended window above 0.1 and under 1% drop "
                + "between the window's halves, or sign changes in more than 60% of steps: "
                + "lower the learning rate (it is too high).",
            formula: "cv > 0.1 and drop < 1%, or sign changes > 60%", proposed: true),
        RuleText(
            id: "DIAG-SLOW", section: diagnostics, notesHeading: "Summary of hyperparameter tuning",
            text:
                "Loss still falling steadily but under 20% total drop in the first half of "
                + "training: raise the learning rate.",
            formula: "drop in first half < 20%, still falling", proposed: true),
        RuleText(
            id: "DIAG-NOT-CONVERGED", section: diagnostics,
            notesHeading: "Summary of hyperparameter tuning",
            text: "Still improving more than 1% across the window at the last epoch: more epochs.",
            formula: "improvement across the last window > 1%", proposed: true),
        RuleText(
            id: "DIAG-FLAT", section: diagnostics, notesHeading: "Summary of hyperparameter tuning",
            text:
                "After 5% of steps, loss within 1% of its first value: learning rate far too "
                + "low, dead units, or a bug; run the tiny-overfit check.",
            formula: "after 5% of steps |loss - loss_0| < 1%", proposed: true),
        RuleText(
            id: "DIAG-OVERFIT", section: diagnostics, notesHeading: "Overfitting",
            text:
                "Validation loss above 1.05x its minimum, and above it by two standard errors "
                + "of a mean over the validation rows (1 + 2/sqrt(rows): 23 rows need 42%), for "
                + "3 or more evaluations while training loss still falls: regularisation, "
                + "dropout, batch normalisation, early stopping, more data, a smaller network "
                + "(OVERFIT-RECIPE-MLP).",
            formula:
                "val > max(1.05, 1 + 2/sqrt(rows)) * min(val) for >= 3 evaluations, train falling",
            proposed: true),
        RuleText(
            id: "DIAG-UNDERFIT", section: diagnostics, notesHeading: "Overfitting",
            text:
                "Training score poor: no better than the trivial baseline (majority class / mean "
                + "predictor) by a margin, or training loss high and flat: more capacity "
                + "(width or depth), more epochs, less regularisation.",
            formula: "train score <= baseline + margin", proposed: true),
        RuleText(
            id: "DIAG-INITIAL-LOSS", section: diagnostics, notesHeading: nil,
            text:
                "First-batch softmax loss far from ln C (relative gap above 0.5): check "
                + "initialisation and labels.",
            formula: "|loss_0 - ln C| / ln C > 0.5", proposed: true),
        RuleText(
            id: "DIAG-CONTRADICTION", section: diagnostics, notesHeading: nil,
            text:
                "Loss falling while recall of some class stays 0 for 3 or more evaluations: "
                + "class imbalance; reweight classes, watch AUC.",
            formula: "loss falling and recall(c) = 0 for >= 3 evaluations", proposed: true),
        // The data layer applies the ENC- rules when it fits the encoding (`layerwise profile`
        // names them per column); the advisor sees their result as Ni.
        RuleText(
            id: "ENC-ONEHOT-MAX", section: encoding, notesHeading: nil,
            text:
                "A categorical input with few levels is one-hot encoded; above a small number "
                + "of levels a learned embedding replaces the one-hot block, whose width (and "
                + "the first layer's weights) would grow with the levels. fastai embeds every "
                + "categorical, pytabkit's RealMLP one-hot encodes up to 8 levels. Levels are "
                + "counted on the training split (advisor.one_hot_max_levels, default 16). An "
                + "embedding also needs two levels on at least ENC-RARE-OTHER's minimum of "
                + "rows; with fewer it would see one level, and the column stays one-hot.",
            formula:
                "levels <= one_hot_max_levels or fewer than 2 levels on rare_level_min_count "
                + "rows ? one-hot (levels inputs) : embedding",
            proposed: true),
        RuleText(
            id: "ENC-EMBED-SIZE", section: encoding, notesHeading: nil,
            text:
                "The dimension of a categorical column's embedding: fastai's rule of thumb "
                + "(emb_sz_rule, Howard & Gugger 2020), capped at half the table's rows and at "
                + "advisor.embedding_max_dimension (default 600). The table has one row per "
                + "kept level, one for 'other' and one for missing values when training had "
                + "any; the encoded data holds one code per row, the network sees the "
                + "dimension (counted in Ni). Entity embeddings: Guo & Berkhahn 2016.",
            formula: "d = max(1, min(round(1.6 * n^0.56), ceil(n / 2), embedding_max_dimension))",
            proposed: true),
        RuleText(
            id: "ENC-RARE-OTHER", section: encoding, notesHeading: nil,
            text:
                "Levels of an embedded column seen on fewer training rows than a minimum share "
                + "one 'other' level, which also takes levels unseen in training at predict "
                + "time (with a warning): a table row trained on a handful of rows stays close "
                + "to its random start (advisor.rare_level_min_count, default 10).",
            formula: "count(level) < rare_level_min_count ? 'other' : own row", proposed: true),
        RuleText(
            id: "TUNE-ZERO-TRIAL", section: tuning,
            notesHeading: "Summary of hyperparameter tuning",
            text:
                "Trial 0 of every study is the zero-trial design: every key at the advisor's "
                + "value, so `tune` never reports a design worse (on its validation score) than "
                + "`train` builds. The space is one parameter per `auto` key, each range "
                + "taken from the rule that chose the zero-trial value (DEPTH-*, SIZE-* with "
                + "SIZE-FLOOR, ACT-HIDDEN-*, BN-*, REG-DROPOUT, LR-RANGE-TEST +-10x, BATCH-*, "
                + "REG-L2-RANGE); keys the spec fixes stay fixed.",
            formula: "trial 0 = advisor's design; ranges from the rules", proposed: false),
        RuleText(
            id: "TUNE-STARTUP-QMC", section: tuning,
            notesHeading: "Summary of hyperparameter tuning",
            text:
                "Trials 1-8 are points of a scrambled Halton sequence (random digit "
                + "permutations, Owen 2017), spread evenly over the space before any model of "
                + "it is trusted, as the Deep Learning Tuning Playbook advises for "
                + "exploration.",
            formula: "trials 1..8: scrambled Halton", proposed: true),
        RuleText(
            id: "TUNE-TPE", section: tuning, notesHeading: "Summary of hyperparameter tuning",
            text:
                "Later trials come from the Tree-structured Parzen Estimator as Optuna's "
                + "independent TPE (Bergstra et al. 2011): the best gamma(n) = min(ceil(0.1 "
                + "n), 25) trials against the rest, truncated-normal kernels on each "
                + "parameter's (log) scale with a prior, 24 candidates drawn from the good "
                + "density, the one with the highest l(x)/g(x) chosen; trials running "
                + "elsewhere count among the bad ones (constant liar).",
            formula: "argmax l(x)/g(x) over 24 draws from l", proposed: false),
        RuleText(
            id: "TUNE-ASHA", section: tuning, notesHeading: "Summary of hyperparameter tuning",
            text:
                "Asynchronous successive halving (Li et al. 2020) on the validation loss "
                + "after each epoch: rungs at r, 3r, 9r ... epochs (r = the epoch cap / 27, at "
                + "least 3); at a rung a trial goes on only within the best third of the "
                + "trials that reached it. A rung reached by fewer than 3 trials never prunes, "
                + "so the first trials of a small study run to their end.",
            formula: "continue iff value in best 1/3 at rung; rungs r*3^k, r = cap/27",
            proposed: true),
        RuleText(
            id: "TUNE-SEARCH-PATIENCE", section: tuning, notesHeading: nil,
            text:
                "Calibrated: search trials stop on EARLY-STOP's patience alone, without "
                + "EARLY-STOP-STEPS' floor of 500 steps (unless the spec sets "
                + "`advisor.patience_min_steps`); the best trial is trained with the full "
                + "recipe. On the quality suite (Benchmarks/tune-results.md, 2026-12-03) 20 "
                + "trials took 38% less time (250.7 -> 154.6 s for 54 studies), were at or "
                + "above 50 trials of Optuna's TPE over scikit-learn's MLP on 16 of 17 "
                + "datasets instead of 15, and the sum of the 18 mean scores moved 11.862 -> "
                + "11.826, inside the training-seed band.",
            formula: "search: patience_min_steps = 0; best: the full recipe", proposed: true),
        RuleText(
            id: "TUNE-ONE-SE", section: tuning, notesHeading: nil,
            text:
                "Calibrated: the study reports the highest-scoring trial only when it beats the "
                + "zero-trial design (trial 0) by more than one standard error of its own "
                + "score; otherwise trial 0 (the one-standard-error rule: Breiman et al. 1984, "
                + "Hastie et al. ESL 7.10, with the rules' design as the simple model). The "
                + "error is the validation rows': accuracy and macro F1 as a share's with "
                + "Agresti and Coull's two successes and two failures added (a trial right on "
                + "every row still has one), MAE the rows' spread / sqrt(n), R^2 the squared "
                + "errors' spread / (sqrt(n) Var(y)); with `tune.cv` the folds' spread / "
                + "sqrt(k). On the quality suite (Benchmarks/tune-results.md, 2026-12-07) the "
                + "highest of 20 trials on a 20% validation split scored below the zero-trial "
                + "design on the test rows on 8 of 18 datasets (carseats 0.836 against 0.847, "
                + "house_prices 0.598 against 0.637, stock_market 0.509 against 0.528), its "
                + "validation lead mostly inside one standard error. With the rule: 20 trials "
                + ">= 50 of Optuna's TPE on 15 of 17 datasets instead of 14, and the sum of "
                + "the 18 means 11.920 -> 11.991, level with the zero-trial design's 11.985.",
            formula: "report trial 0 if best - trial0 <= se(best), else best", proposed: true),
    ]
}
