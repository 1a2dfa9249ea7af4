/// An activation function, as a description value (what a config names).
///
/// Each case has a layer struct (`ReLU`, `LeakyReLU`, ...: RectifierLayers.swift,
/// ActivationLayers.swift) and a free function on a `Matrix` (`relu(_:)`, ...: below). Rules ACT-HIDDEN-DEFAULT, ACT-HIDDEN-BETTER, ACT-HIDDEN-LAST-RESORT, ACT-HIDDEN-DEEP.
public enum Activation: Codable, Equatable, Sendable {  // Codable: DescriptionCoding.swift
    /// `max(x, 0)`.
    case relu
    /// `x` for x > 0, else `slope * x` (default slope 0.01, as PyTorch).
    case leakyReLU(slope: Float = 0.01)
    /// Leaky ReLU with one learned slope per unit, starting at `initialSlope` (default 0.25,
    /// as PyTorch). He et al. 2015.
    case prelu(initialSlope: Float = 0.25)
    /// `x` for x > 0, else `alpha (e^x - 1)` (default alpha 1). Clevert et al. 2016.
    case elu(alpha: Float = 1)
    /// Scaled ELU with the self-normalising constants. Klambauer et al. 2017.
    case selu
    /// Hyperbolic tangent.
    case tanh
    /// Logistic sigmoid `1 / (1 + e^-x)`.
    case sigmoid
    /// Swish / SiLU: `x * sigmoid(x)`. Ramachandran et al. 2017.
    case swish
    /// GELU, exact erf form: `x * Phi(x)`. Hendrycks and Gimpel 2016.
    case gelu
    /// Maxout: the maximum of each group of `pieces` consecutive inputs; the output is
    /// `pieces` times narrower. Goodfellow et al. 2013.
    case maxout(pieces: Int)
    /// Row-wise softmax.
    case softmax
    /// The identity (a linear output).
    case identity

    /// The layer computing this activation on `width` input columns.
    /// - Parameter width: input columns.
    public func makeLayer(width: Int) -> any Layer {
        switch self {
        case .relu: return ReLU(width: width)
        case .leakyReLU(let slope): return LeakyReLU(width: width, slope: slope)
        case .prelu(let slope): return PReLU(width: width, initialSlope: slope)
        case .elu(let alpha): return ELU(width: width, alpha: alpha)
        case .selu: return SELU(width: width)
        case .tanh: return Tanh(width: width)
        case .sigmoid: return Sigmoid(width: width)
        case .swish: return Swish(width: width)
        case .gelu: return GELU(width: width)
        case .maxout(let pieces): return Maxout(inputWidth: width, pieces: pieces)
        case .softmax: return Softmax(width: width)
        case .identity: return Identity(width: width)
        }
    }
}

// MARK: - Free functions

private func apply(_ layer: some Layer, _ x: Matrix) -> Matrix { layer(x) }

/// ReLU of every element.
public func relu(_ x: Matrix) -> Matrix { apply(ReLU(width: x.columns), x) }
/// Leaky ReLU of every element (negative `slope`, default 0.01).
public func leakyReLU(_ x: Matrix, slope: Float = 0.01) -> Matrix {
    apply(LeakyReLU(width: x.columns, slope: slope), x)
}
/// PReLU with one slope per column (`slopes.count == x.columns`).
public func prelu(_ x: Matrix, slopes: [Float]) -> Matrix {
    var layer = PReLU(width: x.columns)
    layer.slopes.value = slopes
    return apply(layer, x)
}
/// ELU of every element (alpha default 1).
public func elu(_ x: Matrix, alpha: Float = 1) -> Matrix {
    apply(ELU(width: x.columns, alpha: alpha), x)
}
/// SELU of every element.
public func selu(_ x: Matrix) -> Matrix { apply(SELU(width: x.columns), x) }
/// tanh of every element.
public func tanh(_ x: Matrix) -> Matrix { apply(Tanh(width: x.columns), x) }
/// Sigmoid of every element.
public func sigmoid(_ x: Matrix) -> Matrix { apply(Sigmoid(width: x.columns), x) }
/// Swish (SiLU) of every element.
public func swish(_ x: Matrix) -> Matrix { apply(Swish(width: x.columns), x) }
/// SiLU, the same function as `swish`.
public func silu(_ x: Matrix) -> Matrix { swish(x) }
/// GELU (exact erf form) of every element.
public func gelu(_ x: Matrix) -> Matrix { apply(GELU(width: x.columns), x) }
/// Maxout over groups of `pieces` consecutive columns.
public func maxout(_ x: Matrix, pieces: Int) -> Matrix {
    apply(Maxout(inputWidth: x.columns, pieces: pieces), x)
}
/// Row-wise softmax.
public func softmax(_ x: Matrix) -> Matrix { apply(Softmax(width: x.columns), x) }
