import Foundation
import Spec

/// ENC-TARGET-LOG: a regression target that is positive and skewed right (prices, wages,
/// salaries) is trained on its log. The network then fits relative errors, and a few large
/// values no longer dominate the squared loss; predictions are `exp` of the output times
/// Duan's smearing factor (Duan 1983, "Smearing estimate: a nonparametric retransformation
/// method"), so they estimate the mean in the target's units.
public enum TargetTransformRule {
    /// The sample skewness `m3 / m2^1.5` of the finite values; nil for fewer than 3 or no
    /// spread.
    public static func skewness(_ values: some Sequence<Float>) -> Double? {
        var count = 0.0
        var sum = 0.0
        for value in values where value.isFinite {
            count += 1
            sum += Double(value)
        }
        guard count >= 3 else { return nil }
        let mean = sum / count
        var m2 = 0.0
        var m3 = 0.0
        for value in values where value.isFinite {
            let d = Double(value) - mean
            m2 += d * d
            m3 += d * d * d
        }
        m2 /= count
        m3 /= count
        guard m2 > 0 else { return nil }
        return m3 / pow(m2, 1.5)
    }

    /// The transform for a target's training values: the spec's when fixed, else the log
    /// when every value is positive and the skewness is above
    /// `TargetTransform.logSkewnessThreshold`.
    /// - Returns: the transform and the skewness (nil when it cannot be computed).
    public static func choose(
        _ setting: Setting<TargetTransform>, trainingValues: [Float]
    ) -> (transform: TargetTransform, skewness: Double?) {
        let skewness = skewness(trainingValues)
        if let fixed = setting.value { return (fixed, skewness) }
        let positive = trainingValues.allSatisfy { $0.isNaN || $0 > 0 }
        return (
            positive && (skewness ?? 0) > TargetTransform.logSkewnessThreshold ? .log : .none,
            skewness
        )
    }
}
