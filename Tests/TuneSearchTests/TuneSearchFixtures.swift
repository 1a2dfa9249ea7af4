import Random

@testable import TuneSearch

/// A space with every kind of domain, degenerate ones included.
let mixedSpace = SearchSpace(parameters: [
    SearchParameter(
        name: "lr", domain: .real(low: 1e-5, high: 1e-1, log: true), zeroTrial: .real(1e-3),
        rule: "test"),
    SearchParameter(
        name: "dropout", domain: .real(low: 0, high: 0.5, log: false), zeroTrial: .real(0.1),
        rule: "test"),
    SearchParameter(
        name: "depth", domain: .integer(low: 1, high: 4, log: false), zeroTrial: .integer(2),
        rule: "test"),
    SearchParameter(
        name: "width", domain: .integer(low: 8, high: 1024, log: true),
        zeroTrial: .integer(64), rule: "test"),
    SearchParameter(
        name: "activation", domain: .choice(["relu", "gelu", "tanh"]),
        zeroTrial: .choice("relu"), rule: "test"),
    SearchParameter(
        name: "fixedReal", domain: .real(low: 0.25, high: 0.25, log: true),
        zeroTrial: .real(0.25), rule: "test"),
    SearchParameter(
        name: "fixedInteger", domain: .integer(low: 7, high: 7, log: false),
        zeroTrial: .integer(7), rule: "test"),
    SearchParameter(
        name: "onlyChoice", domain: .choice(["yes"]), zeroTrial: .choice("yes"), rule: "test"),
])

/// Complete trials 1...count from the quasi-random sampler, valued by `objective`, after
/// trial 0 at the zero-trial design.
func completedHistory(
    space: SearchSpace, count: Int, seed: UInt64, objective: (Assignment) -> Double
) -> [TrialObservation] {
    let sampler = QuasiRandomSampler(seed: seed)
    var history = [
        TrialObservation(
            number: 0, assignment: space.zeroTrial, state: .complete,
            value: objective(space.zeroTrial))
    ]
    for number in 1...max(count, 1) {
        let assignment = sampler.assignment(
            for: number, space: space, history: history, pending: [], direction: .minimize)
        history.append(
            TrialObservation(
                number: number, assignment: assignment, state: .complete,
                value: objective(assignment)))
    }
    return history
}

/// A plain number of an assignment's value (0 when missing).
func number(_ assignment: Assignment, _ name: String) -> Double {
    assignment[name]?.number ?? 0
}
