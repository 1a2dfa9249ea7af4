/// A `Dense` layer and the `ReLU` after it, run as one stage: the stage `Sequential` builds
/// wherever a Dense is directly followed by a ReLU.
///
/// Forward is one product with the bias and the ReLU applied as it writes its output (while
/// it is still in cache), keeping the ReLU's dead-unit statistics in the same pass; the Dense's
/// own output is never stored. Backward masks the upstream gradient by the ReLU while summing
/// the bias gradient, then runs the Dense backward. The results are those of the two layers
/// run one after the other (tests check that, and the gradients against finite differences).
///
/// Inside `Sequential` the stage above can also apply this stage's ReLU backward while it
/// computes its input gradient (`InputGradient.throughReLU`); the stage then takes its
/// gradient already masked, with its column sums (`backward(input:maskedGradient:...)`).
public struct FusedDenseReLU: Layer {
    /// The Dense layer (its tensors are the stage's tensors).
    public var dense: Dense
    /// The ReLU after it (its statistics are the stage's statistics).
    public var relu: ReLU
    /// d loss / d the Dense's output, for `backward` outside a `Sequential` (which passes its
    /// own buffer instead).
    private var maskedGradient: [Float] = []

    public var inputWidth: Int { dense.inputWidth }
    public var outputWidth: Int { dense.outputWidth }

    /// A stage over `dense` and the `relu` that follows it.
    /// - Parameters:
    ///   - dense: the Dense layer.
    ///   - relu: a ReLU over the Dense's output width.
    public init(dense: Dense, relu: ReLU) {
        precondition(relu.inputWidth == dense.outputWidth, "The ReLU width differs from the Dense")
        self.dense = dense
        self.relu = relu
    }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        guard context.isTraining else {
            dense.forward(input, into: output, applyingReLU: true, columnMaxima: nil)
            return
        }
        relu.withActivationMaxima { maxima in
            dense.forward(input, into: output, applyingReLU: true, columnMaxima: maxima)
        }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        // Taken out of `self` (a swap: no copy) while the backward below mutates `self`.
        var scratch: [Float] = []
        swap(&scratch, &maskedGradient)
        defer { swap(&scratch, &maskedGradient) }
        scratch.ensureCount(outputGradient.count)
        scratch.withUnsafeMutableBufferPointer { masked in
            backward(
                input: input, activation: output, upstream: outputGradient,
                masked: MutableMatrixView(
                    base: masked.baseAddress!, rows: outputGradient.rows,
                    columns: outputGradient.columns),
                inputGradient: inputGradient)
        }
    }

    /// Backward from the gradient of the ReLU's output.
    /// - Parameters:
    ///   - input: the input of the last `forward`.
    ///   - activation: the output of the last `forward` (the ReLU's output).
    ///   - upstream: d loss / d the ReLU's output.
    ///   - masked: where d loss / d the Dense's output goes (`activation > 0 ? upstream : 0`).
    ///   - inputGradient: where d loss / d input goes, or nil.
    mutating func backward(
        input: MatrixView, activation: MatrixView, upstream: MatrixView,
        masked: MutableMatrixView, inputGradient: MutableMatrixView?
    ) {
        if dense.bias != nil {
            // The mask and the bias gradient (its column sums) in one pass.
            let units = dense.outputWidth
            dense.bias!.gradient.withUnsafeMutableBufferPointer { gb in
                CPUKernels.reluBackwardColumnSums(
                    rows: input.rows, columns: units, activation: activation.base,
                    upstream: upstream.base, into: masked.base, sums: gb.baseAddress)
            }
        } else {
            CPUKernels.reluBackward(
                count: activation.count, activation: activation.base, upstream: upstream.base,
                into: masked.base)
        }
        dense.backward(
            input: input, outputGradient: masked.readOnly, outputGradientSums: nil,
            biasGradientReady: true, inputGradient: inputGradient.map { .plain($0) } ?? .none)
    }

    /// Backward from a gradient the stage above already masked by this stage's ReLU.
    /// - Parameters:
    ///   - input: the input of the last `forward`.
    ///   - maskedGradient: d loss / d the Dense's output.
    ///   - columnSums: its column sums (the bias gradient), made with it.
    ///   - inputGradient: where d loss / d input goes.
    mutating func backward(
        input: MatrixView, maskedGradient: MatrixView, columnSums: UnsafePointer<Float>,
        inputGradient: InputGradient
    ) {
        dense.backward(
            input: input, outputGradient: maskedGradient, outputGradientSums: columnSums,
            biasGradientReady: false, inputGradient: inputGradient)
    }

    /// The Dense's tensors (`weight`, `bias`); the ReLU has none.
    public mutating func visitParameters(
        _ body: (_ name: String, _ parameter: inout Parameter) -> Void
    ) {
        dense.visitParameters(body)
    }
}
