import Engine

/// The linear-separability probe of rule DEPTH-LINEAR: a linear model on the training split.
public struct LinearProbe: Sendable, Equatable, Codable {
    /// `logistic regression` (softmax over the classes) or `least squares`.
    public var model: String
    /// Training rows the model was fitted on (a seeded sample when the split is large).
    public var fittedRows: Int
    /// Gradient steps taken (classification; 0 for the closed-form least squares).
    public var iterations: Int
    /// Accuracy on the whole training split (classification).
    public var trainingAccuracy: Double?
    /// Accuracy on the validation split (classification, when it has rows).
    public var validationAccuracy: Double?
    /// Linearly separable: 100% training accuracy (classification).
    public var separable: Bool?
    /// R² on the training split (regression).
    public var trainingR2: Double?
    /// R² on the validation split (regression, when it has rows); the advisor compares it with
    /// a small MLP's.
    public var validationR2: Double?

    /// Most training rows the logistic probe fits on; larger splits are sampled (seeded). The
    /// fit is 300 full-batch steps, the probe's whole cost: 4,096 rows keep `layerwise
    /// recommend` on a 100,000-row file within a few reads of the file (the recommend
    /// benchmark); accuracy and separability are still measured on the whole training split.
    public static let maxFittedRows = 4_096
    /// Most training rows the least-squares probe fits on (one pass: cheap).
    public static let maxLeastSquaresRows = 20_000
    /// Full-batch steps of the logistic model.
    public static let logisticIterations = 300

    /// Runs the probe on prepared data.
    ///
    /// Classification: multinomial logistic regression, no penalty, weights from zero, full-batch
    /// gradient descent with Adam steps (lr 0.1, betas 0.9/0.999) for `logisticIterations`
    /// steps on at most `maxFittedRows` training rows; accuracy is then measured on the whole
    /// training split, separable when it is 100% (DEPTH-LINEAR). Regression: least squares with
    /// an intercept by the normal equations (Cholesky, a 1e-9 ridge for rank deficiency).
    public static func run(_ data: PreparedData) -> LinearProbe {
        var generator = SeededGenerator(seed: data.options.seed ^ 0x5052_4F42_45)  // "PROBE"
        let training = data.training
        var rows = Array(0..<training.rowCount)
        let limit: Int
        if case .regression = data.encoding.target {
            limit = maxLeastSquaresRows
        } else {
            limit = maxFittedRows
        }
        if rows.count > limit {
            generator.shuffle(&rows)
            rows = Array(rows.prefix(limit)).sorted()
        }
        switch data.encoding.target {
        case .classes(_, let labels):
            return logistic(data, rows: rows, classCount: labels.count)
        case .regression:
            return leastSquares(data, rows: rows)
        }
    }

    private static func logistic(_ data: PreparedData, rows: [Int], classCount: Int)
        -> LinearProbe
    {
        let training = data.training
        let width = training.featureCount
        let k = max(2, classCount)
        let stride = width + 1  // weights per class, bias last
        var weights = [Double](repeating: 0, count: k * stride)
        var gradient = [Double](repeating: 0, count: k * stride)
        var moment1 = gradient
        var moment2 = gradient
        var probabilities = [Double](repeating: 0, count: k)
        let classes = training.classIndices ?? []
        let rate = 0.1
        let (beta1, beta2) = (0.9, 0.999)
        // Pointers hoisted and each row widened to Double once: the fit is the probe's cost.
        var row64 = [Double](repeating: 0, count: width)
        training.features.withUnsafeBufferPointer { x in
            weights.withUnsafeMutableBufferPointer { w in
                gradient.withUnsafeMutableBufferPointer { g in
                    probabilities.withUnsafeMutableBufferPointer { p in
                        row64.withUnsafeMutableBufferPointer { r in
                            let (w, g, p, r) = (w.baseAddress!, g.baseAddress!, p.baseAddress!, r.baseAddress!)
                            for step in 1...logisticIterations {
                                g.update(repeating: 0, count: k * stride)
                                for row in rows {
                                    let label = Int(classes[row])
                                    if label < 0 { continue }
                                    let features = x.baseAddress! + row * width
                                    for f in 0..<width { r[f] = Double(features[f]) }
                                    var largest = -Double.infinity
                                    for c in 0..<k {
                                        let wc = w + c * stride
                                        var z = wc[width]
                                        for f in 0..<width { z += wc[f] * r[f] }
                                        p[c] = z
                                        largest = max(largest, z)
                                    }
                                    var total = 0.0
                                    for c in 0..<k {
                                        p[c] = _exp(p[c] - largest)
                                        total += p[c]
                                    }
                                    let inverse = 1 / total
                                    for c in 0..<k {
                                        let error = p[c] * inverse - (c == label ? 1 : 0)
                                        let gc = g + c * stride
                                        for f in 0..<width { gc[f] += error * r[f] }
                                        gc[width] += error
                                    }
                                }
                                let scale = 1 / Double(max(1, rows.count))
                                let correction1 = 1 - _pow(beta1, Double(step))
                                let correction2 = 1 - _pow(beta2, Double(step))
                                for i in 0..<(k * stride) {
                                    let gradientValue = g[i] * scale
                                    moment1[i] = beta1 * moment1[i] + (1 - beta1) * gradientValue
                                    moment2[i] =
                                        beta2 * moment2[i] + (1 - beta2) * gradientValue * gradientValue
                                    w[i] -= rate * (moment1[i] / correction1)
                                        / ((moment2[i] / correction2).squareRoot() + 1e-8)
                                }
                            }
                        }
                    }
                }
            }
        }
        func accuracy(_ split: EncodedRows) -> Double? {
            guard split.rowCount > 0, let labels = split.classIndices else { return nil }
            var correct = 0
            var counted = 0
            split.features.withUnsafeBufferPointer { x in
                for row in 0..<split.rowCount where labels[row] >= 0 {
                    let features = x.baseAddress! + row * width
                    var best = 0
                    var bestScore = -Double.infinity
                    for c in 0..<k {
                        var z = weights[c * stride + width]
                        for f in 0..<width { z += weights[c * stride + f] * Double(features[f]) }
                        if z > bestScore {
                            bestScore = z
                            best = c
                        }
                    }
                    counted += 1
                    if best == Int(labels[row]) { correct += 1 }
                }
            }
            return counted > 0 ? Double(correct) / Double(counted) : nil
        }
        let trainingAccuracy = accuracy(training)
        return LinearProbe(
            model: "logistic regression", fittedRows: rows.count, iterations: logisticIterations,
            trainingAccuracy: trainingAccuracy, validationAccuracy: accuracy(data.validation),
            separable: trainingAccuracy.map { $0 >= 1 }, trainingR2: nil, validationR2: nil)
    }

    private static func leastSquares(_ data: PreparedData, rows: [Int]) -> LinearProbe {
        let training = data.training
        let width = training.featureCount
        let n = width + 1
        var normal = [Double](repeating: 0, count: n * n)
        var moment = [Double](repeating: 0, count: n)
        let targets = training.targets ?? []
        var augmented = [Double](repeating: 1, count: n)
        training.features.withUnsafeBufferPointer { x in
            for row in rows {
                let features = x.baseAddress! + row * width
                for f in 0..<width { augmented[f] = Double(features[f]) }
                let y = Double(targets[row])
                for a in 0..<n {
                    moment[a] += augmented[a] * y
                    let value = augmented[a]
                    for b in 0...a { normal[a * n + b] += value * augmented[b] }
                }
            }
        }
        for a in 0..<n { normal[a * n + a] += 1e-9 * Double(max(1, rows.count)) }
        let weights = solveSymmetric(normal, moment, n)
        func rSquared(_ split: EncodedRows) -> Double? {
            guard split.rowCount > 1, let y = split.targets else { return nil }
            var mean = 0.0
            for value in y { mean += Double(value) }
            mean /= Double(y.count)
            var residual = 0.0
            var total = 0.0
            split.features.withUnsafeBufferPointer { x in
                for row in 0..<split.rowCount {
                    var prediction = weights[width]
                    let features = x.baseAddress! + row * width
                    for f in 0..<width { prediction += weights[f] * Double(features[f]) }
                    residual += (Double(y[row]) - prediction) * (Double(y[row]) - prediction)
                    total += (Double(y[row]) - mean) * (Double(y[row]) - mean)
                }
            }
            return total > 0 ? 1 - residual / total : nil
        }
        return LinearProbe(
            model: "least squares", fittedRows: rows.count, iterations: 0, trainingAccuracy: nil,
            validationAccuracy: nil, separable: nil, trainingR2: rSquared(training),
            validationR2: rSquared(data.validation))
    }

    /// Solves `A w = b` for symmetric positive definite `A` (lower triangle filled) by Cholesky.
    static func solveSymmetric(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    l[i * n + i] = sum > 1e-300 ? sum.squareRoot() : 1e-150
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }
}

#if canImport(Glibc)
    import Glibc
    @inline(__always) private func _exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) private func _pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#elseif canImport(Darwin)
    import Darwin
    @inline(__always) private func _exp(_ x: Double) -> Double { Darwin.exp(x) }
    @inline(__always) private func _pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
#endif
