/// ENSEMBLE-SMALL-DATA (calibrated): train several networks, each on its own seeded draw of
/// the training and validation rows, and average their outputs, as many as a budget of rows
/// allows. Early stopping on a small validation split picks a noisy epoch and one seed's
/// network is a noisy draw; the average removes most of that variance (bagging: Breiman 1996;
/// RealMLP-TD and AutoGluon average bagged MLPs the same way). The budget, members x training
/// rows at most BATCH-LARGE-DATA's 100,000, keeps an ensemble's passes over the rows within
/// one network's on large data: 5 members up to 20,000 rows, fewer up to 50,000, one beyond.
public struct EnsembleRule: Rule {
    public static let id = "ENSEMBLE-SMALL-DATA"
    public static let title = "average several networks while a budget of rows allows"
    public static let formula =
        "members = clamp(floor(100000 / Ns), 1, 5) (proposed: advisor.ensemble_row_budget, "
        + "advisor.ensemble_members)"
    /// Training rows.
    public var rows: Int
    /// The most members (`AdvisorSettings.ensembleMembers`, default 5).
    public var members: Int
    /// Members x training rows at most this (`AdvisorSettings.ensembleRowBudget`, default
    /// 100,000).
    public var rowBudget: Int

    /// The rule on its inputs; each parameter sets the property of the same name.
    public init(rows: Int, members: Int, rowBudget: Int) {
        self.rows = rows
        self.members = members
        self.rowBudget = rowBudget
    }

    /// The members to train: as many as the budget holds, from 1 to `members`.
    public var ensemble: Int { max(1, min(members, rowBudget / max(1, rows))) }

    /// Whether more than one network is trained.
    public var applies: Bool { ensemble > 1 }

    /// Why, in words.
    public var reason: String {
        if members <= 1 { return "one network (advisor.ensemble_members is 1)" }
        let budget = "\(rows) training rows, a budget of \(rowBudget) rows"
        return applies
            ? "\(budget): average \(ensemble) networks, each on its own draw of the rows"
            : "\(budget): one network"
    }

    public func evaluate() -> RuleEvaluation {
        evaluation(
            [
                RuleInput("Ns", .integer(rows)), RuleInput("members", .integer(members)),
                RuleInput("row_budget", .integer(rowBudget)),
            ], .integer(ensemble), applies: applies, why: reason)
    }
}
