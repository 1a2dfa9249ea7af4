import Random

/// A fully connected layer: `y = x W^T + b`, with an optional max-norm weight constraint.
///
/// The weight is stored `[outputWidth, inputWidth]` (PyTorch's `nn.Linear` layout, so a saved
/// model's tensors load into PyTorch as they are). Products go through the GEMM kernels
/// (`CPUKernels`); `Sequential` runs a Dense followed by a ReLU as one `FusedDenseReLU` stage.
public struct Dense: ConstrainedLayer {
    /// The weight, shape `[outputWidth, inputWidth]`; L1/L2 penalties apply to it.
    public var weight: Parameter
    /// The bias, shape `[outputWidth]`, or nil for a layer without bias.
    public var bias: Parameter?
    /// Max-norm constraint: after each optimizer step, each unit's incoming weight vector is
    /// rescaled to norm at most this value (Keras `MaxNorm`, eps 1e-7; Srivastava et al. 2014,
    /// "Dropout", section 5.1). Nil: no constraint.
    public var maxNorm: Float?

    public let inputWidth: Int
    public let outputWidth: Int

    /// A layer with weights drawn from `initializer`, zero bias.
    /// - Parameters:
    ///   - inputWidth: input columns, > 0.
    ///   - outputWidth: units, > 0.
    ///   - initializer: the weight initialiser (default He normal; see INIT-BY-ACTIVATION).
    ///   - useBias: whether to add a bias (default true).
    ///   - maxNorm: optional max-norm constraint (default nil).
    ///   - generator: the generator the weights are drawn from, row by row.
    public init(
        inputWidth: Int, outputWidth: Int, initializer: Initializer = .heNormal,
        useBias: Bool = true, maxNorm: Float? = nil, generator: inout SeededGenerator
    ) {
        precondition(inputWidth > 0 && outputWidth > 0, "Dense widths must be positive")
        self.inputWidth = inputWidth
        self.outputWidth = outputWidth
        let values = initializer.makeWeights(
            count: inputWidth * outputWidth, fanIn: inputWidth, fanOut: outputWidth,
            generator: &generator)
        weight = Parameter(values: values, shape: [outputWidth, inputWidth], isPenalized: true)
        bias =
            useBias
            ? Parameter(values: [Float](repeating: 0, count: outputWidth), shape: [outputWidth])
            : nil
        self.maxNorm = maxNorm
    }

    /// A layer with given weights.
    /// - Parameters:
    ///   - weight: `outputWidth x inputWidth`.
    ///   - bias: `outputWidth` values, or nil for no bias (default nil).
    ///   - maxNorm: optional max-norm constraint (default nil).
    public init(weight: Matrix, bias: [Float]? = nil, maxNorm: Float? = nil) {
        inputWidth = weight.columns
        outputWidth = weight.rows
        self.weight = Parameter(
            values: weight.storage, shape: [weight.rows, weight.columns], isPenalized: true)
        if let bias {
            precondition(bias.count == weight.rows, "Bias count differs from the weight's rows")
            self.bias = Parameter(values: bias, shape: [bias.count])
        } else {
            self.bias = nil
        }
        self.maxNorm = maxNorm
    }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        forward(input, into: output, applyingReLU: false, columnMaxima: nil)
    }

    /// The forward product with its epilogue fused into the GEMM: bias, then with
    /// `applyingReLU` a ReLU (`x < 0 ? 0 : x`), and with `columnMaxima` the ReLU's dead-unit
    /// maxima (see `FusedDenseReLU`).
    func forward(
        _ input: MatrixView, into output: MutableMatrixView, applyingReLU: Bool,
        columnMaxima: UnsafeMutablePointer<Float>?
    ) {
        weight.value.withUnsafeBufferPointer { w in
            func product(bias: UnsafePointer<Float>?) {
                CPUKernels.gemmBiasActivation(
                    transposeA: false, transposeB: true, m: input.rows, n: outputWidth,
                    k: inputWidth, a: input.base, lda: inputWidth, b: w.baseAddress,
                    ldb: inputWidth, c: output.base, ldc: outputWidth, bias: bias,
                    relu: applyingReLU, columnMaxima: columnMaxima)
            }
            if let bias {
                bias.value.withUnsafeBufferPointer { b in product(bias: b.baseAddress) }
            } else {
                product(bias: nil)
            }
        }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        backward(
            input: input, outputGradient: outputGradient, outputGradientSums: nil,
            biasGradientReady: false, inputGradient: inputGradient.map { .plain($0) } ?? .none)
    }

    /// The backward pass, with what the stages around it already did.
    /// - Parameters:
    ///   - input: the input of the last `forward`.
    ///   - outputGradient: d loss / d output (for a fused stage: through its ReLU).
    ///   - outputGradientSums: the column sums of `outputGradient` (this layer's bias
    ///     gradient) when the layer above made them while writing it; nil to sum here.
    ///   - biasGradientReady: the bias gradient is already written (`FusedDenseReLU` summed
    ///     it while masking the gradient).
    ///   - inputGradient: where d loss / d input goes (see `InputGradient`).
    mutating func backward(
        input: MatrixView, outputGradient: MatrixView, outputGradientSums: UnsafePointer<Float>?,
        biasGradientReady: Bool, inputGradient: InputGradient
    ) {
        let rows = input.rows
        let units = outputWidth
        // dW = dY^T X: [units, rows] x [rows, inputWidth].
        weight.gradient.withUnsafeMutableBufferPointer { gw in
            CPUKernels.gemm(
                transposeA: true, transposeB: false, m: units, n: inputWidth, k: rows,
                a: outputGradient.base, lda: units, b: input.base, ldb: inputWidth,
                c: gw.baseAddress, ldc: inputWidth)
        }
        if bias != nil && !biasGradientReady {
            bias!.gradient.withUnsafeMutableBufferPointer { gb in
                if let outputGradientSums {
                    gb.baseAddress!.update(from: outputGradientSums, count: units)
                } else {
                    // Summed over the batch in row order (deterministic), vectorized across
                    // columns.
                    CPUKernels.columnSums(
                        rows: rows, columns: units, outputGradient.base, ldx: units,
                        into: gb.baseAddress)
                }
            }
        }
        // dX = dY W: [rows, units] x [units, inputWidth].
        weight.value.withUnsafeBufferPointer { w in
            switch inputGradient {
            case .none:
                break
            case .plain(let dx):
                CPUKernels.gemm(
                    transposeA: false, transposeB: false, m: rows, n: inputWidth, k: units,
                    a: outputGradient.base, lda: units, b: w.baseAddress, ldb: inputWidth,
                    c: dx.base, ldc: inputWidth)
            case .throughReLU(let dx, let activation, let columnSums):
                CPUKernels.gemmReLUBackward(
                    transposeA: false, transposeB: false, m: rows, n: inputWidth, k: units,
                    a: outputGradient.base, lda: units, b: w.baseAddress, ldb: inputWidth,
                    c: dx.base, ldc: inputWidth, activation: activation.base,
                    ldActivation: inputWidth, columnSums: columnSums)
            }
        }
    }

    public mutating func visitParameters(
        _ body: (_ name: String, _ parameter: inout Parameter) -> Void
    ) {
        body("weight", &weight)
        if bias != nil { body("bias", &bias!) }
    }

    public mutating func applyConstraints() {
        guard let maxNorm else { return }
        let fanIn = inputWidth
        weight.value.withUnsafeMutableBufferPointer { w in
            for unit in 0..<outputWidth {
                let row = w.baseAddress! + unit * fanIn
                var sum: Float = 0
                for i in 0..<fanIn { sum += row[i] * row[i] }
                let norm = sum.squareRoot()
                let desired = min(norm, maxNorm)
                let scale = desired / (1e-7 + norm)
                if norm > maxNorm {
                    for i in 0..<fanIn { row[i] *= scale }
                }
            }
        }
    }
}

/// Where a Dense backward writes d loss / d input.
enum InputGradient {
    /// Not wanted (the first layer).
    case none
    /// Into this buffer.
    case plain(MutableMatrixView)
    /// Through the ReLU of the `FusedDenseReLU` stage below, whose output is `activation`:
    /// writes `activation > 0 ? dX : 0` (d loss / d that ReLU's input) into the buffer and its
    /// column sums into `columnSums` (the bias gradient of that stage's Dense), from the same
    /// pass that computes dX.
    case throughReLU(
        MutableMatrixView, activation: MatrixView, columnSums: UnsafeMutablePointer<Float>)
}
