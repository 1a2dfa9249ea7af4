import Random

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif

/// The mixture weights of `count` observations in trial-number order, then the prior's, summing
/// to 1: Optuna's `default_weights` (the newest 25 at weight 1, older ones on a ramp from
/// 1/count up, Bergstra et al. 2013) with the prior appended. No observations: the prior alone.
func parzenWeights(count: Int, priorWeight: Double) -> [Double] {
    guard count > 0 else { return [1] }
    var weights = [Double](repeating: 1, count: count)
    if count >= 25 {
        let ramped = count - 25
        for i in 0..<ramped {
            // np.linspace(1 / count, 1, num: ramped)
            let fraction = ramped == 1 ? 0 : Double(i) / Double(ramped - 1)
            weights[i] = 1 / Double(count) + fraction * (1 - 1 / Double(count))
        }
    }
    weights.append(max(priorWeight, 0))
    let total = weights.reduce(0, +)
    return weights.map { $0 / total }
}

/// One parameter's Parzen estimator over a numeric axis: a truncated normal at each observation
/// and one prior kernel (the axis' middle, its full width), after Optuna's
/// `_ParzenEstimator._calculate_numerical_distributions` with `consider_endpoints=False` and
/// the magic clip. Integers use the discretised kernels: the mass of `[x - 1/2, x + 1/2]`.
struct NumericParzenEstimator {
    let axis: NumericAxis
    let weights: [Double]
    let mus: [Double]
    let sigmas: [Double]
    /// Per kernel: log weight - log of its mass inside the axis (and, for reals, - log σ√2π).
    private let logCoefficients: [Double]

    /// - Parameters:
    ///   - observations: points on the transformed axis, in trial-number order.
    ///   - axis: the axis (bounds padded for integers).
    ///   - priorWeight: the prior kernel's weight before normalising (Optuna: 1.0).
    init(observations: [Double], axis: NumericAxis, priorWeight: Double) {
        self.axis = axis
        let low = axis.low
        let high = axis.high
        let width = high - low
        var sigmas = [Double](repeating: width, count: observations.count)
        if !observations.isEmpty {
            let order = observations.indices.sorted { observations[$0] < observations[$1] }
            var sorted: [Double] = [low]
            sorted.append(contentsOf: order.map { observations[$0] })
            sorted.append(high)
            var sortedSigmas: [Double] = []
            sortedSigmas.reserveCapacity(observations.count)
            for i in 1...observations.count {
                let leftGap: Double = sorted[i] - sorted[i - 1]
                let rightGap: Double = sorted[i + 1] - sorted[i]
                sortedSigmas.append(max(leftGap, rightGap))
            }
            // consider_endpoints=False: the outermost kernels look only inward.
            if sorted.count >= 4 {
                sortedSigmas[0] = sorted[2] - sorted[1]
                sortedSigmas[sortedSigmas.count - 1] =
                    sorted[sorted.count - 2]
                    - sorted[sorted.count - 3]
            }
            // The magic clip: no kernel narrower than the range over min(100, kernels + 1).
            let minimum = width / min(100, 1 + Double(observations.count + 1))
            for (rank, index) in order.enumerated() {
                sigmas[index] = min(max(sortedSigmas[rank], minimum), width)
            }
        }
        mus = observations + [0.5 * (low + high)]
        self.sigmas = sigmas + [width]
        weights = parzenWeights(count: observations.count, priorWeight: priorWeight)
        var coefficients: [Double] = []
        coefficients.reserveCapacity(mus.count)
        for k in mus.indices {
            let sigma = self.sigmas[k]
            let mass = StandardNormal.logMass((low - mus[k]) / sigma, (high - mus[k]) / sigma)
            var coefficient = log(weights[k]) - mass
            if !axis.isInteger { coefficient -= log(sigma) + StandardNormal.logRootTwoPi }
            coefficients.append(coefficient)
        }
        logCoefficients = coefficients
    }

    /// A draw from the mixture: a kernel by weight, then its truncated normal, then the domain
    /// value (rounded for integers) and its transformed point.
    func sample(using generator: inout SeededGenerator) -> (value: ParameterValue, point: Double) {
        let k = pickIndex(weights, using: &generator)
        let sigma = sigmas[k]
        let z = StandardNormal.truncatedQuantile(
            generator.nextUnitDouble(), (axis.low - mus[k]) / sigma, (axis.high - mus[k]) / sigma)
        let value = axis.value(atTransformed: mus[k] + sigma * z)
        return (value, axis.isInteger ? axis.transformedPoint(of: value) : mus[k] + sigma * z)
    }

    /// The mixture's log density at a transformed point (reals), or log mass of the integer's
    /// cell (integers; `point` is the integer's own transformed point).
    func logDensity(at point: Double, value: ParameterValue) -> Double {
        var terms = [Double](repeating: 0, count: mus.count)
        if axis.isInteger {
            let x: Double
            if case .integer(let n) = value { x = Double(n) } else { x = axis.valueLow }
            let left = axis.isLog ? log(x - 0.5) : x - 0.5
            let right = axis.isLog ? log(x + 0.5) : x + 0.5
            for k in mus.indices {
                let sigma = sigmas[k]
                terms[k] =
                    logCoefficients[k]
                    + StandardNormal.logMass((left - mus[k]) / sigma, (right - mus[k]) / sigma)
            }
        } else {
            for k in mus.indices {
                let z = (point - mus[k]) / sigmas[k]
                terms[k] = logCoefficients[k] - 0.5 * z * z
            }
        }
        return logSumExp(terms)
    }
}

/// One categorical parameter's Parzen estimator: each observation a kernel putting 1 on its
/// choice plus `prior / kernels` on every choice, and a uniform prior kernel, after Optuna's
/// `_calculate_categorical_distributions`. The mixture collapses to one probability a choice.
struct CategoricalParzenEstimator {
    let probabilities: [Double]

    /// - Parameters:
    ///   - observations: choice indices, in trial-number order.
    ///   - count: the number of choices (> 0).
    ///   - priorWeight: the prior kernel's weight before normalising (Optuna: 1.0).
    init(observations: [Int], count: Int, priorWeight: Double) {
        let weights = parzenWeights(count: observations.count, priorWeight: priorWeight)
        let kernels = Double(observations.count + 1)
        let spread = max(priorWeight, 0) / kernels
        let rowTotal = spread * Double(count) + 1
        var probabilities = [Double](repeating: 0, count: count)
        for (k, choice) in observations.enumerated() {
            for c in 0..<count { probabilities[c] += weights[k] * spread / rowTotal }
            probabilities[choice] += weights[k] / rowTotal
        }
        for c in 0..<count { probabilities[c] += weights[observations.count] / Double(count) }
        self.probabilities = probabilities
    }

    func sample(using generator: inout SeededGenerator) -> Int {
        pickIndex(probabilities, using: &generator)
    }

    func logProbability(of choice: Int) -> Double { log(probabilities[choice]) }
}

/// An index drawn with probability proportional to `weights` (non-negative, not all zero).
func pickIndex(_ weights: [Double], using generator: inout SeededGenerator) -> Int {
    let total = weights.reduce(0, +)
    var remaining = generator.nextUnitDouble() * total
    for (i, w) in weights.enumerated() {
        remaining -= w
        if remaining < 0 { return i }
    }
    return weights.lastIndex { $0 > 0 } ?? 0
}

/// log Σ exp(terms), safe when every term is -inf.
func logSumExp(_ terms: [Double]) -> Double {
    guard let largest = terms.max(), largest.isFinite else { return terms.max() ?? -.infinity }
    var sum = 0.0
    for t in terms { sum += exp(t - largest) }
    return largest + log(sum)
}
