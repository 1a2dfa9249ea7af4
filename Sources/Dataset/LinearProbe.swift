import Random

/// The linear-separability probe of rule DEPTH-LINEAR: a linear model on the training split.
public struct LinearProbe: Sendable, Equatable, Codable {
    /// `logistic regression` (softmax over the classes) or `least squares`.
    public var model: String
    /// Training rows the model was fitted on (a seeded sample when the split is large).
    public var fittedRows: Int
    /// Gradient steps taken (classification), conjugate-gradient iterations (least squares with
    /// level columns), 0 for the closed-form least squares.
    public var iterations: Int
    /// Accuracy on the whole training split (classification).
    public var trainingAccuracy: Double?
    /// Accuracy on the validation split (classification, when it has rows).
    public var validationAccuracy: Double?
    /// Linearly separable: 100% training accuracy (classification).
    public var separable: Bool?
    /// R² on the training split (regression).
    public var trainingR2: Double?
    /// R² on the validation split (regression, when it has rows), for the profile.
    public var validationR2: Double?
    /// Categorical columns fitted one weight per level (per class), read by index so that no
    /// one-hot matrix is built: every embedded column, and the widest one-hot columns when the
    /// other inputs would be wider than `maxInputs`; nil when there are none (ordinary data).
    public var levelColumns: [String]? = nil

    /// Most training rows the logistic probe fits on; larger splits are sampled (seeded). The
    /// fit is 300 full-batch steps, the probe's whole cost: 4,096 rows keep `layerwise
    /// recommend` on a 100,000-row file within a few reads of the file (the recommend
    /// benchmark); accuracy and separability are still measured on the whole training split.
    public static let maxFittedRows = 4_096
    /// Rows of the screening fit, made first when the training split is larger: a linear
    /// model that cannot separate even these rows says the data is not separable, and the
    /// fit on `maxFittedRows` is skipped (4 times the work). Splits of at most this many rows
    /// (all the bundled datasets) are fitted once, whole.
    public static let screeningRows = 1_024
    /// Most training rows the least-squares probe fits on (one pass: cheap).
    public static let maxLeastSquaresRows = 20_000
    /// Full-batch steps of the logistic model.
    public static let logisticIterations = 300
    /// Most dense inputs the probe fits on. The closed-form least squares costs rows x inputs²
    /// (and inputs³ to solve), the logistic fit steps x rows x inputs x classes: a one-hot
    /// column of thousands of levels would take minutes and gigabytes as dense inputs, but
    /// fitted by level (one weight per level, looked up by index) costs one addition per row.
    /// Wider encodings fit their widest one-hot columns by level, until the rest fits.
    public static let maxInputs = 512

    /// Runs the probe on prepared data.
    ///
    /// Classification: multinomial logistic regression, no penalty, weights from zero, full-batch
    /// gradient descent with Adam steps (lr 0.1, betas 0.9/0.999) for `logisticIterations`
    /// steps on at most `maxFittedRows` training rows; accuracy is then measured on the whole
    /// training split, separable when it is 100% (DEPTH-LINEAR). A split larger than
    /// `screeningRows` is screened first: the same fit on a seeded sample of that many rows;
    /// when it does not reach 100% on its own rows the data is not separable and its accuracy
    /// is reported (`fittedRows` says which fit). Regression: least squares with an intercept by
    /// the normal equations (Cholesky, a 1e-9 ridge for rank deficiency). Level columns
    /// (`levelColumns`) add one weight per level, with an L2 penalty of one row
    /// (`LogisticFit.levelPenalty`); the least squares is then solved by preconditioned
    /// conjugate gradients (`LevelLeastSquares`).
    /// - Parameters:
    ///   - data: the prepared data (training and validation splits).
    ///   - parallel: use both cores for large splits (default true; the result is the same).
    ///   - logisticParallelWork: the logistic fit's work per step from which it splits (nil:
    ///     `LogisticFit.parallelWork`; tests lower it to check the split on small data).
    public static func run(
        _ data: PreparedData, parallel: Bool = true, logisticParallelWork: Int? = nil
    ) -> LinearProbe {
        let inputs = ProbeInputs(data.encoding, limit: maxInputs)
        let training = ProbeSplit(inputs, data.training)
        let validation = ProbeSplit(inputs, data.validation)
        var probe = fit(
            training, validation, data, parallel: parallel,
            logisticParallelWork: logisticParallelWork ?? LogisticFit.parallelWork)
        if !inputs.levelColumns.isEmpty { probe.levelColumns = inputs.levelNames }
        return probe
    }

    /// A split's dense inputs and level rows.
    struct ProbeSplit {
        let dense: EncodedRows
        let levels: LevelRows?

        init(_ inputs: ProbeInputs, _ rows: EncodedRows) {
            dense = inputs.narrow(rows)
            levels = inputs.levelRows(rows)
        }
    }

    private static func fit(
        _ training: ProbeSplit, _ validation: ProbeSplit, _ data: PreparedData, parallel: Bool,
        logisticParallelWork: Int
    ) -> LinearProbe {
        var generator = SeededGenerator(seed: data.options.seed ^ 0x5052_4F42_45)  // "PROBE"
        var rows = Array(0..<training.dense.rowCount)
        switch data.encoding.target {
        case .classes(_, let labels):
            // One seeded order: the screening sample is the start of the full fit's sample.
            if rows.count > screeningRows { generator.shuffle(&rows) }
            let fitted =
                rows.count > maxFittedRows
                ? Array(rows.prefix(maxFittedRows)).sorted() : Array(0..<training.dense.rowCount)
            let classCount = max(2, labels.count)
            if rows.count > screeningRows {
                let sample = Array(rows.prefix(screeningRows)).sorted()
                let screen = LogisticFit(
                    training.dense, levels: training.levels, rows: sample,
                    classCount: classCount, parallel: parallel,
                    parallelWork: logisticParallelWork)
                screen.train(steps: logisticIterations)
                if !screen.separatesFittedRows() {
                    return logisticResult(
                        screen, training, validation, fittedRows: sample.count)
                }
            }
            let fit = LogisticFit(
                training.dense, levels: training.levels, rows: fitted, classCount: classCount,
                parallel: parallel, parallelWork: logisticParallelWork)
            fit.train(steps: logisticIterations)
            return logisticResult(fit, training, validation, fittedRows: fitted.count)
        case .regression, .logRegression:
            if rows.count > maxLeastSquaresRows {
                generator.shuffle(&rows)
                rows = Array(rows.prefix(maxLeastSquaresRows)).sorted()
            }
            guard let levels = training.levels else {
                return leastSquares(
                    training.dense, validation.dense, rows: rows, parallel: parallel)
            }
            let fit = LevelLeastSquares(training.dense, levelRows: levels, rows: rows)
            return LinearProbe(
                model: "least squares", fittedRows: rows.count, iterations: fit.iterations,
                trainingAccuracy: nil, validationAccuracy: nil, separable: nil,
                trainingR2: fit.rSquared(training.dense, levels),
                validationR2: validation.levels.flatMap { fit.rSquared(validation.dense, $0) })
        }
    }

    private static func logisticResult(
        _ fit: LogisticFit, _ training: ProbeSplit, _ validation: ProbeSplit, fittedRows: Int
    )
        -> LinearProbe
    {
        let trainingAccuracy = fit.accuracy(training.dense, levels: training.levels)
        let validationAccuracy = fit.accuracy(validation.dense, levels: validation.levels)
        return LinearProbe(
            model: "logistic regression", fittedRows: fittedRows, iterations: logisticIterations,
            trainingAccuracy: trainingAccuracy, validationAccuracy: validationAccuracy,
            separable: trainingAccuracy.map { $0 >= 1 }, trainingR2: nil, validationR2: nil)
    }

    private static func leastSquares(
        _ training: EncodedRows, _ validation: EncodedRows, rows: [Int], parallel: Bool
    )
        -> LinearProbe
    {
        let width = training.featureCount
        let n = width + 1
        let (normal, moment) = normalEquations(training, rows: rows, parallel: parallel)
        var regularized = normal
        for a in 0..<n { regularized[a * n + a] += 1e-9 * Double(max(1, rows.count)) }
        let weights = solveSymmetric(regularized, moment, n)
        func rSquared(_ split: EncodedRows) -> Double? {
            split.features.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    guard let x = x.baseAddress, let w = w.baseAddress else { return nil }
                    return Self.rSquared(split) { row in
                        var prediction = w[width]
                        let features = x + row * width
                        for f in 0..<width { prediction += w[f] * Double(features[f]) }
                        return prediction
                    }
                }
            }
        }
        return LinearProbe(
            model: "least squares", fittedRows: rows.count, iterations: 0, trainingAccuracy: nil,
            validationAccuracy: nil, separable: nil, trainingR2: rSquared(training),
            validationR2: rSquared(validation))
    }

    /// R² of `prediction(row)` against the targets of `split`, sums in row order; nil without
    /// two rows with targets or without spread.
    static func rSquared(_ split: EncodedRows, prediction: (Int) -> Double) -> Double? {
        guard split.rowCount > 1, let y = split.targets else { return nil }
        var mean = 0.0
        for value in y { mean += Double(value) }
        mean /= Double(y.count)
        var residual = 0.0
        var total = 0.0
        for row in 0..<split.rowCount {
            let target = Double(y[row])
            let error = target - prediction(row)
            residual += error * error
            total += (target - mean) * (target - mean)
        }
        return total > 0 ? 1 - residual / total : nil
    }

    /// The lower triangle of `X'X` and `X'y` over `rows` (X with a last column of ones),
    /// `n x n` row-major with `n = featureCount + 1`; each element summed in row order.
    ///
    /// Each row's products are added four columns at a time into a padded matrix; on two cores
    /// the matrix rows are split between the threads (each element keeps its order of sums).
    static func normalEquations(
        _ training: EncodedRows, rows: [Int], parallel: Bool
    )
        -> (normal: [Double], moment: [Double])
    {
        let width = training.featureCount
        let n = width + 1
        let chunks = (n + 3) / 4
        let stride = 4 * chunks
        // The fitted rows widened once, padded: row-major, the 1 of the intercept at `width`.
        var packed = [SIMD4<Double>](repeating: .zero, count: rows.count * chunks)
        var targets = [Double](repeating: 0, count: rows.count)
        let y = training.targets ?? []
        training.features.withUnsafeBufferPointer { x in
            packed.withUnsafeMutableBytes { bytes in
                guard let x = x.baseAddress, let base = bytes.baseAddress else { return }
                let target = base.assumingMemoryBound(to: Double.self)
                for (i, row) in rows.enumerated() {
                    let source = x + row * width
                    let destination = target + i * stride
                    for f in 0..<width { destination[f] = Double(source[f]) }
                    destination[width] = 1
                    targets[i] = Double(y[row])
                }
            }
        }
        var padded = [SIMD4<Double>](repeating: .zero, count: n * chunks)
        var moment = [Double](repeating: 0, count: n)
        // Split the triangle's rows so both threads get about half of its elements.
        let split =
            parallel && rows.count * n * n / 2 >= TwoCores.minimumWork
            ? max(1, min(n - 1, Int((Double(n * n) / 2).squareRoot().rounded()))) : n
        let parts = split < n ? [0..<split, split..<n] : [0..<n]
        packed.withUnsafeBufferPointer { packed in
            targets.withUnsafeBufferPointer { targets in
                padded.withUnsafeMutableBufferPointer { paddedBuffer in
                    moment.withUnsafeMutableBufferPointer { momentBuffer in
                        guard let x = packed.baseAddress, let t = targets.baseAddress else {
                            return
                        }
                        let rowsIn = SharedPointer(UnsafeMutablePointer(mutating: x))
                        let targetsIn = SharedPointer(UnsafeMutablePointer(mutating: t))
                        let matrix = SharedPointer(paddedBuffer)
                        let moments = SharedPointer(momentBuffer)
                        let count = rows.count
                        TwoCores.forEach(parts.count, parallel: parts.count > 1) { part in
                            let range = parts[part]
                            for i in 0..<count {
                                let row = rowsIn.base + i * chunks
                                let values = UnsafeRawPointer(row).assumingMemoryBound(
                                    to: Double.self)
                                let y = targetsIn[i]
                                for a in range {
                                    let value = values[a]
                                    moments[a] += value * y
                                    let factor = SIMD4<Double>(repeating: value)
                                    let line = matrix.base + a * chunks
                                    // Columns 0...a (the padding past a is never read).
                                    for j in 0...(a / 4) { line[j] += factor * row[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
        var normal = [Double](repeating: 0, count: n * n)
        padded.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            let values = base.assumingMemoryBound(to: Double.self)
            for a in 0..<n {
                for b in 0...a { normal[a * n + b] = values[a * stride + b] }
            }
        }
        return (normal, moment)
    }

    /// Solves `A w = b` for symmetric positive definite `A` (lower triangle filled) by Cholesky.
    static func solveSymmetric(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        choleskySolve(choleskyFactor(a, n), b, n)
    }

    /// The Cholesky factor `L` (row-major, lower) of symmetric positive definite `A` (lower
    /// triangle filled); a pivot that is not positive (rank deficiency) becomes tiny.
    static func choleskyFactor(_ a: [Double], _ n: Int) -> [Double] {
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
        return l
    }

    /// Solves `L L' w = b` for the factor `l` of `choleskyFactor`.
    static func choleskySolve(_ l: [Double], _ b: [Double], _ n: Int) -> [Double] {
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
