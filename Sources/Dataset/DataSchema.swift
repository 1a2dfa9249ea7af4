import Spec

/// What a column holds, as shown to the user.
public enum ColumnKind: String, Sendable, Equatable, Codable, CaseIterable {
    /// Numbers: median-filled, z-scored.
    case number
    /// Few distinct integers used as labels (a classification target, or forced categorical).
    case integerCategory = "integer-coded category"
    /// Strings from a small set: one-hot encoded.
    case category
    /// Exactly two values: one 0/1 input.
    case binary
    /// Unique (or nearly) per row, like a name or an id: excluded.
    case identifier
    /// One value only: excluded.
    case constant
    /// Long, mostly distinct strings: excluded.
    case freeText = "free text"
    /// ISO dates (`YYYY-MM-DD`): encoded as their parts (rule ENC-DATE-PARTS).
    case date
    /// ISO datetimes (`YYYY-MM-DDThh:mm...`, `YYYY-MM-DD hh:mm`): encoded as their parts, the
    /// hour included (rule ENC-DATE-PARTS).
    case datetime
}

/// What a column is used for.
public enum ColumnRole: String, Sendable, Equatable, Codable {
    case feature, target, excluded
}

/// The type decided for one column, with the reason shown to the user.
public struct ColumnTyping: Sendable, Equatable, Codable {
    /// The column's name.
    public var name: String
    /// The decided type.
    public var kind: ColumnKind
    /// Input, target, or left out.
    public var role: ColumnRole
    /// Why this type (and why excluded, when it is).
    public var reason: String
    /// Missing fields in the whole file.
    public var missingCount: Int
    /// Distinct non-missing values (for numbers counted up to `distinctLimit`, then capped).
    public var distinctCount: Int
}

/// The typing of a whole table: every column's type and role, the target and the task.
public struct DataSchema: Sendable, Equatable, Codable {
    /// One entry per table column, in file order.
    public var columns: [ColumnTyping]
    /// Index of the target column.
    public var targetIndex: Int
    /// The task (from `DataOptions.task`, or decided by the target), as the spec names it.
    public var task: TaskKind
    /// What typing did that the user should know, one line each: values of a date column that
    /// are not dates (read as missing), a number column turning into text, categories whose
    /// spellings differed only by surrounding spaces.
    public var warnings: [String] = []
    /// Indices of the input columns, in file order.
    public var featureIndices: [Int] {
        columns.indices.filter { columns[$0].role == .feature }
    }
}

/// Distinct values of number columns are counted exactly up to this many.
let distinctLimit = 1000

/// Distinct integers filling a range with no gap, in any order, are row numbers (an
/// identifier) from this many rows on.
let minimumRowsForRowNumbers = 100

/// Summary of a number column used by the typing rules.
struct NumberSummary {
    var present = 0
    var allIntegers = true
    var distinct = 0  // capped at distinctLimit + 1
    var ascending = true
    var minimum = Float.infinity
    var maximum = -Float.infinity

    /// Distinct integers filling `minimum...maximum` with no gap: row numbers in any order.
    var isContiguousIntegerRange: Bool {
        allIntegers && present > 0 && distinct == present
            && Double(maximum) - Double(minimum) + 1 == Double(present)
    }

    init(_ values: [Float]) {
        var seen = Set<UInt32>()
        var previous = -Float.infinity
        values.withUnsafeBufferPointer { values in
            for value in values where !value.isNaN {
                present += 1
                if allIntegers && !isIntegral(value) { allIntegers = false }
                if ascending && value < previous { ascending = false }
                previous = value
                minimum = min(minimum, value)
                maximum = max(maximum, value)
                if seen.count <= distinctLimit {
                    seen.insert((value == 0 ? 0 : value).bitPattern)
                }
            }
        }
        distinct = seen.count
        if distinct > distinctLimit && allIntegers {
            // Integers: an exact count decides "unique per row" (identifiers).
            let sorted = FloatSorting.sorted(values.filter { !$0.isNaN })
            distinct = sorted.isEmpty ? 0 : 1
            for k in sorted.indices.dropFirst() where sorted[k] != sorted[k - 1] { distinct += 1 }
        }
    }
}

/// Whether `value` is a whole number (as `value == value.rounded()`, without the library call
/// per value): every `Float` of magnitude 2^23 or more is one.
@inline(__always)
func isIntegral(_ value: Float) -> Bool {
    guard abs(value) < 8_388_608 else { return true }
    return Float(Int32(value)) == value
}
