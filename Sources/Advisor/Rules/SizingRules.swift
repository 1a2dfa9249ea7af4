import Foundation
import Spec

// Sizing: neurons per hidden layer (rulebook "Sizing: neurons per hidden layer"; notes: "How to
// configure layers and neurons").

/// SIZE-GEOMETRIC: the geometric mean of input and output width, `Nh = sqrt(Ni * No)`.
public struct GeometricWidthRule: Rule {
    public static let id = "SIZE-GEOMETRIC"
    public static let title = "geometric mean of input and output"
    public static let formula = "Nh = sqrt(Ni * No)"
    /// `Ni`, the encoded input width.
    public var inputs: Int
    /// `No`, the output width.
    public var outputs: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(inputs: Int, outputs: Int) {
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The real-valued width.
    public var width: Double { (Double(inputs) * Double(outputs)).squareRoot() }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("Ni", .integer(inputs)), RuleInput("No", .integer(outputs))],
            .number(width), applies: true, why: "per-layer width candidate")
    }
}

/// SIZE-CAPACITY: the total hidden neurons the sample count supports,
/// `Nh = Ns / (alpha * (Ni + No))`; alpha 2 is the upper bound, 10 the conservative value.
public struct CapacityRule: Rule {
    public static let id = "SIZE-CAPACITY"
    public static let title = "capacity bound from the sample count (total hidden neurons)"
    public static let formula = "Nh = Ns / (alpha * (Ni + No))"
    /// The alpha the rulebook calls conservative.
    public static let conservativeAlpha = 10.0
    /// `Ns`, training rows.
    public var rows: Int
    /// `Ni`.
    public var inputs: Int
    /// `No`.
    public var outputs: Int
    /// alpha, 2...10 (`AdvisorSettings.capacityAlpha`, default 2).
    public var alpha: Double

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(rows: Int, inputs: Int, outputs: Int, alpha: Double) {
        self.rows = rows
        self.inputs = inputs
        self.outputs = outputs
        self.alpha = alpha
    }

    /// The real-valued bound on total hidden neurons.
    public var totalHidden: Double { Double(rows) / (alpha * Double(inputs + outputs)) }

    /// The bound as a whole number of neurons (rounded down: a bound is not exceeded).
    public var totalHiddenUnits: Int { Int(totalHidden.rounded(.down)) }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [
                RuleInput("Ns", .integer(rows)), RuleInput("alpha", .number(alpha)),
                RuleInput("Ni", .integer(inputs)), RuleInput("No", .integer(outputs)),
            ], .number(totalHidden), applies: true,
            why: "bound on the total hidden neurons across layers")
    }

    /// SIZE-CAPACITY against fixed widths: their total must not exceed `totalHiddenUnits`.
    /// - Parameters:
    ///   - widths: the hidden widths the spec (or a template) fixed.
    ///   - keyPath: the key the warning points at (`model.neurons`, `model.layers`).
    /// - Returns: one warning when the total exceeds the capacity, else none.
    public func check(widths: [Int], keyPath: String) -> [AdvisorWarning] {
        let total = widths.reduce(0, +)
        guard total > totalHiddenUnits else { return [] }
        return [
            Self.warning(
                keyPath,
                "\(total) hidden units in total exceed the capacity "
                    + "\(NumberText.evidence(totalHidden)) = Ns / "
                    + "(\(NumberText.evidence(alpha)) * (Ni + No)) for \(rows) rows: expect "
                    + "overfitting")
        ]
    }

    /// The SIZE-CAPACITY warning for an imposed depth (fixed, or a template's) that no tapered
    /// widths within the capacity fit.
    /// - Parameters:
    ///   - layers: the imposed number of hidden layers.
    ///   - widths: the narrowest widths the advisor gives them; their total is named.
    ///   - keyPath: the key the warning points at (`model.hidden_layers`).
    public func depthWarning(layers: Int, widths: [Int], keyPath: String) -> AdvisorWarning {
        Self.warning(
            keyPath,
            "\(layers) hidden layers need at least \(widths.reduce(0, +)) units, "
                + "above the capacity of \(NumberText.evidence(totalHidden)) for "
                + "\(rows) rows; fewer layers generalise better")
    }
}

/// SIZE-TWO-THIRDS: two thirds of the input width plus the output width, `Nh = 2/3 * Ni + No`.
public struct TwoThirdsWidthRule: Rule {
    public static let id = "SIZE-TWO-THIRDS"
    public static let title = "two thirds of input plus output"
    public static let formula = "Nh = 2/3 * Ni + No"
    /// `Ni`.
    public var inputs: Int
    /// `No`.
    public var outputs: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(inputs: Int, outputs: Int) {
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The real-valued width.
    public var width: Double { 2.0 / 3.0 * Double(inputs) + Double(outputs) }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("Ni", .integer(inputs)), RuleInput("No", .integer(outputs))],
            .number(width), applies: true, why: "per-layer width candidate")
    }
}

/// SIZE-MEAN: the mean of input and output width, `Nh = (Ni + No) / 2`.
public struct MeanWidthRule: Rule {
    public static let id = "SIZE-MEAN"
    public static let title = "between input and output size: their mean"
    public static let formula = "Nh = (Ni + No) / 2"
    /// `Ni`.
    public var inputs: Int
    /// `No`.
    public var outputs: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(inputs: Int, outputs: Int) {
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The real-valued width.
    public var width: Double { Double(inputs + outputs) / 2 }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("Ni", .integer(inputs)), RuleInput("No", .integer(outputs))],
            .number(width), applies: true, why: "per-layer width candidate")
    }
}

/// SIZE-BOUNDS: a hidden width lies between the output width and twice the input width,
/// `No <= Nh < 2 * Ni`.
///
/// When the range is empty (`No >= 2 * Ni`, e.g. one input and three classes) the lower bound
/// wins: a hidden layer narrower than the output would lose information the output needs.
public struct WidthBoundsRule: Rule {
    public static let id = "SIZE-BOUNDS"
    public static let title = "between output and input size, under twice the input"
    public static let formula = "No <= Nh < 2 * Ni"
    /// `Ni`.
    public var inputs: Int
    /// `No`.
    public var outputs: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(inputs: Int, outputs: Int) {
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The smallest admitted width, `No` (at least 1).
    public var lowest: Int { max(1, outputs) }
    /// The largest admitted width, `2 * Ni - 1`, but never below `lowest`.
    public var highest: Int { max(lowest, 2 * inputs - 1) }
    /// Whether `No <= Nh < 2 * Ni` can hold at all.
    public var isSatisfiable: Bool { outputs < 2 * inputs }

    /// Whether a width keeps the rule.
    public func admits(_ width: Int) -> Bool { width >= outputs && width < 2 * inputs }

    /// The width clamped into the bounds (to `No` when the range is empty).
    public func clamp(_ width: Int) -> Int { min(max(width, lowest), highest) }

    public func evaluate() -> RuleEvaluation {
        let range =
            isSatisfiable
            ? "[\(lowest), \(2 * inputs))" : "[\(lowest), \(lowest)] (empty range: No wins)"
        return evaluation(
            [RuleInput("Ni", .integer(inputs)), RuleInput("No", .integer(outputs))],
            .text(range), applies: true, why: "clamps each hidden width")
    }

    /// SIZE-BOUNDS against fixed widths: one warning per key path with a width outside
    /// `No <= Nh < 2 * Ni` (the first such width of a key).
    /// - Parameters:
    ///   - widths: the hidden widths the spec (or a template) fixed.
    ///   - keyPath: the key of the width at an index (`model.neurons[1]`); widths sharing a key
    ///     warn once.
    public func check(widths: [Int], keyPath: (Int) -> String) -> [AdvisorWarning] {
        var reported = Set<String>()
        var found: [AdvisorWarning] = []
        for (index, width) in widths.enumerated() where !admits(width) {
            let key = keyPath(index)
            guard reported.insert(key).inserted else { continue }
            let message =
                width < outputs
                ? "width \(width) is below the output width No = \(outputs): the layer is a "
                    + "bottleneck"
                : "width \(width) is not under 2 * Ni = \(2 * inputs): wide layers memorise "
                    + "rather than generalise (DEPTH-WIDE-VS-DEEP: add a layer instead)"
            found.append(Self.warning(key, message))
        }
        return found
    }
}

/// SIZE-TAPER: widths decrease layer after layer. The advisor halves the width at each
/// further layer, never below the floor (`No`): `Nh[k] = max(floor, round(Nh[0] / 2^k))`.
public struct TaperRule: Rule {
    public static let id = "SIZE-TAPER"
    public static let title = "widths decrease layer after layer"
    public static let formula = "Nh[k] = max(No, round(Nh[0] / 2^k)), each <= the one before"
    /// The first hidden layer's width.
    public var firstWidth: Int
    /// Number of hidden layers.
    public var layers: Int
    /// The smallest width a later layer may get (`No`, at least 1).
    public var floor: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(firstWidth: Int, layers: Int, floor: Int) {
        self.firstWidth = firstWidth
        self.layers = layers
        self.floor = floor
    }

    /// The tapered widths, one per layer.
    public var widths: [Int] {
        guard layers > 0 else { return [] }
        var result = [max(1, firstWidth)]
        for layer in 1..<layers {
            let halved = roundedWidth(Double(firstWidth) / pow(2, Double(layer)))
            result.append(min(result[layer - 1], max(max(1, floor), halved)))
        }
        return result
    }

    /// Whether a list of widths keeps the rule (no layer wider than the one before).
    public static func isTapered(_ widths: [Int]) -> Bool {
        zip(widths, widths.dropFirst()).allSatisfy { $0 >= $1 }
    }

    /// SIZE-TAPER against fixed widths: no layer wider than the one before.
    /// - Parameters:
    ///   - widths: the hidden widths the spec (or a template) fixed.
    ///   - keyPath: the key the warning points at (`model.neurons`, `model.layers`).
    /// - Returns: one warning when the widths grow somewhere, else none.
    public static func check(widths: [Int], keyPath: String) -> [AdvisorWarning] {
        guard !isTapered(widths) else { return [] }
        return [
            warning(
                keyPath,
                "widths \(SpecText.neurons(.widths(widths))) grow from layer to layer: each "
                    + "hidden layer should be no wider than the one before")
        ]
    }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [
                RuleInput("Nh[0]", .integer(firstWidth)), RuleInput("layers", .integer(layers)),
                RuleInput("No", .integer(floor)),
            ], .text(widths.map(String.init).joined(separator: ", ")), applies: layers > 1,
            why: layers > 1 ? "later layers halve the width" : "one layer or none: nothing to taper"
        )
    }
}

/// SIZE-PRUNE: after training, a unit whose incoming and outgoing weight norms are below a
/// fraction (proposed: 1%, `AdvisorSettings.pruneFraction`) of its layer's median is dead;
/// the diagnostics suggest the smaller width. Recorded here, applied after training.
public struct PruneRule: Rule {
    public static let id = "SIZE-PRUNE"
    public static let title = "after training, units whose weights are all near zero can go"
    public static let formula = "dead unit: |w_in| and |w_out| < fraction * median of its layer"
    /// The fraction of the layer's median norm.
    public var fraction: Double

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(fraction: Double) { self.fraction = fraction }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("fraction", .number(fraction))], .text("after training"),
            applies: false, why: "applied by the diagnostics after training")
    }
}

/// SIZE-FLOOR (calibrated): the rules' hidden widths are at least `floor` units (proposed 128,
/// `advisor.width_floor`; 0 turns the floor off).
///
/// On tabular data the three width rules give 2 to 20 units (Ni <= 32) and SIZE-CAPACITY at
/// alpha 2 cuts them further; on the 18-dataset quality suite (`Benchmarks/quality-results.md`,
/// 2026-12-03) one hidden layer of 128 with the rules' regularisation (early stopping,
/// REG-DROPOUT) beats those widths where the data is not linear (mroz 0.653 -> 0.764,
/// swiss_labor 0.619 -> 0.657, cps1988 R² 0.254 -> 0.298); scikit-learn's default is 100 units,
/// RealMLP-TD's 256 (Holzmueller et al., NeurIPS 2024).
/// SIZE-CAPACITY still chooses the depth but no longer narrows the first layer below the floor:
/// early stopping and REG-DROPOUT hold the excess parameters, and DEPTH-LINEAR measures when no
/// hidden layer is better.
public struct WidthFloorRule: Rule {
    public static let id = "SIZE-FLOOR"
    public static let title = "hidden layers at least the calibrated width"
    public static let formula = "Nh[0] = max(width from the rules, floor); floor 128 (proposed)"
    /// The first width the other sizing rules give (after SIZE-BOUNDS).
    public var ruleWidth: Int
    /// The floor (`AdvisorSettings.widthFloor`, default 128; 0 for none).
    public var floor: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(ruleWidth: Int, floor: Int) {
        self.ruleWidth = ruleWidth
        self.floor = floor
    }

    /// Whether the floor raises the rules' width.
    public var raises: Bool { floor > ruleWidth }

    /// The first hidden width.
    public var width: Int { max(ruleWidth, floor) }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [RuleInput("rule_width", .integer(ruleWidth)), RuleInput("floor", .integer(floor))],
            .integer(width), applies: raises,
            why: raises
                ? "the rules' \(ruleWidth) is below the calibrated floor: \(floor)"
                : (floor == 0 ? "floor off (advisor.width_floor: 0)" : "the rules' width is wider"))
    }
}
