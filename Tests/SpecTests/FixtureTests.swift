import Foundation
import Testing

@testable import Spec

/// The fixtures folder, found from this file so `swift test` works from a clean clone.
let fixtures = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "Fixtures")
let repositoryRoot = URL(filePath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A loader that knows the fixture templates (`mlp`, `residual`).
let fixtureLoader = SpecLoader(
    templates: TemplateNames(directory: fixtures.appending(path: "Templates").path()))

/// Loads a fixture with a display path relative to the fixtures folder, so messages are stable.
func checkFixture(
    _ relativePath: String
) throws -> (spec: NetworkSpec?, diagnostics: [Diagnostic], text: String) {
    let url = fixtures.appending(path: relativePath)
    let text = try String(contentsOf: url, encoding: .utf8)
    let result = fixtureLoader.check(
        text: text, path: relativePath, baseDirectory: url.deletingLastPathComponent().path())
    return (result.spec, result.diagnostics, text)
}

func loadFixture(_ relativePath: String) throws -> LoadedSpec {
    let url = fixtures.appending(path: relativePath)
    let text = try String(contentsOf: url, encoding: .utf8)
    return try fixtureLoader.load(
        text: text, path: relativePath, baseDirectory: url.deletingLastPathComponent().path())
}

let invalidFixtureNames: [String] = {
    let names =
        (try? FileManager.default.contentsOfDirectory(
            atPath: fixtures.appending(path: "invalid").path())) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
}()

@Suite("Invalid spec corpus")
struct InvalidCorpusTests {
    @Test("the corpus holds at least 30 broken specs, each with its expected diagnostics")
    func corpusSize() throws {
        #expect(invalidFixtureNames.count >= 30)
        for name in invalidFixtureNames {
            let expected = fixtures.appending(path: "invalid/\(name).expected")
            #expect(
                FileManager.default.fileExists(atPath: expected.path()), "missing \(name).expected")
        }
    }

    @Test("each broken spec gives exactly its expected diagnostics", arguments: invalidFixtureNames)
    func expectedDiagnostics(name: String) throws {
        let (spec, diagnostics, text) = try checkFixture("invalid/\(name).yaml")
        let rendered = DiagnosticRenderer(colored: false).render(diagnostics, source: text)
        let expected = try String(
            contentsOf: fixtures.appending(path: "invalid/\(name).expected"), encoding: .utf8)
        #expect(rendered == expected)
        #expect(diagnostics.contains { $0.severity == .error })
        // And loading throws, carrying the same diagnostics.
        let url = fixtures.appending(path: "invalid/\(name).yaml")
        #expect(throws: SpecLoadError.self) {
            try fixtureLoader.load(
                text: text, path: "invalid/\(name).yaml",
                baseDirectory: url.deletingLastPathComponent().path())
        }
        _ = spec
    }

    @Test("problems are reported all at once, in source order")
    func allAtOnce() throws {
        let (_, diagnostics, _) = try checkFixture("invalid/many_problems_at_once.yaml")
        #expect(diagnostics.count == 6)
        let keyPaths = diagnostics.compactMap(\.keyPath)
        #expect(
            keyPaths == [
                "data.split.test", "model.hidden_layers", "model.activation.slop",
                "training.batch_size",
                "training.early_stopping.patience", "training.shuffle",
            ])
        let lines = diagnostics.compactMap { $0.location?.line }
        #expect(lines == lines.sorted())
    }

    @Test("loading a missing file reports it without a location")
    func missingFile() {
        do {
            _ = try SpecLoader().load(path: "/nonexistent/spec.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics[0].location == nil)
            #expect(error.description == "/nonexistent/spec.yaml: error: no such file\n")
        }
    }
}

@Suite("Valid specs")
struct ValidSpecTests {
    @Test("a minimal spec gets every default")
    func minimal() throws {
        let loaded = try loadFixture("valid/minimal.yaml")
        let spec = loaded.spec
        #expect(loaded.warnings.isEmpty)
        #expect(spec.name == "minimal")
        #expect(spec.version == 1)
        #expect(spec.sourcePath == "valid/minimal.yaml")
        #expect(spec.data.path == "../data/tiny.csv")
        #expect(spec.data.resolvedPath.hasSuffix("Fixtures/data/tiny.csv"))
        #expect(FileManager.default.fileExists(atPath: spec.data.resolvedPath))
        #expect(spec.data.target == "label")
        #expect(spec.data.features == nil)
        #expect(spec.data.missingValues == DataSection.defaultMissingValues)
        #expect(spec.data.split == SplitSection())
        #expect(spec.task == .auto)
        #expect(spec.model == ModelSection())
        #expect(spec.training == TrainingSection())
        #expect(spec.advisor == AdvisorSettings())
        #expect(
            spec.location(of: "data.target")
                == SourceLocation(file: "valid/minimal.yaml", line: 3, column: 11))
    }

    @Test("a complete config loads to exactly what it says")
    func complete() throws {
        let spec = try loadFixture("valid/complete.yaml").spec
        #expect(spec.name == "tiny_complete")
        #expect(spec.data.features == ["b"])
        #expect(spec.data.categorical == ["b"])
        #expect(spec.data.idColumn == "a")
        #expect(spec.data.delimiter == ",")
        #expect(spec.data.missingValues == ["", "?", "null"])
        #expect(spec.data.split.validation == 0.2)
        #expect(spec.data.split.test == 0.1)
        #expect(spec.data.split.stratify == .fixed(false))
        #expect(spec.task == .fixed(.classification))
        #expect(spec.model.template == .fixed("mlp"))
        #expect(spec.model.hiddenLayers == .fixed(2))
        #expect(spec.model.neurons == .fixed(.widths([16, 8])))
        #expect(spec.model.activation == .fixed(.leakyReLU(slope: 0.1)))
        #expect(spec.model.batchNorm == .fixed(true))
        #expect(spec.model.dropout == .fixed(0.25))
        #expect(spec.model.initializer == .fixed(.heNormal))
        #expect(
            spec.model.layers == [
                .dense(DenseConfig(units: 16, initializer: .heNormal, bias: false, maxNorm: 3)),
                .batchNorm(momentum: 0.2, epsilon: 1e-3),
                .activation(.leakyReLU(slope: 0.1)),
                .dropout(rate: 0.25),
                // No initializer: INIT-BY-ACTIVATION from the next activation (SELU -> LeCun).
                .dense(DenseConfig(units: 8, initializer: .lecunNormal)),
                .batchNorm(momentum: 0.1, epsilon: 1e-5),
                .activation(.selu),
                // Softmax output: Glorot.
                .dense(DenseConfig(units: 2, initializer: .glorotUniform)),
                .activation(.softmax),
            ])
        let training = spec.training
        #expect(training.loss == .fixed(.crossEntropy))
        #expect(training.optimizer == .fixed(.sgd(momentum: 0.9, nesterov: true)))
        #expect(training.learningRate == .fixed(0.05))
        #expect(training.batchSize == .fixed(16))
        #expect(training.epochs == .fixed(120))
        #expect(
            training.earlyStopping
                == .fixed(EarlyStoppingConfig(patience: 7, minDelta: 1e-3, restoreBest: false)))
        #expect(training.regularization == .fixed(Regularization(penalty: .l2(1e-4), maxNorm: 4)))
        #expect(training.weightDecay == .fixed(0))
        #expect(training.gradientClipping == .fixed(.globalClipNorm(2.5)))
        #expect(
            training.schedule
                == .fixed(ScheduleConfig(kind: .step(stepSize: 5, gamma: 0.1), warmupEpochs: 2)))
        #expect(training.classWeights == .fixed(.explicit(["x": 1, "y": 2.5])))
        #expect(training.shuffle == false)
        #expect(training.seed == 123)
        var advisor = AdvisorSettings()
        advisor.capacityAlpha = 4
        advisor.minimumEpochs = 5
        advisor.earlyStoppingMinDelta = 0.001
        #expect(spec.advisor == advisor)
        #expect(spec.location(of: "model.layers[4].dense.units") != nil)
        #expect(spec.location(of: "training.optimizer.momentum")?.line == 35)
    }

    @Test("anchors, aliases and merge keys resolve; `false` and `none` turn things off")
    func anchors() throws {
        let spec = try loadFixture("valid/anchors.yaml").spec
        #expect(spec.model.activation == .fixed(.elu(alpha: 1)))
        #expect(spec.model.layers?[1] == .activation(.elu(alpha: 1)))
        #expect(spec.model.layers?[0] == .dense(DenseConfig(units: 4, initializer: .heUniform)))
        // The merged `epochs` comes in; the explicit `batch_size` wins over the merged one.
        #expect(spec.training.epochs == .fixed(30))
        #expect(spec.training.batchSize == .fixed(4))
        #expect(spec.training.optimizer == .fixed(.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-7)))
        #expect(spec.training.earlyStopping == .fixed(nil))
        #expect(spec.training.regularization == .fixed(.none))
        #expect(spec.training.gradientClipping == .fixed(.none))
        #expect(
            spec.training.schedule
                == .fixed(ScheduleConfig(kind: .oneCycle(maxRate: 0.1, pctStart: 0.3))))
    }

    @Test("a name alone gets PyTorch's default parameters", arguments: OptimizerConfig.defaults)
    func optimizerDefaults(expected: OptimizerConfig) throws {
        let text =
            "data: {path: tiny.csv, target: label}\ntraining: {optimizer: \(expected.name)}\n"
        let spec = try fixtureLoader.load(
            text: text, path: "inline.yaml", baseDirectory: fixtures.appending(path: "data").path()
        ).spec
        #expect(spec.training.optimizer == .fixed(expected))
    }

    @Test("activation names alone get their default parameters", arguments: ActivationFunction.all)
    func activationDefaults(expected: ActivationFunction) throws {
        let text = """
            data: {path: tiny.csv, target: label}
            model: {layers: [{dense: {units: 2}}, {activation: \(expected.name)}]}

            """
        let spec = try fixtureLoader.load(
            text: text, path: "inline.yaml", baseDirectory: fixtures.appending(path: "data").path()
        ).spec
        #expect(spec.model.layers?.last == .activation(expected))
    }

    @Test("warnings do not stop a spec from loading")
    func warnings() throws {
        let text = """
            data: {path: tiny.csv, target: a, split: {stratify: true}}
            task: regression

            """
        let loaded = try fixtureLoader.load(
            text: text, path: "inline.yaml", baseDirectory: fixtures.appending(path: "data").path())
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings[0].severity == .warning)
        #expect(loaded.warnings[0].keyPath == "data.split.stratify")
    }

    @Test(
        "the example specs in Specs/ validate cleanly",
        arguments: ["iris", "breast_cancer", "breast_cancer_custom", "penguins", "diabetes"])
    func examples(name: String) throws {
        let url = repositoryRoot.appending(path: "Specs/\(name).yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let loaded = try SpecLoader(
            templates: TemplateNames(directory: repositoryRoot.appending(path: "Templates").path())
        ).load(
            text: text, path: "Specs/\(name).yaml",
            baseDirectory: url.deletingLastPathComponent().path())
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.spec.name == name)
        #expect(FileManager.default.fileExists(atPath: loaded.spec.data.resolvedPath))
    }

    @Test("the breast cancer example fixes the choices it shows")
    func breastCancer() throws {
        let url = repositoryRoot.appending(path: "Specs/breast_cancer_custom.yaml")
        let spec = try SpecLoader().load(path: url.path()).spec
        #expect(spec.data.target == "diagnosis")
        #expect(spec.model.neurons == .fixed(.widths([32, 16])))
        #expect(spec.training.optimizer == .fixed(.adamw(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)))
        #expect(spec.training.learningRate == .auto)
        #expect(
            spec.training.schedule
                == .fixed(ScheduleConfig(kind: .cosine(minimumRate: 0), warmupEpochs: 3)))
        #expect(spec.training.classWeights == .fixed(.balanced))
    }

    @Test("loading many times in a row gives the same spec")
    func repeatedLoads() throws {
        let first = try loadFixture("valid/complete.yaml").spec
        for _ in 0..<200 {
            #expect(try loadFixture("valid/complete.yaml").spec == first)
            _ = try checkFixture("invalid/yaml_unclosed_quote.yaml")
        }
    }
}
