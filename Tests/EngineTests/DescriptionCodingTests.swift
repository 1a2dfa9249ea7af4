import Engine
import Foundation
import Testing

@Suite("network descriptions as JSON: activations by their spec names, the old form still read")
struct DescriptionCodingTests {
    static let every: [Activation] = [
        .relu, .leakyReLU(slope: 0.1), .prelu(initialSlope: 0.3), .elu(alpha: 0.5), .selu,
        .tanh, .sigmoid, .swish, .gelu, .maxout(pieces: 3), .softmax, .identity,
    ]

    @Test("every layer and activation reads back as written; no `_0`, the identity is linear")
    func roundTrip() throws {
        var layers: [LayerDescription] = [
            .dense(units: 6, initializer: .heNormal, useBias: false, maxNorm: 3),
            .batchNorm(momentum: 0.2, epsilon: 1e-3), .dropout(rate: 0.25),
        ]
        layers += Self.every.map { .activation($0) }
        let description = ModelDescription(
            inputWidth: 4, embeddings: [EmbeddingInput(column: 1, levels: 5, dimension: 2)],
            layers: layers)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(description), as: UTF8.self)
        #expect(!text.contains("_0"))
        #expect(!text.contains("identity"))
        #expect(text.contains(#"{"activation":{"function":"linear"}}"#))
        #expect(text.contains(#"{"activation":{"function":"leaky_relu","slope":0.1"#))
        #expect(text.contains(#""initial_slope":0.3"#))
        let back = try JSONDecoder().decode(ModelDescription.self, from: Data(text.utf8))
        #expect(back == description)
    }

    @Test("the synthesised form of model files before format 3 reads as the same network")
    func oldFormReads() throws {
        let old = """
            {"inputWidth":4,"layers":[{"dense":{"initializer":{"distribution":"normal",\
            "negativeSlope":0,"scheme":"he"},"maxNorm":3,"units":8,"useBias":true}},\
            {"activation":{"_0":{"leakyReLU":{"slope":0.01}}}},{"dropout":{"rate":0.45}},\
            {"batchNorm":{"epsilon":1.0000000116860974e-05,"momentum":0.10000000149011612}},\
            {"activation":{"_0":{"prelu":{"initialSlope":0.25}}}},\
            {"activation":{"_0":{"maxout":{"pieces":2}}}},{"dense":{"units":3,"useBias":true}},\
            {"activation":{"_0":{"identity":{}}}}]}
            """
        let description = try JSONDecoder().decode(ModelDescription.self, from: Data(old.utf8))
        #expect(
            description.layers == [
                .dense(units: 8, initializer: .heNormal, useBias: true, maxNorm: 3),
                .activation(.leakyReLU(slope: 0.01)), .dropout(rate: 0.45),
                .batchNorm(momentum: 0.1, epsilon: 1e-5), .activation(.prelu(initialSlope: 0.25)),
                .activation(.maxout(pieces: 2)), .dense(units: 3), .activation(.identity),
            ])
    }

    @Test("an unknown activation or layer is a decoding error, not a crash")
    func unknownNames() {
        for text in [
            #"{"inputWidth":2,"layers":[{"activation":{"function":"mish"}}]}"#,
            #"{"inputWidth":2,"layers":[{"activation":{"_0":{"mish":{}}}}]}"#,
            #"{"inputWidth":2,"layers":[{"conv":{"units":2}}]}"#,
            #"{"inputWidth":2,"layers":[{"activation":{"function":"leaky_relu"}}]}"#,
        ] {
            #expect(throws: DecodingError.self) {
                try JSONDecoder().decode(ModelDescription.self, from: Data(text.utf8))
            }
        }
    }
}
