import Foundation
import Testing

@testable import Spec

@Suite("Schema outputs")
struct SchemaOutputTests {
    @Test("docs/spec.md is generated from the schema and current")
    func referenceIsCurrent() throws {
        let file = repositoryRoot.appending(path: "docs/spec.md")
        let current = try String(contentsOf: file, encoding: .utf8)
        #expect(
            current == SpecReferenceWriter().document(),
            "docs/spec.md is stale: run `swift run layerwise schema --format markdown -o docs/spec.md`"
        )
    }

    @Test("docs/spec.schema.json is generated from the schema and current")
    func jsonSchemaIsCurrent() throws {
        let file = repositoryRoot.appending(path: "docs/spec.schema.json")
        let current = try String(contentsOf: file, encoding: .utf8)
        #expect(
            current == JSONSchemaWriter().document(),
            "docs/spec.schema.json is stale: run `swift run layerwise schema -o docs/spec.schema.json`"
        )
    }

    @Test("the JSON Schema is valid JSON and describes every top-level key")
    func jsonSchema() throws {
        let data = Data(JSONSchemaWriter().document().utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["$schema"] as? String == "http://json-schema.org/draft-07/schema#")
        #expect(object["required"] as? [String] == ["data"])
        let properties = try #require(object["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(SpecSchema.rootKeys.map(\.name)))
        let training = try #require(properties["training"] as? [String: Any])
        let trainingProperties = try #require(training["properties"] as? [String: Any])
        let epochs = try #require(trainingProperties["epochs"] as? [String: Any])
        #expect(epochs["default"] as? String == "auto")
        let alternatives = try #require(epochs["anyOf"] as? [[String: Any]])
        #expect(alternatives.first?["type"] as? String == "integer")
        #expect(alternatives.first?["minimum"] as? Int == 1)
    }

    @Test("the reference documents every key of every section")
    func referenceCoversKeys() {
        let document = SpecReferenceWriter().document()
        for keys in [
            SpecSchema.rootKeys, SpecSchema.dataKeys, SpecSchema.splitKeys, SpecSchema.modelKeys,
            SpecSchema.trainingKeys, SpecSchema.advisorKeys, SpecSchema.earlyStoppingKeys,
        ] {
            for key in keys { #expect(document.contains("| `\(key.name)` |"), "\(key.name)") }
        }
    }

    @Test("model defaults and schema defaults agree")
    func defaultsAgree() {
        func defaultOf(_ keys: [SchemaKey], _ name: String) -> JSONValue? {
            guard case .value(let value)? = keys.first(where: { $0.name == name })?.defaultValue
            else { return nil }
            return value
        }
        #expect(defaultOf(SpecSchema.splitKeys, "validation") == .number(SplitSection().validation))
        #expect(defaultOf(SpecSchema.trainingKeys, "seed") == .int(Int(TrainingSection().seed)))
        #expect(
            defaultOf(SpecSchema.earlyStoppingKeys, "patience")
                == .int(EarlyStoppingConfig().patience))
        #expect(
            defaultOf(SpecSchema.advisorKeys, "target_steps") == .int(AdvisorSettings().targetSteps)
        )
    }
}

@Suite("Diagnostics")
struct DiagnosticTests {
    @Test("edit distance counts transpositions as one edit")
    func editDistance() {
        #expect(Suggestion.editDistance("epochs", "epcohs") == 1)
        #expect(Suggestion.editDistance("relu", "rleu") == 1)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
        #expect(Suggestion.editDistance("", "abc") == 3)
        #expect(Suggestion.closest(to: "epocs", in: ["epochs", "seed"]) == "epochs")
        #expect(Suggestion.closest(to: "Epochs", in: ["epochs", "seed"]) == "epochs")
        // Far from everything: no suggestion.
        #expect(Suggestion.closest(to: "colour", in: ["path", "target", "ignore"]) == nil)
        #expect(Suggestion.closest(to: "ab", in: ["xy"]) == nil)
    }

    @Test("the renderer puts the caret under the column, through tabs, and underlines the token")
    func caret() {
        let diagnostic = Diagnostic(
            .error, at: SourceLocation(file: "f.yaml", line: 2, column: 3), length: 4,
            keyPath: "a.b", "bad",
            notes: [.help("fix it")])
        let rendered = DiagnosticRenderer(colored: false).render(
            diagnostic, source: "a:\n\tbcde: 1\n")
        #expect(
            rendered == """
                f.yaml:2:3: error: a.b: bad
                2 |     bcde: 1
                  |      ^~~~
                  = help: fix it

                """)
        let colored = DiagnosticRenderer(colored: true).render(
            diagnostic, source: "a:\n\tbcde: 1\n")
        #expect(colored.contains("\u{1B}[31m"))
    }

    @Test("JSON output is flat: file, line, column, severity, keyPath, message, notes")
    func json() throws {
        let diagnostic = Diagnostic(
            .warning, at: SourceLocation(file: "s.yaml", line: 3, column: 5),
            keyPath: "model.dropout",
            "too high",
            notes: [.note("first", at: SourceLocation(file: "s.yaml", line: 1, column: 1))])
        let data = try JSONEncoder().encode(diagnostic)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["file"] as? String == "s.yaml")
        #expect(object["line"] as? Int == 3)
        #expect(object["column"] as? Int == 5)
        #expect(object["severity"] as? String == "warning")
        #expect(object["keyPath"] as? String == "model.dropout")
        #expect(object["message"] as? String == "too high")
        let notes = try #require(object["notes"] as? [[String: Any]])
        #expect(notes.first?["kind"] as? String == "note")
        #expect(notes.first?["line"] as? Int == 1)
        #expect(try JSONDecoder().decode(Diagnostic.self, from: data) == diagnostic)
    }
}
