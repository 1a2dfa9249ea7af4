import Random

/// Scrambled Halton points: the exploration sampler (the Deep Learning Tuning Playbook's
/// advice, "use quasi-random search" for the exploration phase; Optuna's `QMCSampler`).
///
/// Trial `n` takes point `n - 1` of one scrambled Halton sequence (trial 0 is the zero-trial
/// design). Parameter `d` of the space (in space order) takes coordinate `d`, in base the
/// `d`-th prime; the radical inverse's every digit position goes through its own random
/// permutation of the digits (random digit permutations, Owen, "A randomized Halton algorithm
/// in R", 2017; the deterministic forerunner is Braaten and Weller, 1979), applied to 52 bits'
/// worth of digits so that the trailing zero digits become random too.
///
/// Why Halton rather than scrambled Sobol: trials arrive one at a time and a study stops at
/// any count, where Halton's stratification holds for every base (the first `b^k` points put
/// one point in each of the `b^k` intervals of coordinate `b`) without Sobol's preference for
/// powers of two; it needs no table of direction numbers, so it has no dimension limit; and
/// the permutations remove plain Halton's known defect, the correlated coordinates of large
/// bases. The scramble depends on the seed only, so all trials share one sequence.
public struct QuasiRandomSampler: Sampler {
    /// The seed of the scramble.
    public let seed: UInt64

    /// A sampler whose scramble comes from `seed`.
    /// - Parameter seed: any value; the same seed gives the same points.
    public init(seed: UInt64) {
        self.seed = seed
    }

    /// Trial `number`'s point mapped onto the space (`ParameterDomain.value(atUnit:)`);
    /// history, pending and direction are not used. A choice with no names keeps the
    /// parameter's zero-trial value.
    public func assignment(
        for number: Int, space: SearchSpace, history: [TrialObservation],
        pending: [Assignment], direction: Direction
    ) -> Assignment {
        let point = unitPoint(index: max(number - 1, 0), dimensions: space.parameters.count)
        var result = Assignment()
        for (parameter, u) in zip(space.parameters, point) {
            result[parameter.name] = parameter.domain.value(atUnit: u) ?? parameter.zeroTrial
        }
        return result
    }

    /// Point `index` (0-based) of the scrambled sequence, in [0, 1)^dimensions.
    public func unitPoint(index: Int, dimensions: Int) -> [Double] {
        guard dimensions > 0 else { return [] }
        let bases = Self.primes(count: dimensions)
        return bases.enumerated().map { dimension, base in
            scrambledRadicalInverse(UInt64(max(index, 0)), base: base, dimension: dimension)
        }
    }

    private func scrambledRadicalInverse(_ index: UInt64, base: Int, dimension: Int) -> Double {
        let b = UInt64(base)
        // Digits while base^digits <= 2^52, so the largest value, 1 - base^-digits, stays < 1.
        var digits = 0
        var capacity: UInt64 = 1
        while capacity <= (UInt64(1) << 52) / b {
            capacity *= b
            digits += 1
        }
        var generator = SeededGenerator(seed: seed, stream: UInt64(dimension))
        var permutation = Array(0..<base)
        var remaining = index
        var scale = 1.0 / Double(base)
        var value = 0.0
        for _ in 0..<digits {
            for i in 0..<base { permutation[i] = i }
            generator.shuffle(&permutation)
            let digit = Int(remaining % b)
            remaining /= b
            value += Double(permutation[digit]) * scale
            scale /= Double(base)
        }
        return min(value, 1.0.nextDown)
    }

    /// The first `count` primes (trial division: spaces have tens of parameters, not more).
    static func primes(count: Int) -> [Int] {
        var primes: [Int] = []
        var candidate = 2
        while primes.count < count {
            if !primes.contains(where: { $0 * $0 <= candidate && candidate % $0 == 0 }) {
                primes.append(candidate)
            }
            candidate += 1
        }
        return primes
    }
}
