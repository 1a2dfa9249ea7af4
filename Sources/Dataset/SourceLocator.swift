import Dispatch
import Spec

/// Turns file offsets into line, column and line text, by re-reading the file (errors only).
enum SourceLocator {
    static func locate(path: String, offset: Int) -> (location: SourceLocation, line: String?) {
        guard let file = try? ChunkedFile(path: path, chunkSize: 1 << 20) else {
            return (SourceLocation(file: path, line: 1, column: 1), nil)
        }
        defer { file.close() }
        var line = 1
        var lineStart = 0  // file offset
        do {
            try file.fill()
            while true {
                let base = file.offsetOfBuffer
                let limit = min(file.filled, offset - base)
                var i = 0
                while i < limit, let hit = findByte(10, file.buffer + i, limit - i) {
                    line += 1
                    i += hit + 1
                    lineStart = base + i
                }
                if offset - base <= file.filled || file.atEnd { break }
                // Keep the current line's start in the buffer.
                file.discard(upTo: max(0, min(lineStart - base, file.filled)))
                if file.filled == file.capacity { try file.growAndFill() } else { try file.fill() }
            }
            let startInBuffer = lineStart - file.offsetOfBuffer
            var contentStart = startInBuffer
            if lineStart == 0 && file.filled >= 3 && file.buffer[0] == 0xEF { contentStart = 3 }
            let prefix = UnsafeBufferPointer(
                start: file.buffer + contentStart,
                count: max(0, min(offset - file.offsetOfBuffer, file.filled) - contentStart))
            let column = String(decoding: prefix, as: UTF8.self).count + 1
            let text = lineText(
                file.buffer + contentStart, file.filled - contentStart, lineStart: 0)
            return (SourceLocation(file: path, line: line, column: column), text)
        } catch {
            return (SourceLocation(file: path, line: line, column: 1), nil)
        }
    }

    /// The text of the line starting at `lineStart` (up to 1,000 bytes, without the break).
    static func lineText(_ base: UnsafePointer<UInt8>, _ count: Int, lineStart: Int) -> String {
        let available = min(count - lineStart, 1000)
        guard available > 0 else { return "" }
        var end = findByte(10, base + lineStart, available) ?? available
        if end > 0 && base[lineStart + end - 1] == 13 { end -= 1 }
        return String(
            decoding: UnsafeBufferPointer(start: base + lineStart, count: end),
            as: UTF8.self)
    }
}
