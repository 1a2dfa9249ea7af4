import Random

extension PreparedData {
    /// The data of another member of an ensemble (ENSEMBLE-SMALL-DATA): the same table,
    /// encoding and test rows; training and validation rows drawn afresh from their union, as
    /// many of each per stratum (class, or all rows) as this split has, with a generator
    /// seeded by `seed`, which also seeds the member's batch shuffles.
    /// - Parameter seed: the member's seed.
    /// - Throws: `DataError` when encoding the redrawn rows fails (it cannot for rows this
    ///   encoding has already encoded).
    public func resampled(seed: UInt64) throws -> PreparedData {
        let target = table.columns[schema.targetIndex]
        func stratum(_ row: Int) -> UInt32 {
            guard split.stratified else { return 0 }
            switch target.data {
            case .text(let codes, _): return UInt32(bitPattern: codes[row])
            case .numbers(let values): return values[row].bitPattern
            }
        }
        // Strata in order of their first row, so the draw depends only on the seed.
        var order: [UInt32] = []
        var pools: [UInt32: (rows: [Int], validation: Int)] = [:]
        for row in split.training {
            let key = stratum(row)
            if pools[key] == nil { order.append(key) }
            pools[key, default: ([], 0)].rows.append(row)
        }
        for row in split.validation {
            let key = stratum(row)
            if pools[key] == nil { order.append(key) }
            pools[key, default: ([], 0)].rows.append(row)
            pools[key]?.validation += 1
        }
        var generator = SeededGenerator(seed: seed)
        var training: [Int] = []
        var validation: [Int] = []
        for key in order {
            guard let pool = pools[key] else { continue }
            var rows = pool.rows.sorted()
            let count = pool.validation
            generator.shuffle(&rows)
            validation += rows.prefix(count)
            training += rows.dropFirst(count)
        }
        var member = self
        member.split.training = training.sorted()
        member.split.validation = validation.sorted()
        member.training = try encoding.encode(table, rows: member.split.training).0
        member.validation = try encoding.encode(table, rows: member.split.validation).0
        member.options.seed = seed
        member.generator = generator
        return member
    }
}
