import Spec

/// The advisor's answer: a complete network config and everything that explains it.
public struct Recommendation: Sendable, Equatable {
    /// The data the design was made for.
    public var data: DataSummary
    /// The complete network config: every setting `.fixed`, `model.layers` explicit; only
    /// `training.learningRate` stays `.auto` when the user left it so (LR-RANGE-TEST).
    public var config: NetworkSpec
    /// Every sizing rule (SIZE-*, DEPTH-*) evaluated on this data: formula, inputs, value,
    /// whether it applied.
    public var sizing: [RuleEvaluation]
    /// Every other rule (activation, initialisation, batch, epochs, learning rate, optimizer,
    /// regularisation, batch norm, clipping, early stopping) evaluated on this design.
    public var evaluations: [RuleEvaluation]
    /// One reason per value of the complete config, in config order, keyed by key path.
    public var choices: [Choice]
    /// Rules the user's fixed choices break; the choices are kept.
    public var warnings: [AdvisorWarning]
    /// Trainable parameters of the network (dense weights and biases, batch-norm scale and
    /// shift).
    public var parameterCount: Int
    /// The network in one line, e.g. `4 -> 4 -> 3 (softmax)`.
    public var diagram: String
    /// Hidden widths, input to output (empty: no hidden layer).
    public var hiddenWidths: [Int]

    /// The reason for the value at `keyPath`; for a key below an annotated one
    /// (`training.early_stopping.patience` under `training.early_stopping`) the nearest
    /// annotated parent's reason.
    /// - Parameter keyPath: a dotted key path such as `model.layers[0].dense.units`.
    public func reason(for keyPath: String) -> Choice? {
        var path = Substring(keyPath)
        while true {
            if let choice = choices.first(where: { $0.keyPath == path }) { return choice }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            path = path[..<cut]
        }
    }

    /// The reason of every value of the complete config by key path (`Choice.annotation`): the
    /// annotations `generate(spec:annotations:template:)` writes after each value.
    public var annotations: [String: String] {
        Dictionary(
            choices.map { ($0.keyPath, $0.annotation) }, uniquingKeysWith: { first, _ in first })
    }

    /// The combination policy, as text the CLI can print.
    public static var policy: String { CombinationPolicy.text }
}

/// Where a value of the complete config comes from.
public enum ChoiceSource: String, Sendable, Equatable, Codable {
    /// The user wrote it in the spec.
    case spec
    /// A rulebook rule chose it (`Choice.ruleID`).
    case rule
    /// A default of the spec language or the advisor's policy, with no rulebook rule.
    case policy
    /// Taken from the data profile.
    case data
    /// The chosen template's design preferences (`Choice.why` starts with its name).
    case template
}

/// One value of the complete config with its reason.
public struct Choice: Sendable, Equatable, Codable {
    /// The dotted key path (`model.layers[0].dense.units`, `training.epochs`).
    public var keyPath: String
    /// The value as the spec would write it.
    public var value: String
    /// Who chose it.
    public var source: ChoiceSource
    /// The rule behind it (nil for `spec`, `policy`, `data`).
    public var ruleID: String?
    /// One line: why.
    public var why: String

    /// A reason; each parameter sets the property of the same name.
    public init(keyPath: String, value: String, source: ChoiceSource, ruleID: String?, why: String)
    {
        self.keyPath = keyPath
        self.value = value
        self.source = source
        self.ruleID = ruleID
        self.why = why
    }

    /// The short label for reports: the rule ID, or "set in spec" (or "set with --set"),
    /// "policy", "data".
    public var label: String {
        switch source {
        case .spec: why.hasPrefix("set with --set") ? "set with --set" : "set in spec"
        case .rule: ruleID ?? "rule"
        case .policy: "policy"
        case .data: "data"
        case .template: "template"
        }
    }

    /// The reason as one config comment: `RULE-ID: why` for a rule, `template NAME: why` for
    /// a template preference, else the why (`set in spec`, a policy's reason).
    public var annotation: String {
        switch source {
        case .rule: ruleID.map { "\($0): \(why)" } ?? why
        case .template: "template \(why)"
        case .spec, .policy, .data: why
        }
    }
}

/// A user's fixed choice that breaks a rule: kept, and reported with the rule and the place.
public struct AdvisorWarning: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The rule broken.
    public var ruleID: String
    /// The spec key path of the choice (`model.hidden_layers`).
    public var keyPath: String
    /// What is wrong and what the rule says.
    public var message: String
    /// Where the user wrote it, when known.
    public var location: SourceLocation?

    /// A warning; each parameter sets the property of the same name.
    public init(ruleID: String, keyPath: String, message: String, location: SourceLocation?) {
        self.ruleID = ruleID
        self.keyPath = keyPath
        self.message = message
        self.location = location
    }

    /// `file:line:col: warning: model.hidden_layers: ... [DEPTH-LOW]`, compiler style.
    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        return "\(place)warning: \(keyPath): \(message) [\(ruleID)]"
    }
}

/// Errors of the advisor.
public enum AdvisorError: Error, Equatable, CustomStringConvertible {
    /// The data summary cannot be designed for (a count below 1, ...).
    case invalidData(String)
    /// A spec the advisor cannot design from (an explicit `model.layers` list whose output
    /// width is not `No`, widths that contradict `hidden_layers`, a design past the memory
    /// budget, ...), at `keyPath`, with the fix when there is one.
    case invalidSpec(
        keyPath: String, message: String, location: SourceLocation?, help: String? = nil)
    /// `explain` got an ID the rulebook does not have.
    case unknownRule(String, suggestion: String?)

    /// The error as a compiler-style diagnostic.
    public var description: String {
        switch self {
        case .invalidData(let message):
            return "error: cannot design a network for this data: \(message)"
        case .invalidSpec(let keyPath, let message, let location, let help):
            let place = location.map { "\($0): " } ?? ""
            return "\(place)error: \(keyPath): \(message)"
                + (help.map { "\n  = help: \($0)" } ?? "")
        case .unknownRule(let id, let suggestion):
            let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
            return
                "error: unknown rule ID '\(id)'\(hint) (every rule: `layerwise rulebook`, or "
                + "\(RuleCatalog.documentPath))"
        }
    }
}
