/// The logistic probe's fit (rule DEPTH-LINEAR): softmax regression by full-batch Adam on a
/// packed copy of the fitted rows.
///
/// Every number is the same, bit for bit, as the plain loops (`z = b; z += w[f] * x[f]` in
/// feature order; each gradient element summed in row order): only the layout changes. The
/// scores of four rows are computed at once (one SIMD lane per row, rows transposed in blocks
/// of four), the gradient update runs four features at once (rows padded to a multiple of four
/// with the bias input 1 last), and on two cores the rows of the forward pass and the features
/// of the gradient are split between the threads, so no sum changes its order. Level columns
/// (`LevelRows`) add one weight per level and class after the dense scores, a table lookup per
/// row instead of a one-hot block; their gradient is summed over the rows in order, with an L2
/// penalty (`levelPenalty`).
final class LogisticFit: @unchecked Sendable {
    /// Encoded inputs per row.
    let width: Int
    /// Classes (at least 2).
    let classCount: Int
    /// SIMD4 chunks per padded row: the inputs, then the bias input 1, then zeros.
    let chunks: Int
    /// Doubles per class in `weights`: `4 * chunks`, the bias at index `width`.
    let stride: Int
    /// Fitted rows that have a label.
    let labelled: Int
    /// The divisor of the gradient: every sampled row, labelled or not (as the plain loop).
    let sampled: Int
    let parallel: Bool

    /// `labelled x chunks`, row-major, padded.
    private let rowMajor: UnsafeMutablePointer<SIMD4<Double>>
    /// Blocks of four rows, feature-major: block `b`, feature `f` at `b * width + f`.
    private let blocks: UnsafeMutablePointer<SIMD4<Double>>
    private let labels: UnsafeMutablePointer<Int>
    /// Softmax output minus the one-hot label, `labelled x classCount`.
    private let errors: UnsafeMutablePointer<Double>
    private let weights: UnsafeMutablePointer<Double>
    private let gradient: UnsafeMutablePointer<SIMD4<Double>>
    private let moment1: UnsafeMutablePointer<Double>
    private let moment2: UnsafeMutablePointer<Double>

    /// Level columns per row (`LevelRows`; 0 without) and rows of their weight table.
    let levelColumns: Int
    let levelTotal: Int
    /// `labelled x levelColumns` table rows.
    private let levelRows: UnsafeMutablePointer<Int32>
    /// `levelTotal x classCount` each: the level weights, their gradient and Adam moments.
    private let levelWeights: UnsafeMutablePointer<Double>
    private let levelGradient: UnsafeMutablePointer<Double>
    private let levelMoment1: UnsafeMutablePointer<Double>
    private let levelMoment2: UnsafeMutablePointer<Double>
    /// The L2 penalty on level weights, in rows: a level's weights are pulled towards zero as
    /// by one row with no signal, so a level seen on a few rows cannot fit them alone (the
    /// probe measures what a linear model generalises, not what it memorises).
    static let levelPenalty = 1.0

    /// The work per step (labelled rows x inputs x classes) from which a fit splits its steps
    /// between two threads. Each step wakes the second thread twice; measured with `profile`
    /// on the suite's classification data and a 5,000 x 360 three-class table, the serial fit
    /// was as fast or faster up to 1.1 million (stock_market's 800 x 59 x 2: 60 ms -> 40 ms
    /// for the whole `profile`), so only far wider fits split.
    static let parallelWork = 4_000_000

    private var blockCount: Int { (labelled + 3) / 4 }

    /// Packs `rows` of `training` (ascending) for a fit over `classCount` classes, weights zero.
    /// - Parameters:
    ///   - levels: the level rows of every training row (columns fitted by level), or nil.
    ///   - parallel: split the work over two threads when it is large enough.
    ///   - parallelWork: the work per step from which `parallel` splits it (`parallelWork`).
    init(
        _ training: EncodedRows, levels: LevelRows? = nil, rows: [Int], classCount: Int,
        parallel: Bool, parallelWork: Int = LogisticFit.parallelWork
    ) {
        width = training.featureCount
        self.classCount = classCount
        chunks = (width + 1 + 3) / 4
        stride = 4 * chunks
        sampled = rows.count
        let classes = training.classIndices ?? []
        let kept = rows.filter { classes[$0] >= 0 }
        labelled = kept.count
        self.parallel = parallel && labelled * width * classCount >= parallelWork
        let blockCount = (labelled + 3) / 4
        rowMajor = .allocate(capacity: max(1, labelled * chunks))
        blocks = .allocate(capacity: max(1, blockCount * width))
        labels = .allocate(capacity: max(1, labelled))
        errors = .allocate(capacity: max(1, labelled * classCount))
        weights = .allocate(capacity: classCount * stride)
        gradient = .allocate(capacity: classCount * chunks)
        moment1 = .allocate(capacity: classCount * stride)
        moment2 = .allocate(capacity: classCount * stride)
        weights.initialize(repeating: 0, count: classCount * stride)
        gradient.initialize(repeating: .zero, count: classCount * chunks)
        moment1.initialize(repeating: 0, count: classCount * stride)
        moment2.initialize(repeating: 0, count: classCount * stride)
        rowMajor.initialize(repeating: .zero, count: max(1, labelled * chunks))
        blocks.initialize(repeating: .zero, count: max(1, blockCount * width))
        errors.initialize(repeating: 0, count: max(1, labelled * classCount))
        levelColumns = levels?.columns ?? 0
        levelTotal = levels?.total ?? 0
        levelRows = .allocate(capacity: max(1, labelled * levelColumns))
        levelWeights = .allocate(capacity: max(1, levelTotal * classCount))
        levelGradient = .allocate(capacity: max(1, levelTotal * classCount))
        levelMoment1 = .allocate(capacity: max(1, levelTotal * classCount))
        levelMoment2 = .allocate(capacity: max(1, levelTotal * classCount))
        for table in [levelWeights, levelGradient, levelMoment1, levelMoment2] {
            table.initialize(repeating: 0, count: max(1, levelTotal * classCount))
        }
        if let levels {
            for (i, row) in kept.enumerated() {
                for j in 0..<levelColumns {
                    levelRows[i * levelColumns + j] = levels.tableRows[row * levelColumns + j]
                }
            }
        }
        training.features.withUnsafeBufferPointer { x in
            guard let x = x.baseAddress else { return }
            let packed = UnsafeMutableRawPointer(rowMajor).assumingMemoryBound(to: Double.self)
            let transposed = UnsafeMutableRawPointer(blocks).assumingMemoryBound(to: Double.self)
            for (i, row) in kept.enumerated() {
                labels[i] = Int(classes[row])
                let source = x + row * width
                let target = packed + i * stride
                let block = transposed + (i / 4) * width * 4 + i % 4
                for f in 0..<width {
                    let value = Double(source[f])
                    target[f] = value
                    block[f * 4] = value
                }
                target[width] = 1
            }
        }
    }

    deinit {
        rowMajor.deallocate()
        blocks.deallocate()
        labels.deallocate()
        errors.deallocate()
        weights.deallocate()
        gradient.deallocate()
        moment1.deallocate()
        moment2.deallocate()
        levelRows.deallocate()
        for table in [levelWeights, levelGradient, levelMoment1, levelMoment2] {
            table.deallocate()
        }
    }

    /// The weights, class by class: `width` input weights, then the bias.
    var weightValues: [Double] {
        (0..<classCount).flatMap { c in (0...width).map { weights[c * stride + $0] } }
    }

    /// The level weights, table row by table row: one per class.
    var levelWeightValues: [Double] {
        (0..<(levelTotal * classCount)).map { levelWeights[$0] }
    }

    /// Full-batch Adam (lr 0.1, betas 0.9/0.999, epsilon 1e-8) from zero weights.
    func train(steps: Int, rate: Double = 0.1) {
        let (beta1, beta2) = (0.9, 0.999)
        let blockRanges = TwoCores.ranges(blockCount, parts: parallel ? 2 : 1)
        let chunkRanges = TwoCores.ranges(chunks, parts: parallel ? 2 : 1)
        let gradientValues = UnsafeMutableRawPointer(gradient).assumingMemoryBound(to: Double.self)
        let scale = 1 / Double(max(1, sampled))
        for step in 1...max(1, steps) {
            TwoCores.forEach(blockRanges.count, parallel: parallel) { part in
                self.forward(blocks: blockRanges[part])
            }
            TwoCores.forEach(chunkRanges.count, parallel: parallel) { part in
                self.backward(chunks: chunkRanges[part])
            }
            let correction1 = 1 - _pow(beta1, Double(step))
            let correction2 = 1 - _pow(beta2, Double(step))
            for c in 0..<classCount {
                for f in 0...width {
                    let i = c * stride + f
                    let gradientValue = gradientValues[i] * scale
                    moment1[i] = beta1 * moment1[i] + (1 - beta1) * gradientValue
                    moment2[i] = beta2 * moment2[i] + (1 - beta2) * gradientValue * gradientValue
                    weights[i] -=
                        rate * (moment1[i] / correction1)
                        / ((moment2[i] / correction2).squareRoot() + 1e-8)
                }
            }
            guard levelColumns > 0 else { continue }
            levelBackward()
            for i in 0..<(levelTotal * classCount) {
                let gradientValue = (levelGradient[i] + Self.levelPenalty * levelWeights[i]) * scale
                levelMoment1[i] = beta1 * levelMoment1[i] + (1 - beta1) * gradientValue
                levelMoment2[i] =
                    beta2 * levelMoment2[i] + (1 - beta2) * gradientValue * gradientValue
                levelWeights[i] -=
                    rate * (levelMoment1[i] / correction1)
                    / ((levelMoment2[i] / correction2).squareRoot() + 1e-8)
            }
        }
    }

    /// The level weights' gradient: each row's errors added to its levels, rows in order.
    private func levelBackward() {
        levelGradient.update(repeating: 0, count: levelTotal * classCount)
        for i in 0..<labelled {
            let e = errors + i * classCount
            let r = levelRows + i * levelColumns
            for j in 0..<levelColumns {
                let g = levelGradient + Int(r[j]) * classCount
                for c in 0..<classCount { g[c] += e[c] }
            }
        }
    }

    /// Adds the level weights of a row (its table rows `r`) to lane `lane` of its scores.
    @inline(__always)
    private func addLevels(
        _ r: UnsafePointer<Int32>, lane: Int, to z: UnsafeMutablePointer<SIMD4<Double>>
    ) {
        for j in 0..<levelColumns {
            let w = levelWeights + Int(r[j]) * classCount
            for c in 0..<classCount { z[c][lane] += w[c] }
        }
    }

    /// The four rows' scores `z[c]` (lane = row): the bias, then `w[c][f] * x[f]` added in
    /// feature order.
    @inline(__always)
    private func scores(
        _ block: UnsafePointer<SIMD4<Double>>, into z: UnsafeMutablePointer<SIMD4<Double>>
    ) {
        var c = 0
        // Two classes at a time: two independent chains of additions.
        while c + 1 < classCount {
            let w0 = weights + c * stride
            let w1 = w0 + stride
            var sum0 = SIMD4<Double>(repeating: w0[width])
            var sum1 = SIMD4<Double>(repeating: w1[width])
            for f in 0..<width {
                let x = block[f]
                sum0 += SIMD4(repeating: w0[f]) * x
                sum1 += SIMD4(repeating: w1[f]) * x
            }
            z[c] = sum0
            z[c + 1] = sum1
            c += 2
        }
        if c < classCount {
            let w0 = weights + c * stride
            var sum0 = SIMD4<Double>(repeating: w0[width])
            for f in 0..<width { sum0 += SIMD4(repeating: w0[f]) * block[f] }
            z[c] = sum0
        }
    }

    /// Softmax errors of the rows of `range` (blocks of four rows).
    private func forward(blocks range: Range<Int>) {
        withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: classCount) { z in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: classCount) { p in
                guard let z = z.baseAddress, let p = p.baseAddress else { return }
                for b in range {
                    scores(blocks + b * width, into: z)
                    for lane in 0..<min(4, labelled - 4 * b) {
                        let row = 4 * b + lane
                        if levelColumns > 0 {
                            addLevels(levelRows + row * levelColumns, lane: lane, to: z)
                        }
                        var largest = -Double.infinity
                        for c in 0..<classCount { largest = max(largest, z[c][lane]) }
                        var total = 0.0
                        for c in 0..<classCount {
                            p[c] = _exp(z[c][lane] - largest)
                            total += p[c]
                        }
                        let inverse = 1 / total
                        let label = labels[row]
                        let e = errors + row * classCount
                        for c in 0..<classCount { e[c] = p[c] * inverse - (c == label ? 1 : 0) }
                    }
                }
            }
        }
    }

    /// The gradient's chunks `range` of every class, summed over the rows in order.
    private func backward(chunks range: Range<Int>) {
        for c in 0..<classCount {
            for j in range { gradient[c * chunks + j] = .zero }
        }
        for i in 0..<labelled {
            let x = rowMajor + i * chunks
            let e = errors + i * classCount
            for c in 0..<classCount {
                let error = SIMD4<Double>(repeating: e[c])
                let g = gradient + c * chunks
                for j in range { g[j] += error * x[j] }
            }
        }
    }

    /// Whether the model classifies every fitted row right (its first highest score is the
    /// label): 100% accuracy on the rows it was fitted on.
    func separatesFittedRows() -> Bool {
        withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: classCount) { z in
            guard let z = z.baseAddress else { return false }
            for b in 0..<blockCount {
                scores(blocks + b * width, into: z)
                for lane in 0..<min(4, labelled - 4 * b) {
                    if levelColumns > 0 {
                        addLevels(levelRows + (4 * b + lane) * levelColumns, lane: lane, to: z)
                    }
                    var best = 0
                    var bestScore = -Double.infinity
                    for c in 0..<classCount where z[c][lane] > bestScore {
                        bestScore = z[c][lane]
                        best = c
                    }
                    if best != labels[4 * b + lane] { return false }
                }
            }
            return true
        }
    }

    /// Accuracy of the fitted model on the labelled rows of `split` (nil when none): the
    /// predicted class is the first of the highest scores.
    /// - Parameter levels: the split's level rows when the fit has level columns.
    func accuracy(_ split: EncodedRows, levels: LevelRows? = nil) -> Double? {
        guard split.rowCount > 0, let labels = split.classIndices else { return nil }
        precondition((levels?.columns ?? 0) == levelColumns, "level rows of another probe")
        let levelRows = levels?.tableRows ?? []
        let rowCount = split.rowCount
        let blockTotal = (rowCount + 3) / 4
        let parts = TwoCores.ranges(
            blockTotal, parts: rowCount * width * classCount >= TwoCores.minimumWork ? 2 : 1)
        var tallies = [(correct: Int, counted: Int)](repeating: (0, 0), count: parts.count)
        split.features.withUnsafeBufferPointer { features in
            labels.withUnsafeBufferPointer { labels in
                levelRows.withUnsafeBufferPointer { levelRows in
                    tallies.withUnsafeMutableBufferPointer { tallyBuffer in
                        guard let x = features.baseAddress, let y = labels.baseAddress else {
                            return
                        }
                        let source = SharedPointer(UnsafeMutablePointer(mutating: x))
                        let truth = SharedPointer(UnsafeMutablePointer(mutating: y))
                        let levels = levelRows.baseAddress.map {
                            SharedPointer(UnsafeMutablePointer(mutating: $0))
                        }
                        let tallies = SharedPointer(tallyBuffer)
                        TwoCores.forEach(parts.count, parallel: parts.count > 1) { part in
                            tallies[part] = self.tally(
                                source.base, truth.base, levels?.base, rowCount: rowCount,
                                blocks: parts[part])
                        }
                    }
                }
            }
        }
        let correct = tallies.reduce(0) { $0 + $1.correct }
        let counted = tallies.reduce(0) { $0 + $1.counted }
        return counted > 0 ? Double(correct) / Double(counted) : nil
    }

    private func tally(
        _ x: UnsafePointer<Float>, _ labels: UnsafePointer<Int32>,
        _ levels: UnsafeMutablePointer<Int32>?, rowCount: Int, blocks range: Range<Int>
    ) -> (correct: Int, counted: Int) {
        var correct = 0
        var counted = 0
        withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: max(1, width)) { block in
            withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: classCount) { z in
                guard let block = block.baseAddress, let z = z.baseAddress else { return }
                for b in range {
                    let lanes = min(4, rowCount - 4 * b)
                    for f in 0..<width { block[f] = .zero }
                    for lane in 0..<lanes {
                        let source = x + (4 * b + lane) * width
                        for f in 0..<width { block[f][lane] = Double(source[f]) }
                    }
                    scores(block, into: z)
                    for lane in 0..<lanes {
                        let label = Int(labels[4 * b + lane])
                        if label < 0 { continue }
                        if let levels, levelColumns > 0 {
                            addLevels(levels + (4 * b + lane) * levelColumns, lane: lane, to: z)
                        }
                        var best = 0
                        var bestScore = -Double.infinity
                        for c in 0..<classCount where z[c][lane] > bestScore {
                            bestScore = z[c][lane]
                            best = c
                        }
                        counted += 1
                        if best == label { correct += 1 }
                    }
                }
            }
        }
        return (correct, counted)
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
