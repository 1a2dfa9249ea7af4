/// One field of the record being handed to a sink: its bytes (spaces kept) and whether it was
/// quoted in the file.
struct FieldView {
    var base: UnsafePointer<UInt8>
    var count: Int
    var quoted: Bool
    /// Offset of the field's first byte in the file.
    var fileOffset: Int
}

/// Receives complete records from `CSVRecordParser`.
protocol RecordSink {
    /// One complete record. `fileOffset` is where it starts in the file.
    /// - Returns: `false` to stop parsing after this record.
    mutating func record(_ fields: UnsafeBufferPointer<FieldView>, fileOffset: Int) throws -> Bool
}

/// A parse failure at a byte offset; the reader turns it into a located `DataError`.
struct LocatedFailure: Error {
    var kind: DataError.Kind
    var fileOffset: Int
    var message: String
    var hint: String?
    var columnName: String?
}

/// Byte classes of the scanner: anything else is an ordinary field byte.
private let classOrdinary: UInt8 = 0
private let classDelimiter: UInt8 = 1
private let classLineFeed: UInt8 = 2
private let classCarriageReturn: UInt8 = 3

/// An RFC 4180 record scanner over bytes: fields separated by one delimiter byte, records by LF
/// or CRLF (a lone CR too), double-quoted fields that may hold delimiters, newlines and doubled
/// quotes. A quote inside an unquoted field is kept as a literal byte (lenient, like most
/// readers). Empty records (blank lines) are skipped.
///
/// The parser works on a buffer that holds whole records plus possibly a partial one at the end;
/// `parse` reports how many bytes it consumed so the reader can carry the rest over.
struct CSVRecordParser {
    private let byteClass: UnsafeMutablePointer<UInt8>
    private(set) var delimiter: UInt8
    private let delimiterMask: UInt64
    private let lineFeedMask: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    private let carriageReturnMask: UInt64 = 0x0D0D_0D0D_0D0D_0D0D
    /// The current record's fields (manual storage: no uniqueness checks in the inner loop).
    private var fields: UnsafeMutablePointer<FieldView>
    private var fieldCapacity = 64
    private var fieldCount = 0
    /// Unescaped copies of quoted fields that contained doubled quotes.
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int

    init(delimiter: UInt8) {
        self.delimiter = delimiter
        delimiterMask = UInt64(delimiter) &* 0x0101_0101_0101_0101
        byteClass = .allocate(capacity: 256)
        byteClass.initialize(repeating: classOrdinary, count: 256)
        byteClass[Int(delimiter)] = classDelimiter
        byteClass[Int(UInt8(ascii: "\n"))] = classLineFeed
        byteClass[Int(UInt8(ascii: "\r"))] = classCarriageReturn
        scratchCapacity = 1 << 12
        scratch = .allocate(capacity: scratchCapacity)
        fields = .allocate(capacity: fieldCapacity)
    }

    /// Frees the buffers (the parser is a value with one owner; the reader calls this).
    func deallocate() {
        scratch.deallocate()
        byteClass.deallocate()
        fields.deallocate()
    }

    @inline(__always) private mutating func appendField(_ field: FieldView) {
        if fieldCount == fieldCapacity {
            let grown = UnsafeMutablePointer<FieldView>.allocate(capacity: fieldCapacity * 2)
            grown.moveInitialize(from: fields, count: fieldCount)
            fields.deallocate()
            fields = grown
            fieldCapacity *= 2
        }
        (fields + fieldCount).initialize(to: field)
        fieldCount += 1
    }

    /// Parses the records in `bytes`, handing each complete one to `sink`.
    /// - Parameters:
    ///   - bytes: the buffer; its first byte starts a record.
    ///   - fileOffset: the file offset of `bytes[0]`.
    ///   - isFinal: the buffer ends the file, so a record cut by the end is complete.
    /// - Returns: the number of bytes consumed (whole records); the rest starts a partial record.
    mutating func parse<Sink: RecordSink>(
        _ bytes: UnsafeBufferPointer<UInt8>, fileOffset: Int, isFinal: Bool, sink: inout Sink
    ) throws -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let end = bytes.count
        var position = 0
        let quote = UInt8(ascii: "\"")
        recordLoop: while position < end {
            let recordStart = position
            fieldCount = 0
            var scratchUsed = 0
            var pendingScratch: [(fieldIndex: Int, offset: Int)] = []
            fieldLoop: while true {
                // One field starting at `position`.
                if position < end && base[position] == quote {
                    var i = position + 1
                    var fieldStart = i
                    var copying = false
                    var copyStart = 0
                    while true {
                        guard let found = findByte(quote, base + i, end - i) else {
                            if isFinal {
                                throw LocatedFailure(
                                    kind: .unterminatedQuote, fileOffset: fileOffset + position,
                                    message: "a quoted field is never closed",
                                    hint: "close the quote with \", and write a quote inside a "
                                        + "quoted field as \"\"")
                            }
                            return recordStart
                        }
                        let closing = i + found
                        if closing + 1 < end && base[closing + 1] == quote {
                            // A doubled quote: copy what we have plus one quote into scratch.
                            if !copying {
                                copying = true
                                copyStart = scratchUsed
                            }
                            appendScratch(base + fieldStart, closing + 1 - fieldStart, &scratchUsed)
                            i = closing + 2
                            fieldStart = i
                            continue
                        }
                        if closing + 1 >= end && !isFinal { return recordStart }
                        if copying {
                            appendScratch(base + fieldStart, closing - fieldStart, &scratchUsed)
                            pendingScratch.append((fieldCount, copyStart))
                            appendField(
                                FieldView(
                                    base: base, count: scratchUsed - copyStart, quoted: true,
                                    fileOffset: fileOffset + position))
                        } else {
                            appendField(
                                FieldView(
                                    base: base + fieldStart, count: closing - fieldStart,
                                    quoted: true, fileOffset: fileOffset + position))
                        }
                        position = closing + 1
                        // Bytes between a closing quote and the delimiter are not RFC 4180;
                        // they are skipped (lenient) up to the delimiter or end of line.
                        while position < end && byteClass[Int(base[position])] == classOrdinary {
                            position += 1
                        }
                        break
                    }
                } else {
                    let fieldStart = position
                    // Eight bytes at a time to the next delimiter or line break (SWAR: a byte
                    // equal to b makes (w ^ b) have a zero byte; the lowest flag is exact).
                    while position + 8 <= end {
                        let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                        let hits =
                            zeroBytes(word ^ delimiterMask) | zeroBytes(word ^ lineFeedMask)
                            | zeroBytes(word ^ carriageReturnMask)
                        if hits != 0 {
                            position += hits.trailingZeroBitCount >> 3
                            break
                        }
                        position += 8
                    }
                    while position < end && byteClass[Int(base[position])] == classOrdinary {
                        position += 1
                    }
                    appendField(
                        FieldView(
                            base: base + fieldStart, count: position - fieldStart, quoted: false,
                            fileOffset: fileOffset + fieldStart))
                }
                if position >= end {
                    if !isFinal { return recordStart }
                    break fieldLoop
                }
                switch byteClass[Int(base[position])] {
                case classDelimiter:
                    position += 1
                    if position >= end && !isFinal { return recordStart }
                    continue fieldLoop
                case classCarriageReturn:
                    if position + 1 >= end && !isFinal { return recordStart }
                    position += 1
                    if position < end && base[position] == UInt8(ascii: "\n") { position += 1 }
                    break fieldLoop
                default:  // line feed
                    position += 1
                    break fieldLoop
                }
            }
            if fieldCount == 1 && fields[0].count == 0 && !fields[0].quoted {
                continue recordLoop  // a blank line
            }
            for (index, offset) in pendingScratch {
                fields[index].base = UnsafePointer(scratch + offset)
            }
            let keepGoing = try sink.record(
                UnsafeBufferPointer(start: fields, count: fieldCount),
                fileOffset: fileOffset + recordStart)
            if !keepGoing { return position }
        }
        return position
    }

    private mutating func appendScratch(
        _ source: UnsafePointer<UInt8>, _ count: Int, _ used: inout Int
    ) {
        if used + count > scratchCapacity {
            var capacity = scratchCapacity
            while used + count > capacity { capacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: scratch, count: used)
            scratch.deallocate()
            scratch = grown
            scratchCapacity = capacity
        }
        (scratch + used).update(from: source, count: count)
        used += count
    }
}

/// High bit set in each byte of `x` that is zero (exact for the lowest such byte).
@inline(__always) private func zeroBytes(_ x: UInt64) -> UInt64 {
    (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
}

/// Index of the first `byte` in `count` bytes at `base` (libc `memchr`, vectorised).
@inline(__always)
func findByte(_ byte: UInt8, _ base: UnsafePointer<UInt8>, _ count: Int) -> Int? {
    guard count > 0, let hit = memchr(base, Int32(byte), count) else { return nil }
    return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
