import Foundation

@testable import Dataset

/// Plain-loop softmax regression (the probe's Adam steps), with the level penalty on the
/// inputs in `penalized`: weights class by class, `width` inputs then the bias.
func referenceLogistic(
    _ training: EncodedRows, rows: [Int], classCount k: Int, _ penalized: Set<Int> = []
) -> [Double] {
    let width = training.featureCount
    let stride = width + 1
    var w = [Double](repeating: 0, count: k * stride)
    var m1 = w
    var m2 = w
    let classes = training.classIndices ?? []
    for step in 1...LinearProbe.logisticIterations {
        var g = [Double](repeating: 0, count: k * stride)
        for row in rows {
            let label = Int(classes[row])
            if label < 0 { continue }
            let r = (0..<width).map { Double(training.features[row * width + $0]) }
            var p = [Double](repeating: 0, count: k)
            var largest = -Double.infinity
            for c in 0..<k {
                var z = w[c * stride + width]
                for f in 0..<width { z += w[c * stride + f] * r[f] }
                p[c] = z
                largest = max(largest, z)
            }
            var total = 0.0
            for c in 0..<k {
                p[c] = exp(p[c] - largest)
                total += p[c]
            }
            let inverse = 1 / total
            for c in 0..<k {
                let error = p[c] * inverse - (c == label ? 1 : 0)
                for f in 0..<width { g[c * stride + f] += error * r[f] }
                g[c * stride + width] += error
            }
        }
        let scale = 1 / Double(max(1, rows.count))
        let c1 = 1 - pow(0.9, Double(step))
        let c2 = 1 - pow(0.999, Double(step))
        for i in 0..<(k * stride) {
            let f = i % stride
            let penalty = penalized.contains(f) ? LogisticFit.levelPenalty * w[i] : 0
            let gradient = (g[i] + penalty) * scale
            m1[i] = 0.9 * m1[i] + (1 - 0.9) * gradient
            m2[i] = 0.999 * m2[i] + (1 - 0.999) * gradient * gradient
            w[i] -= 0.1 * (m1[i] / c1) / ((m2[i] / c2).squareRoot() + 1e-8)
        }
    }
    return w
}
