import Spec

/// Rows encoded into a row-major `Float` matrix, ready for the engine.
public struct EncodedRows: Sendable, Equatable {
    /// Number of rows.
    public var rowCount: Int
    /// Encoded inputs per row (`Ni`).
    public var featureCount: Int
    /// Row-major `rowCount x featureCount` inputs.
    public var features: [Float]
    /// Class indices per row (classification, when the target column is present).
    public var classIndices: [Int32]?
    /// Standardised targets per row (regression, when the target column is present).
    public var targets: [Float]?
    /// The table row each encoded row came from.
    public var sourceRows: [Int]

    /// An empty set of rows `featureCount` wide.
    public init(featureCount: Int) {
        self.init(rowCount: 0, featureCount: featureCount, features: [], sourceRows: [])
    }

    /// Rows from their parts.
    public init(
        rowCount: Int, featureCount: Int, features: [Float], classIndices: [Int32]? = nil,
        targets: [Float]? = nil, sourceRows: [Int]
    ) {
        self.rowCount = rowCount
        self.featureCount = featureCount
        self.features = features
        self.classIndices = classIndices
        self.targets = targets
        self.sourceRows = sourceRows
    }
}
