import Spec

/// What `layerwise profile` reports about a dataset: sizes, types, classes and the linear probe.
/// `Codable` for `--format json` (the enums as their raw values); `text` for people.
public struct DataProfile: Sendable, Equatable, Codable {
    /// One column's line of the profile.
    public struct Column: Sendable, Equatable, Codable {
        public var name: String
        /// The decided type (`number`, `category`, ...).
        public var type: ColumnKind
        /// `feature`, `target` or `excluded`.
        public var role: ColumnRole
        public var missing: Int
        public var distinct: Int
        /// Network inputs produced (0 when excluded or the target): encoded columns, or the
        /// embedding's dimension for an embedded category.
        public var encodedWidth: Int
        public var reason: String
        /// How a category is encoded, with its rule (ENC-ONEHOT-MAX, ENC-EMBED-SIZE,
        /// ENC-RARE-OTHER); nil for other columns.
        public var encoding: String? = nil
        /// The table of an embedded category, `[levels, dimension]`; nil otherwise.
        public var embeddingShape: [Int]? = nil
    }

    /// A class and its number of labelled rows.
    public struct ClassCount: Sendable, Equatable, Codable {
        public var label: String
        public var count: Int
    }

    /// Row counts of the splits (`Ns` each).
    public struct SplitSizes: Sendable, Equatable, Codable {
        public var training: Int
        public var validation: Int
        public var test: Int
    }

    public var path: String
    public var target: String
    /// `classification` or `regression`.
    public var task: TaskKind
    /// Data rows in the file.
    public var rows: Int
    /// Rows left out for a missing target.
    public var droppedMissingTarget: Int
    /// `Ns` per split.
    public var splits: SplitSizes
    /// `Ni`: the network's inputs after encoding (an embedded category counts its dimension).
    public var inputs: Int
    /// `No`: network outputs.
    public var outputs: Int
    public var columns: [Column]
    /// Class counts over all labelled rows (classification).
    public var classes: [ClassCount]?
    /// Largest class count over the smallest (classification).
    public var imbalanceRatio: Double?
    /// Rule DEPTH-LINEAR's probe.
    public var linearProbe: LinearProbe
    public var warnings: [String]
    /// A regression target's transform (ENC-TARGET-LOG) and its training values' skewness;
    /// nil for classification.
    public var targetTransform: TargetTransformChoice?
    /// How number inputs are encoded and the probe's scores (ENC-NUMERIC-PLE).
    public var numericEncoding: NumericEncodingChoice?

    /// Profiles prepared data (runs the linear probe).
    public init(_ data: PreparedData) {
        path = data.options.path
        target = data.options.target
        task = data.schema.task
        rows = data.table.rowCount
        droppedMissingTarget = data.split.droppedMissingTarget
        splits = SplitSizes(
            training: data.split.training.count, validation: data.split.validation.count,
            test: data.split.test.count)
        inputs = data.encoding.networkInputWidth
        outputs = data.encoding.target.outputWidth
        let features = Dictionary(
            data.encoding.features.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let policy = data.options.categoryPolicy
        columns = data.schema.columns.map { typing in
            var column = Column(
                name: typing.name, type: typing.kind, role: typing.role,
                missing: typing.missingCount, distinct: typing.distinctCount,
                encodedWidth: features[typing.name]?.networkWidth ?? 0, reason: typing.reason)
            if let feature = features[typing.name] {
                column.encoding = Self.encodingNote(feature, policy: policy)
                column.embeddingShape = feature.embeddingLevels.map { [$0, feature.networkWidth] }
            }
            return column
        }
        if case .classes(_, let labels) = data.encoding.target {
            var counts = [Int](repeating: 0, count: labels.count)
            for split in [data.training, data.validation, data.test] {
                for index in split.classIndices ?? [] where index >= 0 { counts[Int(index)] += 1 }
            }
            classes = zip(labels, counts).map { ClassCount(label: $0.0, count: $0.1) }
            let smallest = counts.min() ?? 0
            imbalanceRatio = smallest > 0 ? Double(counts.max() ?? 0) / Double(smallest) : nil
        }
        if data.encoding.target.isRegression,
            case .numbers(let values) = data.table.columns[data.schema.targetIndex].data
        {
            targetTransform = TargetTransformChoice(
                transform: data.encoding.target.isLog ? .log : .none,
                skewness: TargetTransformRule.skewness(data.split.training.lazy.map { values[$0] }))
        }
        numericEncoding = data.numericEncoding
        linearProbe = LinearProbe.run(data)
        warnings = data.warnings
    }

    /// How a category is encoded and by which rule, for the reason column (dates explain
    /// themselves in their typing reason).
    static func encodingNote(_ feature: FeatureEncoding, policy: CategoryPolicy) -> String? {
        guard let reason = feature.reason(policy: policy) else { return nil }
        switch feature.method {
        case .oneHot:
            return "one-hot (\(reason.text))"
        case .embedding(_, _, _, let dimension):
            return "embedding \(feature.embeddingLevels ?? 0) x \(dimension) (\(reason.text))"
        case .number, .binary, .dateParts, .equality:
            return nil
        }
    }

    /// The profile as aligned text.
    public var text: String {
        var lines: [String] = []
        lines.append("Data      \(path)")
        lines.append("Target    \(target) (\(task.rawValue))")
        var rowsLine =
            "Rows      \(rows)  ->  training \(splits.training), validation \(splits.validation), "
            + "test \(splits.test)"
        if droppedMissingTarget > 0 { rowsLine += "  (\(droppedMissingTarget) without target)" }
        lines.append(rowsLine)
        lines.append("Inputs    Ni = \(inputs) after encoding")
        lines.append("Outputs   No = \(outputs)")
        lines.append("")
        let header = ["column", "type", "role", "missing", "distinct", "inputs", "reason"]
        let body = columns.map {
            [
                $0.name, $0.type.rawValue, $0.role.rawValue, String($0.missing),
                String($0.distinct),
                $0.encodedWidth > 0 ? String($0.encodedWidth) : "-",
                $0.reason + ($0.encoding.map { "; " + $0 } ?? ""),
            ]
        }
        lines += alignedTable(header: header, rows: body, rightAligned: [3, 4, 5])
        if let classes {
            lines.append("")
            let total = max(1, classes.reduce(0) { $0 + $1.count })
            let classRows = classes.map {
                [
                    $0.label, String($0.count),
                    NumberText.fixed(100 * Double($0.count) / Double(total), digits: 1) + "%",
                ]
            }
            lines += alignedTable(
                header: ["class", "rows", "share"], rows: classRows, rightAligned: [1, 2])
            if let imbalanceRatio {
                lines.append(
                    "Imbalance ratio (largest / smallest class): "
                        + NumberText.fixed(imbalanceRatio, digits: 2))
            }
        }
        lines.append("")
        if let numeric = numericEncoding {
            lines.append("Numbers (ENC-NUMERIC-PLE): \(numeric.encoding.rawValue); \(numeric.why)")
            if let equalities = numeric.equalities {
                lines.append(
                    "Equal columns (ENC-NUMERIC-EQUAL): \(equalities.kept); \(equalities.why)")
            }
        }
        let probe = linearProbe
        // Classification's DEPTH-LINEAR reads this probe's separability; regression's reads the
        // ridge probe with random features (below), so this line is only the fit there.
        var probeLine =
            (task == .classification ? "Linear probe (DEPTH-LINEAR): " : "Linear probe: ")
            + "\(probe.model) on \(probe.fittedRows) rows"
        if let accuracy = probe.trainingAccuracy {
            probeLine += ", training accuracy " + NumberText.fixed(100 * accuracy, digits: 1) + "%"
            if let validation = probe.validationAccuracy {
                probeLine += ", validation " + NumberText.fixed(100 * validation, digits: 1) + "%"
            }
            probeLine += probe.separable == true ? ": linearly separable" : ": not separable"
        }
        if let r2 = probe.trainingR2 {
            probeLine += ", training R² " + NumberText.fixed(r2, digits: 3)
            if let validation = probe.validationR2 {
                probeLine += ", validation R² " + NumberText.fixed(validation, digits: 3)
            }
        }
        lines.append(probeLine)
        if let numeric = numericEncoding, let linear = numeric.linearScore,
            let features = numeric.nonlinearScore
        {
            let regression = task == .regression
            lines.append(
                "Random features (\(regression ? "DEPTH-LINEAR, " : "")DEPTH-NO-SIGNAL): ridge "
                    + "5-fold \(regression ? "R²" : "accuracy") "
                    + NumberText.fixed(linear, digits: 3)
                    + ", with \(RandomFeatures.count) random ReLU features "
                    + NumberText.fixed(features, digits: 3)
                    + (features > linear ? ": they add to it" : ": they add nothing"))
        }
        if let byLevel = probe.levelColumns {
            // Which columns, and why they are read by index rather than as inputs.
            let levels = Dictionary(
                columns.map { ($0.name, $0.embeddingShape?.first ?? $0.encodedWidth) },
                uniquingKeysWith: { a, _ in a })
            let listed = byLevel.map { "\($0) (\(levels[$0] ?? 0) levels)" }
            lines.append(
                "  fitted by level (one weight per level, read by index): "
                    + listed.joined(separator: ", "))
        }
        if !warnings.isEmpty {
            lines.append("")
            lines += warnings.map { "warning: " + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Columns padded to their widest cell, two spaces apart.
func alignedTable(header: [String], rows: [[String]], rightAligned: Set<Int>) -> [String] {
    let all = [header] + rows
    let widths = header.indices.map { k in all.map { $0[k].count }.max() ?? 0 }
    return all.map { row in
        row.indices.map { k in
            let cell = row[k]
            let pad = String(repeating: " ", count: widths[k] - cell.count)
            if k == row.count - 1 && !rightAligned.contains(k) { return cell }
            return rightAligned.contains(k) ? pad + cell : cell + pad
        }.joined(separator: "  ")
    }
}
