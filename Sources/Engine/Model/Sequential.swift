import Random

/// A stack of layers built from a `ModelDescription`, owning the buffers of the training path.
///
/// A final class so that one training step allocates nothing: each layer's output and output
/// gradient live in buffers sized for the largest batch seen so far; `forward` and `backward`
/// work on views into them. Layers stay value types: their parameters are plain arrays, walked
/// by `visitParameters` under stable names.
///
/// The layers run as stages (`Stage`): one layer, or a Dense and the ReLU after it fused into
/// one product (`FusedDenseReLU`). Each stage kind is stored in its own typed array, so that
/// the stages are updated in place and the fused ones are called without casts.
public final class Sequential {
    /// The description this model was built from.
    public let modelDescription: ModelDescription
    /// The seed the weights were drawn with.
    public let seed: UInt64
    /// The generator dropout layers draw from (saved in trainer checkpoints).
    public var dropoutGenerator: SeededGenerator
    /// Input columns.
    public let inputWidth: Int
    /// Output columns of the last layer.
    public var outputWidth: Int { widths.last ?? inputWidth }
    /// Number of layers (a fused stage counts as its two layers).
    public var layerCount: Int { widths.count }

    /// What the model runs: layers `firstLayer ..< firstLayer + layerCount` of the
    /// description, through one of the typed arrays below.
    private enum Stage {
        /// Any layer: `others[index]`.
        case layer(Int)
        /// A Dense not followed by a ReLU: `denses[index]`.
        case dense(Int)
        /// A Dense and its ReLU: `fused[index]`.
        case denseReLU(Int)
    }

    private var stages: [Stage] = []
    /// stageFirstLayers[s]: the index of stage s's first layer (its buffers are that layer's).
    private var stageFirstLayers: [Int] = []
    private var others: [any Layer] = []
    private var denses: [Dense] = []
    private var fused: [FusedDenseReLU] = []
    /// Indices into `others` of the layers with a constraint or with statistics (found once,
    /// so a step casts nothing).
    private var constrainedOthers: [Int] = []
    private var trackingOthers: [Int] = []

    private let widths: [Int]
    private var capacityRows = 0
    private var outputBuffers: [UnsafeMutablePointer<Float>] = []
    private var gradientBuffers: [UnsafeMutablePointer<Float>] = []
    /// sumBuffers[i]: column sums of layer i's output gradient (widths[i] floats), written by
    /// the stage above when layer i is the Dense of a fused stage whose ReLU's backward that
    /// stage applied. A fused stage's output is layer i + 1's buffer; layer i's output buffer
    /// stays unused and its gradient buffer holds the masked gradient.
    private let sumBuffers: [UnsafeMutablePointer<Float>]
    private var lastRows = 0

    /// The input stage (ModelDescription.embeddings): the tables, in order, and the input
    /// columns copied as they are. Empty without embeddings: the input goes straight to the
    /// first layer, as before embeddings existed.
    private var embeddingLayers: [Embedding] = []
    private let codeColumns: [Int]
    private let copiedColumns: [Int]
    /// Columns of the first layer's input: the copied columns, then each embedding's output.
    private let featureWidth: Int
    /// The first layer's input and its gradient (`capacityRows x featureWidth`), with
    /// embeddings only.
    private var featureBuffer: UnsafeMutablePointer<Float>?
    private var featureGradientBuffer: UnsafeMutablePointer<Float>?

    /// The layers, in order; layer `i` has the tensors `layers.i.*`. A fused stage appears as
    /// its Dense and its ReLU. Copies: changing them does not change the model.
    public var layers: [any Layer] {
        var all: [any Layer] = []
        for stage in stages {
            switch stage {
            case .layer(let index): all.append(others[index])
            case .dense(let index): all.append(denses[index])
            case .denseReLU(let index):
                all.append(fused[index].dense)
                all.append(fused[index].relu)
            }
        }
        return all
    }

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
        // Streams past every layer's and the dropout's: the tables change no layer's draws.
        embeddingLayers = description.embeddings.enumerated().map { index, embedding in
            var generator = SeededGenerator(seed: seed, stream: (1 << 33) + UInt64(index))
            return Embedding(
                levels: embedding.levels, dimension: embedding.dimension, generator: &generator)
        }
        codeColumns = description.embeddings.map(\.column)
        copiedColumns = description.copiedColumns
        featureWidth = description.featureWidth
        var width = description.featureWidth
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
        var index = 0
        while index < built.count {
            stageFirstLayers.append(index)
            if let dense = built[index] as? Dense {
                if index + 1 < built.count, let relu = built[index + 1] as? ReLU {
                    stages.append(.denseReLU(fused.count))
                    fused.append(FusedDenseReLU(dense: dense, relu: relu))
                    index += 2
                    continue
                }
                stages.append(.dense(denses.count))
                denses.append(dense)
            } else {
                if built[index] is any ConstrainedLayer { constrainedOthers.append(others.count) }
                if built[index] is any ActivityTracking { trackingOthers.append(others.count) }
                stages.append(.layer(others.count))
                others.append(built[index])
            }
            index += 1
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
        featureBuffer?.deallocate()
        featureGradientBuffer?.deallocate()
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
        if !embeddingLayers.isEmpty {
            featureBuffer?.deallocate()
            featureGradientBuffer?.deallocate()
            let count = max(rows * featureWidth, 1)
            featureBuffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
            featureBuffer!.initialize(repeating: 0, count: count)
            featureGradientBuffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
            featureGradientBuffer!.initialize(repeating: 0, count: count)
        }
        capacityRows = rows
    }

    /// The input stage: the first layer's input from a batch of `[numeric | codes]`, into
    /// `featureBuffer` (copied columns, then each embedding's rows).
    private func embed(_ input: MatrixView) -> MatrixView {
        let features = featureBuffer!
        let rows = input.rows
        let inputColumns = input.columns
        let width = featureWidth
        copiedColumns.withUnsafeBufferPointer { copied in
            for r in 0..<rows {
                let source = input.base + r * inputColumns
                let target = features + r * width
                for (j, column) in copied.enumerated() { target[j] = source[column] }
            }
        }
        var offset = copiedColumns.count
        for index in embeddingLayers.indices {
            embeddingLayers[index].lookUp(
                codes: input.base + codeColumns[index], stride: inputColumns, rows: rows,
                into: features + offset, outputStride: width)
            offset += embeddingLayers[index].dimension
        }
        return MatrixView(base: features, rows: rows, columns: width)
    }

    /// Runs layers `0 ..< depth` on `input`; returns a view of the last one's output (valid
    /// until the next forward).
    /// - Parameters:
    ///   - input: `rows x inputWidth`.
    ///   - isTraining: training mode (dropout on, batch statistics; default false).
    ///   - depth: number of layers to run (default all; a depth that ends between a fused
    ///     stage's Dense and ReLU runs that Dense alone).
    public func forward(
        _ input: MatrixView, isTraining: Bool = false, depth: Int? = nil
    )
        -> MatrixView
    {
        precondition(
            input.columns == inputWidth,
            "Input has \(input.columns) columns, the model expects \(inputWidth)")
        let depth = depth ?? layerCount
        reserve(rows: input.rows)
        lastRows = input.rows
        var context = ForwardContext(isTraining: isTraining, generator: dropoutGenerator)
        var current = embeddingLayers.isEmpty ? input : embed(input)
        for (stage, first) in zip(stages, stageFirstLayers) where first < depth {
            func output(_ layer: Int) -> MutableMatrixView {
                MutableMatrixView(
                    base: outputBuffers[layer], rows: input.rows, columns: widths[layer])
            }
            switch stage {
            case .layer(let index):
                others[index].forward(current, into: output(first), context: &context)
                current = output(first).readOnly
            case .dense(let index):
                denses[index].forward(current, into: output(first), context: &context)
                current = output(first).readOnly
            case .denseReLU(let index) where first + 1 < depth:
                fused[index].forward(current, into: output(first + 1), context: &context)
                current = output(first + 1).readOnly
            case .denseReLU(let index):
                fused[index].dense.forward(current, into: output(first), context: &context)
                current = output(first).readOnly
            }
        }
        if isTraining { dropoutGenerator = context.generator }
        return current
    }

    /// The buffer a loss writes d loss / d output of layer `depth - 1` into, for the batch of
    /// the last `forward`.
    /// - Parameter depth: the depth given to `forward` (default all layers).
    public func outputGradient(depth: Int? = nil) -> MutableMatrixView {
        let index = (depth ?? layerCount) - 1
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
        let depth = depth ?? layerCount
        let rows = input.rows
        let embedded = !embeddingLayers.isEmpty
        let features =
            embedded ? MatrixView(base: featureBuffer!, rows: rows, columns: featureWidth) : input
        func output(_ index: Int) -> MatrixView {
            index < 0
                ? features
                : MatrixView(base: outputBuffers[index], rows: rows, columns: widths[index])
        }
        func gradient(_ index: Int) -> MutableMatrixView {
            index < 0
                ? MutableMatrixView(base: featureGradientBuffer!, rows: rows, columns: featureWidth)
                : MutableMatrixView(
                    base: gradientBuffers[index], rows: rows, columns: widths[index])
        }
        // With embeddings the first layer's input gradient is needed: it feeds the tables.
        let firstTakesNoGradient = !embedded
        func isFused(_ stage: Int) -> Bool {
            if case .denseReLU = stages[stage] { return true }
            return false
        }
        guard var stage = stageFirstLayers.lastIndex(where: { $0 < depth }) else { return }
        // Set when the current stage is fused and the stage above already took its gradient
        // through the ReLU: the column sums made with it.
        var presummed: UnsafePointer<Float>? = nil
        while stage >= 0 {
            let first = stageFirstLayers[stage]
            // A Dense's input gradient: through the ReLU of a fused stage below, in the pass
            // that computes it (that stage's mask and bias gradient come free), else plain.
            let belowIsFused = stage >= 1 && isFused(stage - 1)
            let target: InputGradient =
                first == 0 && firstTakesNoGradient
                ? .none
                : belowIsFused
                    ? .throughReLU(
                        gradient(first - 2), activation: output(first - 1),
                        columnSums: sumBuffers[first - 2])
                    : .plain(gradient(first - 1))
            let sumsForBelow = belowIsFused ? UnsafePointer(sumBuffers[first - 2]) : nil
            switch stages[stage] {
            case .layer(let index):
                precondition(presummed == nil, "Only a Dense takes a gradient through its ReLU")
                others[index].backward(
                    input: output(first - 1), output: output(first),
                    outputGradient: gradient(first).readOnly,
                    inputGradient: first == 0 && firstTakesNoGradient ? nil : gradient(first - 1))
                presummed = nil
            case .dense(let index):
                denses[index].backward(
                    input: output(first - 1), outputGradient: gradient(first).readOnly,
                    outputGradientSums: nil, biasGradientReady: false, inputGradient: target)
                presummed = sumsForBelow
            case .denseReLU(let index) where first + 1 >= depth:
                // Cut by `depth` after its Dense (see `forward`): the Dense alone.
                fused[index].dense.backward(
                    input: output(first - 1), outputGradient: gradient(first).readOnly,
                    outputGradientSums: nil, biasGradientReady: false, inputGradient: target)
                presummed = sumsForBelow
            case .denseReLU(let index):
                if let sums = presummed {
                    fused[index].backward(
                        input: output(first - 1), maskedGradient: gradient(first).readOnly,
                        columnSums: sums, inputGradient: target)
                    presummed = sumsForBelow
                } else {
                    // A plain upstream gradient: the stage masks it while summing its bias
                    // gradient, and passes a plain input gradient down.
                    fused[index].backward(
                        input: output(first - 1), activation: output(first + 1),
                        upstream: gradient(first + 1).readOnly, masked: gradient(first),
                        inputGradient: first == 0 && firstTakesNoGradient
                            ? nil : gradient(first - 1))
                    presummed = nil
                }
            }
            stage -= 1
        }
        guard embedded else { return }
        var offset = copiedColumns.count
        for index in embeddingLayers.indices {
            embeddingLayers[index].accumulate(
                codes: input.base + codeColumns[index], stride: input.columns, rows: rows,
                gradient: featureGradientBuffer! + offset, gradientStride: featureWidth)
            offset += embeddingLayers[index].dimension
        }
    }

    /// Inference on a batch (allocates the result); the input must have `inputWidth` columns
    /// (a programming error otherwise: use `predict` for data from users).
    /// - Parameter input: `rows x inputWidth`.
    public func callAsFunction(_ input: Matrix) -> Matrix {
        precondition(
            input.columns == inputWidth,
            "Input has \(input.columns) columns, the model expects \(inputWidth)")
        return outputs(input, batchSize: 1024, depth: layerCount)
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
            input, batchSize: batchSize, depth: min(max(depth ?? layerCount, 0), layerCount))
    }

    private func outputs(_ input: Matrix, batchSize: Int, depth: Int) -> Matrix {
        let width = depth == 0 ? featureWidth : widths[depth - 1]
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
        for index in embeddingLayers.indices {
            embeddingLayers[index].visitParameters {
                body(ParameterName(embedding: index, local: $0), &$1)
            }
        }
        for (stage, first) in zip(stages, stageFirstLayers) {
            switch stage {
            case .layer(let index):
                others[index].visitParameters { body(ParameterName(layer: first, local: $0), &$1) }
            case .dense(let index):
                denses[index].visitParameters { body(ParameterName(layer: first, local: $0), &$1) }
            case .denseReLU(let index):
                fused[index].dense.visitParameters {
                    body(ParameterName(layer: first, local: $0), &$1)
                }
                fused[index].relu.visitParameters {
                    body(ParameterName(layer: first + 1, local: $0), &$1)
                }
            }
        }
    }

    /// Re-imposes every layer's weight constraint (the layers that adopt `ConstrainedLayer`:
    /// Dense max-norm).
    public func applyConstraints() {
        for index in denses.indices { denses[index].applyConstraints() }
        for index in fused.indices { fused[index].dense.applyConstraints() }
        for index in constrainedOthers {
            guard var layer = others[index] as? any ConstrainedLayer else { continue }
            layer.applyConstraints()
            others[index] = layer
        }
    }

    /// Starts a new window of dead-unit counting in every layer that adopts `ActivityTracking`.
    public func resetActivityStatistics() {
        for index in fused.indices { fused[index].relu.resetActivityStatistics() }
        for index in trackingOthers {
            guard var layer = others[index] as? any ActivityTracking else { continue }
            layer.resetActivityStatistics()
            others[index] = layer
        }
    }

    /// For each layer that can die (ReLU), its index and dead fraction since the last reset.
    public var deadUnitFractions: [(layer: Int, fraction: Double)] {
        zip(stages, stageFirstLayers).compactMap { stage, first in
            switch stage {
            case .layer(let index):
                (others[index] as? any ActivityTracking)?.deadUnitFraction.map { (first, $0) }
            case .dense: nil
            case .denseReLU(let index): fused[index].relu.deadUnitFraction.map { (first + 1, $0) }
            }
        }
    }
}
