import Random

/// A weight initialiser: a variance-scaling scheme and a distribution.
///
/// Rule INIT-BY-ACTIVATION: He (Kaiming) for the ReLU family, normal std `sqrt(2/fan_in)` or
/// uniform bound `sqrt(6/fan_in)`, with gain `sqrt(2/(1+a^2))` for a leaky slope `a`; Glorot
/// (Xavier) for tanh, sigmoid, softmax and linear, uniform bound `sqrt(6/(fan_in+fan_out))`;
/// LeCun for SELU, normal std `sqrt(1/fan_in)`. Papers: He et al. 2015, "Delving deep into
/// rectifiers"; Glorot and Bengio 2010; LeCun et al. 1998, "Efficient BackProp"; Klambauer et
/// al. 2017 (SELU). Normal draws are plain (not truncated), as in PyTorch's `kaiming_normal_`.
public struct Initializer: Codable, Equatable, Sendable {
    /// The variance-scaling scheme.
    public enum Scheme: String, Codable, Sendable {
        /// Variance `gain^2 / fan_in`, gain `sqrt(2/(1+a^2))`.
        case he
        /// Variance `2 / (fan_in + fan_out)`.
        case glorot
        /// Variance `1 / fan_in`.
        case lecun
    }

    /// The distribution drawn from, with the scheme's variance.
    public enum Distribution: String, Codable, Sendable {
        /// Uniform in `[-sqrt(3 var), sqrt(3 var)]`.
        case uniform
        /// Normal with mean 0 and the variance.
        case normal
    }

    /// The scheme.
    public var scheme: Scheme
    /// The distribution.
    public var distribution: Distribution
    /// The negative slope `a` of a leaky ReLU (He only; default 0).
    public var negativeSlope: Float

    /// An initialiser.
    /// - Parameters:
    ///   - scheme: he, glorot or lecun.
    ///   - distribution: uniform or normal.
    ///   - negativeSlope: leaky slope for the He gain (default 0).
    public init(scheme: Scheme, distribution: Distribution, negativeSlope: Float = 0) {
        self.scheme = scheme
        self.distribution = distribution
        self.negativeSlope = negativeSlope
    }

    /// He normal, std `sqrt(2/fan_in)`.
    public static let heNormal = Initializer(scheme: .he, distribution: .normal)
    /// He uniform, bound `sqrt(6/fan_in)`.
    public static let heUniform = Initializer(scheme: .he, distribution: .uniform)
    /// Glorot uniform, bound `sqrt(6/(fan_in+fan_out))`.
    public static let glorotUniform = Initializer(scheme: .glorot, distribution: .uniform)
    /// Glorot normal, std `sqrt(2/(fan_in+fan_out))`.
    public static let glorotNormal = Initializer(scheme: .glorot, distribution: .normal)
    /// LeCun normal, std `sqrt(1/fan_in)`.
    public static let lecunNormal = Initializer(scheme: .lecun, distribution: .normal)
    /// LeCun uniform, bound `sqrt(3/fan_in)`.
    public static let lecunUniform = Initializer(scheme: .lecun, distribution: .uniform)

    /// The initialiser rule INIT-BY-ACTIVATION gives for the activation that follows a layer.
    /// - Parameter activation: the next activation, or nil for a linear output (Glorot).
    /// - Returns: He normal (leaky gain for Leaky ReLU and PReLU) for the ReLU family (ReLU,
    ///   Leaky ReLU, PReLU, ELU, Swish, GELU, Maxout); LeCun normal for SELU; Glorot uniform
    ///   for tanh, sigmoid, softmax and linear.
    public static func forActivation(_ activation: Activation?) -> Initializer {
        switch activation {
        case .relu?, .elu?, .swish?, .gelu?, .maxout?:
            return .heNormal
        case .leakyReLU(let slope)?:
            return Initializer(scheme: .he, distribution: .normal, negativeSlope: slope)
        case .prelu(let slope)?:
            return Initializer(scheme: .he, distribution: .normal, negativeSlope: slope)
        case .selu?:
            return .lecunNormal
        case .tanh?, .sigmoid?, .softmax?, .identity?, nil:
            return .glorotUniform
        }
    }

    /// The variance of the weights for a layer with these fan sizes.
    public func variance(fanIn: Int, fanOut: Int) -> Double {
        switch scheme {
        case .he:
            let a = Double(negativeSlope)
            return 2 / ((1 + a * a) * Double(fanIn))
        case .glorot:
            return 2 / Double(fanIn + fanOut)
        case .lecun:
            return 1 / Double(fanIn)
        }
    }

    /// Draws `count` weights in order from `generator`.
    /// - Parameters:
    ///   - count: number of weights.
    ///   - fanIn: inputs per unit.
    ///   - fanOut: units.
    ///   - generator: the seeded generator to draw from.
    public func makeWeights(
        count: Int, fanIn: Int, fanOut: Int, generator: inout SeededGenerator
    ) -> [Float] {
        let variance = variance(fanIn: fanIn, fanOut: fanOut)
        var values = [Float](repeating: 0, count: count)
        switch distribution {
        case .normal:
            let std = variance.squareRoot()
            for i in 0..<count { values[i] = Float(generator.nextNormal() * std) }
        case .uniform:
            let bound = (3 * variance).squareRoot()
            for i in 0..<count {
                values[i] = Float((2 * generator.nextUnitDouble() - 1) * bound)
            }
        }
        return values
    }
}
