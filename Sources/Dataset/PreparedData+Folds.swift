import Random

extension PreparedData {
    /// Fold `index` of a stratified k-fold cross-validation of the non-test rows (`tune.cv`):
    /// the training and validation rows pooled, dealt per stratum (class, or all rows for
    /// regression) in a seeded order into `count` folds round-robin, so every fold holds each
    /// class in proportion (scikit-learn's StratifiedKFold with shuffling). Fold `index` is the
    /// validation split, the others the training split; encoding and test rows stay.
    /// - Parameters:
    ///   - index: the fold, 0 ..< count.
    ///   - count: folds, 2 or more, at most the pooled rows.
    ///   - seed: seeds the deal (the same for every fold of one study) and the batch shuffles.
    /// - Throws: `DataError` when encoding the rows fails (it cannot for rows this encoding has
    ///   already encoded).
    public func fold(_ index: Int, of count: Int, seed: UInt64) throws -> PreparedData {
        precondition(count >= 2 && (0..<count).contains(index), "fold \(index) of \(count)")
        let target = table.columns[schema.targetIndex]
        let stratified = encoding.target.isRegression == false
        func stratum(_ row: Int) -> UInt32 {
            guard stratified else { return 0 }
            switch target.data {
            case .text(let codes, _): return UInt32(bitPattern: codes[row])
            case .numbers(let values): return values[row].bitPattern
            }
        }
        var order: [UInt32] = []
        var pools: [UInt32: [Int]] = [:]
        for row in (split.training + split.validation).sorted() {
            let key = stratum(row)
            if pools[key] == nil { order.append(key) }
            pools[key, default: []].append(row)
        }
        var generator = SeededGenerator(seed: seed ^ 0x4B46_4F4C_4453)  // "KFOLDS"
        var training: [Int] = []
        var validation: [Int] = []
        // One running position across strata, so small classes do not all land in fold 0.
        var position = 0
        for key in order {
            var rows = pools[key] ?? []
            generator.shuffle(&rows)
            for row in rows {
                if position % count == index {
                    validation.append(row)
                } else {
                    training.append(row)
                }
                position += 1
            }
        }
        var folded = self
        folded.split.training = training.sorted()
        folded.split.validation = validation.sorted()
        folded.training = try encoding.encode(table, rows: folded.split.training).0
        folded.validation = try encoding.encode(table, rows: folded.split.validation).0
        folded.generator = SeededGenerator(seed: seed &+ UInt64(index))
        return folded
    }

    /// Rows available to cross-validation (training and validation).
    public var nonTestRowCount: Int { split.training.count + split.validation.count }
}
