/// Counts, over the first records, how many fields of each column read as numbers and how many
/// as other strings; a column is stored as text when strings are the majority.
struct ColumnModeSampler: RecordSink {
    var numeric: [Int]
    var strings: [Int]
    var records = 0
    let limit: Int
    let markers: MissingMarkers
    /// Decimal commas count as numbers (`;`-separated files).
    let decimalComma: Bool

    init(columnCount: Int, limit: Int, markers: MissingMarkers, decimalComma: Bool = false) {
        numeric = Array(repeating: 0, count: columnCount)
        strings = Array(repeating: 0, count: columnCount)
        self.limit = limit
        self.markers = markers
        self.decimalComma = decimalComma
    }

    mutating func record(_ fields: UnsafeBufferPointer<FieldView>, fileOffset: Int) throws -> Bool {
        for j in 0..<min(fields.count, numeric.count) {
            var start = fields[j].base
            var count = fields[j].count
            while count > 0 && (start[0] == 32 || start[0] == 9) {
                start += 1
                count -= 1
            }
            while count > 0 && (start[count - 1] == 32 || start[count - 1] == 9) { count -= 1 }
            if markers.anyNumeric && markers.matches(start, count) { continue }
            if isNonFiniteWord(start, count) { continue }  // missing in a number column
            if count > 0, parseNumber(start, count, decimalComma: decimalComma) != nil {
                numeric[j] += 1
            } else if !markers.matches(start, count) {
                strings[j] += 1
            }
        }
        records += 1
        return records < limit
    }

    /// Which columns to store as text.
    var textColumns: [Bool] { zip(numeric, strings).map { $0.1 > $0.0 } }
}

/// Collects the header record.
struct HeaderSink: RecordSink {
    var names: [String] = []
    var offsets: [Int] = []
    var invalidOffset: Int?

    mutating func record(_ fields: UnsafeBufferPointer<FieldView>, fileOffset: Int) throws -> Bool {
        for field in fields {
            let bytes = UnsafeBufferPointer(start: field.base, count: field.count)
            guard let name = String(validating: bytes, as: UTF8.self) else {
                invalidOffset = field.fileOffset
                return false
            }
            names.append(name.trimmingSpaces)
            offsets.append(field.fileOffset)
        }
        return false
    }
}

/// Finds the file offsets of given data rows (sorted ascending), for error locations.
struct RowLocatingSink: RecordSink {
    var wanted: [Int]
    var column: Int
    var found: [Int: Int] = [:]
    var row = -1  // the header is row -1
    var next = 0

    mutating func record(_ fields: UnsafeBufferPointer<FieldView>, fileOffset: Int) throws -> Bool {
        defer { row += 1 }
        guard next < wanted.count else { return false }
        if row == wanted[next] {
            found[row] = column < fields.count ? fields[column].fileOffset : fileOffset
            next += 1
        }
        return next < wanted.count
    }
}
