import Random

/// One batch: inputs and their targets. Sources reuse a batch's storage from one call to the
/// next (see `Matrix.reshape`), so iterating allocates nothing in steady state.
public struct Batch: Sendable, Equatable {
    /// `rows x inputWidth`.
    public var inputs: Matrix
    /// `rows` targets.
    public var targets: Targets

    /// A batch.
    public init(inputs: Matrix, targets: Targets) {
        self.inputs = inputs
        self.targets = targets
    }

    /// An empty batch to pass to `BatchSource.nextBatch(into:)`.
    public static var empty: Batch {
        Batch(inputs: Matrix(rows: 0, columns: 0), targets: .classes([]))
    }
}

/// Anything that yields the training batches of an epoch: the data layer's iterator, or
/// `InMemoryBatchSource`.
///
/// For exact checkpoint/resume, the batches of an epoch must depend only on the source's seed
/// and the epoch number (derive the shuffle from `SeededGenerator(seed:stream: epoch)`), not
/// on how many epochs this instance has run (rule SHUFFLE-ALWAYS: reshuffle every epoch).
public protocol BatchSource {
    /// Batches per epoch (the schedules' steps per epoch), > 0.
    var batchesPerEpoch: Int { get }
    /// Prepares epoch `epoch` (0-based): reshuffles.
    mutating func startEpoch(_ epoch: Int)
    /// Fills `batch` with the next batch of the epoch, reusing its storage; false when the
    /// epoch is over.
    mutating func nextBatch(into batch: inout Batch) -> Bool
}

/// A batch source over matrices in memory, shuffled every epoch with
/// `SeededGenerator(seed: seed, stream: epoch)`.
public struct InMemoryBatchSource: BatchSource, Sendable {
    /// All inputs.
    public let inputs: Matrix
    /// All targets.
    public let targets: Targets
    /// Rows per batch (the last batch of an epoch may be smaller unless `dropLast`).
    public let batchSize: Int
    /// Whether rows are shuffled each epoch.
    public let shuffles: Bool
    /// Whether a last, smaller batch is skipped.
    public let dropLast: Bool
    /// The shuffle seed.
    public let seed: UInt64

    private var order: [Int]
    private var position = 0

    /// A source.
    /// - Parameters:
    ///   - inputs: `rows x width`.
    ///   - targets: one target per row.
    ///   - batchSize: rows per batch, > 0 (clamped to the rows: BATCH-NEVER-ABOVE-DATA).
    ///   - shuffle: reshuffle every epoch (default true, SHUFFLE-ALWAYS).
    ///   - dropLast: skip a last incomplete batch (default false).
    ///   - seed: shuffle seed (default 0).
    /// - Throws: `EngineError.invalidBatch` when targets and inputs differ in rows, there are
    ///   no rows, or the batch size is not positive.
    public init(
        inputs: Matrix, targets: Targets, batchSize: Int, shuffle: Bool = true,
        dropLast: Bool = false, seed: UInt64 = 0
    ) throws {
        guard targets.count == inputs.rows else {
            throw EngineError.invalidBatch(
                message: "\(targets.count) targets for \(inputs.rows) input rows")
        }
        guard inputs.rows > 0 else { throw EngineError.invalidBatch(message: "no rows") }
        guard batchSize > 0 else {
            throw EngineError.invalidBatch(message: "batch size \(batchSize) is not positive")
        }
        if case .values(let matrix) = targets, matrix.rows != inputs.rows {
            throw EngineError.invalidBatch(message: "target matrix rows differ from inputs")
        }
        self.inputs = inputs
        self.targets = targets
        self.batchSize = min(batchSize, inputs.rows)
        self.shuffles = shuffle
        self.dropLast = dropLast
        self.seed = seed
        order = Array(0..<inputs.rows)
    }

    public var batchesPerEpoch: Int {
        dropLast ? inputs.rows / batchSize : (inputs.rows + batchSize - 1) / batchSize
    }

    public mutating func startEpoch(_ epoch: Int) {
        for i in order.indices { order[i] = i }
        if shuffles {
            var generator = SeededGenerator(seed: seed, stream: UInt64(epoch))
            generator.shuffle(&order)
        }
        position = 0
    }

    public mutating func nextBatch(into batch: inout Batch) -> Bool {
        let remaining = order.count - position
        let rows = min(batchSize, remaining)
        guard rows > 0, !(dropLast && rows < batchSize) else { return false }
        let width = inputs.columns
        batch.inputs.reshape(rows: rows, columns: width)
        inputs.withView { all in
            batch.inputs.withMutableView { out in
                order.withUnsafeBufferPointer { order in
                    CPUKernels.gatherRows(
                        rows: rows, width: width, from: all.base,
                        indices: order.baseAddress! + position, into: out.base)
                }
            }
        }
        switch targets {
        case .classes(let labels):
            var reused: [Int] = []
            if case .classes(let existing) = batch.targets { reused = existing }
            batch.targets = .classes([])
            reused.removeAll(keepingCapacity: true)
            for r in 0..<rows { reused.append(labels[order[position + r]]) }
            batch.targets = .classes(reused)
        case .values(let matrix):
            var reused = Matrix(rows: 0, columns: 0)
            if case .values(let existing) = batch.targets { reused = existing }
            batch.targets = .classes([])
            reused.reshape(rows: rows, columns: matrix.columns)
            let columns = matrix.columns
            matrix.withView { all in
                reused.withMutableView { out in
                    for r in 0..<rows {
                        (out.base + r * columns).update(
                            from: all.base + order[position + r] * columns, count: columns)
                    }
                }
            }
            batch.targets = .values(reused)
        }
        position += rows
        return true
    }
}
