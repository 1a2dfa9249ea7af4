/// A network as a value: the input width, the embedded code columns and the layers in order.
/// Codable (the builder maps a YAML config onto it), Equatable and Sendable.
/// `Sequential(description, seed:)` builds it; the same description and seed give
/// bit-identical weights.
///
/// With `embeddings`, the input batches are `[numeric columns | code columns]` in any order:
/// each `EmbeddingInput` names the column holding its codes; the other columns are copied as
/// they are. The first layer sees the copied columns, in order, then each embedding's output,
/// in the order of `embeddings` (`featureWidth` columns).
public struct ModelDescription: Codable, Equatable, Sendable {
    /// Columns of the input batches (after encoding, code columns included), > 0.
    public var inputWidth: Int
    /// The embedded code columns (ENC-EMBED-SIZE); empty for a network over numbers only.
    /// Embedding `i`'s table is the tensor `embeddings.i.weight`.
    public var embeddings: [EmbeddingInput]
    /// The layers, input first. Layer `i`'s tensors are named `layers.i.<name>`.
    public var layers: [LayerDescription]

    /// A description.
    /// - Parameters:
    ///   - inputWidth: input columns.
    ///   - embeddings: the embedded code columns (default none).
    ///   - layers: layers in order.
    public init(inputWidth: Int, embeddings: [EmbeddingInput] = [], layers: [LayerDescription]) {
        self.inputWidth = inputWidth
        self.embeddings = embeddings
        self.layers = layers
    }

    private enum CodingKeys: String, CodingKey {
        case inputWidth, embeddings, layers
    }

    // Written by hand so that a description without embeddings encodes as before (no
    // `embeddings` key) and model files written before embeddings existed still decode.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inputWidth = try container.decode(Int.self, forKey: .inputWidth)
        embeddings = try container.decodeIfPresent([EmbeddingInput].self, forKey: .embeddings) ?? []
        layers = try container.decode([LayerDescription].self, forKey: .layers)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(inputWidth, forKey: .inputWidth)
        if !embeddings.isEmpty { try container.encode(embeddings, forKey: .embeddings) }
        try container.encode(layers, forKey: .layers)
    }

    /// Columns the first layer sees: the input's columns that are not codes, plus each
    /// embedding's dimension. Equal to `inputWidth` without embeddings.
    public var featureWidth: Int {
        inputWidth - embeddings.count + embeddings.reduce(0) { $0 + $1.dimension }
    }

    /// The input columns that are copied as they are (not codes), in order.
    public var copiedColumns: [Int] {
        let codes = Set(embeddings.map(\.column))
        return (0..<inputWidth).filter { !codes.contains($0) }
    }

    /// The width of each layer's output, checking the description on the way.
    /// - Throws: `EngineError.invalidDescription` naming the layer (`layers[3]`) and the fix.
    public func outputWidths() throws -> [Int] {
        guard inputWidth > 0 else {
            throw EngineError.invalidDescription(
                path: "inputWidth", message: "input width is \(inputWidth)",
                fix: "the input must have at least one column")
        }
        var seen = Set<Int>()
        for (index, embedding) in embeddings.enumerated() {
            let path = "embeddings[\(index)]"
            guard embedding.column >= 0, embedding.column < inputWidth,
                seen.insert(embedding.column).inserted
            else {
                throw EngineError.invalidDescription(
                    path: path + ".column", message: "code column \(embedding.column)",
                    fix: "name a column of the input (0 ..< \(inputWidth)) not used by another")
            }
            guard embedding.levels > 0, embedding.dimension > 0,
                embedding.levels <= 1 << 24, embedding.dimension <= 1 << 16
            else {
                throw EngineError.invalidDescription(
                    path: path,
                    message: "\(embedding.levels) levels of dimension \(embedding.dimension)",
                    fix: "give at least 1 level (codes are exact in a Float up to 2^24) and a "
                        + "dimension in 1 ... 65536")
            }
        }
        guard featureWidth > 0 else {
            throw EngineError.invalidDescription(
                path: "embeddings", message: "the first layer would see no column",
                fix: "the input must have at least one column")
        }
        var width = featureWidth
        var widths: [Int] = []
        for (index, layer) in layers.enumerated() {
            let path = "layers[\(index)]"
            switch layer {
            case .dense(let units, _, _, let maxNorm):
                guard units > 0 else {
                    throw EngineError.invalidDescription(
                        path: path + ".units", message: "a dense layer has \(units) units",
                        fix: "give it at least 1 unit")
                }
                if let maxNorm, !(maxNorm > 0) || !maxNorm.isFinite {
                    throw EngineError.invalidDescription(
                        path: path + ".maxNorm", message: "max-norm is \(maxNorm)",
                        fix: "use a positive value such as 3, or none")
                }
                width = units
            case .batchNorm(let momentum, let epsilon):
                guard momentum >= 0, momentum <= 1 else {
                    throw EngineError.invalidDescription(
                        path: path + ".momentum", message: "momentum is \(momentum)",
                        fix: "use a value in [0, 1]; PyTorch's default is 0.1")
                }
                guard epsilon > 0 else {
                    throw EngineError.invalidDescription(
                        path: path + ".epsilon", message: "epsilon is \(epsilon)",
                        fix: "use a small positive value; PyTorch's default is 1e-5")
                }
            case .dropout(let rate):
                guard rate >= 0, rate < 1 else {
                    throw EngineError.invalidDescription(
                        path: path + ".rate", message: "dropout rate is \(rate)",
                        fix: "use a rate in [0, 1); REG-DROPOUT suggests 0.1 to 0.5")
                }
            case .activation(let activation):
                switch activation {
                case .maxout(let pieces):
                    guard pieces > 0, width % pieces == 0 else {
                        throw EngineError.invalidDescription(
                            path: path + ".pieces",
                            message: "maxout with \(pieces) pieces after a width of \(width)",
                            fix: "make the layer before it \(max(pieces, 1)) times the units wanted"
                        )
                    }
                    width /= pieces
                case .elu(let alpha) where !(alpha > 0):
                    throw EngineError.invalidDescription(
                        path: path + ".alpha", message: "ELU alpha is \(alpha)",
                        fix: "use a positive alpha; the default is 1")
                default:
                    break
                }
            }
            widths.append(width)
        }
        return widths
    }

    /// Floats in the tensors a model of this description holds (weights, biases, batch-norm
    /// scale, shift and running statistics, PReLU slopes): what a model file must carry, known
    /// before anything is allocated. Every product and sum is checked, so a description read
    /// from a file (`"units": 9223372036854775807`) is an error, not a trap.
    /// - Throws: `EngineError.invalidDescription` for an invalid layer or a count past `Int`.
    public func tensorFloatCount() throws -> Int {
        let widths = try outputWidths()
        var count = 0
        func add(_ a: Int, times b: Int = 1, at path: String) throws {
            let (product, productOverflow) = a.multipliedReportingOverflow(by: b)
            let (sum, sumOverflow) = count.addingReportingOverflow(product)
            guard !productOverflow, !sumOverflow else {
                throw EngineError.invalidDescription(
                    path: path, message: "the network's size overflows (\(a) x \(b) weights)",
                    fix: "the description is damaged; train the model again")
            }
            count = sum
        }
        for (index, embedding) in embeddings.enumerated() {
            try add(embedding.levels, times: embedding.dimension, at: "embeddings[\(index)]")
        }
        for (index, layer) in layers.enumerated() {
            let before = index == 0 ? featureWidth : widths[index - 1]
            let path = "layers[\(index)]"
            switch layer {
            case .dense(let units, _, let useBias, _):
                try add(before, times: units, at: path)
                if useBias { try add(units, at: path) }
            case .batchNorm: try add(before, times: 4, at: path)
            case .activation(.prelu): try add(before, at: path)
            case .activation, .dropout: break
            }
        }
        return count
    }

    /// The activation that follows layer `index`, skipping batch norm and dropout; nil when a
    /// dense layer or the end comes first (a linear output). Used by INIT-BY-ACTIVATION.
    public func activation(following index: Int) -> Activation? {
        var next = index + 1
        while next < layers.count {
            switch layers[next] {
            case .activation(let activation): return activation
            case .dense: return nil
            case .batchNorm, .dropout: next += 1
            }
        }
        return nil
    }
}

/// One layer of a `ModelDescription`.
public enum LayerDescription: Codable, Equatable, Sendable {  // Codable: DescriptionCoding.swift
    /// A fully connected layer.
    /// - units: output width.
    /// - initializer: weight initialiser; nil (default) picks it from the next activation by
    ///   rule INIT-BY-ACTIVATION.
    /// - useBias: add a bias (default true).
    /// - maxNorm: max-norm constraint on each unit's weights (default nil: none).
    case dense(
        units: Int, initializer: Initializer? = nil, useBias: Bool = true, maxNorm: Float? = nil)
    /// Batch normalisation (PyTorch semantics; momentum default 0.1, epsilon default 1e-5).
    case batchNorm(momentum: Float = 0.1, epsilon: Float = 1e-5)
    /// Inverted dropout with drop probability `rate` in [0, 1).
    case dropout(rate: Float)
    /// An activation function.
    case activation(Activation)
}

/// One embedded code column of a `ModelDescription`'s input (ENC-EMBED-SIZE): the input column
/// holding the codes, the number of levels (rows of the table) and the dimension.
public struct EmbeddingInput: Codable, Equatable, Sendable {
    /// The input column holding the codes (integers in `0 ..< levels`, stored as Float).
    public var column: Int
    /// Rows of the table: the column's levels, its "other" level included.
    public var levels: Int
    /// Columns of the table: what the first layer sees of this column.
    public var dimension: Int

    /// An embedded column.
    public init(column: Int, levels: Int, dimension: Int) {
        self.column = column
        self.levels = levels
        self.dimension = dimension
    }
}
