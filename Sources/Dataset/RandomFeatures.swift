import Random

/// DEPTH-LINEAR's random features (regression): `relu(x W + b)` of the standardised inputs,
/// with `W` normal of variance `1 / inputs` and `b` standard normal, each feature then
/// standardised on the probe's rows. A ridge model that reads them beside the inputs can fit
/// interactions and bends, as a network of one random hidden layer whose output alone is
/// trained (Rahimi and Recht 2007): when it cross-validates no better than the inputs alone, a
/// network has little a linear model does not already fit.
enum RandomFeatures {
    /// Features added (a hidden layer's worth at the probe's scale).
    static let count = 128
    /// The ridge penalty per row on each feature: ten times the inputs', as the simulation
    /// on the quality suite chose (Benchmarks/quality-results.md, 2026-12-07 evening).
    static let penalty = 0.1
    /// Widest probe (encoded columns read) that gets the features: the Gram matrix grows with
    /// the square of the columns, and wide data is deep by DEPTH-HIGH anyway.
    static let maxInputs = 256
    /// The generator stream of the weights ("RFF").
    static let stream: UInt64 = 0x52_4646

    /// Appends `count` feature columns to `rows`, computed from the encoded columns `inputs`.
    /// - Returns: the new columns' indices; empty when there are no inputs.
    static func append(to rows: inout EncodedRows, from inputs: [Int], seed: UInt64) -> [Int] {
        guard !inputs.isEmpty, rows.rowCount > 1 else { return [] }
        var generator = SeededGenerator(seed: seed, stream: stream)
        let scale = 1 / Double(inputs.count).squareRoot()
        let weights = (0..<(inputs.count * count)).map { _ in generator.nextNormal() * scale }
        let biases = (0..<count).map { _ in generator.nextNormal() }
        let n = rows.rowCount
        let width = rows.featureCount
        var values = [Double](repeating: 0, count: n * count)
        for row in 0..<n {
            let base = row * width
            for (k, column) in inputs.enumerated() {
                let x = Double(rows.features[base + column])
                if x == 0 { continue }
                let w = k * count
                for f in 0..<count { values[row * count + f] += x * weights[w + f] }
            }
            for f in 0..<count {
                values[row * count + f] = max(0, values[row * count + f] + biases[f])
            }
        }
        // Standardise each feature on these rows; a feature that never fires stays 0.
        for f in 0..<count {
            var sum = 0.0
            var squares = 0.0
            for row in 0..<n {
                sum += values[row * count + f]
                squares += values[row * count + f] * values[row * count + f]
            }
            let mean = sum / Double(n)
            let deviation = max(0, squares / Double(n) - mean * mean).squareRoot()
            for row in 0..<n {
                values[row * count + f] =
                    deviation > 1e-9 ? (values[row * count + f] - mean) / deviation : 0
            }
        }
        let wider = width + count
        var features = [Float](repeating: 0, count: n * wider)
        for row in 0..<n {
            for j in 0..<width { features[row * wider + j] = rows.features[row * width + j] }
            for f in 0..<count {
                features[row * wider + width + f] = Float(values[row * count + f])
            }
        }
        rows.features = features
        rows.featureCount = wider
        return Array(width..<wider)
    }
}
