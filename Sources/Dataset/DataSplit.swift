import Engine

/// The table rows of the training, validation and test splits.
public struct DataSplit: Sendable, Equatable, Codable {
    /// Training rows (table row indices, ascending).
    public var training: [Int]
    /// Validation rows (ascending).
    public var validation: [Int]
    /// Test rows (ascending).
    public var test: [Int]
    /// Rows left out because their target is missing.
    public var droppedMissingTarget: Int
    /// Whether the split was stratified by class.
    public var stratified: Bool

    /// Splits the rows of `table` whose target is present.
    ///
    /// Each stratum (a class, or all rows when not stratified) is shuffled with `generator`,
    /// then `round(n * validationFraction)` rows go to validation, `round(n * testFraction)` to
    /// test, the rest to training, keeping at least one training row per stratum. Stratifying
    /// keeps every class's share equal across splits.
    /// - Parameters:
    ///   - table: the typed table.
    ///   - schema: gives the target and the task.
    ///   - validationFraction: share for validation, in `[0, 1)`.
    ///   - testFraction: share for test; the two sum to less than 1.
    ///   - stratify: stratify by class (classification only; default for it).
    ///   - generator: the seeded generator; advanced by the shuffles.
    public static func make(
        table: DataTable, schema: DataSchema, validationFraction: Double, testFraction: Double,
        stratify: Bool, generator: inout SeededGenerator
    ) -> DataSplit {
        let target = table.columns[schema.targetIndex]
        var strata: [[Int]] = []
        var dropped = 0
        let useStrata = stratify && schema.task == .classification
        switch target.data {
        case .numbers(let values):
            var byValue: [Float: Int] = [:]
            for row in 0..<table.rowCount {
                let value = values[row]
                if value.isNaN {
                    dropped += 1
                    continue
                }
                let key = useStrata ? value : 0
                if let k = byValue[key] {
                    strata[k].append(row)
                } else {
                    byValue[key] = strata.count
                    strata.append([row])
                }
            }
        case .text(let codes, let levels):
            var byCode = [Int](repeating: -1, count: useStrata ? levels.count : 1)
            for row in 0..<table.rowCount {
                let code = codes[row]
                if code < 0 {
                    dropped += 1
                    continue
                }
                let key = useStrata ? Int(code) : 0
                if byCode[key] < 0 {
                    byCode[key] = strata.count
                    strata.append([])
                }
                strata[byCode[key]].append(row)
            }
        }
        var split = DataSplit(
            training: [], validation: [], test: [], droppedMissingTarget: dropped,
            stratified: useStrata)
        for var stratum in strata {
            generator.shuffle(&stratum)
            let n = stratum.count
            var validationCount = Int((Double(n) * validationFraction).rounded())
            var testCount = Int((Double(n) * testFraction).rounded())
            while validationCount + testCount >= n && validationCount + testCount > 0 {
                if testCount >= validationCount { testCount -= 1 } else { validationCount -= 1 }
            }
            split.validation += stratum[0..<validationCount]
            split.test += stratum[validationCount..<(validationCount + testCount)]
            split.training += stratum[(validationCount + testCount)...]
        }
        split.training.sort()
        split.validation.sort()
        split.test.sort()
        return split
    }
}

/// One batch: a view of the iterator's reusable buffers, valid until the next call.
public struct Batch {
    /// Rows in this batch (the last batch of an epoch may be smaller).
    public var count: Int
    /// Row-major `count x featureCount` inputs.
    public var features: UnsafeBufferPointer<Float>
    /// Class indices (classification), `count` of them.
    public var classIndices: UnsafeBufferPointer<Int32>?
    /// Standardised targets (regression), `count` of them.
    public var targets: UnsafeBufferPointer<Float>?
}

/// Iterates over encoded rows in mini-batches, reshuffled every epoch (rule SHUFFLE-ALWAYS).
///
/// Rows are copied into buffers allocated once at full batch size: taking a batch allocates
/// nothing. The order comes from a `SeededGenerator` whose state is part of the iterator, so
/// saving `generator` and `epoch` lets a run resume the same sequence.
public final class BatchIterator {
    /// Rows per full batch.
    public let batchSize: Int
    /// The data.
    public let rows: EncodedRows
    /// The generator drawing each epoch's order.
    public private(set) var generator: SeededGenerator
    /// Epochs started so far.
    public private(set) var epoch = 0
    private var order: [Int]
    private var cursor: Int
    private let featureBuffer: UnsafeMutableBufferPointer<Float>
    private let classBuffer: UnsafeMutableBufferPointer<Int32>
    private let targetBuffer: UnsafeMutableBufferPointer<Float>

    /// An iterator over `rows` in batches of `batchSize`.
    /// - Parameters:
    ///   - rows: the encoded split (usually the training split).
    ///   - batchSize: rows per batch, at least 1.
    ///   - generator: the seeded generator for the shuffles.
    public init(rows: EncodedRows, batchSize: Int, generator: SeededGenerator) {
        self.rows = rows
        self.batchSize = max(1, batchSize)
        self.generator = generator
        order = Array(0..<rows.rowCount)
        cursor = rows.rowCount  // the first call starts epoch 1
        featureBuffer = .allocate(capacity: max(1, self.batchSize * rows.featureCount))
        classBuffer = .allocate(capacity: self.batchSize)
        targetBuffer = .allocate(capacity: self.batchSize)
    }

    deinit {
        featureBuffer.deallocate()
        classBuffer.deallocate()
        targetBuffer.deallocate()
    }

    /// Batches per epoch (the last one may be partial).
    public var batchesPerEpoch: Int { (rows.rowCount + batchSize - 1) / batchSize }

    /// Starts a new epoch: a fresh shuffle of the row order.
    public func startEpoch() {
        generator.shuffle(&order)
        cursor = 0
        epoch += 1
    }

    /// The next batch of the current epoch, or `nil` when the epoch is over (call
    /// `startEpoch()` for the next). The batch's buffers are overwritten by the next call.
    public func nextBatch() -> Batch? {
        guard cursor < rows.rowCount else { return nil }
        let count = min(batchSize, rows.rowCount - cursor)
        let width = rows.featureCount
        rows.features.withUnsafeBufferPointer { source in
            guard let sourceBase = source.baseAddress, let target = featureBuffer.baseAddress
            else { return }
            for k in 0..<count {
                let row = order[cursor + k]
                (target + k * width).update(from: sourceBase + row * width, count: width)
            }
        }
        if let classes = rows.classIndices {
            for k in 0..<count { classBuffer[k] = classes[order[cursor + k]] }
        }
        if let targets = rows.targets {
            for k in 0..<count { targetBuffer[k] = targets[order[cursor + k]] }
        }
        cursor += count
        return Batch(
            count: count,
            features: UnsafeBufferPointer(rebasing: featureBuffer[0..<(count * width)]),
            classIndices: rows.classIndices == nil
                ? nil : UnsafeBufferPointer(rebasing: classBuffer[0..<count]),
            targets: rows.targets == nil
                ? nil : UnsafeBufferPointer(rebasing: targetBuffer[0..<count]))
    }

    /// The table rows of the current epoch's order (for tests and diagnostics).
    public var epochOrder: [Int] { order.map { rows.sourceRows[$0] } }
}
