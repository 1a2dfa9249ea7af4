import Dispatch
import Spec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads CSV files into column-oriented `DataTable`s.
///
/// The file is read in chunks (never whole, so memory stays near the table's own size), parsed
/// as bytes by an RFC 4180 scanner, numbers converted by a Clinger fast path with `strtod` as the
/// exact fallback. A chunk without quote characters is split at a line break and its two halves
/// parsed on two threads (a line break outside quotes always ends a record).
public enum CSVReader {
    /// Bytes read per chunk.
    static let chunkSize = 8 << 20
    /// Records examined to decide which columns are stored as text.
    static let sampleRecords = 1000

    /// Reads `path` into a table.
    /// - Parameters:
    ///   - path: the CSV file.
    ///   - format: delimiter (default: detect) and missing markers (default: the standard list).
    ///   - parallel: parse large chunks on two threads (default `true`).
    /// - Throws: `DataError` located at the offending line and column.
    public static func read(
        path: String, format: CSVFormat = CSVFormat(), parallel: Bool = true
    ) throws -> DataTable {
        try located(path: path) {
            try readUnlocated(path: path, format: format, parallel: parallel, headerOnly: false)
        }
    }

    /// The header of `path` only: a table of its columns' names (no rows, each column an empty
    /// number column), read from the file's first chunk; for checking a spec's column names
    /// without reading the data.
    /// - Throws: `DataError` as `read` does for the header (empty, binary, not UTF-8, a
    ///   duplicate name).
    public static func header(path: String, format: CSVFormat = CSVFormat()) throws -> DataTable {
        try located(path: path) {
            try readUnlocated(path: path, format: format, parallel: false, headerOnly: true)
        }
    }

    /// `body`'s failure located at its line and column in `path`.
    private static func located(path: String, _ body: () throws -> DataTable) throws -> DataTable {
        do {
            return try body()
        } catch let failure as LocatedFailure {
            let place = SourceLocator.locate(path: path, offset: failure.fileOffset)
            throw DataError(
                failure.kind, path: path, location: place.location, sourceLine: place.line,
                columnName: failure.columnName, message: failure.message, hint: failure.hint)
        }
    }

    private static func readUnlocated(
        path: String, format: CSVFormat, parallel: Bool, headerOnly: Bool
    ) throws -> DataTable {
        let file = try ChunkedFile(path: path, chunkSize: chunkSize)
        defer { file.close() }
        try file.fill()
        if file.filled == 0 {
            throw DataError(
                .emptyFile, path: path, message: "the file is empty",
                hint: "a CSV needs a header line naming the columns, then one line per row")
        }
        // Byte-order mark.
        var start = 0
        if file.filled >= 3 && file.buffer[0] == 0xEF && file.buffer[1] == 0xBB
            && file.buffer[2] == 0xBF
        {
            start = 3
        }
        if let nul = findByte(0, UnsafePointer(file.buffer), min(file.filled, 1 << 16)) {
            throw LocatedFailure(
                kind: .binaryFile, fileOffset: nul,
                message: "this is not a text file (it contains NUL bytes)",
                hint: "give the path of a CSV file; if it is UTF-16, save it as UTF-8")
        }
        var onlySpace = true
        for i in start..<file.filled where !isSpace(file.buffer[i]) {
            onlySpace = false
            break
        }
        if onlySpace && file.atEnd {
            throw DataError(
                .emptyFile, path: path, message: "the file has no data (only blank space)",
                hint: "a CSV needs a header line naming the columns, then one line per row")
        }
        let delimiter =
            format.delimiter ?? detectDelimiter(file.buffer + start, file.filled - start)
        var parser = CSVRecordParser(delimiter: delimiter)
        defer { parser.deallocate() }

        // Header.
        var header = HeaderSink()
        var consumed = 0
        while true {
            consumed = try parser.parse(
                UnsafeBufferPointer(start: file.buffer + start, count: file.filled - start),
                fileOffset: start, isFinal: file.atEnd, sink: &header)
            if !header.names.isEmpty || header.invalidOffset != nil || file.atEnd { break }
            try file.growAndFill()
        }
        if let offset = header.invalidOffset {
            throw LocatedFailure(
                kind: .notUTF8, fileOffset: offset, message: "the header is not UTF-8 text",
                hint: "save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8 in.csv > out.csv`)")
        }
        var names = header.names
        for j in names.indices where names[j].isEmpty { names[j] = "column_\(j + 1)" }
        var seen: [String: Int] = [:]
        for (j, name) in names.enumerated() {
            if let first = seen[name] {
                throw LocatedFailure(
                    kind: .duplicateColumn, fileOffset: header.offsets[j],
                    message: "column name '\(name)' appears twice (columns \(first + 1) and "
                        + "\(j + 1))",
                    hint: "rename one of them in the header line", columnName: name)
            }
            seen[name] = j
        }
        let headerEnd = start + consumed
        let headerLine = SourceLocator.lineText(file.buffer, file.filled, lineStart: start)
        let headerColumns = header.offsets.map { offset in
            String(
                decoding: UnsafeBufferPointer(start: file.buffer + start, count: offset - start),
                as: UTF8.self
            ).count + 1
        }
        if headerOnly {
            let columns = zip(names, headerColumns).map { name, column in
                TableColumn(name: name, data: .numbers([]), missingCount: 0, headerColumn: column)
            }
            return DataTable(
                path: path, columns: columns, rowCount: 0, delimiter: delimiter,
                headerLine: headerLine)
        }

        // Which columns hold text, from the first records.
        let markers = MissingMarkers(format.missingMarkers)
        var sampler = ColumnModeSampler(
            columnCount: names.count, limit: sampleRecords, markers: markers,
            decimalComma: delimiter == UInt8(ascii: ";"))
        _ = try parser.parse(
            UnsafeBufferPointer(start: file.buffer + headerEnd, count: file.filled - headerEnd),
            fileOffset: headerEnd, isFinal: file.atEnd, sink: &sampler)

        var table = TableSink(
            names: names, textColumns: sampler.textColumns, markers: markers,
            delimiter: delimiter)
        let workers = (0..<2).map { _ in
            ParseWorker(
                sink: TableSink(
                    names: names, textColumns: sampler.textColumns, markers: markers,
                    delimiter: delimiter), delimiter: delimiter)
        }
        defer {
            table.deallocate()
            for worker in workers { worker.deallocate() }
        }

        var chunkStart = headerEnd
        var estimated = false
        while true {
            let available = file.filled - chunkStart
            let bytes = UnsafeBufferPointer(start: file.buffer + chunkStart, count: available)
            let chunkOffset = file.offsetOfBuffer + chunkStart
            var used = 0
            let chunkBase = UnsafePointer(file.buffer + chunkStart)
            let splitAt =
                parallel && available >= 1 << 20
                    && findByte(UInt8(ascii: "\""), chunkBase, available) == nil
                ? findByte(
                    UInt8(ascii: "\n"), chunkBase + available / 2,
                    available - available / 2
                ).map { available / 2 + $0 + 1 } : nil
            // The first worker parses straight into the table (its sink swapped in for the
            // chunk): only the second half is copied over, and a chunk on one thread not at all.
            swap(&table, &workers[0].sink)
            if let splitAt {
                workers[0].assign(
                    UnsafeBufferPointer(rebasing: bytes[0..<splitAt]), offset: chunkOffset,
                    isFinal: true)
                workers[1].assign(
                    UnsafeBufferPointer(rebasing: bytes[splitAt...]),
                    offset: chunkOffset + splitAt, isFinal: file.atEnd)
                DispatchQueue.concurrentPerform(iterations: 2) { workers[$0].run() }
                swap(&table, &workers[0].sink)
                for worker in workers { if let failure = worker.failure { throw failure } }
                table.absorb(&workers[1].sink)
                used = splitAt + workers[1].consumed
            } else {
                workers[0].assign(bytes, offset: chunkOffset, isFinal: file.atEnd)
                workers[0].run()
                swap(&table, &workers[0].sink)
                if let failure = workers[0].failure { throw failure }
                used = workers[0].consumed
            }
            if !estimated && table.rows > 0 && !file.atEnd {
                // Size the columns once from the bytes per row seen so far: no doubling slack.
                estimated = true
                let bytesPerRow = Double(chunkOffset + used - headerEnd) / Double(table.rows)
                let remaining = Double(file.size - (chunkOffset + used))
                table.reserve(rows: table.rows + Int(remaining / bytesPerRow * 1.02) + 64)
            }
            if file.atEnd { break }
            file.discard(upTo: chunkStart + used)
            // A buffer still full after discarding holds one record longer than itself.
            if file.filled == file.capacity { try file.growAndFill() } else { try file.fill() }
            chunkStart = 0
        }
        if table.rows == 0 {
            throw DataError(
                .headerOnly, path: path,
                location: SourceLocation(file: path, line: 1, column: 1), sourceLine: headerLine,
                message: "the file has a header but no data rows",
                hint: "add one line per example below the header")
        }
        return finish(
            &table, path: path, delimiter: delimiter, headerLine: headerLine,
            headerColumns: headerColumns)
    }

    /// Moves the builders' values into exactly sized arrays, freeing each builder right after
    /// its copy so the peak is the table plus a column per thread (and the allocator reuses
    /// the space). Columns are copied on two threads (by column ranges) when the table is big.
    private static func finish(
        _ sink: inout TableSink, path: String, delimiter: UInt8, headerLine: String,
        headerColumns: [Int]
    ) -> DataTable {
        let count = sink.columns.count
        var columns = [TableColumn?](repeating: nil, count: count)
        let parts = TwoCores.ranges(
            count, parts: sink.rows * count >= TwoCores.minimumWork ? 2 : 1)
        let names = sink.names
        sink.columns.withUnsafeMutableBufferPointer { builders in
            columns.withUnsafeMutableBufferPointer { target in
                let builders = SharedPointer(builders)
                let target = SharedPointer(target)
                TwoCores.forEach(parts.count, parallel: parts.count > 1) { part in
                    for j in parts[part] {
                        let builder = builders[j]
                        target[j] = finishedColumn(
                            builder, name: names[j], headerColumn: headerColumns[j])
                        builder.deallocate()
                        builders[j] = ColumnBuilder(isText: builder.isText)
                    }
                }
            }
        }
        return DataTable(
            path: path, columns: columns.map { $0! }, rowCount: sink.rows, delimiter: delimiter,
            headerLine: headerLine)
    }

    /// One builder's values as a table column.
    private static func finishedColumn(
        _ builder: ColumnBuilder, name: String, headerColumn: Int
    ) -> TableColumn {
        let data: ColumnData
        var strays: [StrayValue] = []
        if builder.isText {
            data = .text(codes: builder.codes.toArray(), levels: builder.interner.strings)
        } else {
            data = .numbers(builder.numbers.toArray())
            strays = zip(builder.strayRows, builder.strayCodes).map {
                StrayValue(row: $0.0, text: builder.interner.strings[Int($0.1)])
            }
        }
        return TableColumn(
            name: name, data: data, missingCount: builder.missingCount, strays: strays,
            headerColumn: headerColumn, trimmedCount: builder.trimmedCount)
    }

    /// Comma, semicolon or tab: whichever occurs most often (outside quotes) on the first line;
    /// comma when none does.
    static func detectDelimiter(_ base: UnsafePointer<UInt8>, _ count: Int) -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, 9: 0]
        var inQuotes = false
        for i in 0..<count {
            let byte = base[i]
            if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
            if inQuotes { continue }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            if counts[byte] != nil { counts[byte, default: 0] += 1 }
        }
        let best = counts.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }
        guard let best, best.value > 0 else { return UInt8(ascii: ",") }
        return best.key
    }

    /// The file offsets of the field `column` in data rows `rows` (0-based), by re-reading the
    /// file; used only to locate errors.
    static func fieldOffsets(
        path: String, format: CSVFormat, rows: [Int], column: Int
    ) -> [Int: Int] {
        guard let file = try? ChunkedFile(path: path, chunkSize: chunkSize) else { return [:] }
        defer { file.close() }
        var sink = RowLocatingSink(wanted: rows.sorted(), column: column)
        do {
            try file.fill()
            var start = 0
            if file.filled >= 3 && file.buffer[0] == 0xEF && file.buffer[1] == 0xBB {
                start = 3
            }
            let delimiter =
                format.delimiter ?? detectDelimiter(file.buffer + start, file.filled - start)
            var parser = CSVRecordParser(delimiter: delimiter)
            defer { parser.deallocate() }
            while true {
                let used = try parser.parse(
                    UnsafeBufferPointer(start: file.buffer + start, count: file.filled - start),
                    fileOffset: file.offsetOfBuffer + start, isFinal: file.atEnd, sink: &sink)
                if file.atEnd || sink.next >= sink.wanted.count { break }
                file.discard(upTo: start + used)
                if file.filled == file.capacity { try file.growAndFill() } else { try file.fill() }
                start = 0
            }
        } catch {}
        return sink.found
    }
}

@inline(__always) private func isSpace(_ byte: UInt8) -> Bool {
    byte == 32 || byte == 9 || byte == 10 || byte == 13
}

/// One thread's share of a chunk: its own parser and column builders.
private final class ParseWorker: @unchecked Sendable {
    var parser: CSVRecordParser
    var sink: TableSink
    var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    var offset = 0
    var isFinal = false
    var consumed = 0
    var failure: Error?

    init(sink: TableSink, delimiter: UInt8) {
        self.sink = sink
        parser = CSVRecordParser(delimiter: delimiter)
    }

    func assign(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, isFinal: Bool) {
        self.bytes = bytes
        self.offset = offset
        self.isFinal = isFinal
        consumed = 0
        failure = nil
    }

    func run() {
        do {
            if sink.takesNumericFastPath {
                consumed = try sink.parseNumeric(
                    bytes, fileOffset: offset, isFinal: isFinal, parser: &parser)
            } else {
                consumed = try parser.parse(
                    bytes, fileOffset: offset, isFinal: isFinal, sink: &sink)
            }
        } catch {
            failure = error
        }
    }

    func deallocate() {
        parser.deallocate()
        sink.deallocate()
    }
}

/// A file read front to back through one buffer: `fill` tops the buffer up, `discard` drops
/// consumed bytes (moving the partial record to the front).
final class ChunkedFile {
    let path: String
    let descriptor: Int32
    let size: Int
    private(set) var buffer: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var filled = 0
    /// File offset of `buffer[0]`.
    private(set) var offsetOfBuffer = 0
    private(set) var atEnd = false

    init(path: String, chunkSize: Int) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw DataError(
                .fileNotReadable, path: path, message: "cannot open the file: \(reason)",
                hint: "check the path (relative paths start at the current directory)")
        }
        var status = stat()
        if fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            Glibc.close(descriptor)
            throw DataError(
                .fileNotReadable, path: path, message: "this is a directory, not a CSV file",
                hint: "give the path of a .csv file")
        }
        size = Int(status.st_size)
        capacity = max(1 << 16, min(chunkSize, size + 1))
        buffer = .allocate(capacity: capacity)
    }

    /// Reads until the buffer is full or the file ends.
    func fill() throws {
        while filled < capacity && !atEnd {
            let count = Glibc.read(descriptor, buffer + filled, capacity - filled)
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw DataError(
                    .fileNotReadable, path: path, message: "cannot read the file: \(reason)",
                    hint: "check that the path is a readable regular file")
            }
            if count == 0 { atEnd = true } else { filled += count }
        }
    }

    /// Doubles the buffer and reads more.
    func growAndFill() throws {
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
        grown.update(from: buffer, count: filled)
        buffer.deallocate()
        buffer = grown
        capacity *= 2
        try fill()
    }

    /// Drops the first `count` bytes.
    func discard(upTo count: Int) {
        let rest = filled - count
        if rest > 0 { buffer.update(from: buffer + count, count: rest) }
        filled = rest
        offsetOfBuffer += count
    }

    func close() {
        Glibc.close(descriptor)
        buffer.deallocate()
    }
}
