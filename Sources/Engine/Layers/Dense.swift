import CKernels
import Random

/// A fully connected layer: `y = x W^T + b`, with an optional max-norm weight constraint.
///
/// The weight is stored `[outputWidth, inputWidth]` (PyTorch's `nn.Linear` layout, so a saved
/// model's tensors load into PyTorch as they are). Products go through `lw_sgemm`.
public struct Dense: Layer {
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
        forwardFused(input, into: output, relu: false, columnMax: nil)
    }

    public mutating func forwardFusingReLU(
        _ input: MatrixView, into output: MutableMatrixView,
        activationMaxima: UnsafeMutablePointer<Float>?
    ) -> Bool {
        forwardFused(input, into: output, relu: true, columnMax: activationMaxima)
        return true
    }

    public mutating func backwardFusingReLU(
        input: MatrixView, activation: MatrixView, upstream: MatrixView,
        maskedGradient: MutableMatrixView, inputGradient: MutableMatrixView?
    ) -> Bool {
        let rows = Int32(input.rows)
        let units = Int32(outputWidth)
        if bias != nil {
            bias!.gradient.withUnsafeMutableBufferPointer { gb in
                lw_relu_backward_column_sums(
                    rows, units, activation.base, upstream.base, maskedGradient.base,
                    gb.baseAddress)
            }
        } else {
            lw_relu_backward(activation.count, activation.base, upstream.base, maskedGradient.base)
        }
        backward(
            input: input, outputGradient: maskedGradient.readOnly, inputGradient: inputGradient,
            biasGradientReady: true)
        return true
    }

    /// The forward product with its epilogue fused into the GEMM: bias, then with `relu` a
    /// ReLU (`x < 0 ? 0 : x`), and with `columnMax` the ReLU's dead-unit maxima.
    func forwardFused(
        _ input: MatrixView, into output: MutableMatrixView, relu: Bool,
        columnMax: UnsafeMutablePointer<Float>?
    ) {
        let rows = input.rows
        let units = outputWidth
        weight.value.withUnsafeBufferPointer { w in
            if let bias {
                bias.value.withUnsafeBufferPointer { b in
                    lw_sgemm_bias_act(
                        0, 1, Int32(rows), Int32(units), Int32(inputWidth), input.base,
                        Int32(inputWidth), w.baseAddress, Int32(inputWidth), output.base,
                        Int32(units), b.baseAddress, relu ? 1 : 0, columnMax)
                }
            } else {
                lw_sgemm_bias_act(
                    0, 1, Int32(rows), Int32(units), Int32(inputWidth), input.base,
                    Int32(inputWidth), w.baseAddress, Int32(inputWidth), output.base,
                    Int32(units), nil, relu ? 1 : 0, columnMax)
            }
        }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        backward(
            input: input, outputGradient: outputGradient, inputGradient: inputGradient,
            biasGradientReady: false)
    }

    /// The backward pass; `biasGradientReady` means the bias gradient was already written (a
    /// fused ReLU backward summed it while masking the gradient).
    mutating func backward(
        input: MatrixView, outputGradient: MatrixView, inputGradient: MutableMatrixView?,
        biasGradientReady: Bool
    ) {
        _ = backward(
            input: input, outputGradient: outputGradient, outputGradientSums: nil,
            biasGradientReady: biasGradientReady,
            inputGradient: inputGradient.map { .plain($0) } ?? .none)
    }

    public mutating func backward(
        input: MatrixView, outputGradient: MatrixView, outputGradientSums: UnsafePointer<Float>?,
        inputGradient: InputGradient
    ) -> Bool {
        backward(
            input: input, outputGradient: outputGradient, outputGradientSums: outputGradientSums,
            biasGradientReady: false, inputGradient: inputGradient)
    }

    private mutating func backward(
        input: MatrixView, outputGradient: MatrixView, outputGradientSums: UnsafePointer<Float>?,
        biasGradientReady: Bool, inputGradient: InputGradient
    ) -> Bool {
        let rows = input.rows
        let units = outputWidth
        // dW = dY^T X: [units, rows] x [rows, inputWidth].
        weight.gradient.withUnsafeMutableBufferPointer { gw in
            lw_sgemm(
                1, 0, Int32(units), Int32(inputWidth), Int32(rows), 1, outputGradient.base,
                Int32(units), input.base, Int32(inputWidth), 0, gw.baseAddress, Int32(inputWidth))
        }
        if bias != nil && !biasGradientReady {
            bias!.gradient.withUnsafeMutableBufferPointer { gb in
                if let outputGradientSums {
                    gb.baseAddress!.update(from: outputGradientSums, count: units)
                } else {
                    // Summed over the batch in row order (deterministic), vectorized across
                    // columns.
                    lw_column_sums(
                        Int32(rows), Int32(units), outputGradient.base, Int32(units), 0,
                        gb.baseAddress)
                }
            }
        }
        // dX = dY W: [rows, units] x [units, inputWidth].
        weight.value.withUnsafeBufferPointer { w in
            switch inputGradient {
            case .none:
                break
            case .plain(let dx):
                lw_sgemm(
                    0, 0, Int32(rows), Int32(inputWidth), Int32(units), 1, outputGradient.base,
                    Int32(units), w.baseAddress, Int32(inputWidth), 0, dx.base,
                    Int32(inputWidth))
            case .throughReLU(let dx, let activation, let columnSums):
                lw_sgemm_relu_backward(
                    0, 0, Int32(rows), Int32(inputWidth), Int32(units), outputGradient.base,
                    Int32(units), w.baseAddress, Int32(inputWidth), dx.base, Int32(inputWidth),
                    activation.base, Int32(inputWidth), columnSums)
            }
        }
        return true
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
