import Random

/// The table rows of the training, validation and test splits.
public struct DataSplit: Sendable, Equatable, Codable {
    /// Training rows (table row indices, ascending).
    public var training: [Int]
    /// Validation rows (ascending).
    public var validation: [Int]
    /// Test rows (ascending).
    public var test: [Int]
    /// Rows left out because their target is missing.
    public var droppedMissingTarget: Int
    /// Whether the split was stratified by class.
    public var stratified: Bool

    /// Splits the rows of `table` whose target is present.
    ///
    /// Each stratum (a class, or all rows when not stratified) is shuffled with `generator`,
    /// then `round(n * validationFraction)` rows go to validation, `round(n * testFraction)` to
    /// test, the rest to training, keeping at least one training row per stratum. Stratifying
    /// keeps every class's share equal across splits.
    /// - Parameters:
    ///   - table: the typed table.
    ///   - schema: gives the target and the task.
    ///   - validationFraction: share for validation, in `[0, 1)`.
    ///   - testFraction: share for test; the two sum to less than 1.
    ///   - stratify: stratify by class (classification only; default for it).
    ///   - generator: the seeded generator; advanced by the shuffles.
    public static func make(
        table: DataTable, schema: DataSchema, validationFraction: Double, testFraction: Double,
        stratify: Bool, generator: inout SeededGenerator
    ) -> DataSplit {
        let target = table.columns[schema.targetIndex]
        var strata: [[Int]] = []
        var dropped = 0
        let useStrata = stratify && schema.task == .classification
        switch target.data {
        case .numbers(let values):
            var byValue: [Float: Int] = [:]
            for row in 0..<table.rowCount {
                let value = values[row]
                if value.isNaN {
                    dropped += 1
                    continue
                }
                let key = useStrata ? value : 0
                if let k = byValue[key] {
                    strata[k].append(row)
                } else {
                    byValue[key] = strata.count
                    strata.append([row])
                }
            }
        case .text(let codes, let levels):
            var byCode = [Int](repeating: -1, count: useStrata ? levels.count : 1)
            for row in 0..<table.rowCount {
                let code = codes[row]
                if code < 0 {
                    dropped += 1
                    continue
                }
                let key = useStrata ? Int(code) : 0
                if byCode[key] < 0 {
                    byCode[key] = strata.count
                    strata.append([])
                }
                strata[byCode[key]].append(row)
            }
        }
        // Each row is marked with its split, then the rows are listed in one ascending sweep
        // (the same lists as sorting each split, without the sorts).
        let (none, training, validation, test): (UInt8, UInt8, UInt8, UInt8) = (0, 1, 2, 3)
        var assignment = [UInt8](repeating: none, count: table.rowCount)
        var counts = (training: 0, validation: 0, test: 0)
        for var stratum in strata {
            generator.shuffle(&stratum)
            let n = stratum.count
            var validationCount = Int((Double(n) * validationFraction).rounded())
            var testCount = Int((Double(n) * testFraction).rounded())
            while validationCount + testCount >= n && validationCount + testCount > 0 {
                if testCount >= validationCount { testCount -= 1 } else { validationCount -= 1 }
            }
            for (k, row) in stratum.enumerated() {
                assignment[row] =
                    k < validationCount
                    ? validation
                    : k < validationCount + testCount ? test : training
            }
            counts.validation += validationCount
            counts.test += testCount
            counts.training += n - validationCount - testCount
        }
        var split = DataSplit(
            training: [], validation: [], test: [], droppedMissingTarget: dropped,
            stratified: useStrata)
        split.training.reserveCapacity(counts.training)
        split.validation.reserveCapacity(counts.validation)
        split.test.reserveCapacity(counts.test)
        for (row, mark) in assignment.enumerated() {
            switch mark {
            case training: split.training.append(row)
            case validation: split.validation.append(row)
            case test: split.test.append(row)
            default: break
            }
        }
        return split
    }
}
