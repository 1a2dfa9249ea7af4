import Foundation

/// Bias-corrected exponential moving average (the rulebook's smoothing, and fastai's):
/// `avg = beta * avg + (1 - beta) * x; smooth_k = avg / (1 - beta^k)` for k = 1, 2, ...
///
/// - Parameters:
///   - values: the raw series; a non-finite value makes every later smoothed value non-finite.
///   - beta: the smoothing factor, 0 <= beta < 1 (0.98 in the rulebook).
public func exponentialMovingAverage(_ values: [Double], beta: Double) -> [Double] {
    var average = 0.0
    var correction = 1.0
    var smoothed: [Double] = []
    smoothed.reserveCapacity(values.count)
    for value in values {
        average = beta * average + (1 - beta) * value
        correction *= beta
        smoothed.append(average / (1 - correction))
    }
    return smoothed
}

/// A loss curve a detector reads, and what one point is.
struct LossCurve {
    /// The points, in order.
    var values: [Double]
    /// `epoch` or `step`.
    var unit: String

    /// The training loss as detectors read it: EMA-smoothed per-step losses when enough steps are
    /// recorded, else the per-epoch curve (`epochs(_:)`; a 0.98 EMA over a few dozen points would
    /// lag behind the curve by most of its length).
    static func training(_ record: TrainingRecord, _ thresholds: CurveThresholds) -> LossCurve {
        if let steps = record.stepLosses, steps.count >= thresholds.minimumStepsForStepSignals {
            return LossCurve(
                values: exponentialMovingAverage(steps, beta: thresholds.emaBeta), unit: "step")
        }
        return epochs(record)
    }

    /// The per-epoch training loss: the inference-mode evaluation of the training split when
    /// recorded for every epoch (no mini-batch or dropout noise: a last partial batch dropped
    /// at random moves an epoch's mean by several percent), else the epoch means.
    static func epochs(_ record: TrainingRecord) -> LossCurve {
        if !record.trainEvaluationLoss.isEmpty,
            record.trainEvaluationLoss.count == record.trainLoss.count
        {
            return LossCurve(values: record.trainEvaluationLoss, unit: "epoch")
        }
        return LossCurve(values: record.trainLoss, unit: "epoch")
    }

    /// The last `windowLength` points.
    func window(_ thresholds: CurveThresholds) -> ArraySlice<Double> {
        values.suffix(thresholds.windowLength(count: values.count))
    }

    /// "epoch 12" (1-based for people).
    func label(_ index: Int) -> String { "\(unit) \(index + 1)" }
}

func median(_ values: some Collection<Double>) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

func mean(_ values: some Collection<Double>) -> Double {
    values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
}

/// Residuals of the least-squares line through `(i, values[i])`.
func detrended(_ values: [Double]) -> [Double] {
    let count = Double(values.count)
    guard values.count >= 2 else { return values.map { _ in 0 } }
    let xMean = (count - 1) / 2
    let yMean = mean(values)
    var sxy = 0.0
    var sxx = 0.0
    for (i, y) in values.enumerated() {
        let dx = Double(i) - xMean
        sxy += dx * (y - yMean)
        sxx += dx * dx
    }
    let slope = sxy / sxx
    return values.enumerated().map { i, y in y - (yMean + slope * (Double(i) - xMean)) }
}

/// Population standard deviation.
func standardDeviation(_ values: [Double]) -> Double {
    let m = mean(values)
    return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)).squareRoot()
}

/// A number as YAML text for a spec edit: two significant digits, `1.0e-4` style below 1e-3.
public func yamlNumber(_ value: Double) -> String {
    guard value.isFinite, value != 0 else { return value == 0 ? "0" : "\(value)" }
    let exponent = Int(floor(log10(abs(value))))
    let scale = pow(10, Double(exponent - 1))
    let rounded = (value / scale).rounded() * scale
    let roundedExponent = Int(floor(log10(abs(rounded))))
    if roundedExponent >= -3 && roundedExponent < 5 {
        var text = String(format: "%.\(max(1, 1 - roundedExponent))f", rounded)
        while text.hasSuffix("0") && !text.hasSuffix(".0") { text.removeLast() }
        return text
    }
    let mantissa = rounded / pow(10, Double(roundedExponent))
    return String(format: "%.1fe%d", mantissa, roundedExponent)
}

/// An integer-valued setting as YAML text.
func yamlInteger(_ value: Int) -> String { String(value) }
