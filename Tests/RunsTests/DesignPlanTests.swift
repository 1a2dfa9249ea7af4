import Advisor
import Dataset
import Foundation
import Generator
import Spec
import TestSupport
import Testing

@testable import Runs

/// The repository's folders, found from this file.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static func spec(_ name: String) -> String {
        root.appendingPathComponent("Specs/\(name).yaml").path
    }
    static var specs: String { root.appendingPathComponent("Specs").path }
}

func temporaryFolder() throws -> URL {
    try ScratchFolders.make("design")
}

/// The four bundled specs through the whole pipeline: spec, data, profile, template, advice,
/// rendering and re-parsing.
@Suite struct DesignPlanTests {
    let catalog: TemplateCatalog

    init() throws { catalog = try TemplateCatalog() }

    /// The design of a bundled spec; `numericEncoding` overrides `data.numeric_encoding`
    /// (default `standard`: these tests check the sizing rules on the bundled columns, which
    /// ENC-NUMERIC-PLE's bins would widen; nil leaves the spec's `auto`).
    func plan(
        _ name: String, template: String? = nil, numericEncoding: String? = "standard"
    ) throws -> DesignPlan {
        try DesignPlan(
            specPath: Repository.spec(name), catalog: catalog, template: template,
            overrides: numericEncoding.map {
                [try SpecOverride(parsing: "data.numeric_encoding=\($0)")]
            } ?? [])
    }

    @Test func irisWithAutoGetsBinsAndTheConfigFixesThem() throws {
        let plan = try plan("iris", numericEncoding: nil)
        let choice = try #require(plan.summary.numericEncoding)
        // Petal length and width act through thresholds: a ridge model scores far higher on
        // the bins, and all four columns get them.
        #expect(choice.encoding == .piecewiseLinear)
        #expect(choice.binnableColumns == 4)
        #expect(try #require(choice.binnedScore) > #require(choice.standardScore))
        #expect(plan.summary.inputs == plan.data.encoding.networkInputWidth)
        #expect(plan.summary.inputs > 4 * 4)
        #expect(plan.recommendation.config.data.numericEncoding == .fixed(.piecewiseLinear))
        let reason = try #require(
            plan.recommendation.choices.first { $0.keyPath == "data.numeric_encoding" })
        #expect(reason.source == .rule)
        #expect(reason.why.contains("with bins"), "\(reason.why)")
        #expect(TextReport.render(plan.recommendation).contains("(ENC-NUMERIC-PLE)"))
    }

    @Test func irisIsASmallMulticlassNetwork() throws {
        let plan = try plan("iris")
        let data = plan.summary
        #expect(data.task == .classification && data.inputs == 4 && data.outputs == 3)
        #expect((100...106).contains(data.trainingRows))  // 70% of 150, stratified
        #expect(data.classCounts.count == 3)
        let recommendation = plan.recommendation
        // Not separable (versicolor/virginica overlap): one hidden layer, SIZE-FLOOR's 128.
        #expect(data.linearProbe.separable == false)
        #expect(recommendation.hiddenWidths == [128])
        #expect(
            recommendation.diagram.hasPrefix("4 -> ")
                && recommendation.diagram.hasSuffix("-> 3 (softmax)"))
        #expect(
            plan.preferences.source == "mlp-classifier" && plan.template.name == "mlp-classifier")
        #expect(recommendation.config.model.template == .fixed("mlp-classifier"))
        #expect(recommendation.config.training.loss == .fixed(.crossEntropy))
        // Parameters of 4 -> h -> 3: weights and biases.
        let h = recommendation.hiddenWidths[0]
        #expect(recommendation.parameterCount == 4 * h + h + h * 3 + 3)
        #expect(plan.warnings.isEmpty)
    }

    @Test func breastCancerKeepsTheUsersNetworkAndLocatesTheWarning() throws {
        let plan = try plan("breast_cancer_custom")
        let data = plan.summary
        #expect(data.task == .classification && data.inputs == 30 && data.outputs == 1)
        #expect(data.classCounts.count == 2)
        let recommendation = plan.recommendation
        #expect(recommendation.hiddenWidths == [32, 16])
        #expect(recommendation.diagram == "30 -> 32 -> 16 -> 1 (sigmoid)")
        #expect(recommendation.config.training.loss == .fixed(.binaryCrossEntropy))
        // 48 hidden units exceed SIZE-CAPACITY for ~398 rows: warned at `neurons:` (line 11).
        let warning = try #require(plan.warnings.first { $0.message.hasSuffix("[SIZE-CAPACITY]") })
        #expect(
            warning.location
                == SourceLocation(
                    file: Repository.spec("breast_cancer_custom"), line: 11, column: 12))
        #expect(warning.length == "[32, 16]".count)
        let rendered = plan.renderedWarnings(colored: false)
        #expect(rendered.contains("11 |   neurons: [32, 16]\n   |            ^~~~~~~~\n"))
    }

    @Test func penguinsHaveOneHotInputsAndMissingValues() throws {
        let plan = try plan("penguins")
        let data = plan.summary
        #expect(data.task == .classification && data.outputs == 3)
        #expect(data.oneHotInputs >= 5)  // island (3) and sex one-hot
        #expect(data.numericInputs >= 4)  // bill length, bill depth, flipper, mass
        #expect(data.inputs == data.numericInputs + data.oneHotInputs)
        #expect(data.hasMissingValues)
        #expect(!plan.profile.columns.contains { $0.name == "year" && $0.role == .feature })
        // The species are linearly separable on these measurements: DEPTH-LINEAR.
        let recommendation = plan.recommendation
        #expect(data.linearProbe.separable == true)
        #expect(recommendation.hiddenWidths.isEmpty)
        #expect(recommendation.diagram == "\(data.inputs) -> 3 (softmax)")
        #expect(recommendation.sizing.first { $0.id == LinearDepthRule.id }?.applies == true)
    }

    @Test func diabetesIsRegression() throws {
        let plan = try plan("diabetes")
        let data = plan.summary
        #expect(data.task == .regression && data.outputs == 1)
        #expect(plan.profile.rows == 442)
        #expect((305...312).contains(data.trainingRows))
        #expect(data.inputs == 11)  // 9 numbers + sex one-hot (data.categorical)
        // DEPTH-LINEAR: random ReLU features lower the ridge model's cross-validated R²
        // (0.48 alone): diabetes is linear, as its linear baseline says (R² 0.403 against an
        // MLP's 0.37-0.38 on the quality suite).
        let linearR2 = try #require(data.linearProbe.linearR2)
        let featuresR2 = try #require(data.linearProbe.nonlinearR2)
        #expect(linearR2 > 0.4 && featuresR2 < linearR2)
        let recommendation = plan.recommendation
        #expect(recommendation.diagram == "11 -> 1 (linear)")
        #expect(recommendation.sizing.first { $0.id == LinearDepthRule.id }?.applies == true)
        #expect(plan.template.name == "mlp-regressor")
        #expect(recommendation.config.training.loss == .fixed(.huber(delta: 1.0)))
        #expect(recommendation.choice("training.loss")?.source == .spec)
    }

    @Test(arguments: ["iris", "breast_cancer", "penguins", "diabetes"])
    func generatedConfigReloadsToTheSameNetwork(_ name: String) throws {
        let plan = try plan(name, numericEncoding: nil)
        let output = Repository.specs + "/\(name).generated.yaml"
        let generated = try plan.generate(outputPath: output)
        let expected = plan.recommendation.config
        #expect(generated.config.model == expected.model)
        #expect(generated.config.training == expected.training)
        #expect(generated.config.task == expected.task)
        #expect(generated.config.data.path == "data/\(name).csv")
        // Nothing is auto in the generated config except the learning rate.
        #expect(
            !generated.text.contains(": auto ") || generated.text.contains("learning_rate: auto"))
        #expect(generated.text.components(separatedBy: ": auto ").count <= 2)
        // Loading the generated file from disk and designing again gives the same network.
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("config.yaml").path
        let elsewhere = try plan.generate(outputPath: file)
        try DesignPlan.write(elsewhere, to: file)
        let again = try DesignPlan(specPath: file, catalog: catalog)
        #expect(again.recommendation.config.model == expected.model)
        #expect(again.recommendation.diagram == plan.recommendation.diagram)
        // The config fixes the numbers' encoding that the probe chose: the same encoding, and
        // the same summary but for the probe's scores (not run for a fixed value).
        #expect(again.data.encoding == plan.data.encoding)
        #expect(again.summary.numericEncoding?.encoding == plan.summary.numericEncoding?.encoding)
        #expect(again.summary.numericEncoding?.note == "set in spec")
        var summary = again.summary
        summary.numericEncoding = plan.summary.numericEncoding
        #expect(summary == plan.summary)
    }

    @Test func dataPathIsRelativeToTheOutputFolder() throws {
        let plan = try plan("iris")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = plan.config(relativeTo: folder.path)
        #expect(config.data.path.hasPrefix("../"))
        let resolved = folder.appendingPathComponent(config.data.path).standardizedFileURL.path
        #expect(
            FileManager.default.contentsEqual(
                atPath: resolved, andPath: Repository.specs + "/data/iris.csv"))
        #expect(plan.config(relativeTo: Repository.specs).data.path == "data/iris.csv")
        // Standard output has no folder: the path is written absolute, and validates anywhere.
        let standardOutput = try plan.generate(outputPath: nil)
        #expect(
            standardOutput.config.data.path
                == StarterSpec.absolute(Repository.specs + "/data/iris.csv"))
        #expect(standardOutput.text.contains("  path: /"))
    }

    /// Issue 12: an absolute `data.path` was rewritten relative to the current folder.
    @Test func anAbsoluteDataPathStaysAbsolute() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("abs.yaml")
        let csv = Repository.specs + "/data/iris.csv"
        try "data: {path: \(csv), target: species}\n".write(
            to: spec, atomically: true, encoding: .utf8)
        let plan = try DesignPlan(specPath: spec.path, catalog: try TemplateCatalog())
        #expect(plan.config(relativeTo: folder.path).data.path == csv)
        #expect(plan.config(relativeTo: nil).data.path == csv)
        #expect(try plan.generate(outputPath: folder.path + "/out.yaml").config.data.path == csv)
    }

    @Test func deepTemplateGivesThreeLayersWithBatchNorm() throws {
        let plan = try plan("iris", template: "deep-mlp")
        let recommendation = plan.recommendation
        #expect(recommendation.hiddenWidths.count >= 3)
        #expect(recommendation.config.model.batchNorm == .fixed(true))
        let layers = recommendation.config.model.layers ?? []
        #expect(
            layers.filter { $0.kindName == "batch_norm" }.count == recommendation.hiddenWidths.count
        )
        #expect(
            recommendation.annotations["model.hidden_layers"]
                == "template deep-mlp: at least 3 hidden layers")
        #expect(recommendation.annotations["model.template"] == "chosen with --template")
        // 3 layers on Ni = 4 break DEPTH-LOW: kept and warned, attributed to the template.
        #expect(
            plan.warnings.contains {
                $0.message.hasPrefix("template deep-mlp: ") && $0.message.hasSuffix("[DEPTH-LOW]")
            })
        let generated = try plan.generate(outputPath: Repository.specs + "/iris.generated.yaml")
        #expect(generated.config.model == recommendation.config.model)
        #expect(
            generated.text.contains("hidden_layers: 3")
                && generated.text.contains("# template deep-mlp: at least 3 hidden layers"))
    }

    @Test func wideTemplateGivesOneLayerWithDropoutAndWarns() throws {
        for name in ["iris", "diabetes"] {
            let plan = try plan(name, template: "wide-shallow")
            let recommendation = plan.recommendation
            let ni = plan.summary.inputs
            #expect(recommendation.hiddenWidths.count == 1)
            #expect(recommendation.config.model.dropout == .fixed(0.3))
            #expect(recommendation.config.model.layers?.contains(.dropout(rate: 0.3)) == true)
            let width = recommendation.hiddenWidths[0]
            let boundsWarning = plan.warnings.first { $0.message.hasSuffix("[SIZE-BOUNDS]") }
            #expect(
                (width >= 2 * ni) == (boundsWarning != nil), "\(name): width \(width), Ni \(ni)")
            if let boundsWarning {
                #expect(boundsWarning.message.contains("template wide-shallow: width \(width)"))
                #expect(boundsWarning.message.contains("DEPTH-WIDE-VS-DEEP"))
            }
        }
        // Iris: 4 x the rules' width (SIZE-FLOOR's 128) is 512 >= 2 * Ni = 8.
        #expect(try plan("iris", template: "wide-shallow").recommendation.hiddenWidths == [512])
    }

    @Test func templateForTheOtherTaskIsAnError() throws {
        #expect {
            try plan("iris", template: "mlp-regressor")
        } throws: { error in
            guard case .templateTask(let diagnostic, _) = error as? DesignPlanError else {
                return false
            }
            return diagnostic.message.contains(
                "is for regression, but the data is a classification task")
                && diagnostic.notes.contains { $0.message.contains("mlp-classifier") }
        }
        // Named in the spec: located at `template:` with its source line.
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("iris.yaml").path
        try """
        data:
          path: \(Repository.specs)/data/iris.csv
          target: species
        model:
          template: mlp-regressor
        """.write(toFile: spec, atomically: true, encoding: .utf8)
        do {
            _ = try DesignPlan(specPath: spec, catalog: catalog)
            Issue.record("expected an error")
        } catch {
            #expect(
                error.description.hasPrefix(
                    "\(spec):5:13: error: model.template: template `mlp-regressor`"))
            #expect(
                error.description.contains(
                    "5 |   template: mlp-regressor\n  |             ^~~~~~~~~~~~~"))
        }
    }

    @Test func eachStageReportsItsOwnDiagnostic() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func write(_ text: String) throws -> String {
            let path = folder.appendingPathComponent("spec-\(UUID().uuidString).yaml").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let data = "\(Repository.specs)/data/iris.csv"
        // Spec: the loader's diagnostic with its caret.
        let typo = try write("data:\n  path: \(data)\n  target: species\ntraining:\n  epocs: 10\n")
        #expect(throws: DesignPlanError.self) { try DesignPlan(specPath: typo, catalog: catalog) }
        do { _ = try DesignPlan(specPath: typo, catalog: catalog) } catch {
            guard case .spec = error else { Issue.record("expected .spec, got \(error)"); return }
            #expect(error.description.contains(":5:3: error: training.epocs: unknown key"))
            #expect(error.description.contains("did you mean `epochs`?"))
        }
        // Data: the data layer's error, as is.
        let column = try write("data:\n  path: \(data)\n  target: specis\n")
        do { _ = try DesignPlan(specPath: column, catalog: catalog) } catch {
            guard case .data(let dataError) = error else {
                Issue.record("expected .data, got \(error)"); return
            }
            #expect(error.description == dataError.description + "\n")
            #expect(error.description.contains("species"))
        }
        // Advisor: located at the spec key.
        let output = try write(
            "data:\n  path: \(data)\n  target: species\nmodel:\n  layers:\n"
                + "    - dense: {units: 2}\n    - activation: softmax\n")
        do { _ = try DesignPlan(specPath: output, catalog: catalog) } catch {
            guard case .advisor = error else {
                Issue.record("expected .advisor, got \(error)"); return
            }
            #expect(
                error.description.contains(
                    ":6:22: error: model.layers[0].dense.units: the output layer has 2 units"))
            #expect(error.description.contains("6 |     - dense: {units: 2}"))
        }
    }

    @Test func userTemplatePathIsRelativeToTheSpec() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bundled = try String(
            contentsOfFile: try #require(catalog.bundledDirectory) + "/mlp-classifier.mustache",
            encoding: .utf8)
        let house = bundled.replacingOccurrences(
            of: "task: classification\n", with: "task: classification\nhidden_layers: 2\n")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("styles"), withIntermediateDirectories: true)
        try house.write(
            to: folder.appendingPathComponent("styles/house.mustache"), atomically: true,
            encoding: .utf8)
        let spec = folder.appendingPathComponent("iris.yaml").path
        try """
        data:
          path: \(Repository.specs)/data/iris.csv
          target: species
        model:
          template: styles/house.mustache
        """.write(toFile: spec, atomically: true, encoding: .utf8)
        let plan = try DesignPlan(specPath: spec, catalog: catalog)
        #expect(plan.template.name == "house")
        #expect(plan.recommendation.hiddenWidths.count == 2)
        #expect(
            plan.recommendation.annotations["model.hidden_layers"]
                == "template styles/house.mustache: 2 hidden layers")
        // Written into a sub-folder, the template path is relative to the new file.
        let output = folder.appendingPathComponent("out/config.yaml").path
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
        let generated = try plan.generate(outputPath: output)
        #expect(generated.config.model.template == .fixed("../styles/house.mustache"))
        #expect(generated.config.model.layers == plan.recommendation.config.model.layers)
    }

    @Test func writeRefusesToOverwriteAndIsAtomic() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plan = try plan("iris")
        let file = folder.appendingPathComponent("iris.yaml").path
        let generated = try plan.generate(outputPath: file)
        try DesignPlan.write(generated, to: file)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == generated.text)
        #expect(throws: DesignPlanError.self) { try DesignPlan.write(generated, to: file) }
        try "old".write(toFile: file, atomically: true, encoding: .utf8)
        try DesignPlan.write(generated, to: file, overwrite: true)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == generated.text)
        let missing = folder.appendingPathComponent("no/such/folder.yaml").path
        #expect(throws: DesignPlanError.self) { try DesignPlan.write(generated, to: missing) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["iris.yaml"])
    }

    @Test func firstDifferenceNamesTheKey() throws {
        let config = try plan("iris").recommendation.config
        #expect(DesignPlan.firstDifference(expected: config, found: config) == nil)
        var changed = config
        changed.model.layers?[0] = .dense(DenseConfig(units: 99, initializer: .heNormal))
        #expect(
            DesignPlan.firstDifference(expected: config, found: changed)?.keyPath
                == "model.layers[0]")
        changed = config
        changed.training.batchSize = .fixed(7)
        let difference = try #require(DesignPlan.firstDifference(expected: config, found: changed))
        #expect(difference.keyPath == "training.batch_size" && difference.found.contains("7"))
    }
}

extension Recommendation {
    func choice(_ keyPath: String) -> Choice? { choices.first { $0.keyPath == keyPath } }
}
