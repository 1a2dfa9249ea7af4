import Foundation
import Spec

/// A value a rule reads or produces: a number, a text, or a yes/no.
public enum RuleValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case number(Double)
    case text(String)
    case flag(Bool)

    /// An integer as a number.
    public static func integer(_ value: Int) -> RuleValue { .number(Double(value)) }

    /// The number, or nil for text and flags.
    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// Numbers with at most two decimals ("3.46", "7.5", "105"), small ones in scientific
    /// form ("1e-4"), flags as yes / no.
    public var description: String {
        switch self {
        case .number(let value): NumberText.evidence(value)
        case .text(let text): text
        case .flag(let flag): flag ? "yes" : "no"
        }
    }

    /// Decodes one JSON scalar: a boolean, a number or a string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .flag(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    /// Encodes one JSON scalar.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .text(let text): try container.encode(text)
        case .flag(let flag): try container.encode(flag)
        }
    }
}

/// One named input of a rule evaluation.
public struct RuleInput: Sendable, Equatable, Codable {
    /// The input's name as the formula writes it (`Ni`, `alpha`).
    public var name: String
    /// Its value.
    public var value: RuleValue

    /// An input named `name` with `value`.
    public init(_ name: String, _ value: RuleValue) {
        self.name = name
        self.value = value
    }
}

/// One rule applied to this data: what it computes, from what, and whether the design used it.
public struct RuleEvaluation: Sendable, Equatable, Codable {
    /// The rulebook ID (`SIZE-GEOMETRIC`).
    public var id: String
    /// A short title.
    public var title: String
    /// The formula or decision, as text (`Nh = sqrt(Ni * No)`).
    public var formula: String
    /// The inputs with their values.
    public var inputs: [RuleInput]
    /// The rule's result on those inputs.
    public var result: RuleValue
    /// Whether the rule applies to this data and the design follows it.
    public var applies: Bool
    /// One line: why it applies or not, and what it did.
    public var why: String

    /// An evaluation; each parameter sets the property of the same name.
    public init(
        id: String, title: String, formula: String, inputs: [RuleInput], result: RuleValue,
        applies: Bool, why: String
    ) {
        self.id = id
        self.title = title
        self.formula = formula
        self.inputs = inputs
        self.result = result
        self.applies = applies
        self.why = why
    }

    /// The inputs as `Ni=4, No=3`.
    public var inputsText: String {
        inputs.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
    }
}

/// A rulebook rule as a small unit: its ID, title and formula, its inputs as stored
/// properties, and `evaluate()` giving a `RuleEvaluation`.
public protocol Rule: Sendable {
    /// The rulebook ID.
    static var id: String { get }
    /// A short title.
    static var title: String { get }
    /// The formula or decision as text.
    static var formula: String { get }
    /// Applies the rule to its inputs.
    func evaluate() -> RuleEvaluation
}

extension Rule {
    /// An evaluation of this rule with the given inputs and result.
    func evaluation(
        _ inputs: [RuleInput], _ result: RuleValue, applies: Bool, why: String
    ) -> RuleEvaluation {
        RuleEvaluation(
            id: Self.id, title: Self.title, formula: Self.formula, inputs: inputs,
            result: result, applies: applies, why: why)
    }

    /// A warning of this rule at `keyPath`, not yet located: the advisor places it at the spec
    /// line of `keyPath` when it records it.
    static func warning(_ keyPath: String, _ message: String) -> AdvisorWarning {
        AdvisorWarning(ruleID: id, keyPath: keyPath, message: message, location: nil)
    }
}

/// Rounds a rule's width to an integer width, at least 1 (rulebook: "Round to integers, at
/// least 1"); halves round away from zero (3.5 -> 4).
/// - Parameter width: the real-valued width.
public func roundedWidth(_ width: Double) -> Int {
    guard width.isFinite else { return 1 }
    return max(1, Int(width.rounded(.toNearestOrAwayFromZero)))
}
