/// The encoded inputs the linear probe fits on, split in two: dense inputs (numbers, date
/// parts, narrow one-hot blocks) read from the encoded matrix, and level columns fitted by
/// index, one weight per level, with no one-hot matrix: every embedded column (its code) and,
/// when the dense inputs would be wider than the probe's limit, the widest one-hot columns
/// (their block read back as the index of its 1).
struct ProbeInputs {
    /// A categorical column the probe fits one weight per level (per class) for.
    struct LevelColumn: Equatable {
        /// The source column's name.
        let name: String
        /// The first encoded input of the column.
        let offset: Int
        /// Encoded inputs of the column: 1 for an embedded code, the block's width for one-hot.
        let width: Int
        /// Whether the input holds an embedding's code (else a one-hot block).
        let isCode: Bool
        /// Levels: an embedding's table rows; a one-hot block's columns plus one for a row of
        /// zeros (a level unseen in training).
        let levels: Int
        /// The column's level 0 in the table of all level columns' weights.
        let firstTableRow: Int
    }

    /// Dense input positions kept, ascending; nil when all inputs are dense.
    let kept: [Int]?
    /// The columns fitted by level, in the encoding's order.
    let levelColumns: [LevelColumn]

    /// The names of the columns fitted by level.
    var levelNames: [String] { levelColumns.map(\.name) }
    /// Weights per class for all level columns: the sum of their levels.
    var levelTotal: Int { levelColumns.last.map { $0.firstTableRow + $0.levels } ?? 0 }

    /// - Parameters:
    ///   - encoding: the data's encoding.
    ///   - limit: the most dense inputs (`LinearProbe.maxInputs`); wider encodings fit their
    ///     widest one-hot columns by level, the earlier column first among equals, until the
    ///     rest fits.
    init(_ encoding: DataEncoding, limit: Int) {
        var byLevel = Set<Int>()
        var width = encoding.inputWidth
        for (k, feature) in encoding.features.enumerated() {
            if case .embedding = feature.method {
                byLevel.insert(k)
                width -= 1
            }
        }
        let oneHot = encoding.features.indices.filter { k in
            if case .oneHot = encoding.features[k].method { return true }
            return false
        }
        for k in oneHot.sorted(by: {
            (encoding.features[$0].width, -$0) > (encoding.features[$1].width, -$1)
        }) where width > limit {
            byLevel.insert(k)
            width -= encoding.features[k].width
        }
        guard !byLevel.isEmpty else {
            kept = nil
            levelColumns = []
            return
        }
        var positions: [Int] = []
        var columns: [LevelColumn] = []
        var offset = 0
        for (k, feature) in encoding.features.enumerated() {
            if byLevel.contains(k) {
                let table = feature.embeddingLevels
                columns.append(
                    LevelColumn(
                        name: feature.name, offset: offset, width: feature.width,
                        isCode: table != nil, levels: table ?? feature.width + 1,
                        firstTableRow: columns.last.map { $0.firstTableRow + $0.levels } ?? 0))
            } else {
                positions += offset..<(offset + feature.width)
            }
            offset += feature.width
        }
        kept = positions
        levelColumns = columns
    }

    /// The rows with only the dense inputs (the rows themselves when all inputs are dense).
    func narrow(_ rows: EncodedRows) -> EncodedRows {
        guard let kept else { return rows }
        let width = rows.featureCount
        var features = [Float](repeating: 0, count: rows.rowCount * kept.count)
        rows.features.withUnsafeBufferPointer { source in
            features.withUnsafeMutableBufferPointer { target in
                kept.withUnsafeBufferPointer { kept in
                    guard let source = source.baseAddress, let target = target.baseAddress
                    else { return }
                    for row in 0..<rows.rowCount {
                        let from = source + row * width
                        let to = target + row * kept.count
                        for (k, position) in kept.enumerated() { to[k] = from[position] }
                    }
                }
            }
        }
        return EncodedRows(
            rowCount: rows.rowCount, featureCount: kept.count, features: features,
            classIndices: rows.classIndices, targets: rows.targets, sourceRows: rows.sourceRows)
    }

    /// Each row's level of each level column, row-major `rowCount x levelColumns.count`, as a
    /// row of one table of `levelTotal` rows: a column's level `l` is row `firstTableRow + l`.
    /// An embedded code outside its table (never, from this encoding) and a one-hot block with
    /// no 1 (an unseen level) take the column's last level.
    func tableRows(_ rows: EncodedRows) -> [Int32] {
        let count = levelColumns.count
        var result = [Int32](repeating: 0, count: rows.rowCount * count)
        let width = rows.featureCount
        rows.features.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                guard let source = source.baseAddress, let target = target.baseAddress else {
                    return
                }
                for row in 0..<rows.rowCount {
                    let from = source + row * width
                    for (j, column) in levelColumns.enumerated() {
                        var level = column.levels - 1
                        if column.isCode {
                            let code = from[column.offset]
                            if code >= 0 && code < Float(column.levels) { level = Int(code) }
                        } else {
                            for f in 0..<column.width where from[column.offset + f] == 1 {
                                level = f
                                break
                            }
                        }
                        target[row * count + j] = Int32(column.firstTableRow + level)
                    }
                }
            }
        }
        return result
    }
}

/// Each row's level of each of the probe's level columns, as rows of one weight table.
struct LevelRows {
    /// Level columns per row.
    let columns: Int
    /// Rows of the weight table: the sum of the columns' levels.
    let total: Int
    /// Row-major `rowCount x columns` table rows.
    let tableRows: [Int32]
}

extension ProbeInputs {
    /// The level rows of `rows`; nil when no column is fitted by level.
    func levelRows(_ rows: EncodedRows) -> LevelRows? {
        guard !levelColumns.isEmpty else { return nil }
        return LevelRows(
            columns: levelColumns.count, total: levelTotal, tableRows: tableRows(rows))
    }
}
