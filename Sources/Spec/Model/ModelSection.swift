/// `model:` — the network's shape. Each `auto` is resolved by the advisor.
public struct ModelSection: Sendable, Equatable {
    /// A template in `Templates/` by name, or a path to a template file.
    public var template: Setting<String> = .auto
    /// Number of hidden layers, >= 0.
    public var hiddenLayers: Setting<Int> = .auto
    /// Hidden widths: a sizing rule, one width for every layer, or a width per layer.
    public var neurons: Setting<NeuronsChoice> = .auto
    /// Hidden-layer activation.
    public var activation: Setting<ActivationFunction> = .auto
    /// Batch normalisation in the hidden layers (placed per BN-PLACEMENT).
    public var batchNorm: Setting<Bool> = .auto
    /// Dropout rate after each hidden layer, 0 <= rate < 1 (0 means none).
    public var dropout: Setting<Double> = .auto
    /// Weight initialiser of the hidden layers; `auto` follows INIT-BY-ACTIVATION.
    public var initializer: Setting<Initializer> = .auto
    /// Whether each network starts at, or as, the linear fit of its training rows;
    /// `auto` follows INIT-LINEAR-RIDGE, INIT-LINEAR-LOGISTIC and INIT-HIDDEN-LINEAR, `false`
    /// starts at the initializer's random draw.
    public var linearStart: Setting<Bool> = .auto
    /// An explicit layer list (what `generate` writes). When present it is the network, and
    /// the shape keys above only describe it.
    public var layers: [LayerConfig]?

    public init() {}
}

/// How hidden widths are chosen when the user fixes them.
public enum NeuronsChoice: Sendable, Equatable {
    /// Use one sizing rule's value.
    case rule(SizingRule)
    /// The same width for every hidden layer.
    case width(Int)
    /// One width per hidden layer (the count must match `hidden_layers` when both are fixed).
    case widths([Int])
}

/// The sizing rules a user may name in `model.neurons` (rulebook SIZE-*).
public enum SizingRule: String, Sendable, Equatable, Codable, CaseIterable {
    /// SIZE-GEOMETRIC: sqrt(Ni * No).
    case geometric
    /// SIZE-CAPACITY: Ns / (alpha * (Ni + No)), the total across hidden layers.
    case capacity
    /// SIZE-TWO-THIRDS: 2/3 * Ni + No.
    case twoThirds = "two-thirds"
    /// SIZE-MEAN: (Ni + No) / 2.
    case mean
}

/// Activation functions of the engine, as named in specs.
public enum ActivationFunction: Sendable, Equatable {
    case relu
    /// Leaky ReLU with negative slope (default 0.01).
    case leakyReLU(slope: Double)
    /// Parametric ReLU: a learned slope per unit, starting at `initialSlope` (default 0.25).
    case prelu(initialSlope: Double)
    /// ELU with `alpha` (default 1.0).
    case elu(alpha: Double)
    case selu
    case tanh
    case sigmoid
    /// Swish / SiLU: x * sigmoid(x).
    case swish
    case gelu
    /// Maxout over `pieces` linear pieces (default 2): the layer before it is `pieces` times wider.
    case maxout(pieces: Int)
    /// Output activations.
    case softmax
    case linear

    /// The name used in specs (`leaky_relu`, ...).
    public var name: String {
        switch self {
        case .relu: "relu"
        case .leakyReLU: "leaky_relu"
        case .prelu: "prelu"
        case .elu: "elu"
        case .selu: "selu"
        case .tanh: "tanh"
        case .sigmoid: "sigmoid"
        case .swish: "swish"
        case .gelu: "gelu"
        case .maxout: "maxout"
        case .softmax: "softmax"
        case .linear: "linear"
        }
    }

    /// Every activation name a spec may use, with its default parameters.
    public static let all: [ActivationFunction] = [
        .relu, .leakyReLU(slope: 0.01), .prelu(initialSlope: 0.25), .elu(alpha: 1.0), .selu,
        .tanh, .sigmoid, .swish, .gelu, .maxout(pieces: 2), .softmax, .linear,
    ]

    /// Whether this is in the ReLU family (He initialisation, batch norm before it).
    public var isReLUFamily: Bool {
        switch self {
        case .relu, .leakyReLU, .prelu, .elu, .maxout, .swish, .gelu: true
        default: false
        }
    }
}

/// Weight initialisers (INIT-BY-ACTIVATION).
public enum Initializer: String, Sendable, Equatable, Codable, CaseIterable {
    case heNormal = "he_normal"
    case heUniform = "he_uniform"
    case glorotNormal = "glorot_normal"
    case glorotUniform = "glorot_uniform"
    case lecunNormal = "lecun_normal"
    case lecunUniform = "lecun_uniform"
}

/// Where batch normalisation sits relative to the activation (BN-PLACEMENT).
public enum BatchNormPlacement: String, Sendable, Equatable, Codable, CaseIterable {
    case beforeActivation = "before"
    case afterActivation = "after"
}

/// One layer of an explicit `model.layers` list; each is a one-key mapping in YAML
/// (`- dense: {units: 8}`), mirroring the engine's layers one to one.
public enum LayerConfig: Sendable, Equatable {
    /// A fully connected layer.
    case dense(DenseConfig)
    /// Batch normalisation (PyTorch semantics: running = (1 - momentum) * running + momentum * batch).
    case batchNorm(momentum: Double, epsilon: Double)
    /// An activation function applied elementwise (maxout and softmax across units).
    case activation(ActivationFunction)
    /// Inverted dropout with this rate.
    case dropout(rate: Double)

    /// The YAML key naming this layer kind.
    public var kindName: String {
        switch self {
        case .dense: "dense"
        case .batchNorm: "batch_norm"
        case .activation: "activation"
        case .dropout: "dropout"
        }
    }
}

/// `- dense:` — a fully connected layer.
public struct DenseConfig: Sendable, Equatable {
    /// Output width, >= 1.
    public var units: Int
    /// Weight initialiser.
    public var initializer: Initializer
    /// Whether the layer adds a bias (off before batch norm, which has its own shift).
    public var bias: Bool = true
    /// Max-norm constraint on each unit's incoming weights (OVERFIT-RECIPE-MLP); nil for none.
    public var maxNorm: Double?

    public init(units: Int, initializer: Initializer, bias: Bool = true, maxNorm: Double? = nil) {
        self.units = units
        self.initializer = initializer
        self.bias = bias
        self.maxNorm = maxNorm
    }
}
