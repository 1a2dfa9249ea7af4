/// The piecewise-linear encoding of a number column (rule ENC-NUMERIC-PLE; Gorishniy, Rubachev
/// and Babenko 2022, "On embeddings for numerical features in tabular deep learning"): edges
/// `b_0 < ... < b_T` at the training quantiles, and one column per bin,
/// `e_t = clip((x - b_t) / (b_{t+1} - b_t), 0, 1)`. A value's columns read 1 for the bins
/// below it, its share of its own bin, 0 above: a linear layer on them is any piecewise-linear
/// function of the column, which lets a small network (or a linear model) follow thresholds
/// and bends that a single standardised input makes it learn the hard way.
public enum PiecewiseLinearBins {
    /// The edges at the quantiles `k / bins` of `sorted` (ascending, no NaN), linear
    /// interpolation between order statistics (NumPy's default), repeated edges merged; nil
    /// when fewer than two bins remain (a column of one or two values).
    /// - Parameters:
    ///   - sorted: the column's present training values, ascending.
    ///   - bins: the bins asked (default `NumericEncoding.bins`, 8), at least 2.
    public static func edges(sorted: [Float], bins: Int) -> [Float]? {
        guard sorted.count >= 2, bins >= 2 else { return nil }
        var edges: [Float] = []
        edges.reserveCapacity(bins + 1)
        let last = Double(sorted.count - 1)
        for k in 0...bins {
            let position = last * Double(k) / Double(bins)
            let low = Int(position.rounded(.down))
            let high = min(low + 1, sorted.count - 1)
            let share = position - Double(low)
            let value = Float(
                Double(sorted[low]) + share * (Double(sorted[high]) - Double(sorted[low])))
            // Equal edges merge; so do edges too close for a finite 1 / width in Float.
            if let previous = edges.last, !(value > previous && (1 / (value - previous)).isFinite) {
                continue
            }
            edges.append(value)
        }
        return edges.count >= 3 ? edges : nil
    }

    /// The bins' column names: `age (bin 1/8)` ... `age (bin 8/8)`.
    public static func names(_ name: String, edges: [Float]) -> [String] {
        let count = max(0, edges.count - 1)
        return (0..<count).map { "\(name) (bin \($0 + 1)/\(count))" }
    }

    /// Writes the bins of `value` (already filled when missing) to `output[start...]`.
    @inline(__always)
    static func encode(
        _ value: Float, edges: UnsafeBufferPointer<Float>, scales: UnsafeBufferPointer<Float>,
        into output: UnsafeMutableBufferPointer<Float>, at start: Int
    ) {
        for t in 0..<scales.count {
            let share = (value - edges[t]) * scales[t]
            output[start + t] = min(max(share, 0), 1)
        }
    }

    /// `1 / (b_{t+1} - b_t)` per bin, computed once per column (the ONNX graph uses the same
    /// values, so its bins equal the data layer's bit for bit).
    public static func scales(_ edges: [Float]) -> [Float] {
        (0..<max(0, edges.count - 1)).map { 1 / (edges[$0 + 1] - edges[$0]) }
    }
}
