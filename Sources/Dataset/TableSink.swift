#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

    /// The field separator.
    let delimiter: UInt8
    /// `record` asks the parser to stop after each record (the fast path's fallback).
    var stopsAfterEachRecord = false

    init(names: [String], textColumns: [Bool], markers: MissingMarkers, delimiter: UInt8) {
        self.names = names
        self.markers = markers
        self.delimiter = delimiter
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
                        let single = nearestFloat(value, start, count)
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
        return !stopsAfterEachRecord
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
        let rowOffset = rows
        let columnCount = columns.count
        // Columns are independent: on two threads (by column ranges) when there is enough.
        let parts = TwoCores.ranges(
            columnCount, parts: other.rows * columnCount >= TwoCores.minimumWork ? 2 : 1)
        columns.withUnsafeMutableBufferPointer { mine in
            other.columns.withUnsafeMutableBufferPointer { theirs in
                let mine = SharedPointer(mine)
                let theirs = SharedPointer(theirs)
                TwoCores.forEach(parts.count, parallel: parts.count > 1) { part in
                    for j in parts[part] {
                        Self.absorbColumn(&mine.base[j], &theirs.base[j], rowOffset: rowOffset)
                    }
                }
            }
        }
        rows += other.rows
        other.rows = 0
    }

    /// Appends `other` (the same column, read from the rows after ours) to `column`, then
    /// empties it.
    private static func absorbColumn(
        _ column: inout ColumnBuilder, _ other: inout ColumnBuilder, rowOffset: Int
    ) {
        if column.isText {
            let local = other.interner.strings
            let remap = local.map { column.interner.intern($0) }
            let source = other.codes
            column.codes.reserve(column.codes.count + source.count)
            for k in 0..<source.count {
                let code = source.base[k]
                column.codes.append(code < 0 ? -1 : remap[Int(code)])
            }
        } else {
            let source = other.numbers
            column.numbers.append(contentsOf: source.base, count: source.count)
            let local = other.interner.strings
            for (row, code) in zip(other.strayRows, other.strayCodes) {
                column.strayRows.append(rowOffset + row)
                column.strayCodes.append(column.interner.intern(local[Int(code)]))
            }
        }
        column.missingCount += other.missingCount
        column.trimmedCount += other.trimmedCount
        other.removeAll()
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
