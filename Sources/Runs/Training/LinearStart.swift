import Dataset
import Engine

/// INIT-LINEAR-RIDGE and INIT-LINEAR-LOGISTIC: a network without hidden layers is a linear
/// model, and its output layer starts at that model's fit on its own training rows instead of
/// random weights: the ridge solution for regression (`RidgeFit`, the model DEPTH-LINEAR's
/// probe cross-validated), the penalised logistic regression for classes
/// (`LogisticRegressionFit`). Training then goes on as the recipe says, and restoring the best
/// epoch keeps it near that start unless the validation rows prefer otherwise. Adam from
/// random weights, stopped early on a few dozen validation rows, ends short of the optimum
/// (Benchmarks/quality-results.md, 2026-12-07 evening and 2026-12-08).
enum LinearStart {
    /// Sets `model`'s dense weight and bias to the linear fit on `rows`; leaves the model as
    /// it is when it is not one dense layer from `rows`' inputs to the task's outputs, or the
    /// fit fails.
    /// - Parameters:
    ///   - model: a freshly built network.
    ///   - rows: its training rows.
    ///   - classes: the classification's classes (one sigmoid output for two, else one
    ///     softmax output each); nil for regression.
    /// - Returns: whether it started there.
    @discardableResult
    static func apply(to model: Sequential, rows: EncodedRows, classes: Int?) -> Bool {
        let outputs = classes.map { $0 == 2 ? 1 : $0 } ?? 1
        var shapes: [[Int]] = []
        model.visitParameters { _, parameter in shapes.append(parameter.shape) }
        guard shapes == [[outputs, rows.featureCount], [outputs]] else { return false }
        let weights: [Double]
        let biases: [Double]
        if let classes {
            guard let fit = LogisticRegressionFit(rows, classes: classes) else { return false }
            (weights, biases) = (fit.weights, fit.intercepts)
        } else {
            guard let fit = RidgeFit(rows) else { return false }
            (weights, biases) = (fit.weights, [fit.intercept])
        }
        var index = 0
        model.visitParameters { _, parameter in
            parameter.value = (index == 0 ? weights : biases).map { Float($0) }
            index += 1
        }
        return true
    }
}
