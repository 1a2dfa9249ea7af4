import Foundation
import Testing

@testable import Spec

/// Whether `python3` with `jsonschema` is on this machine (CI installs it).
let pythonWithJSONSchema: Bool = {
    let process = Process()
    process.executableURL = URL(filePath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import jsonschema"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    } catch {
        return false
    }
}()

/// The JSON Schema (`layerwise schema`, checked by Python's reference `jsonschema`) and the
/// loader (`layerwise validate`) judge the same specs alike, except where JSON Schema cannot
/// state the rule. Each spec is read by the loader's own YAML parser, so YAML 1.1 readings
/// (`yes` as a boolean, `1_000` as a number) do not blur the comparison.
@Suite(.enabled(if: pythonWithJSONSchema, "needs python3 with jsonschema"))
struct SchemaAgreementTests {
    /// The rules a draft-07 schema cannot state, by fixture: the loader rejects these and the
    /// schema accepts them.
    static let inexpressible: [String: String] = [
        "advisor_epochs_inverted": "one value compared with another (minimum <= maximum)",
        "data_path_not_found": "a file on disk",
        "split_sums_to_one": "a sum of two values",
        "target_in_ignore": "one value found in another's list",
        "template_path_not_found": "a file on disk",
        "unknown_template": "the templates in a folder",
        "tune_space_unknown_key": "a mapping's keys drawn from a list (the tunable keys)",
        "tune_space_empty_range": "one value compared with another (low <= high)",
        "tune_space_fixed_key": "a key that another section fixes",
        "tune_space_bad_values": "each value checked by the key it tunes",
        "tune_space_bad_encoding": "each value checked by the key it tunes",
        "tune_metric_for_task": "one key's value against another's (metric and task)",
        "tune_direction_contradicts_metric": "one key's value against another's (direction and metric)",
    ]

    /// Broken and fine specs beyond the fixture corpus, for the rules the schema states.
    static let inline: [(name: String, text: String)] =
        [
            ("empty_values_mean_defaults", "early_stopping:\noptimizer:\n"),
            ("empty_regularization_entry", "regularization: {l1: 0.001, l2: }\n"),
            ("empty_clipping_entry", "gradient_clipping: {clipnorm: 1.0, clipvalue: }\n"),
            ("clipping_all_empty", "gradient_clipping: {clipnorm: }\n"),
            (
                "three_clipping_kinds",
                "gradient_clipping: {clipnorm: 1, global_clipnorm: 1, clipvalue: 1}\n"
            ),
            ("nesterov_with_momentum", "optimizer: {name: sgd, momentum: 0.9, nesterov: true}\n"),
            ("nesterov_without_momentum_key", "optimizer: {name: sgd, nesterov: true}\n"),
            ("one_cycle_with_max_rate", "schedule: {name: one_cycle, max_rate: 0.01}\n"),
            ("bare_one_cycle", "schedule: one_cycle\n"),
            ("early_stopping_off_without_validation", "early_stopping: false\n"),
        ].map { name, training in
            (
                name,
                "data: {path: data.csv, target: y, split: {validation: \(name.contains("without_validation") ? "0" : "0.2")}}\n"
                    + "training:\n"
                    + training.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
                    + "\n"
            )
        }
        + [
            (
                "neurons_match_hidden_layers",
                "data: {path: data.csv, target: y}\nmodel: {hidden_layers: 2, neurons: [8, 4]}\n"
            ),
            (
                "neurons_longer_than_hidden_layers",
                "data: {path: data.csv, target: y}\nmodel: {hidden_layers: 1, neurons: [8, 4]}\n"
            ),
            (
                "class_weights_none_for_regression",
                "data: {path: data.csv, target: y}\ntask: regression\n"
                    + "training: {class_weights: none}\n"
            ),
        ]

    @Test("schema and loader agree on every spec of the corpus where the schema can state the rule")
    func schemaAndLoaderAgree() throws {
        let folder = FileManager.default.temporaryDirectory.appending(
            path: "schema-agreement-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "x,y\n1,2\n".write(
            to: folder.appending(path: "data.csv"), atomically: true, encoding: .utf8)

        // name -> (loader accepts, JSON text) for every spec that parses as YAML.
        var loaderVerdicts: [String: Bool] = [:]
        var cases: [(name: String, text: String, baseDirectory: String, display: String)] = []
        for kind in ["invalid", "valid"] {
            let directory = fixtures.appending(path: kind)
            for file in try FileManager.default.contentsOfDirectory(atPath: directory.path())
            where file.hasSuffix(".yaml") {
                let text = try String(contentsOf: directory.appending(path: file), encoding: .utf8)
                cases.append((String(file.dropLast(5)), text, directory.path(), "\(kind)/\(file)"))
            }
        }
        for (name, text) in Self.inline {
            cases.append((name, text, folder.path(), name + ".yaml"))
        }

        for entry in cases {
            let parsed = YAMLParser().parse(entry.text, file: entry.display)
            guard parsed.diagnostics.allSatisfy({ $0.severity != .error }), let root = parsed.root
            else { continue }  // A YAML error: there is no document for a schema to check.
            let result = fixtureLoader.check(
                text: entry.text, path: entry.display, baseDirectory: entry.baseDirectory)
            loaderVerdicts[entry.name] = !result.diagnostics.contains { $0.severity == .error }
            try (Self.json(root).serialized() + "\n").write(
                to: folder.appending(path: entry.name + ".json"), atomically: true,
                encoding: .utf8)
        }
        #expect(loaderVerdicts.count >= 50, "the corpus shrank: \(loaderVerdicts.count) specs")

        let schemaPath = folder.appending(path: "schema.json")
        try JSONSchemaWriter().document().write(to: schemaPath, atomically: true, encoding: .utf8)
        let schemaVerdicts = try Self.jsonSchemaVerdicts(
            schema: schemaPath,
            documents: loaderVerdicts.keys.sorted().map {
                folder.appending(path: $0 + ".json")
            })

        for (name, loaderAccepts) in loaderVerdicts.sorted(by: { $0.key < $1.key }) {
            guard let schemaAccepts = schemaVerdicts[name] else {
                Issue.record("no schema verdict for \(name)")
                continue
            }
            if let reason = Self.inexpressible[name] {
                #expect(
                    !loaderAccepts && schemaAccepts,
                    "\(name) is listed as inexpressible (\(reason)); update the list")
            } else {
                #expect(
                    schemaAccepts == loaderAccepts,
                    "\(name): the loader \(loaderAccepts ? "accepts" : "rejects") it, the schema \(schemaAccepts ? "accepts" : "rejects") it"
                )
            }
        }
        // The inline cases hold both verdicts for the rules they probe.
        #expect(loaderVerdicts["empty_values_mean_defaults"] == true)
        #expect(loaderVerdicts["three_clipping_kinds"] == false)
        #expect(loaderVerdicts["nesterov_without_momentum_key"] == false)
        #expect(loaderVerdicts["bare_one_cycle"] == false)
        #expect(loaderVerdicts["neurons_longer_than_hidden_layers"] == false)
        #expect(loaderVerdicts["neurons_match_hidden_layers"] == true)
    }

    /// The document as JSON, scalars typed as the loader's YAML 1.2 core schema types them.
    static func json(_ node: YAMLNode) -> JSONValue {
        switch node.content {
        case .scalar(let scalar):
            switch scalar.value {
            case .null: return .null
            case .bool(let flag): return .bool(flag)
            case .int(let number): return .int(number)
            case .float(let number): return number.isFinite ? .number(number) : .string(scalar.text)
            case .string(let text): return .string(text)
            }
        case .sequence(let items): return .array(items.map(json))
        case .mapping(let entries):
            return .object(entries.map { .init($0.key.scalar?.text ?? "", json($0.value)) })
        }
    }

    /// Each document's verdict from Python's `jsonschema` (Draft 7), by file base name.
    static func jsonSchemaVerdicts(schema: URL, documents: [URL]) throws -> [String: Bool] {
        let script = """
            import json, sys, os, jsonschema
            validator = jsonschema.Draft7Validator(json.load(open(sys.argv[1])))
            for path in sys.argv[2:]:
                errors = list(validator.iter_errors(json.load(open(path))))
                name = os.path.basename(path)[:-5]
                print(name, "accepts" if not errors else "rejects")
            """
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, schema.path()] + documents.map { $0.path() }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        var verdicts: [String: Bool] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { verdicts[String(parts[0])] = parts[1] == "accepts" }
        }
        return verdicts
    }
}
