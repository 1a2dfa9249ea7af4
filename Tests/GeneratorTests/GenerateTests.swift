import Foundation
import Spec
import Testing

@testable import Generator

/// The bundled templates, each on the in-code configs for its task.
let templateCases: [(template: String, config: String)] = [
    ("mlp-classifier", "classification"),
    ("mlp-regressor", "regression"),
    ("deep-mlp", "classification"), ("deep-mlp", "regression"),
    ("wide-shallow", "classification"), ("wide-shallow", "regression"),
]

func exampleConfig(_ name: String) -> (spec: NetworkSpec, annotations: [String: String]) {
    name == "classification" ? ExampleConfigs.classification : ExampleConfigs.regression
}

@Suite struct GenerateTests {
    let catalog: TemplateCatalog

    init() throws { catalog = try TemplateCatalog() }

    @Test(arguments: templateCases.map { "\($0.template)|\($0.config)" })
    func everyValueLineCarriesItsReason(_ pair: String) throws {
        let parts = pair.split(separator: "|").map(String.init)
        let (spec, annotations) = exampleConfig(parts[1])
        let text = try generate(
            spec: spec, annotations: annotations, template: catalog.template(named: parts[0]))
        let config = RenderedConfig(text)
        #expect(
            config.malformed.isEmpty,
            "lines that are neither keys nor commented values: \(config.malformed)")
        for path in config.order {
            let value = config.values[path]!
            let comment = try #require(value.comment, "line \(value.line) (\(path)) has no comment")
            #expect(comment.hasPrefix("# ") && comment.count > 2, "line \(value.line): \(comment)")
        }
        // Every layer and every hyperparameter is present.
        let layerCount = spec.model.layers!.count
        #expect(config.order.contains { $0.hasPrefix("model.layers[\(layerCount - 1)]") })
        #expect(!config.order.contains { $0.hasPrefix("model.layers[\(layerCount)]") })
        for key in [
            "loss", "learning_rate", "batch_size", "epochs", "weight_decay", "class_weights",
            "shuffle",
            "seed", "optimizer.name", "schedule.name", "schedule.warmup_epochs",
        ] {
            #expect(config.values["training.\(key)"] != nil, "training.\(key) missing")
        }
        #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"))
    }

    @Test func classificationReadsBackAsTheNetworkChosen() throws {
        let (spec, annotations) = ExampleConfigs.classification
        let text = try generate(
            spec: spec, annotations: annotations,
            template: catalog.template(named: "mlp-classifier"))
        let config = RenderedConfig(text)
        let expected: [String: (String, String)] = [
            "version": ("1", "set in spec"),
            "name": ("iris", "set in spec"),
            "data.features": (
                "[sepal_length, sepal_width, petal_length, petal_width]", "set in spec"
            ),
            "data.missing_values": (#"["", NA, N/A, NaN, "null", "?"]"#, "set in spec"),
            "data.split.stratify": ("true", "classification: keep class proportions"),
            "task": ("classification", "ACT-OUTPUT-MULTICLASS: the target has 3 classes"),
            "model.neurons": ("[8, 6]", "SIZE-GEOMETRIC: sqrt(Ni*No) = 3.46, SIZE-TAPER"),
            "model.activation": (
                "{name: leaky_relu, slope: 0.01}", "ACT-HIDDEN-BETTER: set in spec"
            ),
            "model.layers[0].dense.units": ("8", "SIZE-GEOMETRIC: sqrt(Ni*No) = 3.46"),
            "model.layers[0].dense.bias": ("false", "BN-PLACEMENT: batch norm supplies the shift"),
            "model.layers[0].dense.max_norm": ("3.0", "OVERFIT-RECIPE-MLP: max-norm with dropout"),
            // A layer-level annotation covers the layer's fields.
            "model.layers[1].batch_norm.momentum": (
                "0.1", "BN-PLACEMENT: before a ReLU-family activation"
            ),
            "model.layers[1].batch_norm.epsilon": (
                "1.0e-5", "BN-PLACEMENT: before a ReLU-family activation"
            ),
            "model.layers[2].activation": (
                "{name: leaky_relu, slope: 0.01}", "ACT-HIDDEN-BETTER: set in spec"
            ),
            "model.layers[3].dropout": ("0.2", "REG-DROPOUT: parameters exceed Ns"),
            "model.layers[8].dense.units": ("3", "ACT-OUTPUT-MULTICLASS: one unit per class"),
            "model.layers[9].activation": ("softmax", "ACT-OUTPUT-MULTICLASS: softmax"),
            // A setting's annotation covers its parameters.
            "training.optimizer.name": ("adam", "OPT-DEFAULT: Adam, PyTorch defaults"),
            "training.optimizer.epsilon": ("1.0e-8", "OPT-DEFAULT: Adam, PyTorch defaults"),
            "training.learning_rate": (
                "auto", "LR-RANGE-TEST: chosen by the range test before training"
            ),
            "training.early_stopping.min_delta": (
                "0.0001", "EARLY-STOP: proposed patience 10, min_delta 1e-4"
            ),
            "training.regularization.l2": ("0.0001", "REG-L2-RANGE: 1e-6..1e-2"),
            "training.regularization.max_norm": (
                "3.0", "OVERFIT-RECIPE-MLP: max-norm with dropout"
            ),
            "training.gradient_clipping.clipnorm": ("1.0", "CLIP-DEFAULTS: clipnorm 1.0"),
            "training.schedule.min_rate": ("1.0e-5", "set in spec"),
            "training.schedule.warmup_epochs": ("2", "set in spec"),
            "training.class_weights": ("balanced", "DIAG-CONTRADICTION: imbalanced classes"),
            "training.seed": ("7", "set in spec"),
            "advisor.capacity_alpha": ("5.0", "set in spec"),
        ]
        for (path, (value, why)) in expected {
            let found = try #require(config.values[path], "\(path) missing")
            #expect(found.text == value, "\(path)")
            #expect(found.comment == "# \(why)", "\(path)")
        }
        // The layers in order: kinds read back from the text.
        let kinds = (0..<10).map { index in
            ["dense", "batch_norm", "activation", "dropout"].first { kind in
                config.order.contains {
                    $0 == "model.layers[\(index)].\(kind)"
                        || $0.hasPrefix("model.layers[\(index)].\(kind).")
                }
            }
        }
        #expect(kinds == spec.model.layers!.map(\.kindName))
        #expect(config.values["data.id_column"] == nil && config.values["data.delimiter"] == nil)
        // Comments line up in one column on ordinary lines.
        let columns = Set(
            text.split(separator: "\n").compactMap { line -> Int? in
                let (code, comment) = CommentAligner.splitComment(String(line))
                guard comment != nil, code.count <= CommentAligner.maximumColumn else { return nil }
                return line.count - comment!.count
            })
        #expect(columns.count == 1)
    }

    @Test func regressionReadsBackWithOffSettingsAndQuotedLabels() throws {
        let (spec, annotations) = ExampleConfigs.regression
        let text = try generate(
            spec: spec, annotations: annotations, template: catalog.template(named: "mlp-regressor")
        )
        let config = RenderedConfig(text)
        let expected: [String: String] = [
            "name": #""diabetes: baseline""#,
            "data.ignore": #"[row id, "null"]"#,
            "data.categorical": #"[sex, "yes", "1990"]"#,
            "data.id_column": "patient",
            "data.delimiter": #"";""#,
            "data.missing_values": #"["", NA, "?", "-"]"#,
            "training.loss": "{name: huber, delta: 1.0}",
            "training.optimizer.momentum": "0.9",
            "training.optimizer.nesterov": "true",
            "training.learning_rate": "0.01",
            "training.early_stopping": "false",
            "training.regularization": "none",
            "training.gradient_clipping": "none",
            "training.weight_decay": "1.0e-5",
            "training.schedule.step_size": "50",
            "training.schedule.gamma": "0.5",
            "training.class_weights": "none",
            "training.shuffle": "false",
            "model.layers[3].activation": "linear",
        ]
        for (path, value) in expected {
            #expect(
                config.values[path]?.text == value,
                "\(path): \(String(describing: config.values[path]))")
        }
        // A multi-line reason becomes one comment line.
        #expect(
            config.values["training.loss"]?.comment
                == "# ACT-OUTPUT-REGRESSION: Huber for outliers (set in spec)")
        #expect(config.values["advisor.capacity_alpha"] == nil && !text.contains("advisor:"))
    }

    @Test(arguments: templateCases.map { "\($0.template)|\($0.config)" })
    func matchesGoldenFile(_ pair: String) throws {
        let parts = pair.split(separator: "|").map(String.init)
        let (spec, annotations) = exampleConfig(parts[1])
        let text = try generate(
            spec: spec, annotations: annotations, template: catalog.template(named: parts[0]))
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/\(parts[0])-\(parts[1]).yaml")
        // Re-record: LAYERWISE_RECORD_GOLDEN=1 swift test --filter GeneratorTests
        if ProcessInfo.processInfo.environment["LAYERWISE_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(
            text == expected,
            "differs from \(golden.path); re-record with LAYERWISE_RECORD_GOLDEN=1")
    }

    @Test func templateForTheOtherTaskIsRefused() throws {
        let (spec, annotations) = ExampleConfigs.classification
        #expect(
            throws: GeneratorError.taskMismatch(
                template: "mlp-regressor", templateTask: "regression", specTask: "classification")
        ) {
            try generate(
                spec: spec, annotations: annotations,
                template: catalog.template(named: "mlp-regressor"))
        }
    }

    @Test func incompleteConfigNamesEveryAutoKey() throws {
        var (spec, annotations) = ExampleConfigs.classification
        spec.training.batchSize = .auto
        spec.model.dropout = .auto
        spec.model.layers = nil
        #expect(
            throws: GeneratorError.incompleteConfig(keyPaths: [
                "model.dropout", "model.layers", "training.batch_size",
            ])
        ) {
            try generate(
                spec: spec, annotations: annotations,
                template: catalog.template(named: "mlp-classifier"))
        }
    }

    @Test func viewModelHasExactlyTheSchemaShape() throws {
        for config in [ExampleConfigs.classification, ExampleConfigs.regression] {
            let view = try ConfigViewModel(spec: config.spec, annotations: config.annotations)
            var problems: [String] = []
            func compare(
                _ values: [String: ViewValue], _ nodes: [String: VariableSchema.Node],
                at path: String
            ) {
                for key in Set(values.keys).union(nodes.keys) {
                    guard let node = nodes[key] else {
                        problems.append("\(path)\(key): not in schema"); continue
                    }
                    guard let value = values[key] else {
                        problems.append("\(node.path): not in view"); continue
                    }
                    switch (value, node.kind) {
                    case (.text, .value): break
                    case (.absent, _) where node.optional: break
                    case (.mapping(let children), .mapping(let childNodes)):
                        compare(children, childNodes, at: node.path + ".")
                    case (.list(let items), .list(let item)):
                        for child in items { compare(child, item, at: node.path + "[].") }
                    default: problems.append("\(node.path): \(value) does not fit \(node.kind)")
                    }
                }
            }
            guard case .mapping(let root) = view.root else {
                Issue.record("root is not a mapping"); continue
            }
            compare(root, VariableSchema.standard.root, at: "")
            #expect(problems.isEmpty, "\(problems)")
        }
        #expect(ConfigViewModel.required.contains("model.layers[].dense.units"))
        #expect(ConfigViewModel.required.contains("training.batch_size_why"))
        #expect(!ConfigViewModel.required.contains("model.layers[].index"))
    }

    @Test func viewModelPathsAndReasons() throws {
        let (spec, annotations) = ExampleConfigs.classification
        let view = try ConfigViewModel(spec: spec, annotations: annotations)
        #expect(view.root["model.layers[0].dense.units"] == .text("8"))
        #expect(
            view.root["model.layers[0].dense.units_why"]
                == .text("SIZE-GEOMETRIC: sqrt(Ni*No) = 3.46"))
        #expect(view.root["model.layers[1].dense"] == .absent)
        #expect(view.root["training.early_stopping_off"] == .absent)
        #expect(view.root["data.id_column"] == .absent)
    }
}

/// The generated text is a spec: the loader reads it back into exactly the config generated.
@Suite struct GeneratedConfigLoadsTests {
    let catalog: TemplateCatalog

    init() throws { catalog = try TemplateCatalog() }

    @Test(arguments: templateCases.map { "\($0.template)|\($0.config)" })
    func loadsBackToTheSameNetwork(_ pair: String) throws {
        let parts = pair.split(separator: "|").map(String.init)
        let (spec, annotations) = exampleConfig(parts[1])
        let text = try generate(
            spec: spec, annotations: annotations, template: catalog.template(named: parts[0]))
        let specsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Specs")
        let loader = SpecLoader(templates: TemplateNames(names: catalog.entries.map(\.name)))
        let (loaded, diagnostics) = loader.check(
            text: text, path: "generated.yaml", baseDirectory: specsFolder.path)
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
        var expected = spec
        expected.sourcePath = loaded?.sourcePath
        expected.data.resolvedPath = loaded?.data.resolvedPath ?? ""
        #expect(loaded == expected)
        if let loaded, loaded != expected {
            #expect(loaded.model == expected.model)
            #expect(loaded.training == expected.training)
            #expect(loaded.data == expected.data)
            #expect(loaded.advisor == expected.advisor)
        }
    }
}
