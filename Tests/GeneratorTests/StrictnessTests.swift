import Foundation
import Spec
import Testing

@testable import Generator

/// The bundled classifier's text, to derive broken templates from.
func classifierSource() throws -> String {
    let catalog = try TemplateCatalog()
    return try catalog.template(named: "mlp-classifier").source
}

/// The 1-based line and column of the first occurrence of `needle` in `text`.
func position(of needle: String, in text: String) -> (line: Int, column: Int)? {
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    {
        if let range = line.range(of: needle) {
            return (index + 1, line.distance(from: line.startIndex, to: range.lowerBound) + 1)
        }
    }
    return nil
}

/// The errors `checked()` throws for `source`.
func checkErrors(_ source: String, file: String = "house.mustache") throws -> [TemplateError] {
    let template = try ConfigTemplate(name: "house", path: file, source: source)
    do {
        _ = try template.checked()
        return []
    } catch let error as TemplateError {
        return error.all
    }
}

@Suite struct StrictnessTests {
    @Test func bundledTemplatesPassTheCheck() throws {
        let catalog = try TemplateCatalog()
        for entry in catalog.entries {
            #expect(throws: Never.self, "\(entry.name)") { _ = try entry.template.checked() }
        }
    }

    @Test func unknownVariableIsLocatedWithDidYouMean() throws {
        let source = try classifierSource().replacingOccurrences(
            of: "batch_size: {{batch_size}}", with: "batch_size: {{batchsize}}")
        let errors = try checkErrors(source)
        let where_ = try #require(position(of: "batchsize}}", in: source))
        #expect(errors.count == 1)
        guard case .unknownVariable(let span, let name, let suggestion, _) = errors.first else {
            Issue.record("expected unknownVariable, got \(errors)")
            return
        }
        #expect(name == "batchsize" && suggestion == "batch_size")
        #expect(
            span.location
                == SourceLocation(file: "house.mustache", line: where_.line, column: where_.column))
        let text = errors[0].description
        #expect(
            text.hasPrefix(
                "house.mustache:\(where_.line):\(where_.column): error: unknown variable `batchsize`; did you mean `batch_size`?"
            ))
        // Source line and a caret under the name.
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[1].contains("batch_size: {{batchsize}}"))
        #expect(
            lines[2] == String(repeating: " ", count: 4 + where_.column - 1) + "^"
                + String(repeating: "~", count: "batchsize".count - 1))
    }

    @Test func sectionScopesDecideWhatIsVisible() throws {
        // `units` exists only inside {{#model.layers}}{{#dense}}: outside it is unknown.
        let source = try classifierSource().replacingOccurrences(
            of: "  hidden_layers: {{hidden_layers}}", with: "  hidden_layers: {{units}}")
        let errors = try checkErrors(source)
        guard case .unknownVariable(_, "units", _, let note) = errors.first else {
            Issue.record("expected unknownVariable, got \(errors)")
            return
        }
        #expect(note?.contains("`model.layers[].dense.units`") == true)
        // Context-stack lookup: a top-level name is visible inside a section.
        let outer = try classifierSource().replacingOccurrences(
            of: "    validation: {{validation}}  # {{validation_why}}",
            with: "    validation: {{validation}}  # {{validation_why}} {{task}}")
        #expect(try checkErrors(outer).isEmpty)
        // A leading dot looks only in the innermost section.
        let local = try classifierSource().replacingOccurrences(
            of: "{{validation_why}}", with: "{{validation_why}} {{.task}}")
        guard case .unknownVariable(_, ".task", _, _) = try checkErrors(local).first else {
            Issue.record("`.task` inside {{#split}} must be unknown")
            return
        }
    }

    @Test func mappingPrintedAsValueIsAnError() throws {
        let source = try classifierSource().replacingOccurrences(
            of: "  layers:\n", with: "  layers: {{layers}}\n")
        let errors = try checkErrors(source)
        guard case .sectionUsedAsValue(let span, "layers", "model.layers") = errors.first else {
            Issue.record("expected sectionUsedAsValue, got \(errors)")
            return
        }
        #expect(span.location.line == position(of: "{{layers}}", in: source)?.line)
    }

    @Test func requiredVariableUnusedIsNamed() throws {
        let source = try classifierSource().replacingOccurrences(
            of: "  weight_decay: {{weight_decay}}  # {{weight_decay_why}}\n", with: "")
        let errors = try checkErrors(source)
        #expect(errors.count == 2)
        #expect(
            errors.contains(
                .requiredVariableUnused(
                    file: "house.mustache", path: "training.weight_decay",
                    hint: TemplateChecker.hint(for: "training.weight_decay"))))
        #expect(
            errors.contains {
                if case .requiredVariableUnused(_, "training.weight_decay_why", _) = $0 {
                    true
                } else {
                    false
                }
            })
        #expect(
            errors[0].description.contains(
                "house.mustache: error: the template never uses `training.weight_decay`"))
        // Dropping a layer field is caught the same way.
        let noBias = try classifierSource().replacingOccurrences(
            of: "        bias: {{bias}}  # {{bias_why}}\n", with: "")
        #expect(
            try checkErrors(noBias).contains {
                if case .requiredVariableUnused(_, "model.layers[].dense.bias", _) = $0 {
                    true
                } else {
                    false
                }
            })
    }

    @Test func unclosedSectionPointsAtItsOpening() throws {
        let source = try classifierSource().replacingOccurrences(of: "{{/advisor}}\n", with: "")
        let errors = try checkErrors(source)
        guard case .unclosedSection(let span, "advisor") = errors.first, errors.count == 1 else {
            Issue.record("expected one unclosedSection, got \(errors)")
            return
        }
        let where_ = try #require(position(of: "{{#advisor}}", in: source))
        #expect(span.location.line == where_.line && span.location.column == where_.column + 3)
    }

    @Test func mismatchedSectionEndIsLocated() throws {
        let source = try classifierSource().replacingOccurrences(
            of: "{{/dropout}}\n{{/layers}}", with: "{{/layers}}\n{{/dropout}}")
        let errors = try checkErrors(source)
        guard case .mismatchedSectionEnd(let span, "layers", "dropout", let opened?) = errors.first
        else {
            Issue.record("expected mismatchedSectionEnd, got \(errors)")
            return
        }
        #expect(span.location.line == position(of: "{{/layers}}", in: source)?.line)
        #expect(opened.location.line == position(of: "{{#dropout}}", in: source)?.line)
        #expect(errors[0].description.contains("note: `dropout` opened here"))
    }

    @Test func malformedTagsAreLocated() throws {
        let unclosed = try classifierSource() + "{{seed\n"
        guard case .syntax(let span, let message) = try checkErrors(unclosed).first else {
            Issue.record("expected a syntax error")
            return
        }
        let lineCount = unclosed.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(span.location.line == lineCount - 1 && span.location.column == 1)
        #expect(message.contains("not closed"))

        let badName = try classifierSource().replacingOccurrences(
            of: "seed: {{seed}}", with: "seed: {{se ed}}")
        guard case .syntax(let nameSpan, _) = try checkErrors(badName).first else {
            Issue.record("expected a syntax error for `se ed`")
            return
        }
        #expect(nameSpan.location.line == position(of: "{{se ed}}", in: badName)?.line)
        #expect(
            nameSpan.location.column == (position(of: "{{se ed}}", in: badName)?.column ?? 0) + 2)

        let transform = try classifierSource().replacingOccurrences(
            of: "{{seed}}", with: "{{first(seed)}}")
        #expect(try checkErrors(transform).first?.description.contains("transforms") == true)
    }

    @Test func swiftMustacheParseErrorsAreMappedToLineAndColumn() throws {
        // A malformed pragma passes our scanner; swift-mustache rejects it, and we locate it.
        let source = try classifierSource().replacingOccurrences(
            of: "\ntask: {{task}}", with: "\n{{%CONTENT_TYPE TEXT}}\ntask: {{task}}")
        let errors = try checkErrors(source)
        guard case .syntax(let span, let message) = errors.first else {
            Issue.record("expected a syntax error, got \(errors)")
            return
        }
        #expect(message.hasPrefix("mustache: malformed pragma"))
        #expect(span.location.line == position(of: "{{%CONTENT_TYPE TEXT}}", in: source)?.line)
        #expect(span.location.column > 1)
    }

    @Test func setDelimiterAndPartialsAreRejected() throws {
        let delimiter = try classifierSource().replacingOccurrences(
            of: "\ndata:\n", with: "\n{{=<% %>=}}\ndata:\n")
        let errors = try checkErrors(delimiter)
        guard case .setDelimiterNotSupported(let span) = errors.first else {
            Issue.record("expected setDelimiterNotSupported, got \(errors)")
            return
        }
        #expect(
            span.location.line == position(of: "{{=<% %>=}}", in: delimiter)?.line
                && span.location.column == 1)
        #expect(errors[0].description.contains("set-delimiter tags are not supported"))

        let partial = try classifierSource().replacingOccurrences(
            of: "\ndata:\n", with: "\n{{> header}}\ndata:\n")
        guard case .partialNotSupported(_, let name) = try checkErrors(partial).first else {
            Issue.record("expected partialNotSupported")
            return
        }
        #expect(name == "{{>header}}")
    }

    @Test func allProblemsAreReportedAtOnce() throws {
        let source = try classifierSource()
            .replacingOccurrences(of: "{{batch_size}}", with: "{{batchsize}}")
            .replacingOccurrences(of: "{{epochs}}", with: "{{epoch}}")
            .replacingOccurrences(of: "\ndata:\n", with: "\n{{=<% %>=}}\ndata:\n")
        let errors = try checkErrors(source)
        #expect(errors.count == 1)  // a malformed template is not checked for names
        let names = try checkErrors(
            try classifierSource().replacingOccurrences(of: "{{batch_size}}", with: "{{batchsize}}")
                .replacingOccurrences(of: "{{epochs}}", with: "{{epoch}}"))
        #expect(names.count == 2)
    }
}
