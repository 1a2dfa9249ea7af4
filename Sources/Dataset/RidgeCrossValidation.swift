/// K-fold cross-validation of a ridge model (least squares with an L2 penalty, intercept not
/// penalised) on encoded rows, for several subsets of the columns at once: ENC-NUMERIC-PLE's
/// probe. Regression scores R² on each held-out fold; classification fits one output per
/// class (one-hot targets) and scores the accuracy of the largest output.
///
/// One pass over the rows sums each fold's `z z'` (`z` = the columns and the targets); a
/// fold's training statistics are the total less its own, so the cost is one Gram matrix,
/// not one per fold, and a subset of columns is a sub-block of it.
struct RidgeCrossValidation {
    private let rows: EncodedRows
    private let columns: [Int]
    private let folds: Int
    /// The ridge penalty per training row of each column (positions of `columns`).
    private let penalties: [Double]
    /// Fold of each row (position `k` of the rows goes to fold `k % folds`; the caller's rows
    /// are shuffled).
    private let foldOf: [Int]
    /// Targets per row: one column (regression) or one per class (one-hot).
    private let targets: [Double]
    private let targetWidth: Int
    /// Rows with a finite target.
    private let usable: [Bool]

    /// - Parameters:
    ///   - rows: encoded rows, shuffled, with their targets (class indices or numbers).
    ///   - columns: the encoded columns the model may read.
    ///   - folds: k, at least 2.
    ///   - alpha: the ridge penalty per training row of a fold (`lambda = alpha * n`).
    ///   - penalties: another penalty for some encoded columns (DEPTH-LINEAR's random
    ///     features); default none.
    init(
        _ rows: EncodedRows, columns: [Int], folds: Int, alpha: Double,
        penalties: [Int: Double] = [:]
    ) {
        self.rows = rows
        self.columns = columns
        self.folds = max(2, folds)
        self.penalties = columns.map { penalties[$0] ?? alpha }
        foldOf = (0..<rows.rowCount).map { $0 % max(2, folds) }
        if let classes = rows.classIndices {
            let count = Int(classes.max() ?? 0) + 1
            targetWidth = max(1, count)
            var targets = [Double](repeating: 0, count: rows.rowCount * targetWidth)
            for (row, label) in classes.enumerated() where label >= 0 {
                targets[row * targetWidth + Int(label)] = 1
            }
            self.targets = targets
            usable = classes.map { $0 >= 0 }
        } else {
            targetWidth = 1
            let values = rows.targets ?? []
            targets = values.map(Double.init)
            usable = (0..<rows.rowCount).map { $0 < values.count && values[$0].isFinite }
        }
    }

    /// The mean held-out score of each subset (positions into `columns`' encoded columns: the
    /// encoded column numbers themselves); nil for a subset when a fold has no training or no
    /// held-out row, or its held-out targets do not vary (regression).
    func scores(subsets: [[Int]]) -> [Double?] {
        foldScores(subsets: subsets).map { scores in
            scores.map { $0.reduce(0, +) / Double($0.count) }
        }
    }

    /// The held-out score of each subset on each fold, in fold order (nil as in `scores`).
    func foldScores(subsets: [[Int]]) -> [[Double]?] {
        let p = columns.count
        let width = p + targetWidth
        // Sums per fold: z z' (lower triangle, row-major width x width), z, and the row count.
        var gram = [[Double]](repeating: [Double](repeating: 0, count: width * width), count: folds)
        var sums = [[Double]](repeating: [Double](repeating: 0, count: width), count: folds)
        var counts = [Int](repeating: 0, count: folds)
        var z = [Double](repeating: 0, count: width)
        rows.features.withUnsafeBufferPointer { features in
            for row in 0..<rows.rowCount where usable[row] {
                let base = row * rows.featureCount
                for (k, column) in columns.enumerated() { z[k] = Double(features[base + column]) }
                for c in 0..<targetWidth { z[p + c] = targets[row * targetWidth + c] }
                let fold = foldOf[row]
                counts[fold] += 1
                gram[fold].withUnsafeMutableBufferPointer { g in
                    z.withUnsafeBufferPointer { z in
                        // Lower triangle; a zero (a bin the value has not reached, a one-hot
                        // column that is off) adds nothing to its row.
                        for i in 0..<width where z[i] != 0 {
                            let zi = z[i]
                            let row = g.baseAddress! + i * width
                            for j in 0...i { row[j] += zi * z[j] }
                        }
                    }
                }
                for i in 0..<width { sums[fold][i] += z[i] }
            }
        }
        var totalGram = [Double](repeating: 0, count: width * width)
        var totalSums = [Double](repeating: 0, count: width)
        for fold in 0..<folds {
            for i in 0..<(width * width) { totalGram[i] += gram[fold][i] }
            for i in 0..<width { totalSums[i] += sums[fold][i] }
        }
        let position = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        return subsets.map { subset in
            let chosen = subset.compactMap { position[$0] }
            var scores: [Double] = []
            for fold in 0..<folds {
                let n = counts.reduce(0, +) - counts[fold]
                guard n > 1, counts[fold] > 0,
                    let score = foldScore(
                        fold, chosen, n: n, gram: gram[fold], sums: sums[fold],
                        totalGram: totalGram, totalSums: totalSums, width: width)
                else { return nil }
                scores.append(score)
            }
            return scores
        }
    }

    /// Fits on every fold but `fold` (the totals less its sums) and scores on `fold`.
    private func foldScore(
        _ fold: Int, _ chosen: [Int], n: Int, gram: [Double], sums: [Double],
        totalGram: [Double], totalSums: [Double], width: Int
    ) -> Double? {
        let p = columns.count
        let d = chosen.count
        let count = Double(n)
        /// The training fold's centred cross product of encoded positions `a` and `b`.
        func centred(_ a: Int, _ b: Int) -> Double {
            let (i, j) = a >= b ? (a, b) : (b, a)
            let raw = totalGram[i * width + j] - gram[i * width + j]
            return raw - (totalSums[a] - sums[a]) * (totalSums[b] - sums[b]) / count
        }
        var a = [Double](repeating: 0, count: d * d)
        for r in 0..<d {
            for c in 0...r { a[r * d + c] = centred(chosen[r], chosen[c]) }
            a[r * d + r] += penalties[chosen[r]] * count
        }
        let factor = LinearProbe.choleskyFactor(a, d)
        // Weights per target column, and the intercept from the training means.
        var weights = [[Double]]()
        var intercepts = [Double]()
        for c in 0..<targetWidth {
            let b = chosen.map { centred($0, p + c) }
            let w = LinearProbe.choleskySolve(factor, b, d)
            var intercept = (totalSums[p + c] - sums[p + c]) / count
            for (k, column) in chosen.enumerated() {
                intercept -= w[k] * (totalSums[column] - sums[column]) / count
            }
            weights.append(w)
            intercepts.append(intercept)
        }
        // Score the held-out rows.
        var correct = 0
        var heldOut = 0
        var errors = 0.0
        var targetSum = 0.0
        var targetSquares = 0.0
        let encodedColumns = chosen.map { columns[$0] }
        rows.features.withUnsafeBufferPointer { features in
            for row in 0..<rows.rowCount where usable[row] && foldOf[row] == fold {
                let base = row * rows.featureCount
                heldOut += 1
                var best = -Double.infinity
                var bestClass = 0
                for c in 0..<targetWidth {
                    var output = intercepts[c]
                    let w = weights[c]
                    for (k, column) in encodedColumns.enumerated() {
                        output += w[k] * Double(features[base + column])
                    }
                    if output > best { (best, bestClass) = (output, c) }
                    if rows.classIndices == nil {
                        let y = targets[row]
                        errors += (y - output) * (y - output)
                        targetSum += y
                        targetSquares += y * y
                    }
                }
                if let classes = rows.classIndices, Int(classes[row]) == bestClass { correct += 1 }
            }
        }
        guard heldOut > 0 else { return nil }
        if rows.classIndices != nil { return Double(correct) / Double(heldOut) }
        let spread = targetSquares - targetSum * targetSum / Double(heldOut)
        return spread > 0 ? 1 - errors / spread : nil
    }
}
