import Advisor
import Foundation
import Spec

/// A template's design preferences: what its header asks the advisor to honour when this
/// template is chosen. Weaker than the user's spec (a value the user fixed wins), stronger than
/// the rulebook's defaults.
///
/// Header format: a mustache comment right after the content-type line, one `key: value` per
/// line (`#` starts a comment line):
/// ```
/// {{% CONTENT_TYPE: TEXT}}
/// {{!
/// description: Deep MLP with batch normalisation before each ReLU-family activation.
/// task: any
/// min_hidden_layers: 3
/// batch_norm: true
/// }}
/// ```
/// Keys: `description` (required, one line), `task` (`classification`, `regression`, `any`;
/// default `any`), `hidden_layers`, `min_hidden_layers`, `max_hidden_layers` (integers >= 0),
/// `width_factor` (> 0: multiplies the advisor's widths), `batch_norm` (bool), `dropout`
/// (0 <= rate < 1), `activation` (a hidden activation name, default parameters),
/// `initializer` (`he_uniform`, ...), `swish_from_layers` (integer >= 1: ACT-HIDDEN-DEEP's
/// threshold for this template), `batch_norm_from_layers` (integer >= 1: BN-DEEP's threshold).
public struct TemplateDesign: Sendable, Equatable {
    /// One line shown by `layerwise templates`.
    public var description: String
    /// The task the template is for.
    public var task: TemplateTask = .any
    /// What the header asks of the advisor (`hidden_layers`, `width_factor`, `batch_norm`,
    /// ...), as the advisor takes it; its `source` is filled in when the template is chosen.
    public var preferences = DesignPreferences(source: "")

    public init(description: String) { self.description = description }

    /// The header keys, for messages and did-you-mean.
    public static let keys = [
        "description", "task", "hidden_layers", "min_hidden_layers", "max_hidden_layers",
        "width_factor", "batch_norm", "dropout", "activation", "initializer",
        "swish_from_layers", "batch_norm_from_layers",
    ]

    /// Reads the design header of a template.
    /// - Parameters:
    ///   - source: the whole template text.
    ///   - file: the template's path as shown in messages.
    /// - Throws: `TemplateError.missingContentType` when the first line is not
    ///   `{{% CONTENT_TYPE: TEXT}}`; `TemplateError.header` (at line:column) for a missing header,
    ///   an unknown key (with did-you-mean), a duplicate key, a bad value, or contradictory
    ///   depths. All problems at once.
    public static func parse(source: String, file: String) throws -> TemplateDesign {
        let scanner = TemplateScanner(file: file, source: source)
        let lines = scanner.lines
        guard let first = lines.first,
            first.trimmingWhitespace().replacingSpaces() == "{{%CONTENT_TYPE:TEXT}}"
        else { throw TemplateError.missingContentType(file: file) }

        // The header comment: the first non-blank line after the content type starts `{{!`.
        guard
            let start = lines.indices.dropFirst().first(where: {
                !lines[$0].trimmingWhitespace().isEmpty
            }),
            lines[start].trimmingWhitespace().hasPrefix("{{!")
        else {
            let line = min(2, lines.count)
            throw TemplateError.header(
                scanner.span(line: line, column: 1, length: lines[line - 1].count),
                message:
                    "expected the design header `{{! description: ... }}` after the content-type line"
            )
        }
        var errors: [TemplateError] = []
        var design = TemplateDesign(description: "")
        var seen: [String: Int] = [:]
        var closed = false
        var index = start
        while index < lines.count, !closed {
            var text = lines[index]
            var offset = 0  // columns removed from the left of `text`
            if index == start, let open = text.range(of: "{{!") {
                offset = text.distance(from: text.startIndex, to: open.upperBound)
                text = String(text[open.upperBound...])
            }
            if let close = text.range(of: "}}") {
                text = String(text[..<close.lowerBound])
                closed = true
            }
            defer { index += 1 }
            let lineNumber = index + 1
            let leading = text.prefix(while: { $0 == " " || $0 == "\t" }).count
            let content = text.trimmingWhitespace()
            if content.isEmpty || content.hasPrefix("#") { continue }
            let keyColumn = offset + leading + 1
            guard let colon = content.firstIndex(of: ":") else {
                errors.append(
                    .header(
                        scanner.span(line: lineNumber, column: keyColumn, length: content.count),
                        message: "expected `key: value` (keys: \(keys.joined(separator: ", ")))"))
                continue
            }
            let key = String(content[..<colon]).trimmingWhitespace()
            let rawValue = String(content[content.index(after: colon)...])
            let value = rawValue.trimmingWhitespace()
            let valueColumn =
                keyColumn + content.distance(from: content.startIndex, to: colon) + 1
                + rawValue.prefix(while: { $0 == " " || $0 == "\t" }).count
            let keySpan = scanner.span(line: lineNumber, column: keyColumn, length: key.count)
            let valueSpan = scanner.span(line: lineNumber, column: valueColumn, length: value.count)
            if let previous = seen[key] {
                errors.append(
                    .header(keySpan, message: "`\(key)` is set twice (first on line \(previous))"))
                continue
            }
            seen[key] = lineNumber
            do {
                try design.set(key, to: value, keySpan: keySpan, valueSpan: valueSpan)
            } catch let error as TemplateError {
                errors.append(error)
            }
        }
        if !closed {
            errors.append(
                .header(
                    scanner.span(line: start + 1, column: 1, length: lines[start].count),
                    message: "the design header is never closed with `}}`"))
        } else if seen["description"] == nil {
            errors.append(
                .header(
                    scanner.span(line: start + 1, column: 1, length: lines[start].count),
                    message: "the design header has no `description:` line"))
        }
        if let low = design.preferences.minHiddenLayers,
            let high = design.preferences.maxHiddenLayers, low > high,
            let line = seen["max_hidden_layers"]
        {
            errors.append(
                .header(
                    scanner.span(line: line, column: 1, length: lines[line - 1].count),
                    message: "`max_hidden_layers` (\(high)) is below `min_hidden_layers` (\(low))"))
        }
        if let exact = design.preferences.hiddenLayers, let line = seen["hidden_layers"],
            exact < (design.preferences.minHiddenLayers ?? 0)
                || exact > (design.preferences.maxHiddenLayers ?? Int.max)
        {
            errors.append(
                .header(
                    scanner.span(line: line, column: 1, length: lines[line - 1].count),
                    message:
                        "`hidden_layers` (\(exact)) is outside `min_hidden_layers`...`max_hidden_layers`"
                ))
        }
        if let error = TemplateError.combined(errors) { throw error }
        return design
    }

    private mutating func set(
        _ key: String, to value: String, keySpan: TemplateSpan, valueSpan: TemplateSpan
    )
        throws
    {
        func bad(_ expected: String) -> TemplateError {
            .header(valueSpan, message: "`\(key)`: expected \(expected), found `\(value)`")
        }
        func integer(atLeast minimum: Int) throws -> Int {
            guard let number = Int(value), number >= minimum else {
                throw bad("an integer >= \(minimum)")
            }
            return number
        }
        switch key {
        case "description":
            guard !value.isEmpty else { throw bad("one line of text") }
            description = value
        case "task":
            guard let task = TemplateTask(rawValue: value) else {
                throw bad("classification, regression or any")
            }
            self.task = task
        case "hidden_layers": preferences.hiddenLayers = try integer(atLeast: 0)
        case "min_hidden_layers": preferences.minHiddenLayers = try integer(atLeast: 0)
        case "max_hidden_layers": preferences.maxHiddenLayers = try integer(atLeast: 0)
        case "swish_from_layers": preferences.swishFromLayers = try integer(atLeast: 1)
        case "batch_norm_from_layers": preferences.batchNormFromLayers = try integer(atLeast: 1)
        case "width_factor":
            guard let number = Double(value), number.isFinite, number > 0 else {
                throw bad("a number > 0")
            }
            preferences.widthFactor = number
        case "dropout":
            guard let number = Double(value), number >= 0, number < 1 else {
                throw bad("a rate, 0 <= rate < 1")
            }
            preferences.dropout = number
        case "batch_norm":
            switch value {
            case "true": preferences.batchNorm = true
            case "false": preferences.batchNorm = false
            default: throw bad("true or false")
            }
        case "activation":
            let hidden = ActivationFunction.all.filter { $0 != .softmax }
            guard let function = hidden.first(where: { $0.name == value }) else {
                let suggestion = Suggestion.closest(
                    to: value, in: hidden.map(\.name).sorted(),
                    maximumDistance: Suggestion.nameDistance)
                throw bad(
                    "a hidden activation (\(hidden.map(\.name).joined(separator: ", ")))"
                        + (suggestion.map { "; did you mean `\($0)`?" } ?? ""))
            }
            preferences.activation = function
        case "initializer":
            guard let initializer = Initializer(rawValue: value) else {
                throw bad(Initializer.allCases.map(\.rawValue).joined(separator: ", "))
            }
            preferences.initializer = initializer
        default:
            var message = "unknown header key `\(key)`"
            if let suggestion = Suggestion.closest(
                to: key, in: Self.keys.sorted(), maximumDistance: Suggestion.nameDistance)
            {
                message += "; did you mean `\(suggestion)`?"
            }
            throw TemplateError.header(keySpan, message: message)
        }
    }
}

/// The task a template is written for.
public enum TemplateTask: String, Sendable, Equatable, CaseIterable {
    case classification
    case regression
    /// Either task.
    case any

    /// Whether a config for `task` may use a template for `self`.
    public func accepts(_ task: TaskKind) -> Bool {
        self == .any || rawValue == task.rawValue
    }
}

extension String {
    fileprivate func replacingSpaces() -> String { String(filter { $0 != " " && $0 != "\t" }) }
}
