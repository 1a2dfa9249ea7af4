import Foundation
import Spec

/// The recommendation as data: Codable transfer objects and their JSON.
public enum JSONReport {
    /// Renders everything in the recommendation as pretty-printed JSON with sorted keys.
    /// - Parameter recommendation: what `SizingAdvisor.recommend` returned.
    /// - Throws: an `EncodingError` only for non-finite numbers.
    public static func render(_ recommendation: Recommendation) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let bytes = try encoder.encode(RecommendationDTO(recommendation))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads what `render` wrote.
    /// - Parameter json: the JSON text.
    /// - Throws: a `DecodingError` when it is not a rendered recommendation.
    public static func decode(_ json: String) throws -> RecommendationDTO {
        try JSONDecoder().decode(RecommendationDTO.self, from: Data(json.utf8))
    }
}

/// Everything in a `Recommendation`, as plain Codable data.
public struct RecommendationDTO: Sendable, Equatable, Codable {
    /// The data summary.
    public var data: DataSummary
    /// The network in one line.
    public var diagram: String
    /// Trainable parameters.
    public var parameterCount: Int
    /// Hidden widths.
    public var hiddenWidths: [Int]
    /// Every layer of the complete config.
    public var layers: [LayerDTO]
    /// The sizing-rule table.
    public var sizing: [RuleEvaluation]
    /// Every other rule's evaluation.
    public var evaluations: [RuleEvaluation]
    /// The value and reason of every key path of the complete config.
    public var choices: [Choice]
    /// Broken rules of fixed choices.
    public var warnings: [AdvisorWarning]
    /// The combination policy text.
    public var policy: String

    /// The DTO of a recommendation.
    public init(_ recommendation: Recommendation) {
        data = recommendation.data
        diagram = recommendation.diagram
        parameterCount = recommendation.parameterCount
        hiddenWidths = recommendation.hiddenWidths
        layers = (recommendation.config.model.layers ?? []).map(LayerDTO.init)
        sizing = recommendation.sizing
        evaluations = recommendation.evaluations
        choices = recommendation.choices
        warnings = recommendation.warnings
        policy = CombinationPolicy.text
    }
}

/// One layer as data: its kind and the fields of that kind.
public struct LayerDTO: Sendable, Equatable, Codable {
    /// `dense`, `batch_norm`, `activation` or `dropout`.
    public var kind: String
    /// Dense: output width.
    public var units: Int?
    /// Dense: initialiser name.
    public var initializer: String?
    /// Dense: whether it adds a bias.
    public var bias: Bool?
    /// Dense: max-norm constraint.
    public var maxNorm: Double?
    /// Activation: its name (with parameters).
    public var activation: String?
    /// Dropout: rate.
    public var rate: Double?
    /// Batch norm: momentum.
    public var momentum: Double?
    /// Batch norm: epsilon.
    public var epsilon: Double?

    /// The DTO of a layer.
    public init(_ layer: LayerConfig) {
        kind = layer.kindName
        switch layer {
        case .dense(let dense):
            units = dense.units
            initializer = dense.initializer.rawValue
            bias = dense.bias
            maxNorm = dense.maxNorm
        case .batchNorm(let momentum, let epsilon):
            self.momentum = momentum
            self.epsilon = epsilon
        case .activation(let activation):
            self.activation = SpecText.activation(activation)
        case .dropout(let rate):
            self.rate = rate
        }
    }
}
