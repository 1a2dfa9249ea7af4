/// The least-squares probe with level columns (rule DEPTH-LINEAR on data with embedded or wide
/// categorical columns): dense inputs and an intercept as in the closed-form fit, plus one
/// weight per level of each level column, read by index so that no one-hot matrix is built.
///
/// Solves the ridge normal equations `(X'X + R) w = X'y` by conjugate gradients preconditioned
/// with their block diagonal (the dense block by Cholesky, each level by its count): `R` is the
/// closed-form fit's 1e-9 ridge on the dense block and `LogisticFit.levelPenalty` on each
/// level (the system is singular without it: every column's levels sum to the intercept).
/// Every sum runs in row order on one thread, so the result does not depend on the core count.
struct LevelLeastSquares {
    /// Dense weights (`featureCount`), then the intercept.
    let dense: [Double]
    /// One weight per row of the level table.
    let levels: [Double]
    /// Conjugate-gradient iterations taken.
    let iterations: Int

    /// Most iterations; the fit stops earlier when the residual is below `tolerance` of the
    /// right-hand side (a few dozen on real data).
    static let maxIterations = 1_000
    static let tolerance = 1e-10

    /// Fits the rows `rows` (ascending) of `training` (dense inputs) with `levelRows` (its
    /// level rows, every training row).
    init(_ training: EncodedRows, levelRows: LevelRows, rows: [Int]) {
        let width = training.featureCount
        let n = width + 1
        let total = levelRows.total
        let columns = levelRows.columns
        let y = training.targets ?? []
        let x = training.features
        let table = levelRows.tableRows
        let (normal, _) = LinearProbe.normalEquations(training, rows: rows, parallel: false)
        let denseRidge = 1e-9 * Double(max(1, rows.count))
        var block = normal
        for a in 0..<n { block[a * n + a] += denseRidge }
        let factor = LinearProbe.choleskyFactor(block, n)
        var counts = [Double](repeating: 0, count: total)
        for row in rows {
            for j in 0..<columns { counts[Int(table[row * columns + j])] += 1 }
        }
        let penalty = LogisticFit.levelPenalty

        /// `(X'X + R) v`, `v` dense-then-levels.
        func product(_ v: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: n + total)
            for row in rows {
                let features = row * width
                var t = v[width]
                for f in 0..<width { t += v[f] * Double(x[features + f]) }
                for j in 0..<columns { t += v[n + Int(table[row * columns + j])] }
                for f in 0..<width { out[f] += t * Double(x[features + f]) }
                out[width] += t
                for j in 0..<columns { out[n + Int(table[row * columns + j])] += t }
            }
            for a in 0..<n { out[a] += denseRidge * v[a] }
            for l in 0..<total { out[n + l] += penalty * v[n + l] }
            return out
        }
        /// The block-diagonal preconditioner's solve.
        func precondition(_ r: [Double]) -> [Double] {
            var z = LinearProbe.choleskySolve(factor, Array(r[0..<n]), n)
            z.reserveCapacity(n + total)
            for l in 0..<total { z.append(r[n + l] / (counts[l] + penalty)) }
            return z
        }
        func dot(_ a: [Double], _ b: [Double]) -> Double {
            var sum = 0.0
            for i in a.indices { sum += a[i] * b[i] }
            return sum
        }

        var rhs = [Double](repeating: 0, count: n + total)
        for row in rows {
            let target = Double(y[row])
            for f in 0..<width { rhs[f] += target * Double(x[row * width + f]) }
            rhs[width] += target
            for j in 0..<columns { rhs[n + Int(table[row * columns + j])] += target }
        }
        var solution = [Double](repeating: 0, count: n + total)
        var residual = rhs
        var z = precondition(residual)
        var direction = z
        var rz = dot(residual, z)
        let stop = Self.tolerance * Self.tolerance * max(dot(rhs, rhs), .leastNormalMagnitude)
        var taken = 0
        while taken < Self.maxIterations && dot(residual, residual) > stop {
            let q = product(direction)
            let curvature = dot(direction, q)
            guard curvature > 0 else { break }
            let step = rz / curvature
            for i in solution.indices {
                solution[i] += step * direction[i]
                residual[i] -= step * q[i]
            }
            z = precondition(residual)
            let next = dot(residual, z)
            let beta = next / rz
            rz = next
            for i in direction.indices { direction[i] = z[i] + beta * direction[i] }
            taken += 1
        }
        dense = Array(solution[0..<n])
        levels = Array(solution[n...])
        iterations = taken
    }

    /// R² of the fit on `split` (dense inputs) with its level rows; nil without two rows with
    /// targets or without spread.
    func rSquared(_ split: EncodedRows, _ levelRows: LevelRows) -> Double? {
        guard split.rowCount > 1, let y = split.targets else { return nil }
        let width = split.featureCount
        let columns = levelRows.columns
        var mean = 0.0
        for value in y { mean += Double(value) }
        mean /= Double(y.count)
        var residual = 0.0
        var total = 0.0
        for row in 0..<split.rowCount {
            var prediction = dense[width]
            for f in 0..<width { prediction += dense[f] * Double(split.features[row * width + f]) }
            for j in 0..<columns {
                prediction += levels[Int(levelRows.tableRows[row * columns + j])]
            }
            let target = Double(y[row])
            residual += (target - prediction) * (target - prediction)
            total += (target - mean) * (target - mean)
        }
        return total > 0 ? 1 - residual / total : nil
    }
}
