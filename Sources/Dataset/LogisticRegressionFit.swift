import Foundation

/// A logistic regression fitted on encoded rows with class labels: the model scikit-learn's
/// `LogisticRegression()` fits by default (an L2 penalty of `|W|^2 / 2` against the summed
/// log-loss, C = 1; the intercepts free), one sigmoid output for two classes and a softmax over
/// every class for more. Full-batch Adam in double precision from zero weights: the objective
/// is convex, so the start does not matter, and a few hundred steps bring a starting point
/// close enough. INIT-LINEAR-LOGISTIC starts a classification network without hidden layers at
/// it.
public struct LogisticRegressionFit: Sendable, Equatable {
    /// `outputs x inputs`, row-major: one row of weights per output.
    public var weights: [Double]
    /// One intercept per output.
    public var intercepts: [Double]
    /// Outputs: 1 for two classes (the second class's sigmoid), else one per class.
    public var outputs: Int

    /// Most inputs fitted (as the ridge fit).
    public static let maxInputs = LinearProbe.maxInputs
    /// Most multiply-adds per step (rows x inputs x outputs): larger data is read at an even
    /// stride of its rows, so the whole fit stays within a few tenths of a second.
    public static let maxWorkPerStep = 1_000_000
    /// Full-batch Adam steps and rate: enough to come within a few thousandths of the
    /// optimum's accuracy on the quality suite's linear designs (500 steps at 0.05 gave the
    /// same scores, at 2.5 times the cost).
    public static let steps = 200
    public static let rate = 0.1
    /// The fit stops early when no element of the objective's gradient exceeds this: the
    /// start is then as good as the optimum (a tune study refits it on every linear trial).
    public static let tolerance = 1e-4

    /// The fit on `rows`' inputs and class labels; nil without labels, with fewer than two
    /// classes present or 3 labelled rows, or more than `maxInputs` inputs.
    /// - Parameters:
    ///   - rows: encoded rows with class indices.
    ///   - classes: the task's classes (the labels index them), at least 2.
    public init?(_ rows: EncodedRows, classes: Int) {
        guard let labels = rows.classIndices, classes >= 2, rows.featureCount <= Self.maxInputs
        else { return nil }
        let p = rows.featureCount
        let outputs = classes == 2 ? 1 : classes
        var usable = (0..<min(rows.rowCount, labels.count)).filter {
            labels[$0] >= 0 && Int(labels[$0]) < classes
        }
        let most = max(3, Self.maxWorkPerStep / max(1, p * outputs))
        if usable.count > most {
            let stride = Double(usable.count) / Double(most)
            usable = (0..<most).map { usable[Int(Double($0) * stride)] }
        }
        guard usable.count >= 3, Set(usable.map { labels[$0] }).count >= 2 else { return nil }
        let n = usable.count
        // The rows as doubles in chunks of four, the intercept's 1 after the inputs, zeros
        // after that: a score is one chunked dot product, a gradient row one chunked update.
        let chunks = (p + 1 + 3) / 4
        var x = [SIMD4<Double>](repeating: .zero, count: n * chunks)
        rows.features.withUnsafeBufferPointer { features in
            for (k, row) in usable.enumerated() {
                for f in 0..<p { x[k * chunks + f / 4][f % 4] = Double(features[row * p + f]) }
                x[k * chunks + p / 4][p % 4] = 1
            }
        }
        let y = usable.map { Int(labels[$0]) }
        // Parameters: outputs x chunks, the intercept at input position p of each row.
        let count = outputs * chunks
        var theta = [SIMD4<Double>](repeating: .zero, count: count)
        var gradient = theta
        var moment1 = theta
        var moment2 = theta
        // 1 for the weights (penalised), 0 for the intercept and the padding.
        var penalised = theta
        for o in 0..<outputs {
            for f in 0..<p { penalised[o * chunks + f / 4][f % 4] = 1 }
        }
        var scores = [Double](repeating: 0, count: outputs)
        let (beta1, beta2, epsilon) = (0.9, 0.999, 1e-8)
        let scale = 1 / Double(n)
        x.withUnsafeBufferPointer { x in
            theta.withUnsafeMutableBufferPointer { theta in
                gradient.withUnsafeMutableBufferPointer { gradient in
                    for step in 1...Self.steps {
                        for i in 0..<count { gradient[i] = .zero }
                        for k in 0..<n {
                            let row = x.baseAddress! + k * chunks
                            for o in 0..<outputs {
                                var sum = SIMD4<Double>.zero
                                let weights = theta.baseAddress! + o * chunks
                                for c in 0..<chunks { sum += weights[c] * row[c] }
                                scores[o] = sum.sum()
                            }
                            // The loss's derivative by each score: probability minus the
                            // one-hot label.
                            if outputs == 1 {
                                scores[0] = 1 / (1 + exp(-scores[0])) - (y[k] == 1 ? 1 : 0)
                            } else {
                                let top = scores.max() ?? 0
                                var total = 0.0
                                for o in 0..<outputs {
                                    scores[o] = exp(scores[o] - top)
                                    total += scores[o]
                                }
                                for o in 0..<outputs {
                                    scores[o] = scores[o] / total - (y[k] == o ? 1 : 0)
                                }
                            }
                            for o in 0..<outputs {
                                let error = SIMD4(repeating: scores[o])
                                let into = gradient.baseAddress! + o * chunks
                                for c in 0..<chunks { into[c] += error * row[c] }
                            }
                        }
                        // Mean loss plus |W|^2 / (2n): scikit-learn's objective over the rows.
                        let correction1 = 1 - pow(beta1, Double(step))
                        let correction2 = 1 - pow(beta2, Double(step))
                        var largest = 0.0
                        for i in 0..<count {
                            let penalty: SIMD4<Double> = theta[i] * penalised[i]
                            let g: SIMD4<Double> = (gradient[i] + penalty) * scale
                            let size: SIMD4<Double> = g.replacing(with: -g, where: g .< 0)
                            largest = max(largest, size.max())
                            moment1[i] = beta1 * moment1[i] + (1 - beta1) * g
                            moment2[i] = beta2 * moment2[i] + (1 - beta2) * g * g
                            let m = moment1[i] / correction1
                            let v = moment2[i] / correction2
                            theta[i] -= Self.rate * m / (v.squareRoot() + epsilon)
                        }
                        // Converged: every gradient element (before this step) is below the
                        // tolerance.
                        if largest < Self.tolerance { break }
                    }
                }
            }
        }
        let flat = theta.flatMap { [$0[0], $0[1], $0[2], $0[3]] }
        guard flat.allSatisfy(\.isFinite) else { return nil }
        self.outputs = outputs
        weights = (0..<outputs).flatMap { o in flat[(o * chunks * 4)..<(o * chunks * 4 + p)] }
        intercepts = (0..<outputs).map { flat[$0 * chunks * 4 + p] }
    }
}
