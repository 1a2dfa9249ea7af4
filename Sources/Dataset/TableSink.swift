/// Matches trimmed field bytes against the missing-value markers.
struct MissingMarkers {
    private let markers: [[UInt8]]
    private let longest: Int
    /// Some marker reads as a number (e.g. `-999`): markers must then be checked first.
    let anyNumeric: Bool

    init(_ markers: [String]) {
        self.markers = markers.map { Array($0.trimmingSpaces.utf8) }
        longest = self.markers.map(\.count).max() ?? 0
        anyNumeric = markers.contains { parseDecimal($0.trimmingSpaces) != nil }
    }

    @inline(__always)
    func matches(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        if count == 0 { return true }
        if count > longest { return false }
        for marker in markers where marker.count == count {
            if marker.withUnsafeBufferPointer({ memcmp($0.baseAddress!, base, count) == 0 }) {
                return true
            }
        }
        return false
    }
}

/// A decimal number; with `decimalComma`, also one written with a comma for the point
/// (`5,1`, `-0,25`: exactly one comma and no point).
@inline(__always)
func parseNumber(_ base: UnsafePointer<UInt8>, _ count: Int, decimalComma: Bool) -> Double? {
    if let value = parseDecimal(base, count) { return value }
    guard decimalComma, count > 1 else { return nil }
    var comma = -1
    for i in 0..<count {
        if base[i] == UInt8(ascii: ",") {
            guard comma < 0 else { return nil }
            comma = i
        } else if base[i] == UInt8(ascii: ".") {
            return nil
        }
    }
    guard comma >= 0 else { return nil }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { copy in
        for i in 0..<count { copy[i] = base[i] }
        copy[comma] = UInt8(ascii: ".")
        return parseDecimal(UnsafePointer(copy.baseAddress!), count)
    }
}

/// Whether the bytes spell a non-finite number: `nan`, `inf` or `infinity`, in any case, with
/// an optional sign (`-inf`, `+NaN`).
@inline(__always)
func isNonFiniteWord(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    guard count >= 3, count <= 9 else { return false }
    let start = base[0] == UInt8(ascii: "-") || base[0] == UInt8(ascii: "+") ? 1 : 0
    // Compared in lower case (`| 0x20`) byte by byte: this runs on every stray field.
    func spells(_ word: StaticString) -> Bool {
        guard count - start == word.utf8CodeUnitCount else { return false }
        for i in 0..<word.utf8CodeUnitCount where base[start + i] | 0x20 != word.utf8Start[i] {
            return false
        }
        return true
    }
    return spells("nan") || spells("inf") || spells("infinity")
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[first...last])
    }
}

/// The sink that stores records into column builders: numbers into float buffers (the few
/// unparseable strings set aside with their rows), strings interned per column.
struct TableSink: RecordSink {
    var columns: [ColumnBuilder]
    var rows = 0
    let names: [String]
    let markers: MissingMarkers
    let trimTabs: Bool
    /// `;`-separated files write decimals with a comma (`5,1`), as Excel does in most of
    /// Europe.
    let decimalComma: Bool

    init(names: [String], textColumns: [Bool], markers: MissingMarkers, delimiter: UInt8) {
        self.names = names
        self.markers = markers
        trimTabs = delimiter != UInt8(ascii: "\t")
        decimalComma = delimiter == UInt8(ascii: ";")
        columns = textColumns.map { ColumnBuilder(isText: $0) }
    }

    mutating func record(_ fields: UnsafeBufferPointer<FieldView>, fileOffset: Int) throws -> Bool {
        guard fields.count == columns.count else {
            throw LocatedFailure(
                kind: .raggedRow, fileOffset: fileOffset,
                message: "row has \(fields.count) field\(fields.count == 1 ? "" : "s"), "
                    + "the header has \(columns.count)",
                hint: "every row needs one field per header column; quote a field that "
                    + "contains the delimiter, e.g. \"Smith, J\"")
        }
        let row = rows
        let markers = self.markers
        let trimTabs = self.trimTabs
        let decimalComma = self.decimalComma
        let names = self.names
        try columns.withUnsafeMutableBufferPointer { columns in
            for j in 0..<columns.count {
                let field = fields[j]
                var start = field.base
                var count = field.count
                // Trim spaces (and tabs unless tab is the delimiter).
                while count > 0
                    && (start[0] == UInt8(ascii: " ") || (trimTabs && start[0] == 9))
                {
                    start += 1
                    count -= 1
                }
                while count > 0
                    && (start[count - 1] == UInt8(ascii: " ")
                        || (trimTabs && start[count - 1] == 9))
                {
                    count -= 1
                }
                if columns[j].isText {
                    if markers.matches(start, count) {
                        columns[j].codes.append(-1)
                        columns[j].missingCount += 1
                        continue
                    }
                    guard let code = columns[j].interner.intern(start, count) else {
                        throw Self.notUTF8(field, name: names[j])
                    }
                    columns[j].codes.append(code)
                    if count != field.count { columns[j].trimmedCount += 1 }
                } else {
                    if markers.anyNumeric && markers.matches(start, count) {
                        columns[j].numbers.append(.nan)
                        columns[j].missingCount += 1
                        continue
                    }
                    if count > 0, let value = parseNumber(start, count, decimalComma: decimalComma)
                    {
                        let single = Float(value)
                        if single.isFinite {
                            columns[j].numbers.append(single)
                            continue
                        }
                    }
                    columns[j].numbers.append(.nan)
                    // `nan`, `inf`, `-Infinity`: what numpy and pandas write for values a
                    // network cannot use; missing, as in pandas, not a category.
                    if markers.matches(start, count) || isNonFiniteWord(start, count) {
                        columns[j].missingCount += 1
                        continue
                    }
                    guard let code = columns[j].interner.intern(start, count) else {
                        throw Self.notUTF8(field, name: names[j])
                    }
                    columns[j].strayRows.append(row)
                    columns[j].strayCodes.append(code)
                }
            }
        }
        rows += 1
        return true
    }

    private static func notUTF8(_ field: FieldView, name: String) -> LocatedFailure {
        LocatedFailure(
            kind: .notUTF8, fileOffset: field.fileOffset,
            message: "column '\(name)' holds bytes that are not UTF-8",
            hint: "save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8 in.csv > out.csv`)",
            columnName: name)
    }

    /// Appends another sink's rows (read from the part of the file right after ours), then
    /// empties it.
    mutating func absorb(_ other: inout TableSink) {
        for j in columns.indices {
            if columns[j].isText {
                let local = other.columns[j].interner.strings
                let remap = local.map { columns[j].interner.intern($0) }
                let source = other.columns[j].codes
                columns[j].codes.reserve(columns[j].codes.count + source.count)
                for k in 0..<source.count {
                    let code = source.base[k]
                    columns[j].codes.append(code < 0 ? -1 : remap[Int(code)])
                }
            } else {
                let source = other.columns[j].numbers
                columns[j].numbers.append(contentsOf: source.base, count: source.count)
                let local = other.columns[j].interner.strings
                for (row, code) in zip(other.columns[j].strayRows, other.columns[j].strayCodes) {
                    columns[j].strayRows.append(rows + row)
                    columns[j].strayCodes.append(columns[j].interner.intern(local[Int(code)]))
                }
            }
            columns[j].missingCount += other.columns[j].missingCount
            columns[j].trimmedCount += other.columns[j].trimmedCount
            other.columns[j].removeAll()
        }
        rows += other.rows
        other.rows = 0
    }

    /// Reserves room for `total` rows in every column (from an estimate after the first chunk).
    mutating func reserve(rows total: Int) {
        for j in columns.indices {
            if columns[j].isText {
                columns[j].codes.reserve(total)
            } else {
                columns[j].numbers.reserve(total)
            }
        }
    }

    func deallocate() {
        for column in columns { column.deallocate() }
    }
}

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

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
