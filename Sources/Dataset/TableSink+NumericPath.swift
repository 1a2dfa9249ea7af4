#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
