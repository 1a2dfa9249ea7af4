/// The targets of a batch: class indices (classification) or a matrix (regression, or
/// probabilities for multi-label binary cross-entropy).
public enum Targets: Sendable, Equatable {
    /// One class index per row, in `0 ..< classCount` (binary: 0 or 1).
    case classes([Int])
    /// One row of target values per row of outputs.
    case values(Matrix)

    /// Number of rows.
    public var count: Int {
        switch self {
        case .classes(let labels): return labels.count
        case .values(let matrix): return matrix.rows
        }
    }
}

/// A loss function, averaged over the batch. Classification losses take logits (the output of
/// the last linear layer) and are fused with their output activation for numerical stability.
///
/// Class weights (classification only) weight each row by the weight of its class and divide by
/// the sum of those weights (the weighted mean of PyTorch's `CrossEntropyLoss(weight:)`), so the
/// loss keeps its scale and an untrained network's loss stays near ln C (DIAG-INITIAL-LOSS).
public enum Loss: Codable, Equatable, Sendable {
    /// Softmax cross-entropy from logits, targets `.classes` (ACT-OUTPUT-MULTICLASS):
    /// `logsumexp(z) - z[y]`, computed with the row maximum subtracted.
    case softmaxCrossEntropy
    /// Binary cross-entropy from logits (ACT-OUTPUT-BINARY): `max(z,0) - z t + log(1+e^-|z|)`.
    /// Targets `.classes` (0 or 1, one output column) or `.values` (probabilities, any width).
    case binaryCrossEntropy
    /// Mean squared error over all elements (ACT-OUTPUT-REGRESSION), targets `.values`.
    case meanSquaredError
    /// Mean absolute error over all elements, targets `.values`.
    case meanAbsoluteError
    /// Huber loss over all elements (`0.5 d^2` for |d| <= delta, else `delta (|d| - delta/2)`;
    /// PyTorch `HuberLoss`, delta default 1), targets `.values`. Huber 1964.
    case huber(delta: Float = 1)

    /// The output activation this loss absorbs: a model ending in it is trained through the
    /// fused loss on the logits (softmax for cross-entropy, sigmoid for binary cross-entropy).
    public var fusedOutputActivation: Activation? {
        switch self {
        case .softmaxCrossEntropy: return .softmax
        case .binaryCrossEntropy: return .sigmoid
        default: return nil
        }
    }

    /// Whether targets are class indices.
    public var isClassification: Bool {
        switch self {
        case .softmaxCrossEntropy, .binaryCrossEntropy: return true
        default: return false
        }
    }

    /// The mean loss of `outputs` against `targets`, writing d loss / d outputs into
    /// `gradient` when given.
    /// - Parameters:
    ///   - outputs: logits (classification) or predictions (regression), `rows x width`.
    ///   - targets: `.classes` with `rows` labels, or `.values` shaped like `outputs`.
    ///   - classWeights: one weight per class, or nil (default) for equal weights.
    ///   - gradient: where to write the gradient, shaped like `outputs`, or nil.
    /// - Returns: the mean loss, accumulated in double precision.
    /// - Throws: `EngineError.invalidBatch` for targets that do not fit.
    public func evaluate(
        outputs: MatrixView, targets: Targets, classWeights: [Float]? = nil,
        gradient: MutableMatrixView? = nil
    ) throws -> Double {
        guard targets.count == outputs.rows else {
            throw EngineError.invalidBatch(
                message: "\(targets.count) targets for \(outputs.rows) rows of outputs")
        }
        switch (self, targets) {
        case (.softmaxCrossEntropy, .classes(let labels)):
            return try labels.withUnsafeBufferPointer {
                try softmaxCrossEntropyKernel(outputs, $0, classWeights, gradient)
            }
        case (.binaryCrossEntropy, .classes(let labels)):
            guard outputs.columns == 1 else {
                throw EngineError.invalidBatch(
                    message: "binary cross-entropy with class targets needs 1 output column, "
                        + "the model has \(outputs.columns); use softmax cross-entropy for "
                        + "more classes")
            }
            return try labels.withUnsafeBufferPointer {
                try binaryCrossEntropyLabelsKernel(outputs, $0, classWeights, gradient)
            }
        case (.binaryCrossEntropy, .values(let matrix)):
            try checkShape(outputs, matrix)
            return matrix.withView { binaryCrossEntropyValuesKernel(outputs, $0, gradient) }
        case (.meanSquaredError, .values(let matrix)),
            (.meanAbsoluteError, .values(let matrix)),
            (.huber, .values(let matrix)):
            try checkShape(outputs, matrix)
            return matrix.withView { regressionKernel(outputs, $0, gradient) }
        case (.softmaxCrossEntropy, .values):
            throw EngineError.invalidBatch(
                message: "softmax cross-entropy needs class-index targets")
        case (_, .classes):
            throw EngineError.invalidBatch(
                message: "a regression loss needs value targets, not class indices")
        }
    }

    private func checkShape(_ outputs: MatrixView, _ targets: Matrix) throws {
        guard targets.rows == outputs.rows, targets.columns == outputs.columns else {
            throw EngineError.invalidBatch(
                message: "targets are \(targets.rows)x\(targets.columns), outputs are "
                    + "\(outputs.rows)x\(outputs.columns)")
        }
    }

    /// The mean loss of a matrix of outputs (allocating convenience for tests and tools).
    public func value(
        _ outputs: Matrix, _ targets: Targets, classWeights: [Float]? = nil
    )
        throws -> Float
    {
        try outputs.withView {
            Float(try evaluate(outputs: $0, targets: targets, classWeights: classWeights))
        }
    }

    /// The gradient of the mean loss with respect to `outputs` (allocating convenience).
    public func gradient(
        _ outputs: Matrix, _ targets: Targets, classWeights: [Float]? = nil
    )
        throws -> Matrix
    {
        var result = Matrix(rows: outputs.rows, columns: outputs.columns)
        _ = try outputs.withView { view in
            try result.withMutableView { g in
                try evaluate(
                    outputs: view, targets: targets, classWeights: classWeights, gradient: g)
            }
        }
        return result
    }

    // MARK: Kernels

    private func rowWeight(
        _ label: Int, _ classWeights: UnsafeBufferPointer<Float>?
    ) -> Float {
        guard let classWeights else { return 1 }
        return classWeights[label]
    }

    private func checkLabels(
        _ labels: UnsafeBufferPointer<Int>, classCount: Int, _ classWeights: [Float]?
    ) throws {
        if let classWeights, classWeights.count != classCount {
            throw EngineError.invalidBatch(
                message: "\(classWeights.count) class weights for \(classCount) classes")
        }
        for label in labels where label < 0 || label >= classCount {
            throw EngineError.invalidBatch(
                message: "class index \(label) outside 0..<\(classCount)")
        }
    }

    /// The weighted mean of the losses of the first `rows` labelled rows: `body(weights, scale)`
    /// returns the sum of each row's weight times its loss, with `weights` the class weights
    /// (nil: all 1) and `scale` 1 / the rows' total weight (for the gradient); 0 when that
    /// total is 0.
    private func weightedMean(
        rows: Int, _ labels: UnsafeBufferPointer<Int>, _ classWeights: [Float]?,
        _ body: (_ weights: UnsafeBufferPointer<Float>?, _ scale: Float) -> Double
    ) -> Double {
        (classWeights ?? []).withUnsafeBufferPointer { weightBuffer in
            let weights = classWeights == nil ? nil : weightBuffer
            var weightSum: Double = 0
            for row in 0..<rows { weightSum += Double(rowWeight(labels[row], weights)) }
            guard weightSum > 0 else { return 0 }
            return body(weights, Float(1 / weightSum)) / weightSum
        }
    }

    private func softmaxCrossEntropyKernel(
        _ z: MatrixView, _ labels: UnsafeBufferPointer<Int>, _ classWeights: [Float]?,
        _ gradient: MutableMatrixView?
    ) throws -> Double {
        let width = z.columns
        try checkLabels(labels, classCount: width, classWeights)
        return weightedMean(rows: z.rows, labels, classWeights) { weights, scale in
            var total: Double = 0
            for row in 0..<z.rows {
                let x = z.base + row * width
                var largest = -Float.infinity
                for j in 0..<width where x[j] > largest { largest = x[j] }
                let label = labels[row]
                let w = rowWeight(label, weights)
                var sum: Float = 0
                if let gradient {
                    // The row's exponentials, kept in the gradient row: one exp per logit.
                    let g = gradient.base + row * width
                    for j in 0..<width {
                        g[j] = expFloat(x[j] - largest)
                        sum += g[j]
                    }
                    let factor = w * scale / sum  // softmax_j = e_j / sum, each <= 1
                    for j in 0..<width { g[j] *= factor }
                    g[label] -= w * scale
                } else {
                    for j in 0..<width { sum += expFloat(x[j] - largest) }
                }
                let logSum = logFloat(sum) + largest
                total += Double(w) * Double(logSum - x[label])
            }
            return total
        }
    }

    private func binaryCrossEntropyLabelsKernel(
        _ z: MatrixView, _ labels: UnsafeBufferPointer<Int>, _ classWeights: [Float]?,
        _ gradient: MutableMatrixView?
    ) throws -> Double {
        try checkLabels(labels, classCount: 2, classWeights)
        return weightedMean(rows: z.rows, labels, classWeights) { weights, scale in
            logisticParts(z.base, count: z.rows) { tail, sigmoid in
                var total: Double = 0
                for row in 0..<z.rows {
                    let x = z.base[row]
                    let t: Float = labels[row] == 1 ? 1 : 0
                    let w = rowWeight(labels[row], weights)
                    total += Double(w) * Double(max(x, 0) - x * t + tail[row])
                    gradient?.base[row] = (sigmoid[row] - t) * w * scale
                }
                return total
            }
        }
    }

    private func binaryCrossEntropyValuesKernel(
        _ z: MatrixView, _ t: MatrixView, _ gradient: MutableMatrixView?
    ) -> Double {
        let count = z.count
        guard count > 0 else { return 0 }
        let scale = 1 / Float(count)
        return logisticParts(z.base, count: count) { tail, sigmoid in
            var total: Double = 0
            for i in 0..<count {
                let x = z.base[i]
                total += Double(max(x, 0) - x * t.base[i] + tail[i])
                gradient?.base[i] = (sigmoid[i] - t.base[i]) * scale
            }
            return total / Double(count)
        }
    }

    private func regressionKernel(
        _ y: MatrixView, _ t: MatrixView, _ gradient: MutableMatrixView?
    ) -> Double {
        let count = y.count
        guard count > 0 else { return 0 }
        let scale = 1 / Float(count)
        var total: Double = 0
        switch self {
        case .meanSquaredError:
            for i in 0..<count {
                let d = y.base[i] - t.base[i]
                total += Double(d * d)
                gradient?.base[i] = 2 * d * scale
            }
        case .meanAbsoluteError:
            for i in 0..<count {
                let d = y.base[i] - t.base[i]
                total += Double(abs(d))
                gradient?.base[i] = (d > 0 ? 1 : (d < 0 ? -1 : 0)) * scale
            }
        case .huber(let delta):
            for i in 0..<count {
                let d = y.base[i] - t.base[i]
                let a = abs(d)
                if a <= delta {
                    total += Double(0.5 * d * d)
                    gradient?.base[i] = d * scale
                } else {
                    total += Double(delta * (a - 0.5 * delta))
                    gradient?.base[i] = (d > 0 ? delta : -delta) * scale
                }
            }
        default:
            break
        }
        return total / Double(count)
    }
}

/// The binary cross-entropy's exponential parts of `count` logits (`CPUKernels.logisticParts`:
/// `log(1 + exp(-|z|))` and `sigmoid(z)`, 16 lanes at a time), in scratch memory for `body`; the
/// loss of a row is then `max(z, 0) - z t + tail` and its gradient `sigmoid - t`, so a large
/// logit loses nothing to cancellation.
@inline(__always)
private func logisticParts<Result>(
    _ z: UnsafePointer<Float>, count: Int,
    _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) throws -> Result
) rethrows -> Result {
    try withUnsafeTemporaryAllocation(of: Float.self, capacity: max(1, 2 * count)) { scratch in
        let tail = scratch.baseAddress!
        let sigmoid = tail + count
        CPUKernels.logisticParts(count: count, z, tail: tail, sigmoid: sigmoid)
        return try body(tail, sigmoid)
    }
}

// MARK: - Free functions

/// Mean softmax cross-entropy of `logits` against class `labels` (optional class weights).
public func softmaxCrossEntropy(
    logits: Matrix, labels: [Int], classWeights: [Float]? = nil
)
    throws -> Float
{
    try Loss.softmaxCrossEntropy.value(logits, .classes(labels), classWeights: classWeights)
}

/// Mean binary cross-entropy of one column of `logits` against 0/1 `labels`.
public func binaryCrossEntropy(
    logits: Matrix, labels: [Int], classWeights: [Float]? = nil
)
    throws -> Float
{
    try Loss.binaryCrossEntropy.value(logits, .classes(labels), classWeights: classWeights)
}

/// Mean squared error of `predictions` against `targets` (same shape).
public func meanSquaredError(_ predictions: Matrix, _ targets: Matrix) throws -> Float {
    try Loss.meanSquaredError.value(predictions, .values(targets))
}

/// Mean absolute error of `predictions` against `targets` (same shape).
public func meanAbsoluteError(_ predictions: Matrix, _ targets: Matrix) throws -> Float {
    try Loss.meanAbsoluteError.value(predictions, .values(targets))
}

/// Mean Huber loss of `predictions` against `targets` (delta default 1).
public func huberLoss(_ predictions: Matrix, _ targets: Matrix, delta: Float = 1) throws -> Float {
    try Loss.huber(delta: delta).value(predictions, .values(targets))
}
