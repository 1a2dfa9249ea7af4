#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif

/// The one seeded random generator of Layerwise: xoshiro256** seeded through SplitMix64.
///
/// Every random draw (the data split, the linear probe's sample, weight initialisation, dropout
/// masks, shuffling) goes through a value of this type, so the same seed gives the same model and the same training
/// run. The state is four 64-bit words: it is `Codable` so that a checkpoint can save it and a
/// resumed run continues the exact same sequence.
///
/// Independent streams (one per layer, one per epoch of shuffling...) come from
/// `init(seed:stream:)`: the stream number is mixed into the seed with SplitMix64, so streams
/// do not depend on how many numbers another stream drew.
///
/// Algorithm: Blackman and Vigna, "Scrambled linear pseudorandom number generators" (2021);
/// SplitMix64 from Steele, Lea and Flood, "Fast splittable pseudorandom number generators" (2014).
public struct SeededGenerator: RandomNumberGenerator, Sendable, Codable, Equatable, Hashable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// The four state words (never all zero): save them to resume the sequence.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// A generator for `seed`.
    /// - Parameters:
    ///   - seed: any 64-bit value, 0 included.
    ///   - stream: an independent stream number (default 0): the same seed with a different
    ///     stream gives an unrelated sequence.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var mixer = seed
        var streamMixer = stream &+ 0x6A09_E667_F3BC_C909
        let streamKey = SeededGenerator.splitMix(&streamMixer)
        s0 = SeededGenerator.splitMix(&mixer) ^ streamKey
        s1 = SeededGenerator.splitMix(&mixer)
        s2 = SeededGenerator.splitMix(&mixer)
        s3 = SeededGenerator.splitMix(&mixer)
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// A generator resumed from saved state words.
    /// - Parameter state: four words as read from `state`; not all zero.
    /// - Throws: `GeneratorStateError` when the count is not 4 or all are zero.
    public init(state: [UInt64]) throws(GeneratorStateError) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else {
            throw GeneratorStateError(count: state.count)
        }
        s0 = state[0]
        s1 = state[1]
        s2 = state[2]
        s3 = state[3]
    }

    private static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits (xoshiro256**). Inlinable: dropout draws one per activation,
    /// and a call per draw was a quarter of a small network's training time.
    @inlinable
    public mutating func next() -> UInt64 {
        let product = s1 &* 5
        let result = ((product << 7) | (product >> 57)) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform float in [0, 1) with 24 random bits.
    @inlinable
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal draw (Box-Muller in double precision; one value per two uniforms).
    public mutating func nextNormal() -> Double {
        let u1 = 1 - nextUnitDouble()  // (0, 1]: keeps log finite
        let u2 = nextUnitDouble()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A uniform integer in 0..<bound (Lemire's unbiased multiply-shift).
    /// - Parameter bound: exclusive upper bound, > 0.
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// Shuffles `indices` in place (Fisher-Yates, drawing from this generator).
    public mutating func shuffle(_ indices: inout [Int]) {
        guard indices.count > 1 else { return }
        indices.withUnsafeMutableBufferPointer { buffer in
            for i in stride(from: buffer.count - 1, to: 0, by: -1) {
                let j = nextIndex(below: i + 1)
                buffer.swapAt(i, j)
            }
        }
    }
}

/// Saved generator state that cannot resume a sequence: not four words, or all zero.
public struct GeneratorStateError: Error, CustomStringConvertible, Equatable, Sendable {
    /// How many words the saved state had.
    public var count: Int

    public init(count: Int) {
        self.count = count
    }

    public var description: String {
        "error: generator state must be 4 words, not all zero (got \(count) words)\n"
            + "  fix: pass the `state` array saved from a SeededGenerator"
    }
}
