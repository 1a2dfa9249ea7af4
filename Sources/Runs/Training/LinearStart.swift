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
    ///   - target: the target: its classes (one sigmoid output for two, else one softmax
    ///     output each) or a number.
    /// - Returns: whether it started there.
    @discardableResult
    static func apply(to model: Sequential, rows: EncodedRows, target: TargetEncoding) -> Bool {
        var classes: Int?
        if case .classes(_, let labels) = target { classes = labels.count }
        let outputs = target.outputWidth
        var shapes: [[Int]] = []
        model.visitParameters { _, parameter in shapes.append(parameter.shape) }
        guard shapes == [[outputs, rows.featureCount], [outputs]] else { return false }
        guard let (weights, biases) = fit(rows, classes: classes) else { return false }
        var index = 0
        model.visitParameters { _, parameter in
            parameter.value = (index == 0 ? weights : biases).map { Float($0) }
            index += 1
        }
        return true
    }

    /// The fit's weights (outputs x inputs, row-major) and biases; nil when it fails.
    static func fit(_ rows: EncodedRows, classes: Int?) -> (weights: [Double], biases: [Double])? {
        if let known = recent.withLock({ $0.first { $0.rows == rows && $0.classes == classes } }) {
            return known.result
        }
        let result: (weights: [Double], biases: [Double])?
        if let classes {
            result = LogisticRegressionFit(rows, classes: classes).map {
                ($0.weights, $0.intercepts)
            }
        } else {
            result = RidgeFit(rows).map { ($0.weights, [$0.intercept]) }
        }
        // Small rows only: a large split's fit is a small share of its training, and the
        // memory it would hold is not.
        guard rows.features.count <= rememberedFloats else { return result }
        recent.withLock { fits in
            fits.insert(Remembered(rows: rows, classes: classes, result: result), at: 0)
            if fits.count > remembered { fits.removeLast() }
        }
        return result
    }

    /// A fit and what it was fitted on.
    struct Remembered: Sendable {
        var rows: EncodedRows
        var classes: Int?
        var result: (weights: [Double], biases: [Double])?
    }

    /// The last fits, with their rows: the fit is a function of the rows alone, and every
    /// linear trial of a tune study starts on the same training rows (without this, refitting
    /// them was a third of a small study's CPU time). The rows are shared, not copied; an
    /// identical array compares at once.
    static let recent = Locked<[Remembered]>([])
    /// How many fits are remembered: a study's training rows, and its ensemble members' own.
    static let remembered = 8
    /// The largest rows remembered, in floats (8 MB): at most 64 MB held.
    static let rememberedFloats = 1 << 21
}
