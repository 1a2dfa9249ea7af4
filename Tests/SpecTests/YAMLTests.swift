import Testing

@testable import Spec

private func parse(_ text: String) -> YAMLParser.Result {
    YAMLParser().parse(text, file: "t.yaml")
}

private func value(_ scalar: String) -> YAMLValue? {
    parse("k: \(scalar)\n").root?["k"]?.scalar?.value
}

@Suite("YAML 1.2 core schema")
struct CoreSchemaTests {
    @Test(
        "plain scalars resolve by the core schema",
        arguments: [
            ("true", YAMLValue.bool(true)), ("True", .bool(true)), ("TRUE", .bool(true)),
            ("false", .bool(false)), ("False", .bool(false)),
            ("null", .null), ("Null", .null), ("NULL", .null), ("~", .null), ("", .null),
            ("0", .int(0)), ("-17", .int(-17)), ("+5", .int(5)), ("0x1F", .int(31)),
            ("0o17", .int(15)),
            ("1e-4", .float(1e-4)), ("1.0e-5", .float(1e-5)), ("0.5", .float(0.5)),
            (".5", .float(0.5)),
            ("-2.5E3", .float(-2500)), ("1.", .float(1)), (".inf", .float(.infinity)),
            ("-.inf", .float(-.infinity)), ("+.inf", .float(.infinity)),
            ("no", .string("no")), ("yes", .string("yes")), ("on", .string("on")),
            ("off", .string("off")),
            ("1_000", .string("1_000")), ("0x", .string("0x")), ("0o8", .string("0o8")),
            ("1e", .string("1e")), (".", .string(".")), ("nan", .string("nan")),
            ("1.2.3", .string("1.2.3")),
            ("'1'", .string("1")), ("\"true\"", .string("true")), ("'null'", .string("null")),
            ("!!str 12", .string("12")), ("!!float 3", .float(3)),
        ])
    func resolution(text: String, expected: YAMLValue) {
        #expect(value(text) == expected)
    }

    @Test("`.nan` is a float NaN")
    func nan() {
        guard case .float(let nan)? = value(".nan") else {
            Issue.record("not a float")
            return
        }
        #expect(nan.isNaN)
    }

    @Test("quoted and block scalars keep their style")
    func styles() {
        let root = parse("a: '1'\nb: \"2\"\nc: |\n  x\nd: >\n  y\ne: 3\n").root
        #expect(root?["a"]?.scalar?.style == .singleQuoted)
        #expect(root?["b"]?.scalar?.style == .doubleQuoted)
        #expect(root?["c"]?.scalar?.style == .literal)
        #expect(root?["c"]?.scalar?.text == "x\n")
        #expect(root?["d"]?.scalar?.style == .folded)
        #expect(root?["e"]?.scalar?.style == .plain)
        #expect(root?["e"]?.scalar?.value == .int(3))
    }

    @Test("marks are 1-based line and column")
    func marks() {
        let root = parse("a:\n  b: [1, 22]\n").root
        let list = root?["a"]?["b"]
        #expect(list?.start == YAMLMark(line: 2, column: 6))
        #expect(list?.items?[1].start == YAMLMark(line: 2, column: 10))
        #expect(list?.items?[1].underlineLength == 2)
    }
}

@Suite("YAML structure")
struct YAMLStructureTests {
    @Test("anchors and aliases resolve to copies of the anchored node")
    func aliases() {
        let result = parse("a: &x {k: 1}\nb: *x\nc: &s hello\nd: [*s, *s]\n")
        #expect(result.diagnostics.isEmpty)
        #expect(result.root?["b"]?["k"]?.scalar?.value == .int(1))
        #expect(result.root?["d"]?.items?.map { $0.scalar?.text } == ["hello", "hello"])
    }

    @Test("merge keys bring in missing keys; explicit keys win")
    func mergeKeys() {
        let result = parse("base: &b {x: 1, y: 2}\nm:\n  y: 3\n  <<: *b\n")
        #expect(result.diagnostics.isEmpty)
        let entries = result.root?["m"]?.entries ?? []
        #expect(entries.map { $0.key.scalar?.text } == ["y", "x"])
        #expect(result.root?["m"]?["y"]?.scalar?.value == .int(3))
    }

    @Test("an unknown alias is an error at the alias, with a suggestion")
    func unknownAlias() {
        let result = parse("a: &base 1\nb: *bsae\n")
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics[0].message == "unknown alias `*bsae`")
        #expect(result.diagnostics[0].location?.line == 2)
        #expect(result.diagnostics[0].notes.first?.message == "did you mean `*base`?")
    }

    @Test("an alias bomb stops at the node limit")
    func aliasBomb() {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (name, previous) in zip(
            ["b", "c", "d", "e", "f", "g"], ["a", "b", "c", "d", "e", "f"])
        {
            text +=
                "\(name): &\(name) ["
                + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        let result = YAMLParser(nodeLimit: 10_000).parse(text, file: "bomb.yaml")
        #expect(result.root == nil)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics[0].message == "aliases expand the document past 10000 nodes")
    }

    @Test("duplicate keys point at the second and note the first")
    func duplicateKeys() {
        let result = parse("a: 1\nb:\n  c: 2\n  c: 3\na: 4\n")
        #expect(result.diagnostics.map(\.keyPath) == ["b.c", "a"])
        #expect(result.diagnostics[0].location?.line == 4)
        #expect(result.diagnostics[0].notes[0].location?.line == 3)
        #expect(result.diagnostics[1].message == "duplicate key `a` (first defined on line 1)")
        // The first value stays.
        #expect(result.root?["a"]?.scalar?.value == .int(1))
    }

    @Test("a second document is an error; an explicit `---` before the first is fine")
    func documents() {
        #expect(parse("---\na: 1\n").diagnostics.isEmpty)
        #expect(parse("---\na: 1\n...\n").diagnostics.isEmpty)
        let result = parse("a: 1\n---\nb: 2\n")
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics[0].location?.line == 2)
    }

    @Test("an empty stream has no root")
    func empty() {
        let result = parse("# only a comment\n")
        #expect(result.isEmpty)
        #expect(result.root == nil)
        #expect(result.diagnostics.isEmpty)
    }

    @Test("libyaml's syntax errors are located 1-based")
    func syntaxError() {
        let result = parse("a: [1, 2\nb: 3\n")
        #expect(result.root == nil)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics[0].message.hasPrefix("YAML syntax: "))
        #expect(
            result.diagnostics[0].notes.contains {
                $0.location == SourceLocation(file: "t.yaml", line: 1, column: 4)
            })
    }

    @Test("tabs in indentation get their own message, one per line")
    func tabs() {
        let result = parse("a:\n\tb: 1\n\tc: 2\n")
        #expect(
            result.diagnostics.map(\.message) == [
                "tab character in indentation", "tab character in indentation",
            ])
        #expect(result.diagnostics.map { $0.location?.line } == [2, 3])
        // A tab inside a value is fine.
        #expect(parse("a: \"x\ty\"\n").diagnostics.isEmpty)
    }

    @Test("invalid UTF-8 is reported, not crashed on")
    func invalidUTF8() {
        let text = String(decoding: [0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x0A], as: UTF8.self)
        let result = parse(text)
        #expect(result.root?["a"] != nil || !result.diagnostics.isEmpty)
    }
}
