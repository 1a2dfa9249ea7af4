/// A ridge regression fitted in closed form on encoded rows: least squares with an L2 penalty
/// of `penaltyPerRow x rows` on the weights (the intercept free), solved by Cholesky. It is the
/// model ENC-NUMERIC-PLE's and DEPTH-LINEAR's probes cross-validate; INIT-LINEAR-RIDGE starts a
/// regression network without hidden layers at it.
public struct RidgeFit: Sendable, Equatable {
    /// One weight per encoded input.
    public var weights: [Double]
    /// The intercept.
    public var intercept: Double

    /// Most inputs fitted: the Gram matrix costs rows x inputs², the solve inputs³.
    public static let maxInputs = LinearProbe.maxInputs
    /// Most rows fitted: a larger set is read at an even stride, so the fit costs at most
    /// about a second at the widest (a starting point needs no more rows than this).
    public static let maxRows = 8_192

    /// The fit on `rows`' inputs and (standardised) targets (at most `maxRows` of them); nil
    /// without targets, with fewer than 3 rows that have one, or more than `maxInputs` inputs.
    /// - Parameters:
    ///   - rows: encoded rows with regression targets.
    ///   - penaltyPerRow: the penalty per row (`lambda = penaltyPerRow * n`); default the
    ///     probes' `NumericEncodingRule.ridgeAlpha`.
    public init?(_ rows: EncodedRows, penaltyPerRow: Double = NumericEncodingRule.ridgeAlpha) {
        guard let targets = rows.targets, rows.featureCount <= Self.maxInputs else { return nil }
        let p = rows.featureCount
        var usable = (0..<min(rows.rowCount, targets.count)).filter { targets[$0].isFinite }
        if usable.count > Self.maxRows {
            let stride = Double(usable.count) / Double(Self.maxRows)
            usable = (0..<Self.maxRows).map { usable[Int(Double($0) * stride)] }
        }
        guard usable.count >= 3 else { return nil }
        // X'X and X'y with the intercept's column of ones last (the linear probe's own sums);
        // the penalty leaves the intercept free. One thread: ensemble members fit at once.
        var (normal, moment) = LinearProbe.normalEquations(rows, rows: usable, parallel: false)
        for i in 0..<p { normal[i * (p + 1) + i] += penaltyPerRow * Double(usable.count) }
        let solution = LinearProbe.solveSymmetric(normal, moment, p + 1)
        guard solution.allSatisfy(\.isFinite) else { return nil }
        weights = Array(solution.prefix(p))
        intercept = solution[p]
    }
}
