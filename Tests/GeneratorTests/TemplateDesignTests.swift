import Foundation
import Spec
import TestSupport
import Testing

@testable import Generator

@Suite struct TemplateDesignTests {
    func headerErrors(_ source: String) -> [TemplateError] {
        do {
            _ = try TemplateDesign.parse(source: source, file: "t.mustache")
            return []
        } catch let error as TemplateError {
            return error.all
        } catch {
            return []
        }
    }

    @Test func bundledHeadersCarryTheirDesigns() throws {
        let catalog = try TemplateCatalog()
        func design(_ name: String) throws -> TemplateDesign {
            try catalog.template(named: name).design
        }
        #expect(try design("mlp-classifier").task == .classification)
        #expect(try design("mlp-regressor").task == .regression)
        let deep = try design("deep-mlp")
        #expect(
            deep.task == .any && deep.preferences.minHiddenLayers == 3
                && deep.preferences.batchNorm == true)
        #expect(deep.preferences.swishFromLayers == 6 && deep.preferences.batchNormFromLayers == 3)
        let wide = try design("wide-shallow")
        #expect(
            wide.preferences.hiddenLayers == 1 && wide.preferences.dropout == 0.3
                && wide.preferences.widthFactor == 4 && wide.preferences.batchNorm == false)
        for entry in catalog.entries { #expect(!entry.description.isEmpty) }
    }

    @Test func fullHeaderParses() throws {
        let source = """
            {{% CONTENT_TYPE: TEXT}}
            {{!
            # house style
            description: Our network.
            task: regression
            min_hidden_layers: 2
            max_hidden_layers: 4
            activation: elu
            initializer: he_normal
            }}
            body
            """
        let design = try TemplateDesign.parse(source: source, file: "t.mustache")
        #expect(design.description == "Our network." && design.task == .regression)
        #expect(design.preferences.minHiddenLayers == 2 && design.preferences.maxHiddenLayers == 4)
        #expect(
            design.preferences.activation == .elu(alpha: 1.0)
                && design.preferences.initializer == .heNormal)
        #expect(design.preferences.hiddenLayers == nil && design.preferences.dropout == nil)
        // A one-line header works too.
        let short = try TemplateDesign.parse(
            source: "{{%CONTENT_TYPE:TEXT}}\n{{! description: x }}\n", file: "t")
        #expect(short.description == "x")
    }

    @Test func unknownKeyIsLocatedWithDidYouMean() {
        let errors = headerErrors(
            "{{% CONTENT_TYPE: TEXT}}\n{{!\ndescription: x\n  hiden_layers: 2\n}}\n")
        guard case .header(let span, let message) = errors.first, errors.count == 1 else {
            Issue.record("expected one header error, got \(errors)")
            return
        }
        #expect(span.location == SourceLocation(file: "t.mustache", line: 4, column: 3))
        #expect(message == "unknown header key `hiden_layers`; did you mean `hidden_layers`?")
        #expect(errors[0].description.hasPrefix("t.mustache:4:3: error: unknown header key"))
    }

    @Test func badValuesAreLocatedAtTheValue() {
        let errors = headerErrors(
            "{{% CONTENT_TYPE: TEXT}}\n{{!\ndescription: x\ndropout: 1.5\ntask: clasification\nbatch_norm: yes\nactivation: relux\n}}\n"
        )
        #expect(errors.count == 4)
        guard case .header(let span, let message) = errors.first else { return }
        #expect(span.location.line == 4 && span.location.column == 10)
        #expect(message == "`dropout`: expected a rate, 0 <= rate < 1, found `1.5`")
        #expect(errors[3].description.contains("did you mean `relu`?"))
    }

    @Test func structuralHeaderErrors() {
        // No content-type line.
        #expect(
            headerErrors("{{! description: x }}\n") == [.missingContentType(file: "t.mustache")])
        // No header.
        guard
            case .header(let span, _) = headerErrors("{{% CONTENT_TYPE: TEXT}}\nversion: 1\n").first
        else {
            Issue.record("expected a header error")
            return
        }
        #expect(span.location.line == 2)
        // Never closed, no description, duplicate key, contradictory depths.
        #expect(
            headerErrors("{{% CONTENT_TYPE: TEXT}}\n{{!\ndescription: x\n").first?.description
                .contains("never closed") == true)
        #expect(
            headerErrors("{{% CONTENT_TYPE: TEXT}}\n{{!\ntask: any\n}}\n").first?.description
                .contains("no `description:`") == true)
        #expect(
            headerErrors(
                "{{% CONTENT_TYPE: TEXT}}\n{{!\ndescription: x\ntask: any\ntask: any\n}}\n"
            ).first?.description.contains(
                "t.mustache:5:1: error: `task` is set twice (first on line 4)") == true)
        #expect(
            headerErrors(
                "{{% CONTENT_TYPE: TEXT}}\n{{!\ndescription: x\nmin_hidden_layers: 3\nmax_hidden_layers: 2\n}}\n"
            ).first?.description.contains("is below") == true)
    }
}

@Suite struct TemplateCatalogTests {
    func temporaryFolder() throws -> URL {
        try ScratchFolders.make("templates")
    }

    @Test func bundledTemplatesAreFoundAndListed() throws {
        let catalog = try TemplateCatalog()
        #expect(
            Set(catalog.entries.map(\.name)).isSuperset(of: [
                "mlp-classifier", "mlp-regressor", "deep-mlp", "wide-shallow",
            ]))
        #expect(catalog.entries.allSatisfy { $0.origin == .bundled })
        let folder = try #require(catalog.bundledDirectory)
        #expect(FileManager.default.fileExists(atPath: folder + "/mlp-classifier.mustache"))
        // Aligned: every description starts in the same column.
        let lines = catalog.listing.split(separator: "\n").map(String.init)
        #expect(lines.count == catalog.entries.count)
        let columns = Set(
            zip(lines, catalog.entries).map { line, entry in
                line.distance(
                    from: line.startIndex, to: line.range(of: entry.description)!.lowerBound)
            })
        #expect(columns.count == 1)
        #expect(lines.contains { $0.hasPrefix("deep-mlp ") && $0.contains(" bundled ") })
    }

    @Test func lookupOrder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let templates = folder.appendingPathComponent("Templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        let source = try classifierSource()
        try source.write(
            to: templates.appendingPathComponent("mlp-classifier.mustache"), atomically: true,
            encoding: .utf8)
        // The environment variable wins.
        #expect(
            try TemplateCatalog.locateBundledDirectory(environment: [
                "LAYERWISE_TEMPLATES": templates.path
            ]) == templates.path)
        // An executable somewhere below the folder holding Templates/ finds it.
        let binary = folder.appendingPathComponent(".build/debug/layerwise").path
        #expect(
            try TemplateCatalog.locateBundledDirectory(
                environment: [:], executablePath: binary, currentDirectory: "/") == templates.path)
        // So does a current directory below it.
        let sub = folder.appendingPathComponent("Specs").path
        #expect(
            try TemplateCatalog.locateBundledDirectory(
                environment: [:], executablePath: nil, currentDirectory: sub) == templates.path)
        // An environment variable naming a folder without templates is an error, not ignored.
        #expect(throws: TemplateError.self) {
            try TemplateCatalog.locateBundledDirectory(environment: [
                "LAYERWISE_TEMPLATES": folder.appendingPathComponent("Specs").path
            ])
        }
    }

    @Test func userTemplateInATemporaryFolder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A house style: its own description, training before model, a banner comment.
        var source = try classifierSource()
            .replacingOccurrences(
                of:
                    "description: Multilayer perceptron for classification: ReLU-family hidden layers, softmax or sigmoid output.",
                with: "description: ACME house style."
            )
            .replacingOccurrences(
                of: "# Network config generated by Layerwise (template: mlp-classifier).",
                with: "# ACME Corp. network config")
        let model = source[
            source.range(of: "model:\n")!.lowerBound..<source.range(of: "training:\n")!.lowerBound]
        source = source.replacingOccurrences(of: String(model), with: "")
            .replacingOccurrences(of: "{{#advisor}}", with: String(model) + "{{#advisor}}")
        try source.write(
            to: folder.appendingPathComponent("acme.mustache"), atomically: true, encoding: .utf8)

        let catalog = try TemplateCatalog(userDirectory: folder.path)
        let entry = try #require(catalog.entries.first { $0.name == "acme" })
        #expect(entry.origin == .user && entry.description == "ACME house style.")
        #expect(catalog.listing.contains("acme            user     ACME house style."))

        let (spec, annotations) = ExampleConfigs.classification
        let text = try generate(
            spec: spec, annotations: annotations, template: catalog.template(named: "acme"))
        #expect(text.hasPrefix("# ACME Corp. network config\n"))
        let config = RenderedConfig(text)
        #expect(config.malformed.isEmpty)
        #expect(config.values["model.layers[0].dense.units"]?.text == "8")
        #expect(
            try #require(config.order.firstIndex(of: "training.loss"))
                < (config.order.firstIndex(of: "model.template") ?? 0))

        // The same file named by path in the spec, relative to the spec's folder.
        let specs = folder.appendingPathComponent("specs")
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        let byPath = try catalog.template(
            named: "../acme.mustache", specPath: specs.appendingPathComponent("iris.yaml").path)
        #expect(byPath.source == source && byPath.origin == .user)

        // A user template shadows a bundled one of the same name.
        try source.write(
            to: folder.appendingPathComponent("deep-mlp.mustache"), atomically: true,
            encoding: .utf8)
        let shadowing = try TemplateCatalog(userDirectory: folder.path)
        #expect(try shadowing.template(named: "deep-mlp").origin == .user)
        #expect(shadowing.listing.contains("(shadowed by the user's template)"))
    }

    @Test func unknownTemplateNameSuggests() throws {
        let catalog = try TemplateCatalog()
        do {
            _ = try catalog.template(named: "mlp-clasifier")
            Issue.record("expected notFound")
        } catch TemplateError.notFound(let name, _, let suggestion) {
            #expect(name == "mlp-clasifier" && suggestion == "mlp-classifier")
        }
        #expect(throws: TemplateError.self) {
            try catalog.template(named: "missing/house.mustache")
        }
    }

    @Test func badUserTemplateHeadersAreAllReported() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "no content type\n".write(
            to: folder.appendingPathComponent("a.mustache"), atomically: true, encoding: .utf8)
        try "{{% CONTENT_TYPE: TEXT}}\n{{! descripton: x }}\n".write(
            to: folder.appendingPathComponent("b.mustache"), atomically: true, encoding: .utf8)
        do {
            _ = try TemplateCatalog(userDirectory: folder.path)
            Issue.record("expected errors")
        } catch let error as TemplateError {
            #expect(error.all.count == 3)  // a: content type; b: unknown key, no description
            #expect(error.description.contains("did you mean `description`?"))
        }
    }
}
