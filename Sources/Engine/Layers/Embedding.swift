import Random

/// A learned embedding: a table `[levels, dimension]` whose rows are looked up by integer codes
/// (PyTorch's `nn.Embedding`; Guo & Berkhahn 2016, "Entity Embeddings of Categorical
/// Variables"). Rule ENC-EMBED-SIZE picks the dimension.
///
/// The input is one column of codes, each a `Float` holding an integer in `0 ..< levels`
/// (rounded, so a code nudged by a finite-difference step stays the same level; out-of-range
/// codes are clamped, a programming error upstream that should not read outside the table).
/// The output is the code's row. Codes have no gradient: `backward` writes zeros into an input
/// gradient when one is asked for, and sums each row's output gradients into the rows used.
///
/// The table is initialised N(0, 1), as PyTorch's `nn.Embedding` does (fastai draws a
/// truncated normal with std 0.01 instead). Unit variance puts the embedded columns on the
/// same scale as the standardised numeric columns they are concatenated with, so the first
/// Dense layer's initialiser (INIT-BY-ACTIVATION, which assumes unit-variance inputs) fits
/// both.
public struct Embedding: Layer {
    /// The table, shape `[levels, dimension]`, row-major; L1/L2 penalties apply to it (it is
    /// a weight, as Keras' `embeddings_regularizer` treats it).
    public var weight: Parameter
    /// Rows of the table (levels of the column, the "other" level included).
    public let levels: Int
    /// Columns of the table: the width of the output.
    public let dimension: Int

    public var inputWidth: Int { 1 }
    public var outputWidth: Int { dimension }

    /// A table drawn N(0, 1) from `generator`, row by row.
    /// - Parameters:
    ///   - levels: rows, > 0.
    ///   - dimension: columns, > 0.
    ///   - generator: the generator the values are drawn from.
    public init(levels: Int, dimension: Int, generator: inout SeededGenerator) {
        precondition(levels > 0 && dimension > 0, "Embedding sizes must be positive")
        self.levels = levels
        self.dimension = dimension
        var values = [Float](repeating: 0, count: levels * dimension)
        for index in values.indices { values[index] = Float(generator.nextNormal()) }
        weight = Parameter(values: values, shape: [levels, dimension], isPenalized: true)
    }

    /// A layer with a given table (`levels x dimension`).
    public init(weight: Matrix) {
        levels = weight.rows
        dimension = weight.columns
        self.weight = Parameter(
            values: weight.storage, shape: [weight.rows, weight.columns], isPenalized: true)
    }

    /// The table row of a code: rounded and clamped into `0 ..< levels`.
    @inline(__always)
    static func row(of code: Float, levels: Int) -> Int {
        guard code.isFinite else { return 0 }
        return min(max(Int(code.rounded()), 0), levels - 1)
    }

    public mutating func forward(
        _ input: MatrixView, into output: MutableMatrixView, context: inout ForwardContext
    ) {
        lookUp(
            codes: input.base, stride: input.columns, rows: input.rows,
            into: output.base, outputStride: output.columns)
    }

    /// Writes the rows of `rows` codes (read every `stride` floats from `codes`) into `output`,
    /// one row every `outputStride` floats: the form `Sequential`'s input stage uses to read a
    /// code column of the data and write into its slice of the network's input.
    func lookUp(
        codes: UnsafePointer<Float>, stride: Int, rows: Int,
        into output: UnsafeMutablePointer<Float>,
        outputStride: Int
    ) {
        let dimension = dimension
        let levels = levels
        weight.value.withUnsafeBufferPointer { table in
            let base = table.baseAddress!
            for r in 0..<rows {
                let source = base + Self.row(of: codes[r * stride], levels: levels) * dimension
                (output + r * outputStride).update(from: source, count: dimension)
            }
        }
    }

    public mutating func backward(
        input: MatrixView, output: MatrixView, outputGradient: MatrixView,
        inputGradient: MutableMatrixView?
    ) {
        accumulate(
            codes: input.base, stride: input.columns, rows: input.rows,
            gradient: outputGradient.base, gradientStride: outputGradient.columns)
        if let inputGradient {
            inputGradient.base.update(
                repeating: 0, count: inputGradient.rows * inputGradient.columns)
        }
    }

    /// Overwrites the table's gradient with the sum, per level, of the output gradients of the
    /// rows with that code (rows not used get zero, as PyTorch's dense embedding gradient).
    mutating func accumulate(
        codes: UnsafePointer<Float>, stride: Int, rows: Int, gradient: UnsafePointer<Float>,
        gradientStride: Int
    ) {
        let dimension = dimension
        let levels = levels
        weight.gradient.withUnsafeMutableBufferPointer { table in
            let base = table.baseAddress!
            base.update(repeating: 0, count: table.count)
            for r in 0..<rows {
                let target = base + Self.row(of: codes[r * stride], levels: levels) * dimension
                let source = gradient + r * gradientStride
                for j in 0..<dimension { target[j] += source[j] }
            }
        }
    }

    public mutating func visitParameters(
        _ body: (_ name: String, _ parameter: inout Parameter) -> Void
    ) {
        body("weight", &weight)
    }
}
