import Spec

@testable import Advisor

/// A spec with nothing fixed but the data.
///
/// SIZE-FLOOR is off (`widthFloor` 0) unless asked for: most tests here check how the width
/// formulas, SIZE-BOUNDS and SIZE-CAPACITY combine, which the floor would hide;
/// `WidthFloorTests` checks the default floor.
func makeSpec(_ name: String = "test", widthFloor: Int = 0) -> NetworkSpec {
    var spec = NetworkSpec(
        name: name, data: DataSection(path: "data.csv", resolvedPath: "/tmp/data.csv", target: "y"))
    spec.advisor.widthFloor = widthFloor
    return spec
}

/// The four bundled datasets' summaries, as the data layer profiles them (training split 70%).
enum Datasets {
    static let iris = DataSummary(
        task: .classification, trainingRows: 105, inputs: 4, outputs: 3,
        classCounts: ["setosa": 35, "versicolor": 35, "virginica": 35],
        linearProbe: LinearProbeSummary(trainingAccuracy: 0.981))
    static let breastCancer = DataSummary(
        task: .classification, trainingRows: 398, inputs: 30, outputs: 1,
        classCounts: ["benign": 250, "malignant": 148],
        linearProbe: LinearProbeSummary(trainingAccuracy: 1.0))
    static let breastCancerNotSeparable = DataSummary(
        task: .classification, trainingRows: 398, inputs: 30, outputs: 1,
        classCounts: ["benign": 250, "malignant": 148],
        linearProbe: LinearProbeSummary(trainingAccuracy: 0.992))
    static let penguins = DataSummary(
        task: .classification, trainingRows: 240, inputs: 10, outputs: 3,
        classCounts: ["Adelie": 106, "Chinstrap": 48, "Gentoo": 86],
        linearProbe: LinearProbeSummary(trainingAccuracy: 0.996), numericInputs: 4, oneHotInputs: 6,
        hasMissingValues: true)
    static let diabetes = DataSummary(
        task: .regression, trainingRows: 310, inputs: 10, outputs: 1,
        linearProbe: LinearProbeSummary(linearR2: 0.42, nonlinearR2: 0.41))
    static let diabetesProbeUnknown = DataSummary(
        task: .regression, trainingRows: 310, inputs: 10, outputs: 1,
        linearProbe: LinearProbeSummary(linearR2: 0.42))
    static let wide = DataSummary(
        task: .classification, trainingRows: 100_000, inputs: 200, outputs: 10,
        linearProbe: LinearProbeSummary(trainingAccuracy: 0.9))
}

func approximately(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance
}

extension Recommendation {
    /// The choice at exactly this key path.
    func choice(_ keyPath: String) -> Choice? { choices.first { $0.keyPath == keyPath } }
    /// The warnings of one rule.
    func warnings(_ ruleID: String) -> [AdvisorWarning] { warnings.filter { $0.ruleID == ruleID } }
}
