import Spec

/// The recommendation as a report for a person: data summary, sizing-rule table, network
/// diagram and parameter count, every other choice with its rule and why, warnings.
public enum TextReport {
    /// Renders the report.
    /// - Parameters:
    ///   - recommendation: what `SizingAdvisor.recommend` returned.
    ///   - colour: ANSI colours (headings, applied rules, warnings); default false. The CLI
    ///     turns it on for a TTY only.
    ///   - renderedWarnings: the warnings already rendered (the CLI renders them like a compiler,
    ///     with the spec's source line and a caret); nil lists `recommendation.warnings` one
    ///     per line. Default nil.
    /// - Returns: the report; columns aligned by visible width, lines end in "\n".
    public static func render(
        _ recommendation: Recommendation, colour: Bool = false, renderedWarnings: String? = nil
    ) -> String {
        let style = Style(enabled: colour)
        var out: [String] = []
        let data = recommendation.data
        out.append(style.heading("Data"))
        var summary =
            "  \(data.task.rawValue): Ns = \(data.trainingRows) training rows, Ni = "
            + "\(data.inputs) inputs, No = \(data.outputs) output\(data.outputs == 1 ? "" : "s")"
        if data.task == .classification, !data.classCounts.isEmpty {
            summary += ", \(data.classCounts.count) classes"
        }
        out.append(summary)
        var details: [String] = []
        if data.embeddedInputs > 0 {
            details.append(
                "\(data.numericInputs) numeric + \(data.oneHotInputs) one-hot + "
                    + "\(data.embeddedInputs) embedding inputs (ENC-EMBED-SIZE)")
        } else if data.oneHotInputs > 0 {
            details.append("\(data.numericInputs) numeric + \(data.oneHotInputs) one-hot inputs")
        }
        if data.hasMissingValues { details.append("missing values present") }
        if let numeric = data.numericEncoding, numeric.encoding == .piecewiseLinear,
            numeric.binnableColumns > 0
        {
            details.append(
                "piecewise-linear bins on \(numeric.binnableColumns) number column"
                    + (numeric.binnableColumns == 1 ? "" : "s") + " (ENC-NUMERIC-PLE)")
        }
        if let equalities = data.numericEncoding?.equalities, equalities.kept {
            let count = equalities.pairs.count
            details.append(
                "\(count) equality indicator\(count == 1 ? "" : "s") (ENC-NUMERIC-EQUAL)")
        }
        let probe = data.linearProbe
        if let accuracy = probe.trainingAccuracy {
            details.append(
                "linear probe training accuracy "
                    + "\(NumberText.evidence(accuracy))\(probe.separable ? " (separable)" : "")"
            )
        }
        if let r2 = probe.linearR2 {
            details.append("ridge 5-fold R2 \(NumberText.evidence(r2))")
        }
        if let r2 = probe.nonlinearR2 {
            details.append("with random features \(NumberText.evidence(r2))")
        }
        if !details.isEmpty { out.append("  " + details.joined(separator: "; ")) }

        out.append("")
        out.append(style.heading("Sizing rules"))
        // Each rule's formula and inputs go on a line of their own under it: as columns they
        // made the table ~250 characters wide.
        let sizingRows = recommendation.sizing.map { evaluation in
            [
                evaluation.id, evaluation.result.description, evaluation.applies ? "yes" : "no",
                evaluation.why,
            ]
        }
        let formulas = recommendation.sizing.map { evaluation in
            evaluation.inputsText.isEmpty
                ? evaluation.formula : "\(evaluation.formula); with \(evaluation.inputsText)"
        }
        out += table(
            header: ["rule", "value", "applied", "why"], rows: sizingRows, style: style,
            highlight: { $0[2] == "yes" }, details: formulas)

        out.append("")
        out.append(style.heading("Network"))
        out.append(
            "  \(style.bold(recommendation.diagram))   \(recommendation.parameterCount) parameters")

        out.append("")
        out.append(style.heading("Choices"))
        // The data keys a rule decided (the target's log, the numbers' bins) show with the
        // design's; the others only when the spec set them.
        let shown = recommendation.choices.filter { choice in
            !(choice.keyPath.hasPrefix("data.") || choice.keyPath.hasPrefix("advisor.")
                || choice.keyPath == "version" || choice.keyPath == "name")
                || choice.source == .spec
                || (choice.keyPath.hasPrefix("data.") && choice.source == .rule)
        }
        // The rule and its reason under each choice, as for the sizing rules.
        out += table(
            header: ["key", "value"], rows: shown.map { [$0.keyPath, $0.value] }, style: style,
            highlight: { _ in false },
            details: shown.map { $0.label == $0.why ? $0.label : "\($0.label): \($0.why)" })

        out.append("")
        if let renderedWarnings {
            let count = renderedWarnings.split(separator: "\n").count { line in
                line.contains(": warning: ")
            }
            if count == 0 {
                out.append(style.heading("Warnings") + "  none")
            } else {
                out.append(style.heading("Warnings (\(count))"))
                var text = renderedWarnings
                while text.hasSuffix("\n") { text.removeLast() }
                out.append(text)
            }
            return out.joined(separator: "\n") + "\n"
        }
        if recommendation.warnings.isEmpty {
            out.append(style.heading("Warnings") + "  none")
        } else {
            out.append(style.heading("Warnings (\(recommendation.warnings.count))"))
            for warning in recommendation.warnings {
                out.append("  " + style.warning(warning.description))
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Rows with each column padded to its widest cell (two spaces between columns); the
    /// header is underlined with dashes. A last cell that would pass `width` columns wraps
    /// under its column.
    /// - Parameters:
    ///   - details: text shown dimmed under each row from the second column on, wrapped to
    ///     `width` (default none).
    ///   - width: the columns a line may take (default 100).
    static func table(
        header: [String], rows: [[String]], style: Style, highlight: ([String]) -> Bool,
        details: [String]? = nil, width: Int = 100
    ) -> [String] {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        let last = widths.count - 1
        let lastStart = 2 + widths.dropLast().reduce(0) { $0 + $1 + 2 }
        let lastWidth = max(min(widths[last], width - lastStart), 12)
        widths[last] = min(widths[last], lastWidth)
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { index, cell in
                index == cells.count - 1
                    ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }
            return "  " + padded.joined(separator: "  ")
        }
        var lines = [
            style.dim(line(header)),
            style.dim(line(widths.map { String(repeating: "-", count: $0) })),
        ]
        let lastIndent = String(repeating: " ", count: lastStart)
        let detailIndent = String(repeating: " ", count: 2 + widths[0] + 2)
        for (index, row) in rows.enumerated() {
            var pieces = wrapped(row[last], width: lastWidth)
            if pieces.isEmpty { pieces = [""] }
            let text = line(Array(row.dropLast()) + [pieces[0]])
            lines.append(highlight(row) ? style.applied(text) : text)
            for piece in pieces.dropFirst() {
                let more = lastIndent + piece
                lines.append(highlight(row) ? style.applied(more) : more)
            }
            if let details, index < details.count {
                for piece in wrapped(details[index], width: width - detailIndent.count) {
                    lines.append(style.dim(detailIndent + piece))
                }
            }
        }
        return lines.map { $0.trailingSpacesTrimmed }
    }

    /// `text` in lines of at most `width` characters, broken at spaces (a longer word gets a
    /// line of its own).
    /// - Parameter staysOnLine: words that never start a line (default none): they stay on the
    ///   line before, even past the width.
    static func wrapped(
        _ text: String, width: Int, staysOnLine: (Substring) -> Bool = { _ in false }
    ) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= max(width, 1) || staysOnLine(word) {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// ANSI styling, or none.
    struct Style {
        var enabled: Bool
        func wrap(_ text: String, _ code: String) -> String {
            enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
        }
        func heading(_ text: String) -> String { wrap(text, "1;4") }
        func bold(_ text: String) -> String { wrap(text, "1") }
        func dim(_ text: String) -> String { wrap(text, "2") }
        func applied(_ text: String) -> String { wrap(text, "32") }
        func warning(_ text: String) -> String { wrap(text, "33") }
    }
}

extension String {
    var trailingSpacesTrimmed: String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}

/// The explanation of one rule, for `layerwise recommend --explain RULE-ID`.
/// - Parameter ruleID: a rulebook ID (any case).
/// - Returns: the rule's full text, formula and source.
/// - Throws: `AdvisorError.unknownRule` with a did-you-mean.
public func explain(ruleID: String) throws(AdvisorError) -> String {
    try RuleCatalog.explain(ruleID: ruleID).rendered
}
