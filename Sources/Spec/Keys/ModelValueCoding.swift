// How the values of `model:` keys read from a validated node and write back as YAML.

extension NeuronsChoice: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> NeuronsChoice? {
        switch node.value {
        case .word(let word): SizingRule(rawValue: word).map { .rule($0) }
        case .int(let width): .width(width)
        case .list(let items): .widths(items.compactMap(\.int))
        default: nil
        }
    }

    public var yaml: String {
        switch self {
        case .rule(let rule): YAMLText.string(rule.rawValue)
        case .width(let width): YAMLText.integer(width)
        case .widths(let widths): "[" + widths.map(YAMLText.integer).joined(separator: ", ") + "]"
        }
    }
}

/// `name` alone, or the named-value form `{name: x, key: value}` with its parameters.
func namedValueYAML(_ name: String, _ parameters: [(key: String, yaml: String)]) -> String {
    if parameters.isEmpty { return name }
    return "{name: \(name), "
        + parameters.map { "\($0.key): \($0.yaml)" }.joined(separator: ", ") + "}"
}

extension ActivationFunction: SpecCodable {
    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> ActivationFunction? {
        named(node)
    }

    /// The activation of a validated named value (`relu`, `{name: elu, alpha: 1.0}`).
    static func named(_ node: SpecNode) -> ActivationFunction? {
        guard case .named(let name, let parameters) = node.value else { return nil }
        func number(_ key: String) -> Double { parameters[key]?.number ?? 0 }
        switch name {
        case "relu": return .relu
        case "leaky_relu": return .leakyReLU(slope: number("slope"))
        case "prelu": return .prelu(initialSlope: number("initial_slope"))
        case "elu": return .elu(alpha: number("alpha"))
        case "selu": return .selu
        case "tanh": return .tanh
        case "sigmoid": return .sigmoid
        case "swish": return .swish
        case "gelu": return .gelu
        case "maxout": return .maxout(pieces: parameters["pieces"]?.int ?? 2)
        case "softmax": return .softmax
        case "linear": return .linear
        default: return nil
        }
    }

    /// The parameters a config writes next to the name (`slope: 0.01`); empty for none.
    public var parameters: [(key: String, yaml: String)] {
        switch self {
        case .leakyReLU(let slope): [("slope", slope.yaml)]
        case .prelu(let slope): [("initial_slope", slope.yaml)]
        case .elu(let alpha): [("alpha", alpha.yaml)]
        case .maxout(let pieces): [("pieces", pieces.yaml)]
        default: []
        }
    }

    /// `relu`, or `{name: leaky_relu, slope: 0.01}` for a parameterised activation.
    public var yaml: String { namedValueYAML(name, parameters) }
}

extension LayerConfig {
    /// The layers of `model.layers`; a dense layer without an initializer gets the one its
    /// next activation calls for (INIT-BY-ACTIVATION).
    static func decode(_ items: [SpecNode]) -> [LayerConfig] {
        var layers: [LayerConfig] = []
        for (index, item) in items.enumerated() {
            guard case .tagged(let kind, let payload) = item.value else { continue }
            switch kind {
            case "dense":
                guard let payload, let units = payload["units"]?.int else { continue }
                let initializer =
                    payload["initializer"]?.word.flatMap(Initializer.init(rawValue:))
                    ?? initializer(before: items[(index + 1)...])
                layers.append(
                    .dense(
                        DenseConfig(
                            units: units, initializer: initializer,
                            bias: payload["bias"]?.bool ?? true,
                            maxNorm: payload["max_norm"]?.number)))
            case "batch_norm":
                layers.append(
                    .batchNorm(
                        momentum: payload?["momentum"]?.number ?? 0.1,
                        epsilon: payload?["epsilon"]?.number ?? 1e-5))
            case "activation":
                if let payload, let function = ActivationFunction.named(payload) {
                    layers.append(.activation(function))
                }
            case "dropout":
                if let rate = payload?.number { layers.append(.dropout(rate: rate)) }
            default: continue
            }
        }
        return layers
    }

    /// INIT-BY-ACTIVATION: He for the ReLU family, LeCun for SELU, Glorot otherwise — by the
    /// first activation after the dense layer (before the next dense layer).
    static func initializer(before rest: ArraySlice<SpecNode>) -> Initializer {
        for item in rest {
            guard case .tagged(let kind, let payload) = item.value else { continue }
            if kind == "dense" { break }
            if kind == "activation", let payload,
                let function = ActivationFunction.named(payload)
            {
                if function == .selu { return .lecunNormal }
                return function.isReLUFamily ? .heUniform : .glorotUniform
            }
        }
        return .glorotUniform
    }

    /// The fields a config writes for this layer, in the schema's order, with their YAML
    /// (`units: 8`); a one-value layer (activation, dropout) has one entry named by its kind.
    public var fields: [(key: String, yaml: String?)] {
        switch self {
        case .dense(let dense):
            [
                ("units", dense.units.yaml), ("initializer", dense.initializer.yaml),
                ("bias", dense.bias.yaml), ("max_norm", dense.maxNorm?.yaml),
            ]
        case .batchNorm(let momentum, let epsilon):
            [("momentum", momentum.yaml), ("epsilon", epsilon.yaml)]
        case .activation(let function): [("activation", function.yaml)]
        case .dropout(let rate): [("dropout", rate.yaml)]
        }
    }

    /// `{dense: {units: 8, initializer: he_uniform, bias: true}}`, `{activation: relu}`.
    public var yaml: String {
        switch self {
        case .activation(let function): return "{activation: \(function.yaml)}"
        case .dropout(let rate): return "{dropout: \(rate.yaml)}"
        default:
            let body = fields.compactMap { field in field.yaml.map { "\(field.key): \($0)" } }
            return "{\(kindName): {" + body.joined(separator: ", ") + "}}"
        }
    }
}

/// `model.layers`: present (the network, listed) or absent (built from the shape keys).
struct LayerList: SpecCodable {
    var layers: [LayerConfig]?

    static func decode(_ node: SpecNode, _ decoder: inout SpecDecoder) -> LayerList? {
        guard case .list(let items) = node.value else { return nil }
        return LayerList(layers: LayerConfig.decode(items))
    }

    var yaml: String {
        guard let layers else { return "none" }
        return "[" + layers.map(\.yaml).joined(separator: ", ") + "]"
    }
}
