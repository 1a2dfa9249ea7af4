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
        let (normal, rhsDense) = LinearProbe.normalEquations(training, rows: rows, parallel: false)
        let denseRidge = 1e-9 * Double(max(1, rows.count))
        var block = normal
        for a in 0..<n { block[a * n + a] += denseRidge }
        let factor = LinearProbe.choleskyFactor(block, n)
        let penalty = LogisticFit.levelPenalty
        // The fitted rows packed once: their inputs widened, their table rows, their targets.
        var packed = [Double](repeating: 0, count: rows.count * width)
        var table = [Int](repeating: 0, count: rows.count * columns)
        var targets = [Double](repeating: 0, count: rows.count)
        var counts = [Double](repeating: 0, count: total)
        for (i, row) in rows.enumerated() {
            for f in 0..<width {
                packed[i * width + f] = Double(training.features[row * width + f])
            }
            for j in 0..<columns {
                let level = Int(levelRows.tableRows[row * columns + j])
                table[i * columns + j] = level
                counts[level] += 1
            }
            targets[i] = Double(training.targets?[row] ?? 0)
        }
        // The right-hand side `X'y`: the dense part from the normal equations, levels here.
        var rhs = rhsDense + [Double](repeating: 0, count: total)
        for i in 0..<rows.count {
            for j in 0..<columns { rhs[n + table[i * columns + j]] += targets[i] }
        }

        /// `out = (X'X + R) v`, `v` and `out` dense-then-levels.
        func product(_ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
            out.update(repeating: 0, count: n + total)
            packed.withUnsafeBufferPointer { packed in
                table.withUnsafeBufferPointer { table in
                    for i in 0..<rows.count {
                        let x = packed.baseAddress! + i * width
                        let levels = table.baseAddress! + i * columns
                        var t = v[width]
                        for f in 0..<width { t += v[f] * x[f] }
                        for j in 0..<columns { t += v[n + levels[j]] }
                        for f in 0..<width { out[f] += t * x[f] }
                        out[width] += t
                        for j in 0..<columns { out[n + levels[j]] += t }
                    }
                }
            }
            for a in 0..<n { out[a] += denseRidge * v[a] }
            for l in 0..<total { out[n + l] += penalty * v[n + l] }
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

        var solution = [Double](repeating: 0, count: n + total)
        var residual = rhs
        var z = precondition(residual)
        var direction = z
        var q = [Double](repeating: 0, count: n + total)
        var rz = dot(residual, z)
        let stop = Self.tolerance * Self.tolerance * max(dot(rhs, rhs), .leastNormalMagnitude)
        var taken = 0
        while taken < Self.maxIterations && dot(residual, residual) > stop {
            direction.withUnsafeBufferPointer { v in
                q.withUnsafeMutableBufferPointer { out in
                    product(v.baseAddress!, into: out.baseAddress!)
                }
            }
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

    /// R² of the fit on `split` (dense inputs) with its level rows.
    func rSquared(_ split: EncodedRows, _ levelRows: LevelRows) -> Double? {
        let width = split.featureCount
        let columns = levelRows.columns
        return LinearProbe.rSquared(split) { row in
            var prediction = dense[width]
            for f in 0..<width { prediction += dense[f] * Double(split.features[row * width + f]) }
            for j in 0..<columns {
                prediction += levels[Int(levelRows.tableRows[row * columns + j])]
            }
            return prediction
        }
    }
}
