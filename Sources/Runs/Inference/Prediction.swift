import Dataset
import Engine
import Foundation

/// Applies a saved model to new rows: the saved encoding, the forward pass, and the outputs in
/// the target's own terms (class label and per-class probabilities, or the value in its units).
public struct Predictor: Sendable {
    /// The saved model.
    public let artifact: ModelArtifact
    /// A column copied into the output to identify rows: the spec's `data.id_column`, or the
    /// identifier the data layer found in the training file.
    public let idColumn: String?

    public init(artifact: ModelArtifact, idColumn: String? = nil) {
        self.artifact = artifact
        self.idColumn = idColumn
    }

    /// The predictor of the model saved in a run folder, copying the spec's id column
    /// (`data.id_column`) into predictions.
    /// - Throws: `ModelFileError` for a missing or unreadable model file.
    public init(runFolder folder: RunFolder) throws {
        let artifact = try ModelArtifact.read(from: folder.modelPath)
        self.init(artifact: artifact, idColumn: artifact.idColumn)
    }

    /// The class labels, or nil for regression.
    public var classLabels: [String]? {
        if case .classes(_, let labels) = artifact.encoding.target { return labels }
        return nil
    }

    /// Predictions for every row of a table, as probabilities per class (one row per input row,
    /// a column per class) or values in the target's units (one column).
    /// - Returns: the outputs, the encoded rows and the encoding's warnings (unseen categories).
    public func outputs(
        for table: DataTable
    ) throws -> (
        outputs: Matrix, rows: EncodedRows, warnings: [String]
    ) {
        let (rows, warnings) = try artifact.encoding.apply(to: table)
        let raw = try artifact.predict(rows.inputMatrix)
        if let bad = Self.firstNonFiniteRow(raw) {
            let place = table.rowStart(bad, format: artifact.encoding.format)
            throw DataError(
                .nonFiniteOutput, path: table.path, location: place?.location,
                sourceLine: place?.line,
                message: "the model's output for this row is not finite (an input far outside "
                    + "the training data's range overflows)",
                hint: "check this row's values; the model was trained on the training split's "
                    + "range")
        }
        return (Self.interpret(raw, target: artifact.encoding.target), rows, warnings)
    }

    /// The first row with a non-finite output: finite weights and encoded inputs can still
    /// overflow (a value of 1e38 in a column scaled to units), and a NaN is never reported as a
    /// prediction.
    public static func firstNonFiniteRow(_ raw: Matrix) -> Int? {
        (0..<raw.rows).first { row in (0..<raw.columns).contains { !raw[row, $0].isFinite } }
    }

    /// The fields a prediction holds, in order: `predicted_<target>`, then for classification
    /// `probability_<class>` per class (`predict`'s columns after the id, `serve`'s keys).
    public var outputNames: [String] {
        ["predicted_" + artifact.encoding.target.name]
            + (classLabels ?? []).map { "probability_" + $0 }
    }

    /// The most probable class of row `row` of interpreted classification outputs (the first
    /// of equals).
    public static func predictedClass(_ outputs: Matrix, row: Int) -> Int {
        var best = 0
        for c in 1..<outputs.columns where outputs[row, c] > outputs[row, best] { best = c }
        return best
    }

    /// A model's raw outputs in the target's terms: regression values mapped back to their
    /// units; one sigmoid output (the probability of the second class) as two probabilities.
    public static func interpret(_ raw: Matrix, target: TargetEncoding) -> Matrix {
        switch target {
        case .regression, .logRegression:
            var values = raw
            for i in values.storage.indices {
                values.storage[i] = target.mapBack(values.storage[i])
            }
            return values
        case .classes(_, let labels):
            guard labels.count == 2, raw.columns == 1 else { return raw }
            var both = Matrix(rows: raw.rows, columns: 2)
            for row in 0..<raw.rows {
                both[row, 0] = 1 - raw[row, 0]
                both[row, 1] = raw[row, 0]
            }
            return both
        }
    }

    /// The predictions as CSV text: the id column (when named), the prediction, and for
    /// classification one `probability_<label>` column per class.
    /// - Parameter table: rows read with the model's CSV format.
    /// - Returns: the CSV text and the warnings.
    public func csv(for table: DataTable) throws -> (text: String, warnings: [String]) {
        var idValues: [String]?
        // A detected identifier is copied when the file has it; the spec's must be there.
        let idColumn = self.idColumn.flatMap {
            artifact.idColumnDetected && table.columnIndex(named: $0) == nil ? nil : $0
        }
        if let idColumn {
            guard let index = table.columnIndex(named: idColumn) else {
                throw DataError(
                    .missingColumns, path: table.path,
                    location: table.headerStart, sourceLine: table.headerLine,
                    message: "the id column '\(idColumn)' (data.id_column) is not in the file",
                    hint: "add the column, or predict without ids")
            }
            idValues = (0..<table.rowCount).map { table.columns[index].text(row: $0) }
        }
        let (outputs, _, warnings) = try outputs(for: table)
        let header = (idValues == nil ? [] : [idColumn ?? "id"]) + outputNames
        var lines = [header.map(Self.quoted).joined(separator: ",")]
        lines.reserveCapacity(outputs.rows + 1)
        for row in 0..<outputs.rows {
            var fields = idValues.map { [$0[row]] } ?? []
            if let labels = classLabels {
                fields.append(labels[Self.predictedClass(outputs, row: row)])
                fields += (0..<outputs.columns).map { "\(outputs[row, $0])" }
            } else {
                fields.append("\(outputs[row, 0])")
            }
            lines.append(fields.map(Self.quoted).joined(separator: ","))
        }
        return (lines.joined(separator: "\n") + "\n", warnings)
    }

    /// RFC 4180 quoting where a field needs it.
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
