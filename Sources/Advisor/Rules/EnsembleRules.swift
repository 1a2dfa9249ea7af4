/// ENSEMBLE-SMALL-DATA (calibrated): on small data, train `members` networks, each on its own
/// seeded draw of the training and validation rows, and average their outputs. Early stopping
/// on a validation split of a few dozen rows picks a noisy epoch and one seed's network is a
/// noisy draw; the average removes most of that variance (bagging: Breiman 1996; RealMLP-TD
/// and AutoGluon average bagged MLPs the same way).
public struct EnsembleRule: Rule {
    public static let id = "ENSEMBLE-SMALL-DATA"
    public static let title = "average several networks on small data"
    public static let formula =
        "members = 5 when Ns <= 10000, else 1 (proposed: advisor.ensemble_members, "
        + "advisor.ensemble_max_rows)"
    /// Training rows.
    public var rows: Int
    /// Members when the rule applies (`AdvisorSettings.ensembleMembers`, default 5).
    public var members: Int
    /// The most training rows it applies to (`AdvisorSettings.ensembleMaxRows`, default 10,000).
    public var maximumRows: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(rows: Int, members: Int, maximumRows: Int) {
        self.rows = rows
        self.members = members
        self.maximumRows = maximumRows
    }

    /// Whether the data is small enough for an ensemble.
    public var applies: Bool { rows <= maximumRows && members > 1 }

    /// The members to train: `members` when it applies, else 1.
    public var ensemble: Int { applies ? members : 1 }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [
                RuleInput("Ns", .integer(rows)), RuleInput("members", .integer(members)),
                RuleInput("max_rows", .integer(maximumRows)),
            ], .integer(ensemble), applies: applies,
            why: applies
                ? "\(rows) training rows <= \(maximumRows): average \(members) networks"
                : "\(rows) training rows > \(maximumRows): one network")
    }
}
