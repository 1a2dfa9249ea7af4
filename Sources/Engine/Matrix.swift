/// A dense float32 matrix with contiguous row-major storage; a batch is a matrix of rows.
public struct Matrix: Sendable, Equatable {
    /// Number of rows (for a batch: examples).
    public private(set) var rows: Int
    /// Number of columns (for a batch: features).
    public private(set) var columns: Int
    /// Row-major values, `rows * columns` of them.
    public var storage: [Float]

    /// A matrix filled with one value.
    /// - Parameters:
    ///   - rows: row count, >= 0.
    ///   - columns: column count, >= 0.
    ///   - value: the fill value (default 0).
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = [Float](repeating: value, count: rows * columns)
    }

    /// A matrix over existing row-major values; `values.count` must be `rows * columns`.
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "Matrix values do not match its shape")
        self.rows = rows
        self.columns = columns
        self.storage = values
    }

    /// The element at `row`, `column`.
    public subscript(row: Int, column: Int) -> Float {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }
}

/// Matrix product into an existing matrix: `c = alpha * op(a) * op(b) + beta * c`.
/// - Parameters:
///   - a: left operand; used transposed when `transposeA` (default false).
///   - b: right operand; used transposed when `transposeB` (default false).
///   - c: the result, already shaped `op(a).rows x op(b).columns`.
///   - alpha: scale of the product (default 1).
///   - beta: scale of the prior `c` (default 0: overwrite).
public func multiply(
    _ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false,
    into c: inout Matrix, alpha: Float = 1, beta: Float = 0
) {
    let m = transposeA ? a.columns : a.rows
    let k = transposeA ? a.rows : a.columns
    let n = transposeB ? b.rows : b.columns
    precondition((transposeB ? b.columns : b.rows) == k, "Inner dimensions differ")
    precondition(c.rows == m && c.columns == n, "Result shape differs")
    let lda = a.columns
    let ldb = b.columns
    let ldc = c.columns
    a.storage.withUnsafeBufferPointer { ap in
        b.storage.withUnsafeBufferPointer { bp in
            c.storage.withUnsafeMutableBufferPointer { cp in
                CPUKernels.gemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                    alpha: alpha, a: ap.baseAddress, lda: lda, b: bp.baseAddress, ldb: ldb,
                    beta: beta, c: cp.baseAddress, ldc: ldc)
            }
        }
    }
}
