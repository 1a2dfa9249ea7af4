import Engine
import Foundation
import ONNXExport
import Random
import TestSupport
import Testing

/// The repository's root folder.
private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// Runs `Scripts/check_onnx_network.py arguments...`: its exit status and output.
private func check(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
        ["python3", repository.appendingPathComponent("Scripts/check_onnx_network.py").path]
        + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

private let hasOnnxRuntime = PythonModules.hasOnnxRuntime

private func floats(_ values: [Float]) -> Data {
    values.withUnsafeBufferPointer { Data(buffer: $0) }  // little-endian on x86_64 and arm64
}

/// Networks covering every layer kind and activation the engine has.
private let networks: [(String, ModelDescription)] = [
    (
        "dense relu softmax",
        ModelDescription(
            inputWidth: 5,
            layers: [
                .dense(units: 8), .activation(.relu), .dropout(rate: 0.3), .dense(units: 3),
                .activation(.softmax),
            ])
    ),
    (
        "batch norm, leaky relu, prelu, no bias",
        ModelDescription(
            inputWidth: 4,
            layers: [
                .dense(units: 6), .batchNorm(), .activation(.leakyReLU(slope: 0.05)),
                .dense(units: 6, useBias: false), .activation(.prelu()), .dense(units: 1),
                .activation(.sigmoid),
            ])
    ),
    (
        "elu selu tanh",
        ModelDescription(
            inputWidth: 3,
            layers: [
                .dense(units: 7), .activation(.elu(alpha: 0.7)), .dense(units: 7),
                .activation(.selu), .dense(units: 4), .activation(.tanh), .dense(units: 2),
            ])
    ),
    (
        "two embedded code columns between numbers",
        ModelDescription(
            inputWidth: 4,
            embeddings: [
                EmbeddingInput(column: 1, levels: 5, dimension: 2),
                EmbeddingInput(column: 3, levels: 3, dimension: 3),
            ],
            layers: [.dense(units: 6), .activation(.relu), .dense(units: 2)])
    ),
    (
        "swish gelu maxout identity",
        ModelDescription(
            inputWidth: 6,
            layers: [
                .dense(units: 9), .activation(.swish), .dense(units: 8), .activation(.gelu),
                .dense(units: 12), .activation(.maxout(pieces: 3)), .dense(units: 1),
                .activation(.identity),
            ])
    ),
]

@Suite(
    "ONNX export of networks, checked in onnxruntime",
    .enabled(if: hasOnnxRuntime, "needs python3 with numpy, onnx and onnxruntime"))
struct NetworkGraphTests {
    @Test(
        "every layer kind and activation: onnxruntime equals the engine within 1e-5",
        arguments: networks.indices)
    func matchesEngine(index: Int) throws {
        let (name, description) = networks[index]
        // Two members, the second with other weights and batch-norm statistics that are not
        // the initial 0 and 1, so an ensemble's mean and the running statistics are checked.
        var generator = SeededGenerator(seed: UInt64(100 + index))
        let members = try (0..<2).map { member -> [NamedTensor] in
            let model = try Sequential(description, seed: UInt64(7 + member))
            return model.exportTensors().map { tensor in
                var changed = tensor
                if tensor.name.hasSuffix("running_var")
                    || tensor.name.contains(".weight")
                        && description.layers[Int(tensor.name.split(separator: ".")[1])!]
                            == .activation(.prelu())
                {
                    changed.values = tensor.values.map { _ in
                        Float(0.2 + generator.nextUnitDouble())
                    }
                } else if tensor.name.hasSuffix("running_mean") || tensor.name.hasSuffix(".bias") {
                    changed.values = tensor.values.map { _ in Float(generator.nextNormal()) * 0.5 }
                }
                return changed
            }
        }
        let rows = 33
        // Code columns hold integer codes (and one out of range each way: clamped).
        let codes = Dictionary(
            uniqueKeysWithValues: description.embeddings.map { ($0.column, $0.levels) })
        let inputs = (0..<rows * description.inputWidth).map { i -> Float in
            guard let levels = codes[i % description.inputWidth] else {
                return Float(generator.nextNormal()) * 2
            }
            let row = i / description.inputWidth
            if row == 0 { return -3 }
            if row == 1 { return Float(levels + 4) }
            return Float(Int(generator.nextUnitDouble() * Double(levels)))
        }
        let matrix = Matrix(rows: rows, columns: description.inputWidth, values: inputs)
        let outputs = try members.map { tensors in
            let model = try Sequential(description, seed: 0)
            try model.importTensors(tensors)
            return try model.predict(matrix)
        }
        let expected = ModelArtifactMean.mean(outputs)

        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("layerwise-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (file, data) in [
            ("one.onnx", try NetworkModel.onnx(description: description, members: [members[0]])),
            ("two.onnx", try NetworkModel.onnx(description: description, members: members)),
            ("inputs.f32", floats(inputs)), ("one.f32", floats(outputs[0].storage)),
            ("two.f32", floats(expected)),
        ] {
            try data.write(to: folder.appendingPathComponent(file))
        }
        for (model, reference) in [("one.onnx", "one.f32"), ("two.onnx", "two.f32")] {
            let result = try check([
                folder.appendingPathComponent(model).path,
                folder.appendingPathComponent("inputs.f32").path,
                folder.appendingPathComponent(reference).path, String(rows),
            ])
            #expect(result.status == 0, "\(name), \(model): \(result.output)")
        }
    }

    @Test("a wrong checker reference fails: the comparison can fail")
    func comparisonCanFail() throws {
        let description = networks[0].1
        let model = try Sequential(description, seed: 1)
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("layerwise-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputs = [Float](repeating: 0.5, count: 2 * description.inputWidth)
        var outputs = try model.predict(
            Matrix(rows: 2, columns: description.inputWidth, values: inputs)
        ).storage
        outputs[0] += 1e-3
        try NetworkModel.onnx(description: description, members: [model.exportTensors()])
            .write(to: folder.appendingPathComponent("m.onnx"))
        try floats(inputs).write(to: folder.appendingPathComponent("x.f32"))
        try floats(outputs).write(to: folder.appendingPathComponent("y.f32"))
        let result = try check([
            folder.appendingPathComponent("m.onnx").path,
            folder.appendingPathComponent("x.f32").path,
            folder.appendingPathComponent("y.f32").path, "2",
        ])
        #expect(result.status == 1, "\(result.output)")
    }

}

/// The ensemble mean as `ModelArtifact.average` computes it (Runs is not a dependency here).
private enum ModelArtifactMean {
    static func mean(_ outputs: [Matrix]) -> [Float] {
        var sum = [Float](repeating: 0, count: outputs[0].storage.count)
        for output in outputs {
            for (i, value) in output.storage.enumerated() { sum[i] += value }
        }
        return sum.map { $0 / Float(outputs.count) }
    }
}
