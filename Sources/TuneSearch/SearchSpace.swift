/// One value a trial gives a tuned key.
public enum ParameterValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A real number (learning rate, dropout, L2).
    case real(Double)
    /// An integer (depth, width, batch size).
    case integer(Int)
    /// One of a set of names (activation, `true`/`false` for a flag).
    case choice(String)

    public var description: String {
        switch self {
        case .real(let value): return "\(value)"
        case .integer(let value): return "\(value)"
        case .choice(let name): return name
        }
    }

    /// The value as a number, when it is one.
    public var number: Double? {
        switch self {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        case .choice: return nil
        }
    }
}

/// The values a tuned key may take.
public enum ParameterDomain: Sendable, Hashable, Codable {
    /// Reals in `low...high`, sampled on a log scale when `log` (then `low > 0`).
    case real(low: Double, high: Double, log: Bool)
    /// Integers in `low...high`, on a log scale when `log` (then `low >= 1`).
    case integer(low: Int, high: Int, log: Bool)
    /// One of the names, unordered.
    case choice([String])
}

/// One tuned key of the spec: its domain, the zero-trial design's value, and the rule the
/// range comes from.
public struct SearchParameter: Sendable, Hashable, Codable {
    /// The spec key path (`training.learning_rate`).
    public var name: String
    /// The values trials may give it.
    public var domain: ParameterDomain
    /// The advisor's value (trial 0's).
    public var zeroTrial: ParameterValue
    /// Why this range: the rule IDs and their reading (`LR-RANGE-TEST: 10x either side of the
    /// range test's suggestion 0.0085`).
    public var rule: String

    /// A parameter; each argument sets the property of the same name.
    public init(name: String, domain: ParameterDomain, zeroTrial: ParameterValue, rule: String) {
        self.name = name
        self.domain = domain
        self.zeroTrial = zeroTrial
        self.rule = rule
    }
}

/// The keys a study tunes, in spec order.
public struct SearchSpace: Sendable, Hashable, Codable {
    /// The tuned keys.
    public var parameters: [SearchParameter]

    /// A space of `parameters`.
    public init(parameters: [SearchParameter]) { self.parameters = parameters }

    /// Trial 0's assignment: every key at the advisor's value.
    public var zeroTrial: Assignment {
        Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.zeroTrial) })
    }
}

/// A trial's values, by spec key path.
public typealias Assignment = [String: ParameterValue]

/// Where a trial is in its life.
public enum TrialState: String, Sendable, Codable, CaseIterable {
    /// Waiting for a worker (a resumed study's interrupted trial, or one enqueued).
    case queued
    /// A worker trains it.
    case running
    /// Trained; its value counts.
    case complete
    /// Stopped early by the pruner (successive halving); its last intermediate value is kept.
    case pruned
    /// Training failed (the error is kept).
    case failed

    /// Whether the trial has ended (complete, pruned or failed).
    public var isFinished: Bool { self == .complete || self == .pruned || self == .failed }
}

/// Whether a study's metric is better lower or higher.
public enum Direction: String, Sendable, Codable, CaseIterable {
    case minimize, maximize

    /// Whether `a` is strictly better than `b`.
    public func isBetter(_ a: Double, than b: Double) -> Bool {
        self == .minimize ? a < b : a > b
    }
}

/// What a sampler or pruner knows of one trial.
public struct TrialObservation: Sendable, Hashable {
    /// The trial number (0 is the zero-trial design).
    public var number: Int
    /// Its values.
    public var assignment: Assignment
    /// Its state.
    public var state: TrialState
    /// Its value (complete trials; a pruned trial's last intermediate value).
    public var value: Double?
    /// Intermediate values by step (epoch, 1-based), in step order.
    public var intermediate: [IntermediateValue]

    /// An observation; each argument sets the property of the same name.
    public init(
        number: Int, assignment: Assignment, state: TrialState, value: Double?,
        intermediate: [IntermediateValue] = []
    ) {
        self.number = number
        self.assignment = assignment
        self.state = state
        self.value = value
        self.intermediate = intermediate
    }
}

/// One intermediate value of a trial: its validation value after `step` epochs.
public struct IntermediateValue: Sendable, Hashable, Codable {
    /// The epoch (1-based).
    public var step: Int
    /// The value (the study's metric, or the validation loss).
    public var value: Double

    /// A value at a step.
    public init(step: Int, value: Double) {
        self.step = step
        self.value = value
    }
}

/// Proposes a trial's values from the space and what earlier trials gave.
public protocol Sampler: Sendable {
    /// The values of trial `number`.
    /// - Parameters:
    ///   - number: the trial number (>= 1; trial 0 is the zero-trial design, not sampled).
    ///   - space: the space.
    ///   - history: every trial so far (any state), in number order.
    ///   - pending: assignments of trials running elsewhere (constant liar: treated as
    ///     observed at the worst value seen, so parallel workers spread out).
    ///   - direction: whether lower or higher values are better.
    /// - Returns: a value for every parameter of `space`, inside its domain; the same for the
    ///   same arguments (all randomness seeded from the sampler's seed and `number`).
    func assignment(
        for number: Int, space: SearchSpace, history: [TrialObservation],
        pending: [Assignment], direction: Direction
    ) -> Assignment
}
