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

extension TableSink {
    /// Rows written per batch of the numeric fast path (room reserved in every column first).
    static let fastBatchRows = 4_096

    /// Whether `parseNumeric` applies: every column is a number column and no missing marker
    /// reads as a number (a marker such as `-999` must be checked before parsing).
    var takesNumericFastPath: Bool {
        !markers.anyNumeric && !columns.isEmpty && columns.allSatisfy { !$0.isText }
    }

    /// Parses `bytes` like `parser.parse(_:fileOffset:isFinal:sink:)` into this sink, with the
    /// same result, taking a fused path for the common record: every field a plain decimal
    /// (`-12.375`, no exponent, at most 19 digits) right up to the delimiter, the record ended
    /// by LF or CRLF. Numbers are read while the bytes are scanned, in one pass, and written
    /// straight into the columns. Any other record (missing or quoted fields, spaces, text,
    /// exponents, a ragged row, the file's last unterminated line) goes to the general parser,
    /// one record at a time, so errors and edge cases stay exactly as they were.
    /// - Returns: the number of bytes consumed (whole records).
    mutating func parseNumeric(
        _ bytes: UnsafeBufferPointer<UInt8>, fileOffset: Int, isFinal: Bool,
        parser: inout CSVRecordParser
    ) throws -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let end = bytes.count
        let width = columns.count
        let delimiter = self.delimiter
        var position = 0
        let bases = UnsafeMutablePointer<UnsafeMutablePointer<Float>>.allocate(capacity: width)
        defer { bases.deallocate() }
        while position < end {
            // One batch: room for `fastBatchRows` more rows in every column.
            let first = columns[0].numbers.count
            for j in 0..<width {
                columns[j].numbers.reserve(first + Self.fastBatchRows)
                bases[j] = columns[j].numbers.base + first
            }
            var written = 0
            var fallback = false
            rowLoop: while written < Self.fastBatchRows && position < end {
                var i = position
                for j in 0..<width {
                    // [+-]? digits [. digits]: the mantissa and the number of fraction digits.
                    // Branch-free: half the numbers of a typical column are negative, a branch
                    // on the sign would be mispredicted half the time.
                    let fieldStart = i
                    let sign = i < end ? base[i] : 0
                    let negative = sign == UInt8(ascii: "-")
                    i &+= negative || sign == UInt8(ascii: "+") ? 1 : 0
                    let digitsStart = i
                    var mantissa: UInt64 = 0
                    accumulateDigits(base, &i, end, &mantissa)
                    var digits = i - digitsStart
                    var fractionDigits = 0
                    if i < end && base[i] == UInt8(ascii: ".") {
                        i += 1
                        let fractionStart = i
                        accumulateDigits(base, &i, end, &mantissa)
                        fractionDigits = i - fractionStart
                        digits += fractionDigits
                    }
                    // The terminator must follow at once; the file's end is left to the
                    // general parser (it knows whether the buffer ends the file).
                    guard digits > 0, digits <= 19, mantissa <= 1 << 53, fractionDigits <= 22,
                        i < end
                    else {
                        fallback = true
                        break rowLoop
                    }
                    let numberEnd = i
                    let terminator = base[i]
                    if j < width - 1 {
                        guard terminator == delimiter else {
                            fallback = true
                            break rowLoop
                        }
                    } else if terminator == UInt8(ascii: "\r") {
                        guard i + 1 < end, base[i + 1] == UInt8(ascii: "\n") else {
                            fallback = true
                            break rowLoop
                        }
                        i += 1
                    } else if terminator != UInt8(ascii: "\n") {
                        fallback = true
                        break rowLoop
                    }
                    // The digits fit 2^53, so `Double(mantissa)` is exact; times the rounded
                    // 10^-k it is within 2 units in the last place of the exact value, which
                    // `nearestFloat(approximate:)` turns into the correctly rounded Float (a
                    // multiply where a divide would take four times as long).
                    let magnitude = Double(mantissa) * reciprocalPowersOfTen[fractionDigits]
                    let value = Double(
                        bitPattern: magnitude.bitPattern | (negative ? 1 << 63 : 0))
                    bases[j][written] = nearestFloat(
                        approximate: value, base + fieldStart, numberEnd - fieldStart)
                    i += 1
                }
                position = i
                written += 1
            }
            for j in 0..<width { columns[j].numbers.commit(count: first + written) }
            rows += written
            guard fallback else { continue }
            // The record at `position` is not the common kind: the general parser takes it.
            stopsAfterEachRecord = true
            defer { stopsAfterEachRecord = false }
            let rest = UnsafeBufferPointer(start: base + position, count: end - position)
            let used = try parser.parse(
                rest, fileOffset: fileOffset + position, isFinal: isFinal, sink: &self)
            if used == 0 { return position }  // a partial record: wait for more bytes
            position += used
        }
        return position
    }
}

/// Reads the run of ASCII digits at `i` into `mantissa` (`mantissa * 10^n + digits`, wrapping:
/// callers reject runs past 19 digits), advancing `i` past it.
///
/// Eight bytes at a time (SWAR) where eight can be loaded: a multiply-add per digit is a chain
/// of dependent operations, the reader's bottleneck. With `x = bytes ^ 0x30...`, a byte is a
/// digit when `x < 10`, flagged by the high bit of `(x + 0x76) | x`; carries only run towards
/// later bytes, so the first flag is exact. The run's digits, shifted to the top of the word,
/// are combined in three multiplies (D. Lemire, "Faster parsing of 8-digit numbers").
@inline(__always)
private func accumulateDigits(
    _ base: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int, _ mantissa: inout UInt64
) {
    while i + 8 <= end {
        let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        let x = word ^ 0x3030_3030_3030_3030
        let flags = ((x &+ 0x7676_7676_7676_7676) | x) & 0x8080_8080_8080_8080
        let count = flags == 0 ? 8 : flags.trailingZeroBitCount >> 3
        if count == 0 { return }
        // Digits at the top, leading zeros below (little-endian: byte 0 is the first digit).
        var v = x << UInt64(8 * (8 - count))
        v = (v &* 10) &+ (v >> 8)
        let pairs: UInt64 = 0x0000_00FF_0000_00FF
        let low = (v & pairs) &* digitPairsLow
        let high = ((v >> 16) & pairs) &* digitPairsHigh
        v = (low &+ high) >> 32
        mantissa = mantissa &* powersOfTenInteger[count] &+ v
        i += count
        if count < 8 { return }
    }
    while i < end {
        let digit = base[i] &- UInt8(ascii: "0")
        if digit > 9 { return }
        mantissa = mantissa &* 10 &+ UInt64(digit)
        i += 1
    }
}

/// The multipliers of the last step of the 8-digit conversion: 100 + 10^6 * 2^32 and
/// 1 + 10^4 * 2^32.
private let digitPairsLow: UInt64 = 100 + (1_000_000 << 32)
private let digitPairsHigh: UInt64 = 1 + (10_000 << 32)

/// 10^0 ... 10^8 as integers.
private let powersOfTenInteger: [UInt64] = [
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
]

/// 10^0 ... 10^-22, each the `Double` nearest to it.
private let reciprocalPowersOfTen: [Double] = [
    1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13,
    1e-14, 1e-15, 1e-16, 1e-17, 1e-18, 1e-19, 1e-20, 1e-21, 1e-22,
]

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
