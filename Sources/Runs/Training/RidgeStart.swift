import Dataset
import Engine

/// INIT-LINEAR-RIDGE: a regression network without hidden layers is a linear model, and its
/// output layer starts at the ridge solution on its own training rows (`RidgeFit`, the model
/// DEPTH-LINEAR's probe cross-validated) instead of random weights; training then goes on as
/// the recipe says, and restoring the best epoch keeps it near that start unless the validation
/// rows prefer otherwise. Adam from random weights, stopped early on a few dozen validation
/// rows, ends short of the optimum (Benchmarks/quality-results.md, 2026-12-07 evening).
enum RidgeStart {
    /// Sets `model`'s dense weight and bias to the ridge fit on `rows`; leaves the model as it
    /// is when it is not one dense layer of one output over `rows`' inputs, or the fit fails.
    /// - Returns: whether it started there.
    @discardableResult
    static func apply(to model: Sequential, rows: EncodedRows) -> Bool {
        var shapes: [[Int]] = []
        model.visitParameters { _, parameter in shapes.append(parameter.shape) }
        guard shapes == [[1, rows.featureCount], [1]], let fit = RidgeFit(rows) else {
            return false
        }
        var index = 0
        model.visitParameters { _, parameter in
            parameter.value = index == 0 ? fit.weights.map { Float($0) } : [Float(fit.intercept)]
            index += 1
        }
        return true
    }
}
