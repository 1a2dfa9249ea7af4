/// Rule ENC-NUMERIC-EQUAL: pairs of number columns that hold exactly the same value on many
/// training rows, far more often than two unrelated columns would. Such a pair is usually one
/// column copied from another on some rows: the price a customer paid and the price of the
/// option chosen, a season's total and the career's for a first-year player. "Equal on this
/// row" is then a feature of its own, which a network on standardised inputs (or on bins)
/// cannot express from the two values: it would need a spike at `a - b = 0`. A 0/1 indicator
/// gives it directly; `NumericEncodingRule` keeps the indicators only when a ridge model
/// cross-validates better with them.
public enum ColumnEqualities {
    /// Training rows the search reads (the first of the split, which is in random order).
    public static let maxRows = 4_096
    /// Fewest and most rows, as shares, on which a pair must be equal: an indicator that is
    /// (nearly) always 0 or always 1 carries nothing.
    public static let minimumShare = 0.01
    public static let maximumShare = 0.99
    /// How many times more often than chance a pair must be equal. Chance is the probability
    /// that two independent columns with the same value distributions are equal,
    /// `sum_v p_a(v) p_b(v)`: small-integer columns (counts of children, 1 to 5 rooms) are
    /// equal often by chance alone, and twice that is not a coincidence.
    public static let chanceFactor = 2.0
    /// Fewest distinct values a column needs: a 0/1 column's equalities are a logical
    /// function of the two, which a network already sees.
    public static let minimumValues = 3
    /// Most number columns searched (the first ones): pairs grow with its square.
    public static let maxColumns = 256
    /// Most indicators kept (the pairs equal on the most rows first): they are inputs.
    public static let maxPairs = 32

    /// A pair found: the two columns (table indices, `first < second` in the table's order)
    /// and the share of the searched rows on which they are equal.
    public struct Pair: Sendable, Equatable {
        public var first: Int
        public var second: Int
        public var share: Double
    }

    /// The pairs of `columns` (number columns of `table`) that are equal on a share of
    /// `trainingRows` in [`minimumShare`, `maximumShare`] and at least `chanceFactor` times
    /// as often as chance; the most frequent first, at most `maxPairs`. A missing value is
    /// never equal.
    public static func find(table: DataTable, columns: [Int], trainingRows: [Int]) -> [Pair] {
        let rows = Array(trainingRows.prefix(maxRows))
        guard rows.count >= 2 else { return [] }
        let n = Double(rows.count)
        // The searched columns' values side by side (column-major), and each one's value shares.
        var indices: [Int] = []
        var values: [Float] = []
        var shares: [[Float: Double]] = []
        for j in columns.prefix(maxColumns) {
            guard case .numbers(let all) = table.columns[j].data else { continue }
            var counts: [Float: Int] = [:]
            for row in rows where !all[row].isNaN { counts[all[row], default: 0] += 1 }
            guard counts.count >= minimumValues else { continue }
            indices.append(j)
            values += rows.lazy.map { all[$0] }
            shares.append(counts.mapValues { Double($0) / n })
        }
        var pairs: [Pair] = []
        values.withUnsafeBufferPointer { values in
            let count = rows.count
            for a in indices.indices {
                let x = values.baseAddress! + a * count
                for b in indices.indices where b > a {
                    let y = values.baseAddress! + b * count
                    let equal = equalCount(x, y, count)
                    let share = Double(equal) / n
                    guard share >= minimumShare, share <= maximumShare else { continue }
                    let (small, large) =
                        shares[a].count <= shares[b].count
                        ? (shares[a], shares[b]) : (shares[b], shares[a])
                    var chance = 0.0
                    for (value, p) in small { chance += p * (large[value] ?? 0) }
                    if share > chanceFactor * chance {
                        pairs.append(Pair(first: indices[a], second: indices[b], share: share))
                    }
                }
            }
        }
        // Most frequent first; ties in the table's order, so the choice is deterministic.
        pairs.sort {
            ($0.share, -$0.first, -$0.second) > ($1.share, -$1.first, -$1.second)
        }
        return Array(pairs.prefix(maxPairs))
    }

    /// How many of `count` positions hold equal values (NaN is never equal), eight lanes at a
    /// time: a compare-and-branch per value mispredicts on half the rows of unrelated columns.
    static func equalCount(
        _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ count: Int
    ) -> Int {
        var lanes = SIMD8<Int32>()
        let zero = SIMD8<Int32>()
        var k = 0
        while k + 8 <= count {
            let a = UnsafeRawPointer(x + k).loadUnaligned(as: SIMD8<Float>.self)
            let b = UnsafeRawPointer(y + k).loadUnaligned(as: SIMD8<Float>.self)
            lanes &+= zero.replacing(with: 1, where: a .== b)
            k += 8
        }
        var equal = Int(lanes.wrappedSum())
        while k < count {
            if x[k] == y[k] { equal += 1 }
            k += 1
        }
        return equal
    }
}
