/// A read-only, borrowed view of `rows x columns` row-major floats: what layers read in the
/// training path, so that no step copies or allocates a matrix.
///
/// A view does not own its memory: it is valid only while the owner (a `Matrix` inside
/// `withView`, or a `Sequential` buffer) is alive and not resized.
public struct MatrixView {
    /// The first element.
    public let base: UnsafePointer<Float>
    /// Row count.
    public let rows: Int
    /// Column count (also the row stride).
    public let columns: Int

    /// A view over `rows * columns` floats from `base`.
    public init(base: UnsafePointer<Float>, rows: Int, columns: Int) {
        self.base = base
        self.rows = rows
        self.columns = columns
    }

    /// Element count, `rows * columns`.
    @inline(__always) public var count: Int { rows * columns }

    /// The elements as a buffer.
    @inline(__always) public var buffer: UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: base, count: count)
    }

    /// The element at `row`, `column`.
    @inline(__always) public subscript(row: Int, column: Int) -> Float {
        base[row * columns + column]
    }

    /// A copy as an owned matrix.
    public func copyToMatrix() -> Matrix {
        Matrix(rows: rows, columns: columns, values: Array(buffer))
    }
}

/// A writable, borrowed view of `rows x columns` row-major floats (see `MatrixView`).
public struct MutableMatrixView {
    /// The first element.
    public let base: UnsafeMutablePointer<Float>
    /// Row count.
    public let rows: Int
    /// Column count (also the row stride).
    public let columns: Int

    /// A view over `rows * columns` floats from `base`.
    public init(base: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        self.base = base
        self.rows = rows
        self.columns = columns
    }

    /// Element count, `rows * columns`.
    @inline(__always) public var count: Int { rows * columns }

    /// The elements as a buffer.
    @inline(__always) public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: base, count: count)
    }

    /// The same memory, read-only.
    @inline(__always) public var readOnly: MatrixView {
        MatrixView(base: UnsafePointer(base), rows: rows, columns: columns)
    }

    /// The element at `row`, `column`.
    @inline(__always) public subscript(row: Int, column: Int) -> Float {
        get { base[row * columns + column] }
        nonmutating set { base[row * columns + column] = newValue }
    }

    /// A copy as an owned matrix.
    public func copyToMatrix() -> Matrix {
        Matrix(rows: rows, columns: columns, values: Array(buffer))
    }
}

extension Matrix {
    /// Calls `body` with a read-only view of this matrix's storage.
    public func withView<Result>(_ body: (MatrixView) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBufferPointer { buffer in
            // An empty array may have a nil base address: point at a dummy element instead.
            guard let base = buffer.baseAddress else {
                var dummy: Float = 0
                return try withUnsafePointer(to: &dummy) {
                    try body(MatrixView(base: $0, rows: rows, columns: columns))
                }
            }
            return try body(MatrixView(base: base, rows: rows, columns: columns))
        }
    }

    /// Calls `body` with a writable view of this matrix's storage.
    public mutating func withMutableView<Result>(
        _ body: (MutableMatrixView) throws -> Result
    ) rethrows -> Result {
        let rows = self.rows
        let columns = self.columns
        return try storage.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                var dummy: Float = 0
                return try withUnsafeMutablePointer(to: &dummy) {
                    try body(MutableMatrixView(base: $0, rows: rows, columns: columns))
                }
            }
            return try body(MutableMatrixView(base: base, rows: rows, columns: columns))
        }
    }

    /// Reshapes in place to `rows x columns`, keeping the storage's capacity: once a matrix has
    /// held the largest batch, later batches (the last, smaller one included) allocate nothing.
    /// Values are kept in row-major order up to the new count; new elements are 0.
    /// - Parameters:
    ///   - rows: new row count, >= 0.
    ///   - columns: new column count, >= 0.
    public mutating func reshape(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        if rows == self.rows && columns == self.columns { return }
        var values = storage
        storage = []  // leaves `values` uniquely referenced: no copy below
        let count = rows * columns
        if values.count > count {
            values.removeLast(values.count - count)
        } else if values.count < count {
            values.append(contentsOf: repeatElement(0, count: count - values.count))
        }
        self = Matrix(rows: rows, columns: columns, values: values)
    }
}

/// A named float tensor: one entry of a model file or checkpoint (safetensors-style: name,
/// shape, row-major values).
public struct NamedTensor: Codable, Equatable, Sendable {
    /// Stable name, e.g. `layers.0.weight` or `layers.0.weight.exp_avg`.
    public var name: String
    /// Dimensions, outermost first; the product equals `values.count`.
    public var shape: [Int]
    /// Row-major values.
    public var values: [Float]

    /// A tensor; `values.count` must equal the product of `shape`.
    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}
