import Dataset
import Engine

extension NetworkBuilder {
    /// A builder for data encoded by `encoding`: its encoded width, and an embedding for each
    /// category it embeds (ENC-ONEHOT-MAX), at the column of its code, with the table's levels
    /// ("other" and missing included) and the dimension the encoding chose (ENC-EMBED-SIZE).
    /// - Parameters:
    ///   - config: a complete config.
    ///   - encoding: the fitted data encoding.
    public init(config: ResolvedConfig, encoding: DataEncoding) {
        self.init(
            config: config, inputWidth: encoding.inputWidth,
            embeddings: Self.embeddings(of: encoding))
    }

    /// The embedded code columns of `encoding`, in feature order.
    public static func embeddings(of encoding: DataEncoding) -> [EmbeddingInput] {
        var embeddings: [EmbeddingInput] = []
        var column = 0
        for feature in encoding.features {
            if let levels = feature.embeddingLevels {
                embeddings.append(
                    EmbeddingInput(column: column, levels: levels, dimension: feature.networkWidth))
            }
            column += feature.width
        }
        return embeddings
    }
}
