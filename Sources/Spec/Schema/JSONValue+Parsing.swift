import Foundation

/// Where and why a JSON text is not valid JSON (RFC 8259).
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based line of the offending character.
    public var line: Int
    /// 1-based column (in bytes) of the offending character.
    public var column: Int
    /// What is wrong, e.g. `expected ',' or '}' after an object member`.
    public var message: String

    public var description: String { "line \(line), column \(column): \(message)" }
}

extension JSONValue {
    /// Parses a JSON text strictly (RFC 8259): one value, no trailing commas, no comments, no
    /// duplicate keys in an object (a duplicate is ambiguous, so it is refused rather than one
    /// copy silently winning). Object members keep their order. Integers that fit `Int` are
    /// `.int`, every other number `.number`.
    /// - Parameters:
    ///   - bytes: UTF-8 text.
    ///   - maximumDepth: nesting limit for arrays and objects (default 64): the parser recurses,
    ///     so the depth is bounded before a hostile text can exhaust the stack.
    /// - Throws: `JSONSyntaxError` with the line and column of the first problem.
    public static func parse(
        _ bytes: some Collection<UInt8>, maximumDepth: Int = 64
    ) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: Array(bytes), maximumDepth: maximumDepth)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        if parser.position < parser.bytes.count {
            throw parser.error("unexpected text after the JSON value")
        }
        return value
    }

    /// The JSON text on one line, no spaces (for HTTP bodies).
    public var compactText: String {
        var output = ""
        appendCompact(to: &output)
        return output
    }

    private func appendCompact(to output: inout String) {
        switch self {
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.appendCompact(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                output += Self.quote(member.key)
                output += ":"
                member.value.appendCompact(to: &output)
            }
            output += "}"
        default:
            output += serialized()
        }
    }

    /// The value of member `key` of an object (nil for a missing key or a non-object).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// A name for the value's kind in messages: `a number`, `a string`, `null`, ...
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A recursive-descent reader over UTF-8 bytes, tracking lines for its errors.
private struct JSONParser {
    let bytes: [UInt8]
    let maximumDepth: Int
    var position = 0
    var line = 1
    var lineStart = 0

    init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        let offset = offset ?? position
        return JSONSyntaxError(line: line, column: offset - lineStart + 1, message: message)
    }

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0D: position += 1
            case 0x0A:
                position += 1
                line += 1
                lineStart = position
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard position < bytes.count else { throw error("the text ends where a value should be") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw error("NaN and Infinity are not JSON; send null for a missing value")
        case UInt8(ascii: "'"): throw error("strings take double quotes in JSON")
        default:
            throw error("expected a value (an object, array, string, number, true, false or null)")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        let matches =
            position + count <= bytes.count
            && (0..<count).allSatisfy { bytes[position + $0] == word.utf8Start[$0] }
        guard matches else { throw error("expected a value; '\(word)' is misspelt here") }
        position += count
    }

    mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= maximumDepth else {
            throw error("nesting deeper than \(maximumDepth) levels")
        }
        position += 1
        var members: [JSONValue.Member] = []
        // Rows have a few dozen keys: a linear scan beats hashing them (measured); a set after.
        var seen = Set<String>()
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error(
                    position < bytes.count && bytes[position] == UInt8(ascii: "}")
                        ? "a trailing comma before '}'" : "expected a member name in double quotes")
            }
            let keyStart = position
            let key = try string()
            let repeated: Bool
            if members.count < 32 {
                repeated = members.contains { $0.key == key }
            } else {
                if seen.isEmpty { seen = Set(members.map(\.key)) }
                repeated = !seen.insert(key).inserted
            }
            guard !repeated else {
                throw error("the key \"\(key)\" appears twice in this object", at: keyStart)
            }
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw error("expected ':' after the member name \"\(key)\"")
            }
            position += 1
            skipSpace()
            members.append(JSONValue.Member(key, try value(depth: depth)))
            if try closes(
                "}", inside: "an object", after: "the member \"\(key)\"")
            {
                return .object(members)
            }
        }
    }

    /// After an item of an object or array: true past `close`, false past a ',' (another item
    /// follows); an error naming what was expected otherwise.
    mutating func closes(
        _ close: Unicode.Scalar, inside container: String, after item: String
    ) throws(JSONSyntaxError) -> Bool {
        skipSpace()
        guard position < bytes.count else { throw error("the text ends inside \(container)") }
        let byte = bytes[position]
        guard byte == UInt8(ascii: ",") || byte == UInt8(ascii: close) else {
            throw error("expected ',' or '\(close)' after \(item)")
        }
        position += 1
        return byte == UInt8(ascii: close)
    }

    mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= maximumDepth else {
            throw error("nesting deeper than \(maximumDepth) levels")
        }
        position += 1
        var items: [JSONValue] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                throw error("a trailing comma before ']'")
            }
            items.append(try value(depth: depth))
            if try closes("]", inside: "an array", after: "an array item") {
                return .array(items)
            }
        }
    }

    mutating func string() throws(JSONSyntaxError) -> String {
        let start = position
        position += 1
        // Most strings have no escape: one validated copy of their bytes.
        var end = position
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"),
            bytes[end] >= 0x20
        {
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            guard let text = String(validating: bytes[position..<end], as: UTF8.self) else {
                throw error("the string is not valid UTF-8", at: position)
            }
            position = end + 1
            return text
        }
        // Escapes (or an error): the bytes rebuilt with each escape as its UTF-8.
        var utf8: [UInt8] = []
        utf8.reserveCapacity(end - position + 16)
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw error("the string is not valid UTF-8", at: start + 1)
                }
                position += 1
                return text
            }
            if byte < 0x20 {
                throw error(
                    byte == 0x0A
                        ? "a line break inside a string (write it as \\n)"
                        : "a control character inside a string (escape it as \\u00XX)")
            }
            if byte == UInt8(ascii: "\\") {
                utf8.append(contentsOf: String(try escape()).utf8)
                continue
            }
            utf8.append(byte)
            position += 1
        }
        throw error("the string that starts here is never closed", at: start)
    }

    mutating func escape() throws(JSONSyntaxError) -> Unicode.Scalar {
        position += 1
        guard position < bytes.count else { throw error("the text ends inside an escape") }
        let code = bytes[position]
        position += 1
        switch code {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try hex4()
            if (0xD800..<0xDC00).contains(first) {
                // A surrogate pair: the low half must follow as another \u escape.
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw error("a lone high surrogate \\u\(String(first, radix: 16))") }
                position += 2
                let second = try hex4()
                guard (0xDC00..<0xE000).contains(second) else {
                    throw error("a high surrogate not followed by a low one")
                }
                let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                return Unicode.Scalar(value) ?? "\u{FFFD}"
            }
            guard let scalar = Unicode.Scalar(first) else {
                throw error("a lone low surrogate \\u\(String(first, radix: 16))")
            }
            return scalar
        default:
            throw error("unknown escape '\\\(Character(Unicode.Scalar(code)))'", at: position - 2)
        }
    }

    mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("\\u needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"):
                digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"):
                digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("\\u needs four hex digits")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = position
        // The digits as an integer (while it fits) and a power of ten, for the fast path.
        var mantissa: UInt64 = 0
        var significant = 0
        var scale = 0
        func digits(fraction: Bool) -> Int {
            let first = position
            while position < bytes.count {
                let digit = bytes[position] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if significant < 19 {
                    mantissa = mantissa * 10 + UInt64(digit)
                    if mantissa > 0 { significant += 1 }
                    if fraction { scale -= 1 }
                } else if !fraction {
                    scale += 1
                }
                position += 1
            }
            return position - first
        }
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        let integerStart = position
        let integerDigits = digits(fraction: false)
        guard integerDigits > 0 else {
            throw error(
                position < bytes.count && bytes[position] == UInt8(ascii: "I")
                    ? "Infinity is not JSON" : "a number needs digits", at: start)
        }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") {
            throw error("a number may not start with 0 (write 7, not 07)", at: start)
        }
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            isInteger = false
            guard digits(fraction: true) > 0 else {
                throw error("a number needs digits after '.'", at: start)
            }
        }
        var exponent = 0
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            isInteger = false
            var exponentNegative = false
            if position < bytes.count,
                bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")
            {
                exponentNegative = bytes[position] == UInt8(ascii: "-")
                position += 1
            }
            let first = position
            while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[position] - 48) }
                position += 1
            }
            guard position > first else { throw error("a number needs digits in its exponent") }
            if exponentNegative { exponent = -exponent }
        }
        if isInteger, significant < 19, scale == 0 {
            return .int(negative ? -Int(mantissa) : Int(mantissa))
        }
        // Clinger's fast path: an integer below 2^53 times or over an exact power of ten is
        // correctly rounded by one IEEE operation; anything else goes to the C library.
        let power = scale + exponent
        if mantissa < 1 << 53, (-22...22).contains(power) {
            var value = Double(mantissa)
            value = power < 0 ? value / Self.powersOfTen[-power] : value * Self.powersOfTen[power]
            return .number(negative ? -value : value)
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let value = Int(text) { return .int(value) }
        guard let value = Double(text), value.isFinite else {
            throw error("the number \(text) is too large for a double", at: start)
        }
        return .number(value)
    }

    /// 1e0 ... 1e22: the powers of ten a double holds exactly.
    static let powersOfTen: [Double] = (0...22).map { (0..<$0).reduce(1.0) { r, _ in r * 10 } }
}
