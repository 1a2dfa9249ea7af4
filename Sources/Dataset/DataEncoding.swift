import Foundation
import Spec

/// The fitted encoding of a dataset: how to turn a CSV's columns into network inputs and
/// targets. Fitted on the training split only (no leakage); a `Codable` value saved with the
/// model and reapplied to new files with `apply(toFile:)`.
public struct DataEncoding: Sendable, Equatable, Codable {
    /// The input columns, in order.
    public var features: [FeatureEncoding]
    /// The target.
    public var target: TargetEncoding
    /// How the training file was read (delimiter, missing markers).
    public var format: CSVFormat

    /// Whether the data gives `other` again: the same columns, categories and training-split
    /// statistics. A log target's smearing factor is not compared: a saved model's is fitted
    /// after training, and the data alone gives 1.
    /// - Parameter other: the encoding a model or checkpoint was saved with.
    public func matches(_ other: DataEncoding) -> Bool {
        var mine = self
        var theirs = other
        mine.target = mine.target.beforeTraining
        theirs.target = theirs.target.beforeTraining
        return mine == theirs
    }

    /// Encoded input width: columns of the encoded rows (an embedded column is one code).
    public var inputWidth: Int { features.reduce(0) { $0 + $1.width } }
    /// `Ni` for the sizing rules: the columns the network's first layer sees, each embedded
    /// column counted by its dimension (ENC-EMBED-SIZE). Equal to `inputWidth` without
    /// embedded columns.
    public var networkInputWidth: Int { features.reduce(0) { $0 + $1.networkWidth } }
    /// Floats in the embedding tables of the embedded columns (levels x dimension, summed).
    public var embeddingParameters: Int {
        features.reduce(0) { total, feature in
            total + (feature.embeddingLevels ?? 0) * feature.networkWidth
        }
    }
    /// The names of the encoded inputs, in order.
    public var inputNames: [String] { features.flatMap(\.encodedNames) }

    /// Fits the encoding on `trainingRows` of `table`.
    /// - Parameters:
    ///   - table: the table, typed (`ColumnTyper.type`).
    ///   - schema: the column types and the task.
    ///   - trainingRows: the training split's table rows: every statistic comes from these.
    ///   - format: how the table was read, kept for reapplying.
    ///   - categories: one-hot or embedding by the number of levels (default: the rulebook's
    ///     thresholds, ENC-ONEHOT-MAX, ENC-RARE-OTHER, ENC-EMBED-SIZE).
    ///   - targetTransform: a regression target's transform; `auto` is ENC-TARGET-LOG's
    ///     choice (default `none`: the target as it is; `PreparedData` passes the spec's).
    ///   - numericBins: piecewise-linear bins per number column, at the training quantiles
    ///     (ENC-NUMERIC-PLE; default nil: standardised numbers only). `PreparedData` fits
    ///     them, then `NumericEncodingRule` decides whether they stay.
    ///   - equalityIndicators: an indicator per pair of number columns equal on many
    ///     training rows (ENC-NUMERIC-EQUAL, `ColumnEqualities`), after the other features
    ///     (default false). `PreparedData` fits them, then `NumericEncodingRule` decides
    ///     whether they stay.
    public static func fit(
        table: DataTable, schema: DataSchema, trainingRows: [Int], format: CSVFormat,
        categories: CategoryPolicy = CategoryPolicy(),
        targetTransform: Setting<TargetTransform> = .fixed(.none), numericBins: Int? = nil,
        equalityIndicators: Bool = false
    ) -> DataEncoding {
        var features: [FeatureEncoding] = []
        // Number columns first, each on its own (one sort per column): on both cores when the
        // split is large. Results go by position, so the order does not depend on scheduling.
        let featureIndices = schema.featureIndices
        let numberPositions = featureIndices.indices.filter { position in
            let j = featureIndices[position]
            return table.columns[j].isNumeric && schema.columns[j].kind == .number
        }
        var numbers = [FeatureEncoding?](repeating: nil, count: featureIndices.count)
        numbers.withUnsafeMutableBufferPointer { buffer in
            let numbers = SharedPointer(buffer)
            TwoCores.forEach(
                numberPositions.count,
                parallel: trainingRows.count * numberPositions.count >= TwoCores.minimumWork
            ) { k in
                let position = numberPositions[k]
                let column = table.columns[featureIndices[position]]
                if case .numbers(let values) = column.data {
                    numbers[position] = fitNumber(
                        column.name, values, trainingRows, bins: numericBins)
                }
            }
        }
        for (position, j) in featureIndices.enumerated() {
            let column = table.columns[j]
            let typing = schema.columns[j]
            if let number = numbers[position] {
                features.append(number)
                continue
            }
            if typing.kind == .date || typing.kind == .datetime {
                features.append(
                    FeatureEncoding(
                        name: column.name,
                        method: .dateParts(DatePartsEncoding.fit(column, rows: trainingRows))))
                continue
            }
            switch column.data {
            default:
                let (levels, counts, missing) = trainingLevels(column, trainingRows)
                let present = levels.indices.filter { counts[$0] > 0 }.map { levels[$0] }
                if typing.kind == .binary {
                    let sorted = sortLevels(present, numeric: column.isNumeric)
                    features.append(
                        FeatureEncoding(
                            name: column.name,
                            method: .binary(levels: sorted, missingIndicator: missing > 0)))
                } else if present.count > categories.oneHotMaxLevels,
                    counts.filter({ $0 >= max(1, categories.rareLevelMinimumCount) }).count >= 2
                {
                    // ENC-ONEHOT-MAX; an embedding needs two levels with enough rows to learn
                    // (ENC-RARE-OTHER), else it would see one level: one-hot then, as before.
                    features.append(
                        fitEmbedding(
                            column, levels: levels, counts: counts, missing: missing,
                            policy: categories))
                } else {
                    features.append(
                        FeatureEncoding(
                            name: column.name,
                            method: .oneHot(
                                levels: sortLevels(present, numeric: column.isNumeric),
                                missingLevel: missing > 0)))
                }
            }
        }
        if equalityIndicators {
            let numbers = numberPositions.map { featureIndices[$0] }
            for pair in ColumnEqualities.find(
                table: table, columns: numbers, trainingRows: trainingRows)
            {
                features.append(
                    .equality(table.columns[pair.first].name, table.columns[pair.second].name))
            }
        }
        let targetColumn = table.columns[schema.targetIndex]
        let target: TargetEncoding
        switch (schema.task, targetColumn.data) {
        case (.regression, .numbers(let raw)):
            // ENC-TARGET-LOG: the log's statistics when the rule (or the spec) takes it.
            let training = trainingRows.map { raw[$0] }
            let log =
                TargetTransformRule.choose(targetTransform, trainingValues: training)
                .transform == .log
            // The statistics read only the training values (already copied above).
            let values =
                log ? training.map { $0 > 0 ? Float(Foundation.log(Double($0))) : .nan } : training
            var sum = 0.0
            var count = 0
            for value in values where !value.isNaN {
                sum += Double(value)
                count += 1
            }
            let mean = count > 0 ? sum / Double(count) : 0
            var squares = 0.0
            for value in values where !value.isNaN {
                let d = Double(value) - mean
                squares += d * d
            }
            let deviation = count > 0 ? (squares / Double(count)).squareRoot() : 1
            target =
                log
                ? .logRegression(
                    name: targetColumn.name, mean: mean,
                    standardDeviation: deviation > 0 ? deviation : 1, smearing: 1)
                : .regression(
                    name: targetColumn.name, mean: mean,
                    standardDeviation: deviation > 0 ? deviation : 1)
        default:
            // Class names come from every labelled row: naming the classes leaks nothing, and a
            // class absent from the training split must still have an index.
            let (levels, counts, _) = trainingLevels(targetColumn, Array(0..<table.rowCount))
            let present = levels.indices.filter { counts[$0] > 0 }.map { levels[$0] }
            target = .classes(
                name: targetColumn.name,
                labels: sortLevels(present, numeric: targetColumn.isNumeric))
        }
        return DataEncoding(features: features, target: target, format: format)
    }

    private static func fitNumber(
        _ name: String, _ values: [Float], _ rows: [Int], bins: Int?
    )
        -> FeatureEncoding
    {
        var present: [Float] = []
        present.reserveCapacity(rows.count)
        values.withUnsafeBufferPointer { values in
            for row in rows where !values[row].isNaN { present.append(values[row]) }
        }
        let missing = rows.count - present.count
        // Ascending order (linear-time radix sort, same array as `sorted()`): the median, and
        // the sums below keep their order, so the statistics stay bit for bit the same.
        present = FloatSorting.sorted(present)
        let median: Float
        if present.isEmpty {
            median = 0
        } else if present.count % 2 == 1 {
            median = present[present.count / 2]
        } else {
            median = Float(
                (Double(present[present.count / 2 - 1]) + Double(present[present.count / 2])) / 2)
        }
        var sum = 0.0
        for value in present { sum += Double(value) }
        sum += Double(missing) * Double(median)
        let count = Double(max(1, rows.count))
        let mean = sum / count
        var squares = 0.0
        for value in present {
            let d = Double(value) - mean
            squares += d * d
        }
        squares += Double(missing) * (Double(median) - mean) * (Double(median) - mean)
        let deviation = (squares / count).squareRoot()
        return FeatureEncoding(
            name: name,
            method: .number(
                median: median, mean: mean, standardDeviation: deviation > 0 ? deviation : 1,
                missingIndicator: missing > 0,
                edges: bins.flatMap { PiecewiseLinearBins.edges(sorted: present, bins: $0) }))
    }

    /// ENC-RARE-OTHER and ENC-EMBED-SIZE: the levels kept (on at least the minimum of training
    /// rows), how many go to "other", and the dimension of the table.
    private static func fitEmbedding(
        _ column: TableColumn, levels: [String], counts: [Int], missing: Int,
        policy: CategoryPolicy
    ) -> FeatureEncoding {
        let minimum = max(1, policy.rareLevelMinimumCount)
        let kept = levels.indices.filter { counts[$0] >= minimum }.map { levels[$0] }
        let rare = levels.indices.filter { counts[$0] > 0 && counts[$0] < minimum }.count
        let rows = kept.count + 1 + (missing > 0 ? 1 : 0)
        return FeatureEncoding(
            name: column.name,
            method: .embedding(
                levels: sortLevels(kept, numeric: column.isNumeric), rareLevels: rare,
                missingLevel: missing > 0,
                dimension: FeatureEncoding.embeddingDimension(
                    levels: rows, maximum: max(1, policy.embeddingMaxDimension))))
    }

    /// The column's values as text levels, with their counts over `rows` and the missing count.
    private static func trainingLevels(
        _ column: TableColumn, _ rows: [Int]
    )
        -> (levels: [String], counts: [Int], missing: Int)
    {
        switch column.data {
        case .text(let codes, let levels):
            var counts = [Int](repeating: 0, count: levels.count)
            var missing = 0
            for row in rows {
                let code = codes[row]
                if code < 0 { missing += 1 } else { counts[Int(code)] += 1 }
            }
            return (levels, counts, missing)
        case .numbers(let values):
            var index: [Float: Int] = [:]
            var levels: [String] = []
            var counts: [Int] = []
            var missing = 0
            for row in rows {
                let value = values[row]
                if value.isNaN {
                    missing += 1
                    continue
                }
                if let k = index[value] {
                    counts[k] += 1
                } else {
                    index[value] = levels.count
                    levels.append(NumberText.shortest(value))
                    counts.append(1)
                }
            }
            return (levels, counts, missing)
        }
    }

    /// Levels in numeric order when they are all numbers, else in text order.
    private static func sortLevels(_ levels: [String], numeric: Bool) -> [String] {
        if numeric || levels.allSatisfy({ parseDecimal($0) != nil }) {
            return levels.sorted { (parseDecimal($0) ?? 0) < (parseDecimal($1) ?? 0) }
        }
        return levels.sorted()
    }
}
