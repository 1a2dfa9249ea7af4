import Spec
import Testing

@Suite("JSON parsing: strict RFC 8259, errors with line and column")
struct JSONParsingTests {
    func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try JSONValue.parse(Array(text.utf8))
    }

    @Test("values of every kind, members in order, integers apart from other numbers")
    func values() throws {
        let value = try parse(
            #" {"b": [1, -2.5, 3e2, true, false, null], "a": "x\"\\\/\n\u00e9\ud83d\ude00", "c": {}} "#
        )
        #expect(
            value
                == .object([
                    .init(
                        "b",
                        .array([
                            .int(1), .number(-2.5), .number(300), .bool(true), .bool(false), .null,
                        ])),
                    .init("a", .string("x\"\\/\né😀")),
                    .init("c", .object([])),
                ]))
        #expect(value["a"] == .string("x\"\\/\né😀"))
        #expect(try parse("-0.0") == .number(-0.0))
        #expect(try parse("12345678901234567890") == .number(Double("12345678901234567890")!))
        #expect(try parse(#""caf\u00e9 ☕""#) == .string("café ☕"))
    }

    @Test("numbers: the fast path rounds exactly as the C library on 20,000 random decimals")
    func numbersMatchTheLibrary() throws {
        var state: UInt64 = 0x5DEE_CE66
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 17
        }
        for _ in 0..<20_000 {
            let digits = String(next() % 10_000_000_000_000_000)
            let point = Int(next() % UInt64(digits.count + 1))
            var text = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
            if text.hasPrefix(".") { text = "0" + text }
            if text.hasSuffix(".") { text += "5" }
            while text.count > 1, text.hasPrefix("0"), !text.hasPrefix("0.") { text.removeFirst() }
            if next() % 3 == 0 { text += "e\(Int(next() % 60) - 30)" }
            if next() % 2 == 0 { text = "-" + text }
            let expected = try #require(Double(text))
            guard case .number(let value) = try parse(text) else {
                Issue.record("\(text) is not a double")
                continue
            }
            #expect(value.bitPattern == expected.bitPattern, "\(text)")
        }
        #expect(try parse("9007199254740993") == .int(9_007_199_254_740_993))
        #expect(try parse("-9223372036854775808") == .int(Int.min))
        #expect(try parse("0.1") == .number(0.1))
        #expect(try parse("123456789012345678901234567890e-10") == .number(12345678901234567890.1234567890))
    }

    @Test("compact text reads back as the same value")
    func roundTrip() throws {
        let text = #"{"rows":[{"a":1,"b":"x\ny","c":null,"d":[true,2.5]}]}"#
        let value = try parse(text)
        #expect(value.compactText == text)
        #expect(try parse(value.compactText) == value)
    }

    @Test(
        "bad texts: the message and where",
        arguments: [
            ("{\"a\": 1,}", 1, 9, "trailing comma"),
            ("[1, 2,]", 1, 7, "trailing comma"),
            ("{\"a\" 1}", 1, 6, "expected ':'"),
            ("{\n  \"a\": 1\n  \"b\": 2}", 3, 3, "expected ',' or '}'"),
            ("{'a': 1}", 1, 2, "member name in double quotes"),
            ("['a']", 1, 2, "double quotes"),
            ("[01]", 1, 2, "may not start with 0"),
            ("[1.]", 1, 2, "digits after '.'"),
            ("[NaN]", 1, 2, "NaN and Infinity"),
            ("[-Infinity]", 1, 2, "Infinity"),
            ("[tru]", 1, 2, "misspelt"),
            ("\"abc", 1, 1, "never closed"),
            ("\"a\nb\"", 1, 3, "line break inside a string"),
            ("\"\\x\"", 1, 2, "unknown escape"),
            ("\"\\ud800\"", 1, 8, "lone high surrogate"),
            ("{\"a\": 1, \"a\": 2}", 1, 10, "appears twice"),
            ("1 2", 1, 3, "after the JSON value"),
            ("", 1, 1, "ends where a value"),
            ("[1e999]", 1, 2, "too large"),
        ] as [(String, Int, Int, String)])
    func badTexts(text: String, line: Int, column: Int, message: String) {
        do {
            _ = try parse(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.message.contains(message), "\(error)")
            #expect(error.line == line && error.column == column, "\(text): \(error)")
        }
    }

    @Test("invalid UTF-8 and depth past the limit are errors, not crashes")
    func hostileTexts() {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse([0x22, 0xFF, 0xFE, 0x22]) }
        let deep = Array(repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(deep, maximumDepth: 64) }
        let nested = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect((try? JSONValue.parse(Array(nested.utf8), maximumDepth: 64)) != nil)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect((try? JSONValue.parse(Array(tooDeep.utf8), maximumDepth: 64)) == nil)
    }
}
