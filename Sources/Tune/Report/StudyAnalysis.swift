// What the study report reads from the trials: the scored ones, the best value so far, each
// parameter's importance, and whether each rule's value held against the search.

import TuneSearch
import TuneStorage

/// A complete trial with a finite value: the only trials the charts and the importance read.
struct ScoredTrial: Sendable, Equatable {
    /// The trial number.
    var number: Int
    /// Its values.
    var assignment: Assignment
    /// Its value (finite).
    var value: Double

    /// The complete trials of `records` with a finite value, in number order.
    static func scored(_ records: [TrialRecord]) -> [ScoredTrial] {
        records.compactMap { record in
            guard record.state == .complete, let value = record.value, value.isFinite else {
                return nil
            }
            return ScoredTrial(number: record.number, assignment: record.assignment, value: value)
        }
        .sorted { $0.number < $1.number }
    }
}

/// The best value after each scored trial, in number order: `(trial, best so far)`.
func bestSoFar(_ trials: [ScoredTrial], direction: Direction) -> [(trial: Int, best: Double)] {
    var best: Double?
    return trials.map { trial in
        if best.map({ direction.isBetter(trial.value, than: $0) }) ?? true { best = trial.value }
        return (trial.number, best ?? trial.value)
    }
}

/// Whether the best trial kept a rule's (the zero-trial design's) value.
enum RuleVerdict: String, Sendable, Equatable {
    /// The best trial's value is the rule's, or close to it.
    case held
    /// The search moved away from the rule's value.
    case changed
    /// No best trial yet, or it has no value for the key.
    case unknown

    /// The verdict for one parameter. Choices and integers hold when the best trial's value is
    /// the rule's. Reals hold within a factor of 2 on a log domain (log-scaled keys such as the
    /// learning rate only matter in ratios), and within 10% of the domain's width on a linear
    /// one (dropout 0.2 against 0.25 in 0...0.5 holds; against 0.35 it changed).
    init(parameter: SearchParameter, best: ParameterValue?) {
        guard let best else {
            self = .unknown
            return
        }
        let rule = parameter.zeroTrial
        switch parameter.domain {
        case .choice:
            self = rule == best ? .held : .changed
        case .integer:
            guard let ruleNumber = rule.number, let bestNumber = best.number else {
                self = rule == best ? .held : .changed
                return
            }
            self = ruleNumber == bestNumber ? .held : .changed
        case .real(let low, let high, let log):
            guard let ruleNumber = rule.number, let bestNumber = best.number,
                ruleNumber.isFinite, bestNumber.isFinite
            else {
                self = .unknown
                return
            }
            if log {
                guard ruleNumber > 0, bestNumber > 0 else {
                    self = ruleNumber == bestNumber ? .held : .changed
                    return
                }
                let ratio = max(ruleNumber / bestNumber, bestNumber / ruleNumber)
                // The tolerance keeps an exact factor of 2 (0.001 against 0.002) a hold.
                self = ratio <= 2 * (1 + 1e-9) ? .held : .changed
            } else {
                let tolerance = 0.1 * abs(high - low)
                self = abs(ruleNumber - bestNumber) <= tolerance * (1 + 1e-9) ? .held : .changed
            }
        }
    }
}

/// One parameter's importance.
struct ParameterImportance: Sendable, Equatable {
    /// The spec key path.
    var name: String
    /// The share of the values' variance the parameter explains alone (η², 0...1).
    var explained: Double
    /// `explained` over the sum of every parameter's (the shares sum to 1; all 0 when no
    /// parameter explains anything).
    var share: Double
}

/// A simple importance per parameter: how much of the complete trials' values each
/// parameter explains alone.
///
/// The method: for each parameter, group the scored trials by its value (a choice's name as
/// is; reals and integers in up to 4 quantile bins, each distinct value its own group when
/// there are at most 4, ties kept in one bin), and take η², the between-group sum of squares
/// of the values over their total sum of squares. The η² are then normalised to sum to 1.
/// It reads one parameter at a time (interactions are not seen) and, with few trials per bin,
/// overstates every parameter, hence a floor of `minimumTrials` scored trials. Quantile bins
/// make it the same on log and linear domains.
enum ImportanceResult: Sendable, Equatable {
    /// The parameters, most important first.
    case ranked([ParameterImportance])
    /// Why there is no ranking (`not enough trials: 3 complete, 8 needed`).
    case notEnoughTrials(String)

    /// Fewer scored trials put one or two trials in each bin, and every parameter would seem
    /// to explain nearly everything.
    static let minimumTrials = 8
    /// Bins of a real or integer parameter.
    static let binCount = 4

    /// The importance of each parameter of `space` over `trials`.
    init(space: SearchSpace, trials: [ScoredTrial]) {
        guard !space.parameters.isEmpty else {
            self = .notEnoughTrials("the space has no parameters")
            return
        }
        guard trials.count >= Self.minimumTrials else {
            self = .notEnoughTrials(
                "not enough trials: \(trials.count) complete, \(Self.minimumTrials) needed")
            return
        }
        let values = trials.map(\.value)
        let mean = values.reduce(0, +) / Double(values.count)
        let total = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        // Relative to the values' size: constant values differ only by rounding.
        let scale = values.reduce(0) { max($0, abs($1)) }
        guard total > 1e-20 * max(1, scale * scale) * Double(values.count), total.isFinite else {
            self = .notEnoughTrials("not enough trials: every complete trial has the same value")
            return
        }
        var rows: [ParameterImportance] = space.parameters.map { parameter in
            let groups = Self.groups(parameter: parameter, trials: trials)
            var sums: [Int: (count: Double, sum: Double)] = [:]
            for (group, value) in zip(groups, values) {
                let entry = sums[group] ?? (0, 0)
                sums[group] = (entry.count + 1, entry.sum + value)
            }
            let between = sums.values.reduce(0) { partial, entry in
                let groupMean = entry.sum / entry.count
                return partial + entry.count * (groupMean - mean) * (groupMean - mean)
            }
            return ParameterImportance(
                name: parameter.name, explained: min(1, max(0, between / total)), share: 0)
        }
        let sum = rows.reduce(0) { $0 + $1.explained }
        if sum > 0 {
            for index in rows.indices { rows[index].share = rows[index].explained / sum }
        }
        // Ties keep spec order.
        self = .ranked(
            rows.enumerated().sorted { left, right in
                left.element.share != right.element.share
                    ? left.element.share > right.element.share : left.offset < right.offset
            }.map(\.element))
    }

    /// Each trial's group for `parameter`: a choice's index, or a quantile bin; -1 when the
    /// trial has no value for it.
    static func groups(parameter: SearchParameter, trials: [ScoredTrial]) -> [Int] {
        let values = trials.map { trial in trial.assignment[parameter.name] }
        if case .choice = parameter.domain {
            var names: [String: Int] = [:]
            return values.map { value in
                guard let value else { return -1 }
                let name = value.description
                if let index = names[name] { return index }
                names[name] = names.count
                return names[name]!
            }
        }
        let numbers = values.map { value in value?.number.flatMap { $0.isFinite ? $0 : nil } }
        let present = numbers.indices.filter { numbers[$0] != nil }
        let distinct = Set(present.map { numbers[$0]! }).sorted()
        var groups = Array(repeating: -1, count: numbers.count)
        if distinct.count <= binCount {
            for index in present { groups[index] = distinct.firstIndex(of: numbers[index]!)! }
            return groups
        }
        let order = present.sorted { numbers[$0]! < numbers[$1]! }
        var firstRank: [Double: Int] = [:]
        for (rank, index) in order.enumerated() {
            let value = numbers[index]!
            let tieRank = firstRank[value] ?? rank
            firstRank[value] = tieRank
            groups[index] = min(binCount - 1, tieRank * binCount / order.count)
        }
        return groups
    }
}
