import Dataset
import Engine

// Where prepared data becomes engine values. The data layer stops at plain row-major arrays
// (`EncodedRows`); the run layer, which knows both sides, turns them into matrices, targets and
// the training batch source.

extension EncodedRows {
    /// The inputs as an engine matrix (`rowCount x featureCount`).
    public var inputMatrix: Matrix {
        Matrix(rows: rowCount, columns: featureCount, values: features)
    }

    /// The targets as the engine takes them: class indices, or a one-column matrix of
    /// standardised values.
    public var engineTargets: Targets {
        if let classIndices { return .classes(classIndices.map { Int($0) }) }
        return .values(Matrix(rows: rowCount, columns: 1, values: targets ?? []))
    }
}

extension PreparedData {
    /// The validation split as the engine's early-stopping set; nil when it is empty.
    public var validationSet: ValidationSet? {
        validation.rowCount > 0
            ? ValidationSet(inputs: validation.inputMatrix, targets: validation.engineTargets)
            : nil
    }

    /// The training split as the engine's batch source, reshuffled every epoch (SHUFFLE-ALWAYS).
    ///
    /// Rows are copied into one reusable batch buffer (no allocation per batch); each epoch's
    /// order depends only on the seed and the epoch number, so a resumed run replays it.
    /// - Parameters:
    ///   - batchSize: rows per batch (clamped to the rows: BATCH-NEVER-ABOVE-DATA).
    ///   - shuffle: reshuffle every epoch (default true).
    /// - Throws: `EngineError.invalidBatch` for an empty training split or a batch size below 1.
    public func trainingBatches(
        batchSize: Int, shuffle: Bool = true
    ) throws
        -> InMemoryBatchSource
    {
        try InMemoryBatchSource(
            inputs: training.inputMatrix, targets: training.engineTargets, batchSize: batchSize,
            shuffle: shuffle, seed: options.seed)
    }
}
