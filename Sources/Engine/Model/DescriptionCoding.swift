/// How a network description reads in model files, checkpoints and JSON: each activation by
/// the name a spec gives it (`{"function": "leaky_relu", "slope": 0.01}`, the identity as
/// `linear`), each layer as `{"dense": {...}}`, `{"activation": {...}}`, ... Descriptions
/// written before this form (Swift's synthesised `{"activation": {"_0": {"leakyReLU":
/// {"slope": 0.01}}}}`) still read.
extension Activation {
    private enum NamedKeys: String, CodingKey {
        case function, slope, initialSlope = "initial_slope", alpha, pieces
    }

    /// The name a spec uses (`relu`, `leaky_relu`, ..., `linear` for the identity).
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
        case .identity: "linear"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: NamedKeys.self)
        try container.encode(name, forKey: .function)
        switch self {
        case .leakyReLU(let slope): try container.encode(slope, forKey: .slope)
        case .prelu(let slope): try container.encode(slope, forKey: .initialSlope)
        case .elu(let alpha): try container.encode(alpha, forKey: .alpha)
        case .maxout(let pieces): try container.encode(pieces, forKey: .pieces)
        default: break
        }
    }

    public init(from decoder: any Decoder) throws {
        let named = try decoder.container(keyedBy: NamedKeys.self)
        if named.contains(.function) {
            let name = try named.decode(String.self, forKey: .function)
            switch name {
            case "relu": self = .relu
            case "leaky_relu":
                self = .leakyReLU(slope: try named.decode(Float.self, forKey: .slope))
            case "prelu":
                self = .prelu(initialSlope: try named.decode(Float.self, forKey: .initialSlope))
            case "elu": self = .elu(alpha: try named.decode(Float.self, forKey: .alpha))
            case "selu": self = .selu
            case "tanh": self = .tanh
            case "sigmoid": self = .sigmoid
            case "swish": self = .swish
            case "gelu": self = .gelu
            case "maxout": self = .maxout(pieces: try named.decode(Int.self, forKey: .pieces))
            case "softmax": self = .softmax
            case "linear": self = .identity
            default:
                throw DecodingError.dataCorruptedError(
                    forKey: .function, in: named, debugDescription: "unknown activation \(name)")
            }
            return
        }
        self = try Self.synthesised(decoder)
    }

    /// The form Swift synthesised before: the case name as the key, its labels inside.
    private static func synthesised(_ decoder: any Decoder) throws -> Activation {
        let container = try decoder.container(keyedBy: AnyKey.self)
        guard let key = container.allKeys.first, container.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not an activation"))
        }
        let fields = try container.nestedContainer(keyedBy: AnyKey.self, forKey: key)
        func number(_ label: String) throws -> Float {
            try fields.decode(Float.self, forKey: AnyKey(label))
        }
        switch key.stringValue {
        case "relu": return .relu
        case "leakyReLU": return .leakyReLU(slope: try number("slope"))
        case "prelu": return .prelu(initialSlope: try number("initialSlope"))
        case "elu": return .elu(alpha: try number("alpha"))
        case "selu": return .selu
        case "tanh": return .tanh
        case "sigmoid": return .sigmoid
        case "swish": return .swish
        case "gelu": return .gelu
        case "maxout": return .maxout(pieces: try fields.decode(Int.self, forKey: AnyKey("pieces")))
        case "softmax": return .softmax
        case "identity": return .identity
        default:
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "unknown activation \(key.stringValue)"))
        }
    }
}

extension LayerDescription {
    private enum Kind: String, CodingKey {
        case dense, batchNorm, dropout, activation
    }

    private enum DenseKeys: String, CodingKey {
        case units, initializer, useBias, maxNorm
    }

    private enum BatchNormKeys: String, CodingKey {
        case momentum, epsilon
    }

    private enum DropoutKeys: String, CodingKey {
        case rate
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Kind.self)
        switch self {
        case .dense(let units, let initializer, let useBias, let maxNorm):
            var fields = container.nestedContainer(keyedBy: DenseKeys.self, forKey: .dense)
            try fields.encode(units, forKey: .units)
            try fields.encodeIfPresent(initializer, forKey: .initializer)
            try fields.encode(useBias, forKey: .useBias)
            try fields.encodeIfPresent(maxNorm, forKey: .maxNorm)
        case .batchNorm(let momentum, let epsilon):
            var fields = container.nestedContainer(keyedBy: BatchNormKeys.self, forKey: .batchNorm)
            try fields.encode(momentum, forKey: .momentum)
            try fields.encode(epsilon, forKey: .epsilon)
        case .dropout(let rate):
            var fields = container.nestedContainer(keyedBy: DropoutKeys.self, forKey: .dropout)
            try fields.encode(rate, forKey: .rate)
        case .activation(let activation):
            try container.encode(activation, forKey: .activation)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Kind.self)
        guard let kind = container.allKeys.first, container.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "a layer is one of dense, batchNorm, dropout, activation"))
        }
        switch kind {
        case .dense:
            let fields = try container.nestedContainer(keyedBy: DenseKeys.self, forKey: .dense)
            self = .dense(
                units: try fields.decode(Int.self, forKey: .units),
                initializer: try fields.decodeIfPresent(Initializer.self, forKey: .initializer),
                useBias: try fields.decodeIfPresent(Bool.self, forKey: .useBias) ?? true,
                maxNorm: try fields.decodeIfPresent(Float.self, forKey: .maxNorm))
        case .batchNorm:
            let fields = try container.nestedContainer(
                keyedBy: BatchNormKeys.self, forKey: .batchNorm)
            self = .batchNorm(
                momentum: try fields.decodeIfPresent(Float.self, forKey: .momentum) ?? 0.1,
                epsilon: try fields.decodeIfPresent(Float.self, forKey: .epsilon) ?? 1e-5)
        case .dropout:
            let fields = try container.nestedContainer(keyedBy: DropoutKeys.self, forKey: .dropout)
            self = .dropout(rate: try fields.decode(Float.self, forKey: .rate))
        case .activation:
            // Before: the unlabelled associated value under Swift's `_0`.
            let old = try? container.nestedContainer(keyedBy: AnyKey.self, forKey: .activation)
            if let old, old.allKeys.map(\.stringValue) == ["_0"] {
                self = .activation(try old.decode(Activation.self, forKey: AnyKey("_0")))
            } else {
                self = .activation(try container.decode(Activation.self, forKey: .activation))
            }
        }
    }
}

/// A coding key of any name.
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
