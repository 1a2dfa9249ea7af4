import Testing

@testable import Spec

/// The red-team's crashes (issue 12): specs that overflowed the stack or named the wrong limit.
@Suite("Spec size and nesting limits")
struct LimitTests {
    private func check(_ text: String) -> [Diagnostic] {
        SpecLoader(templateNames: []).check(text: text, path: "deep.yaml").diagnostics
    }

    @Test(
        "6,100 nested flow collections are a located error at the 257th level",
        arguments: ["[", "{a: "])
    func deepFlow(opener: String) {
        let text = "model: " + String(repeating: opener, count: 6_100) + "\n"
        let diagnostics = check(text)
        let depth = diagnostics.filter { $0.message.contains("nest deeper than 256 levels") }
        #expect(depth.count == 1)
        // The 257th collection: the mapping at column 1 is the first level.
        #expect(depth.first?.location?.line == 1)
        #expect(depth.first?.location?.column == 8 + 255 * opener.count)
    }

    @Test("2,800 nested block mappings are a located error at the line crossing the limit")
    func deepBlock() {
        var text = ""
        for level in 0..<2_800 {
            text += String(repeating: " ", count: 2 * level) + "a:\n"
        }
        text += String(repeating: " ", count: 5_600) + "b: 1\n"
        let diagnostics = check(text)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message == "lists and mappings nest deeper than 256 levels here")
        // The root mapping starts on line 1; the mapping of level k starts on line k.
        #expect(diagnostics.first?.location?.line == 257)
    }

    @Test("256 levels are allowed: the limit is not off by one")
    func atTheLimit() {
        // The root mapping is level 1; 255 lists inside it make 256.
        let text =
            "x-deep: " + String(repeating: "[", count: 255) + String(repeating: "]", count: 255)
            + "\n"
        let result = YAMLParser().parse(text, file: "t.yaml")
        #expect(result.diagnostics.isEmpty)
        #expect(result.root != nil)
        let deeper =
            "x-deep: " + String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
            + "\n"
        #expect(YAMLParser().parse(deeper, file: "t.yaml").diagnostics.count == 1)
    }

    @Test("aliases chained through anchors cannot build a tree deeper than the limit")
    func chainedAliases() {
        var text = "x-0: &a0 [1]\n"
        for level in 1...600 { text += "x-\(level): &a\(level) [*a\(level - 1)]\n" }
        let result = YAMLParser().parse(text, file: "chain.yaml")
        #expect(result.root == nil)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.message.contains("deeper than 256 levels") == true)
        // x-k's list is level 2 and its alias brings k more levels: x-254 reaches 256, x-255
        // (line 256) goes past.
        #expect(result.diagnostics.first?.location?.line == 256)
    }

    @Test("a plain 150,000-item list names the node limit, not aliases")
    func hugeList() {
        let text = "x-big: [" + Array(repeating: "1", count: 150_000).joined(separator: ",") + "]\n"
        let diagnostics = check(text)
        #expect(diagnostics.count == 1)
        #expect(
            diagnostics.first?.message
                == "the document has more than 100000 values (scalars, lists and mappings)")
        #expect(diagnostics.first?.message.contains("alias") == false)
    }

    @Test("a located error on a 6,000-character line shows a window around the caret")
    func longLineSnippet() throws {
        let text = "model: " + String(repeating: "[", count: 6_100) + "\n"
        let diagnostics = check(text)
        let rendered = DiagnosticRenderer(colored: false).render(diagnostics, source: text)
        let lines = rendered.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= DiagnosticRenderer.snippetWidth + 10 })
        let source = try #require(lines.first { $0.hasPrefix("1 |") })
        let caret = try #require(lines.first { $0.contains("^") })
        // The caret stands under a `[` of the echoed window, ellipses on both sides.
        #expect(source.hasPrefix("1 | …") && source.hasSuffix("…"))
        let column = try #require(caret.firstIndex(of: "^")).utf16Offset(in: caret)
        #expect(Array(source)[column] == "[")
    }

    @Test("sizes past the stated limits are located errors, before any design")
    func sizeBounds() {
        let text = """
            data: {path: d.csv, target: y}
            model:
              neurons: 1000000000000
              hidden_layers: 100000
              layers:
                - dense: {units: 4611686018427387904}
            training:
              batch_size: 2000000
              epochs: 100000000
            """
        // The data file does not exist; only the sizes matter here.
        let diagnostics = check(text + "\n").filter { $0.keyPath != "data.path" }
        #expect(
            diagnostics.map(\.message) == [
                "expected 1 <= neurons <= 65536, found 1000000000000",
                "expected 0 <= hidden_layers <= 64, found 100000",
                "expected 1 <= units <= 65536, found 4611686018427387904",
                "expected 1 <= batch_size <= 1048576, found 2000000",
                "expected 1 <= epochs <= 1000000, found 100000000",
            ])
        #expect(diagnostics.map { $0.location?.line } == [3, 4, 6, 8, 9])
    }

    @Test("lists past their item limits are errors at the list")
    func listBounds() {
        let widths = Array(repeating: "8", count: 65).joined(separator: ", ")
        let layers = String(repeating: "    - activation: relu\n", count: 513)
        let text =
            "data: {path: d.csv, target: y}\nmodel:\n  neurons: [\(widths)]\n  layers:\n"
            + layers
        let diagnostics = check(text).filter { $0.keyPath != "data.path" }
        #expect(
            diagnostics.map(\.message) == [
                "`neurons` has 65 items; at most 64 are allowed",
                "`layers` has 513 items; at most 512 are allowed",
            ])
        #expect(diagnostics.map(\.keyPath) == ["model.neurons", "model.layers"])
    }
}

/// `training.ensemble`: 1 to 20 members or `auto`, located when out of range.
@Suite struct EnsembleKeyTests {
    private func check(_ text: String) -> [Diagnostic] {
        SpecLoader(templateNames: []).check(text: text, path: "spec.yaml").diagnostics
    }

    private let head = "name: x\ndata: {path: d.csv, target: y}\ntraining:\n  ensemble: "

    @Test(arguments: ["0", "21", "2.5", "many"])
    func outOfRangeIsALocatedError(value: String) {
        let diagnostics = check(head + value + "\n").filter {
            $0.keyPath == "training.ensemble"
        }
        #expect(diagnostics.count == 1, "\(diagnostics)")
        #expect(diagnostics.first?.location?.line == 4)
        #expect(diagnostics.first?.location?.column == 13)
    }

    @Test(arguments: [("1", Setting<Int>.fixed(1)), ("20", .fixed(20)), ("auto", .auto)])
    func withinRangeIsKept(value: String, setting: Setting<Int>) throws {
        let result = SpecLoader(templateNames: []).check(text: head + value + "\n", path: "s.yaml")
        #expect(!result.diagnostics.contains { $0.keyPath == "training.ensemble" })
        #expect(result.spec?.training.ensemble == setting)
    }
}
