import Random

/// The stable name of a parameter: layer index and local name, printed `layers.0.weight`.
public struct ParameterName: Hashable, Sendable, CustomStringConvertible {
    /// Index of the layer in the model description.
    public let layer: Int
    /// The layer's local name (`weight`, `bias`, `running_mean`, `running_var`).
    public let local: String

    /// A name.
    public init(layer: Int, local: String) {
        self.layer = layer
        self.local = local
    }

    /// `layers.<layer>.<local>`, the tensor name in model files and checkpoints.
    public var description: String { "layers.\(layer).\(local)" }
}

/// A stack of layers built from a `ModelDescription`, owning the buffers of the training path.
///
/// A final class so that one training step allocates nothing: each layer's output and output
/// gradient live in buffers sized for the largest batch seen so far; `forward` and `backward`
/// work on views into them. Layers stay value types (`[any Layer]`): their parameters are
/// plain arrays, walked by `visitParameters` under stable names.
public final class Sequential {
    /// The description this model was built from.
    public let modelDescription: ModelDescription
    /// The seed the weights were drawn with.
    public let seed: UInt64
    /// The layers, in order; layer `i` has the tensors `layers.i.*`.
    public var layers: [any Layer]
    /// The generator dropout layers draw from (saved in trainer checkpoints).
    public var dropoutGenerator: SeededGenerator
    /// Input columns.
    public let inputWidth: Int
    /// Output columns of the last layer.
    public var outputWidth: Int { widths.last ?? inputWidth }

    private let widths: [Int]
    /// fusesReLU[i]: layer i is a Dense and layer i + 1 a ReLU, run as one product with its
    /// bias and ReLU applied as the output is written (layer i's own buffer then stays unused).
    private let fusesReLU: [Bool]
    private var capacityRows = 0
    private var outputBuffers: [UnsafeMutablePointer<Float>] = []
    private var gradientBuffers: [UnsafeMutablePointer<Float>] = []
    /// sumBuffers[i]: column sums of layer i's output gradient (widths[i] floats), written by
    /// the layer above when layer i is a Dense whose ReLU's backward that layer fused.
    private let sumBuffers: [UnsafeMutablePointer<Float>]
    private var lastRows = 0

    /// Builds the model, drawing layer `i`'s weights from `SeededGenerator(seed:stream: i)`.
    /// - Parameters:
    ///   - description: the network.
    ///   - seed: the weight seed; the same description and seed give bit-identical weights.
    /// - Throws: `EngineError.invalidDescription` for a bad description.
    public init(_ description: ModelDescription, seed: UInt64) throws {
        widths = try description.outputWidths()
        modelDescription = description
        self.seed = seed
        inputWidth = description.inputWidth
        dropoutGenerator = SeededGenerator(seed: seed, stream: 1 << 32)
        var built: [any Layer] = []
        var width = description.inputWidth
        for (index, layer) in description.layers.enumerated() {
            switch layer {
            case .dense(let units, let initializer, let useBias, let maxNorm):
                var generator = SeededGenerator(seed: seed, stream: UInt64(index))
                let chosen =
                    initializer
                    ?? Initializer.forActivation(description.activation(following: index))
                built.append(
                    Dense(
                        inputWidth: width, outputWidth: units, initializer: chosen,
                        useBias: useBias, maxNorm: maxNorm, generator: &generator))
            case .batchNorm(let momentum, let epsilon):
                built.append(BatchNorm(width: width, momentum: momentum, epsilon: epsilon))
            case .dropout(let rate):
                built.append(Dropout(width: width, rate: rate))
            case .activation(let activation):
                built.append(activation.makeLayer(width: width))
            }
            width = widths[index]
        }
        layers = built
        fusesReLU = built.indices.map { index in
            index + 1 < built.count && built[index] is Dense && built[index + 1] is ReLU
        }
        sumBuffers = widths.map { width in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(width, 1))
            buffer.initialize(repeating: 0, count: max(width, 1))
            return buffer
        }
    }

    deinit {
        for buffer in outputBuffers { buffer.deallocate() }
        for buffer in gradientBuffers { buffer.deallocate() }
        for buffer in sumBuffers { buffer.deallocate() }
    }

    /// Makes the buffers hold batches of up to `rows` rows (they only grow).
    public func reserve(rows: Int) {
        guard rows > capacityRows else { return }
        for buffer in outputBuffers { buffer.deallocate() }
        for buffer in gradientBuffers { buffer.deallocate() }
        outputBuffers = widths.map { width in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(rows * width, 1))
            buffer.initialize(repeating: 0, count: max(rows * width, 1))
            return buffer
        }
        gradientBuffers = widths.map { width in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(rows * width, 1))
            buffer.initialize(repeating: 0, count: max(rows * width, 1))
            return buffer
        }
        capacityRows = rows
    }

    /// Runs layers `0 ..< depth` on `input`; returns a view of the last one's output (valid
    /// until the next forward).
    /// - Parameters:
    ///   - input: `rows x inputWidth`.
    ///   - isTraining: training mode (dropout on, batch statistics; default false).
    ///   - depth: number of layers to run (default all).
    public func forward(
        _ input: MatrixView, isTraining: Bool = false, depth: Int? = nil
    )
        -> MatrixView
    {
        precondition(
            input.columns == inputWidth,
            "Input has \(input.columns) columns, the model expects \(inputWidth)")
        let depth = depth ?? layers.count
        reserve(rows: input.rows)
        lastRows = input.rows
        var context = ForwardContext(isTraining: isTraining, generator: dropoutGenerator)
        var current = input
        var index = 0
        while index < depth {
            if index + 1 < depth && fusesReLU[index] {
                let output = MutableMatrixView(
                    base: outputBuffers[index + 1], rows: input.rows, columns: widths[index + 1])
                let fused = layers.withUnsafeMutableBufferPointer { layers in
                    var fused = false
                    if isTraining {
                        layers[index + 1].withActivationMaxima { maxima in
                            fused = layers[index].forwardFusingReLU(
                                current, into: output, activationMaxima: maxima)
                        }
                    } else {
                        fused = layers[index].forwardFusingReLU(
                            current, into: output, activationMaxima: nil)
                    }
                    return fused
                }
                if fused {
                    current = output.readOnly
                    index += 2
                    continue
                }
            }
            let output = MutableMatrixView(
                base: outputBuffers[index], rows: input.rows, columns: widths[index])
            layers[index].forward(current, into: output, context: &context)
            current = output.readOnly
            index += 1
        }
        if isTraining { dropoutGenerator = context.generator }
        return current
    }

    /// The buffer a loss writes d loss / d output of layer `depth - 1` into, for the batch of
    /// the last `forward`.
    /// - Parameter depth: the depth given to `forward` (default all layers).
    public func outputGradient(depth: Int? = nil) -> MutableMatrixView {
        let index = (depth ?? layers.count) - 1
        precondition(index >= 0, "A model without layers has no output gradient")
        return MutableMatrixView(
            base: gradientBuffers[index], rows: lastRows, columns: widths[index])
    }

    /// Back-propagates the gradient in `outputGradient(depth:)` through layers `depth-1 ... 0`,
    /// leaving each trainable parameter's gradient in place.
    /// - Parameters:
    ///   - input: the input of the last `forward`.
    ///   - depth: the depth given to `forward` (default all layers).
    public func backward(_ input: MatrixView, depth: Int? = nil) {
        let depth = depth ?? layers.count
        let rows = input.rows
        func output(_ index: Int) -> MatrixView {
            index < 0
                ? input : MatrixView(base: outputBuffers[index], rows: rows, columns: widths[index])
        }
        func gradient(_ index: Int) -> MutableMatrixView {
            MutableMatrixView(base: gradientBuffers[index], rows: rows, columns: widths[index])
        }
        var index = depth - 1
        // Set when gradient(index) already went through the ReLU after layer `index` (a Dense):
        // the column sums made with it.
        var presummed: UnsafePointer<Float>? = nil
        while index >= 0 {
            if presummed == nil && index >= 1 && fusesReLU[index - 1] {
                // A ReLU whose forward was fused into the Dense before it (see `forward`), with
                // a plain upstream gradient: the Dense masks it while summing its bias gradient.
                let dense = index - 1
                if layers[dense].backwardFusingReLU(
                    input: output(dense - 1), activation: output(index),
                    upstream: gradient(index).readOnly, maskedGradient: gradient(dense),
                    inputGradient: dense == 0 ? nil : gradient(dense - 1))
                {
                    index -= 2
                    continue
                }
            }
            // Below a fused Dense+ReLU, the product that makes this layer's input gradient
            // applies that ReLU's backward too (`InputGradient.throughReLU`).
            let throughReLU = index >= 2 && fusesReLU[index - 2]
            let target: InputGradient =
                index == 0
                ? .none
                : throughReLU
                    ? .throughReLU(
                        gradient(index - 2), activation: output(index - 1),
                        columnSums: sumBuffers[index - 2])
                    : .plain(gradient(index - 1))
            if layers[index].backward(
                input: output(index - 1), outputGradient: gradient(index).readOnly,
                outputGradientSums: presummed, inputGradient: target)
            {
                presummed = throughReLU ? UnsafePointer(sumBuffers[index - 2]) : nil
                index -= throughReLU ? 2 : 1
                continue
            }
            precondition(presummed == nil, "Only a Dense takes a gradient through its ReLU")
            layers[index].backward(
                input: output(index - 1), output: output(index),
                outputGradient: gradient(index).readOnly,
                inputGradient: index == 0 ? nil : gradient(index - 1))
            index -= 1
        }
    }

    /// Inference on a batch (allocates the result); the input must have `inputWidth` columns
    /// (a programming error otherwise: use `predict` for data from users).
    /// - Parameter input: `rows x inputWidth`.
    public func callAsFunction(_ input: Matrix) -> Matrix {
        precondition(
            input.columns == inputWidth,
            "Input has \(input.columns) columns, the model expects \(inputWidth)")
        return outputs(input, batchSize: 1024, depth: layers.count)
    }

    /// Inference in chunks of `batchSize` rows (default 1024), returning all outputs.
    /// - Parameters:
    ///   - input: `rows x inputWidth`.
    ///   - batchSize: rows per forward pass.
    ///   - depth: layers to run (default all).
    /// - Throws: `EngineError.invalidBatch` when the input width differs from `inputWidth`.
    public func predict(_ input: Matrix, batchSize: Int = 1024, depth: Int? = nil) throws -> Matrix
    {
        guard input.columns == inputWidth else {
            throw EngineError.invalidBatch(
                message: "data has \(input.columns) columns, the model expects \(inputWidth)")
        }
        return outputs(
            input, batchSize: batchSize, depth: min(max(depth ?? layers.count, 0), layers.count))
    }

    private func outputs(_ input: Matrix, batchSize: Int, depth: Int) -> Matrix {
        let width = depth == 0 ? inputWidth : widths[depth - 1]
        var result = Matrix(rows: input.rows, columns: width)
        let step = max(1, batchSize)
        input.withView { all in
            result.withMutableView { out in
                var start = 0
                while start < all.rows {
                    let rows = min(step, all.rows - start)
                    let chunk = MatrixView(
                        base: all.base + start * all.columns, rows: rows, columns: all.columns)
                    let y = forward(chunk, isTraining: false, depth: depth)
                    (out.base + start * width).update(from: y.base, count: rows * width)
                    start += rows
                }
            }
        }
        return result
    }

    /// Calls `body` on every parameter (trainable and state) in a fixed order: layer by layer,
    /// then in each layer's own order.
    public func visitParameters(_ body: (ParameterName, inout Parameter) -> Void) {
        for index in layers.indices {
            layers[index].visitParameters { local, parameter in
                body(ParameterName(layer: index, local: local), &parameter)
            }
        }
    }

    /// Number of trainable scalars.
    public var trainableParameterCount: Int {
        var count = 0
        visitParameters { _, parameter in
            if parameter.isTrainable { count += parameter.value.count }
        }
        return count
    }

    /// All parameters and state as named tensors (`layers.0.weight`, `layers.1.running_mean`,
    /// ...), in walk order: what a model file stores.
    public func exportTensors() -> [NamedTensor] {
        var tensors: [NamedTensor] = []
        visitParameters { name, parameter in
            tensors.append(
                NamedTensor(name: name.description, shape: parameter.shape, values: parameter.value)
            )
        }
        return tensors
    }

    /// Replaces all parameters and state from named tensors (any order).
    /// - Throws: `EngineError.missingTensor`, `.unexpectedTensor` or `.shapeMismatch`; the model
    ///   is unchanged when it throws.
    public func importTensors(_ tensors: [NamedTensor]) throws {
        var byName: [String: NamedTensor] = [:]
        for tensor in tensors { byName[tensor.name] = tensor }
        var problem: EngineError?
        var known = Set<String>()
        visitParameters { name, parameter in
            let key = name.description
            known.insert(key)
            guard problem == nil else { return }
            guard let tensor = byName[key] else {
                problem = .missingTensor(name: key)
                return
            }
            if tensor.shape != parameter.shape || tensor.values.count != parameter.value.count {
                problem = .shapeMismatch(name: key, expected: parameter.shape, found: tensor.shape)
            }
        }
        if let problem { throw problem }
        if let extra = tensors.first(where: { !known.contains($0.name) }) {
            throw EngineError.unexpectedTensor(name: extra.name)
        }
        visitParameters { name, parameter in
            parameter.value = byName[name.description]!.values
        }
    }

    /// The tensor called `name` (`layers.0.weight`), or nil.
    public func tensor(named name: String) -> NamedTensor? {
        var found: NamedTensor?
        visitParameters { parameterName, parameter in
            if found == nil, parameterName.description == name {
                found = NamedTensor(name: name, shape: parameter.shape, values: parameter.value)
            }
        }
        return found
    }

    /// Sets the values of the tensor called `name`.
    /// - Throws: `EngineError.unexpectedTensor` for an unknown name, `.shapeMismatch` for a
    ///   wrong value count.
    public func setTensor(named name: String, values: [Float]) throws {
        var problem: EngineError? = .unexpectedTensor(name: name)
        visitParameters { parameterName, parameter in
            guard parameterName.description == name else { return }
            if values.count == parameter.value.count {
                parameter.value = values
                problem = nil
            } else {
                problem = .shapeMismatch(
                    name: name, expected: parameter.shape, found: [values.count])
            }
        }
        if let problem { throw problem }
    }

    /// Re-imposes every layer's weight constraint (max-norm).
    public func applyConstraints() {
        for index in layers.indices { layers[index].applyConstraints() }
    }

    /// Starts a new window of dead-unit counting in every layer.
    public func resetActivityStatistics() {
        for index in layers.indices { layers[index].resetActivityStatistics() }
    }

    /// For each layer that can die (ReLU), its index and dead fraction since the last reset.
    public var deadUnitFractions: [(layer: Int, fraction: Double)] {
        layers.indices.compactMap { index in
            layers[index].deadUnitFraction.map { (index, $0) }
        }
    }
}
