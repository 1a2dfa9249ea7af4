// The report's Inputs section: every input column with its encoding and the rules behind it.
// The rows are plain text and numbers (the data layer's encodings are phrased by Runs), so the
// report does not depend on the data layer.

extension RunReport {
    /// One input column of the Inputs section: how the data layer encodes it for the network
    /// and the rules that chose that.
    public struct InputRow: Sendable, Equatable {
        /// The column's name in the data file.
        public var column: String
        /// The encoding (`standardised`, `one-hot`, `embedding`, `date parts`).
        public var encoding: String
        /// Inputs the network's first layer sees from the column (an embedding's dimension).
        public var inputs: Int
        /// Trained parameters of the column's own (an embedding's table); nil when none.
        public var parameters: Int?
        /// What the encoding holds: training statistics, levels, parts
        /// (`mean 43.9, sd 5.46`).
        public var detail: String
        /// The rule IDs that chose the encoding, with their evidence
        /// (`ENC-ONEHOT-MAX: 3 <= 16 levels`); empty when no rule decides it.
        public var rule: String

        /// Creates a row.
        public init(
            column: String, encoding: String, inputs: Int, parameters: Int? = nil,
            detail: String, rule: String = ""
        ) {
            self.column = column
            self.encoding = encoding
            self.inputs = inputs
            self.parameters = parameters
            self.detail = detail
            self.rule = rule
        }
    }

    /// The Inputs section: a line with `Ni` and the embedding tables' size, then one table row
    /// per column. Every text from the data (column names, levels) is escaped.
    func inputsSection() -> String {
        guard !inputRows.isEmpty else { return "" }
        let inputs = inputRows.reduce(0) { $0 + $1.inputs }
        let parameters = inputRows.reduce(0) { $0 + ($1.parameters ?? 0) }
        let columns = inputRows.count
        var html = "<h2>Inputs</h2>\n<p class=\"inputs\">\(columns) input column"
        html += columns == 1 ? "" : "s"
        html += ": Ni = \(inputs) network input\(inputs == 1 ? "" : "s")"
        if parameters > 0 {
            let tables = inputRows.filter { ($0.parameters ?? 0) > 0 }.count
            html += "; \(tables) embedding table\(tables == 1 ? "" : "s") with \(parameters)"
            html += " trained parameter\(parameters == 1 ? "" : "s")"
        }
        html += ".</p>\n"
        html += "<table class=\"design inputs\"><thead><tr><th>column</th><th>encoding</th>"
        html += "<th>inputs</th><th>parameters</th><th>details</th><th>rule</th></tr></thead>"
        html += "<tbody>"
        for row in inputRows {
            html += "<tr><td><code>\(xmlEscaped(row.column))</code></td>"
            html += "<td>\(xmlEscaped(row.encoding))</td>"
            html += "<td class=\"number\">\(row.inputs)</td>"
            html += "<td class=\"number\">\(row.parameters.map(String.init) ?? "")</td>"
            html += "<td>\(xmlEscaped(row.detail))</td><td>\(xmlEscaped(row.rule))</td></tr>"
        }
        html += "</tbody></table>\n"
        return html
    }
}
