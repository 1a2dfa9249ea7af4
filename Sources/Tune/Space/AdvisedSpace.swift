import Advisor
import Foundation
import Runs
import Spec
import TuneSearch

/// The search space of a spec: one parameter per `auto` key tune can search, each range taken
/// from the rule that chose the zero-trial value (the rule's text is kept with the range), and
/// replaced by `tune.space` where the spec gives one. Keys the spec fixes stay fixed.
public enum AdvisedSpace {
    /// The activations tune tries (ACT-HIDDEN-*: ReLU first, its leaky and parametric forms
    /// against dead units, Swish for deep networks).
    public static let activationLadder = ["relu", "leaky_relu", "prelu", "swish"]

    /// The key of the numbers' encoding (ENC-NUMERIC-PLE), searched between its two values.
    public static let numericEncodingKey = SpecKey.numericEncoding.path

    /// The space of `plan`'s spec.
    /// - Parameters:
    ///   - plan: the zero-trial design (its spec, data summary and recommendation).
    ///   - learningRate: the zero-trial learning rate (the range test's suggestion when the
    ///     spec leaves it `auto`).
    ///   - rangeTestReason: how that rate was found, for the rule text.
    ///   - otherEncoding: the numbers' encoding the zero-trial design did not take, when the
    ///     study trains it (`tune.space` names `data.numeric_encoding`, which is then searched);
    ///     nil (default) leaves the key to ENC-NUMERIC-PLE's cross-validated choice.
    /// - Returns: the parameters in spec order; empty when the spec fixes every tunable key.
    public static func space(
        for plan: DesignPlan, learningRate: Double, rangeTestReason: String,
        otherEncoding: NumericEncoding? = nil
    ) -> SearchSpace {
        let spec = plan.loaded.spec
        let config = plan.recommendation.config
        let overrides = spec.tune.space
        var parameters: [SearchParameter] = []
        let explicitLayers = spec.model.layers != nil
        // The hidden layers' keys are searched when the network may have hidden layers: the
        // design has some, or the depth itself is searched (a layer list fixes all of them).
        let depth = plan.recommendation.hiddenWidths.count
        let hiddenKeys = !explicitLayers && (depth > 0 || spec.model.hiddenLayers.isAuto)
        let annotations = plan.recommendation.annotations
        /// The zero-trial choice's annotation (`RULE-ID: why`), or the rule family alone.
        func why(_ key: String, _ family: String) -> String {
            annotations[key].map { $0.isEmpty ? family : $0 } ?? family
        }

        func add(
            _ key: String, _ domain: ParameterDomain, _ zero: ParameterValue, _ rule: String
        ) {
            var domain = domain
            var rule = rule
            if let override = overrides[key] {
                domain = Self.domain(override, replacing: domain)
                rule = "tune.space in the spec (the rule's range: \(rule))"
            }
            parameters.append(
                SearchParameter(name: key, domain: domain, zeroTrial: zero, rule: rule))
        }

        if let otherEncoding, let choice = plan.summary.numericEncoding {
            add(
                numericEncodingKey,
                .choice([choice.encoding.rawValue, otherEncoding.rawValue]),
                .choice(choice.encoding.rawValue),
                "\(NumericEncodingChoice.rule): \(choice.why); standardised or with bins")
        }
        if !explicitLayers, spec.model.hiddenLayers.isAuto {
            // No hidden layer (DEPTH-LINEAR, DEPTH-NO-SIGNAL): one layer checks the rule; deeper
            // networks are off it and the costliest trials.
            let high = depth == 0 ? 1 : min(5, max(3, depth + 1))
            add(
                "model.hidden_layers", .integer(low: depth == 0 ? 0 : 1, high: high, log: false),
                .integer(depth),
                why(SpecKey.hiddenLayers.path, "DEPTH-*") + "; searched \(depth == 0 ? 0 : 1) "
                    + "to \(high) layer\(high == 1 ? "" : "s")")
        }
        if hiddenKeys, spec.model.neurons.isAuto {
            let formulas = plan.recommendation.sizing.compactMap { evaluation -> Double? in
                evaluation.id.hasPrefix("SIZE-") && evaluation.id != "SIZE-FLOOR"
                    ? evaluation.result.number : nil
            }.filter { $0.isFinite && $0 > 0 }
            let zero = plan.recommendation.hiddenWidths.first ?? 64
            let floor = spec.advisor.widthFloor
            let low = max(4, Int((formulas.min() ?? Double(zero)).rounded(.down)))
            let high = min(
                SpecLimits.width, max(2 * max(floor, zero), Int((formulas.max() ?? 0).rounded(.up)))
            )
            add(
                "model.neurons", .integer(low: min(low, zero), high: max(high, zero), log: true),
                .integer(zero),
                "SIZE-*: formulas give "
                    + formulas.map { String(format: "%.3g", $0) }.joined(separator: ", ")
                    + ", SIZE-FLOOR \(floor): widths \(min(low, zero)) to \(max(high, zero)) "
                    + "(log), every hidden layer alike")
        }
        if hiddenKeys, spec.model.activation.isAuto {
            let zero = config.model.activation.value?.name ?? "relu"
            var ladder = activationLadder
            if !ladder.contains(zero) { ladder.insert(zero, at: 0) }
            add(
                "model.activation", .choice(ladder), .choice(zero),
                why(SpecKey.activation.path, "ACT-HIDDEN-*") + "; the ladder "
                    + ladder.joined(separator: ", "))
        }
        if hiddenKeys, spec.model.batchNorm.isAuto {
            let zero = config.model.batchNorm.value ?? false
            add(
                "model.batch_norm", .choice(["false", "true"]), .choice(zero ? "true" : "false"),
                why(SpecKey.batchNorm.path, "BN-*") + "; on or off")
        }
        if hiddenKeys, spec.model.dropout.isAuto {
            let zero = config.model.dropout.value ?? 0
            add(
                "model.dropout", .real(low: 0, high: 0.5, log: false), .real(zero),
                why(SpecKey.dropout.path, "REG-DROPOUT") + "; 0 (none) to 0.5, the rule's "
                    + "upper bound")
        }
        if spec.training.learningRate.isAuto {
            add(
                "training.learning_rate",
                .real(low: learningRate / 10, high: learningRate * 10, log: true),
                .real(learningRate),
                "LR-RANGE-TEST: \(rangeTestReason); 10x either side (log)")
        }
        if spec.training.batchSize.isAuto {
            let zero = config.training.batchSize.value ?? 32
            let rows = max(1, plan.data.training.rowCount)
            let low = max(spec.advisor.minimumBatch, zero / 4)
            let high = max(low, min(rows, zero * 8, 4096))
            add(
                "training.batch_size",
                .integer(low: min(low, zero), high: max(high, zero), log: true), .integer(zero),
                why(SpecKey.batchSize.path, "BATCH-*") + "; \(min(low, zero)) to "
                    + "\(max(high, zero)) (log, BATCH-NOT-TOO-SMALL's floor)")
        }
        if spec.training.regularization.isAuto {
            let zero: Double
            if case .l2(let strength) = config.training.regularization.value?.penalty {
                zero = strength
            } else {
                zero = 0
            }
            add(
                "training.regularization.l2",
                .real(
                    low: L2RangeRule.range.lowerBound, high: L2RangeRule.range.upperBound,
                    log: true),
                .real(zero),
                "REG-L2-RANGE: 1e-6 to 1e-2 (log); the zero-trial design uses "
                    + (zero > 0 ? String(format: "%.3g", zero) : "none"))
        }
        return SearchSpace(parameters: parameters)
    }

    /// A `tune.space` override as a domain, on the rule's scale unless it says `log`.
    static func domain(
        _ override: SpaceOverride, replacing rule: ParameterDomain
    )
        -> ParameterDomain
    {
        switch override {
        case .choices(let values): return .choice(values)
        case .range(let low, let high, let log):
            switch rule {
            case .integer(_, _, let ruleLog):
                return .integer(low: Int(low), high: Int(high), log: (log ?? ruleLog) && low >= 1)
            case .real(_, _, let ruleLog):
                return .real(low: low, high: high, log: (log ?? ruleLog) && low > 0)
            case .choice:
                return rule
            }
        }
    }
}
