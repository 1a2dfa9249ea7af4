import Advisor
import Dataset
import Engine

/// INIT-LINEAR-RIDGE and INIT-LINEAR-LOGISTIC: a network without hidden layers is a linear
/// model, and its output layer starts at that model's fit on its own training rows instead of
/// random weights: the ridge solution for regression (`RidgeFit`, the model DEPTH-LINEAR's
/// probe cross-validated), the penalised logistic regression for classes
/// (`LogisticRegressionFit`). Training then goes on as the recipe says, and restoring the best
/// epoch keeps it near that start unless the validation rows prefer otherwise. Adam from
/// random weights, stopped early on a few dozen validation rows, ends short of the optimum
/// (Benchmarks/quality-results.md, 2026-12-07 evening and 2026-12-08).
///
/// INIT-HIDDEN-LINEAR: a network with rectifier hidden layers starts as that same fit. Units
/// 2k and 2k + 1 of the first hidden layer compute f(z_k) and f(-z_k) of output k's linear
/// value z_k; each later hidden layer passes it on in its own units 2k and 2k + 1; the output
/// layer reads z_k back as (u_2k - u_2k+1) / (1 + a), where a is the rectifier's negative slope.
/// The other units keep their random weights, except that the later layers do not read the
/// carrying units and the output layer reads the others at `remainderScale` of their draw.
enum LinearStart {
    /// Sets `model`'s weights to start as the linear fit on `rows`: the dense layer of a linear
    /// network, or the carrying units of a network with rectifier hidden layers. Leaves the
    /// model as it is when it cannot carry the fit (other activations, batch norm, embedding
    /// tables, a hidden layer narrower than two units per output, no biases) or the fit fails.
    /// - Parameters:
    ///   - model: a freshly built network.
    ///   - rows: its training rows.
    ///   - target: the target: its classes (one sigmoid output for two, else one softmax
    ///     output each) or a number.
    /// - Returns: whether it started there.
    @discardableResult
    static func apply(to model: Sequential, rows: EncodedRows, target: TargetEncoding) -> Bool {
        var classes: Int?
        if case .classes(_, let labels) = target { classes = labels.count }
        guard
            let carriers = Carriers(
                model.modelDescription, inputs: rows.featureCount, outputs: target.outputWidth)
        else { return false }
        // The shapes first: the fit is the expensive part.
        var shapesMatch = true
        model.visitParameters { name, parameter in
            shapesMatch = shapesMatch && carriers.expects(name, parameter.shape)
        }
        guard shapesMatch, let (weights, biases) = fit(rows, classes: classes) else {
            return false
        }
        let fitted = carriers.fitted(weights: weights, biases: biases)
        model.visitParameters { name, parameter in carriers.set(name, &parameter.value, fitted) }
        return true
    }

    /// The dense layers of a network that can carry a linear fit, and the slope of the
    /// rectifier after each hidden one.
    struct Carriers {
        /// Description indices of the dense layers, the output last.
        var denseLayers: [Int]
        /// The negative slope of each hidden dense layer's rectifier.
        var slopes: [Double]
        /// Output width of each dense layer.
        var widths: [Int]
        /// Inputs of the first dense layer.
        var inputs: Int
        /// Outputs: one linear model each (units 2k, 2k + 1 carry output k).
        var outputs: Int
        /// Each dense layer's max-norm constraint on a unit's incoming weights, if any.
        var maxNorms: [Float?]
        /// The share of their draw the other units' output weights keep.
        var remainderScale: Float = HiddenLinearStartRule.remainderScale

        /// The carriers of `description`; nil when it cannot carry a fit.
        init?(_ description: ModelDescription, inputs: Int, outputs: Int) {
            guard description.embeddings.isEmpty else { return nil }
            var denseLayers: [Int] = []
            var slopes: [Double] = []
            var widths: [Int] = []
            var maxNorms: [Float?] = []
            for (index, layer) in description.layers.enumerated() {
                switch layer {
                case .dense(let units, _, let useBias, let maxNorm):
                    guard useBias else { return nil }
                    denseLayers.append(index)
                    widths.append(units)
                    maxNorms.append(maxNorm)
                case .batchNorm: return nil
                case .dropout, .activation: break
                }
            }
            guard let last = widths.last, last == outputs else { return nil }
            for index in denseLayers.dropLast() {
                switch description.activation(following: index) {
                case .relu: slopes.append(0)
                case .leakyReLU(let slope): slopes.append(Double(slope))
                case .prelu(let slope): slopes.append(Double(slope))
                default: return nil
                }
            }
            guard widths.dropLast().allSatisfy({ $0 >= 2 * outputs }) else { return nil }
            self.denseLayers = denseLayers
            self.slopes = slopes
            self.widths = widths
            self.inputs = inputs
            self.outputs = outputs
            self.maxNorms = maxNorms
        }

        /// A fit ready to write: its weights (outputs x inputs, row-major), its intercepts,
        /// and `shrinks[d][k]`, the factor hidden dense layer `d` scales output k's carrying
        /// weights by to keep them within its max-norm constraint (1 without one). The first
        /// layer's carrying weights are the fit's, a later layer's the read-back pair (norm
        /// sqrt(2) / (1 + a)); the output layer reads the value back larger by the product.
        struct Fitted {
            var weights: [Double]
            var biases: [Double]
            var shrinks: [[Double]]
        }

        /// The fit with each hidden layer's max-norm shrinks, computed once.
        func fitted(weights: [Double], biases: [Double]) -> Fitted {
            let shrinks = (0..<(denseLayers.count - 1)).map { d in
                (0..<outputs).map { k -> Double in
                    guard let maxNorm = maxNorms[d].map(Double.init) else { return 1 }
                    let norm =
                        d == 0
                        ? weights[(k * inputs)..<((k + 1) * inputs)].reduce(0) { $0 + $1 * $1 }
                            .squareRoot()
                        : 2.squareRoot() / (1 + slopes[d - 1])
                    return norm > maxNorm ? maxNorm / norm : 1
                }
            }
            return Fitted(weights: weights, biases: biases, shrinks: shrinks)
        }

        /// Dense layer `d`'s position among the dense layers, for a parameter of the model.
        private func dense(_ name: ParameterName) -> Int? {
            name.embedding == nil ? denseLayers.firstIndex(of: name.layer) : nil
        }

        /// Whether a parameter has the shape the carriers expect (a dense layer's weight or
        /// bias; anything else, such as a PReLU's slopes, is left as it is).
        func expects(_ name: ParameterName, _ shape: [Int]) -> Bool {
            guard let d = dense(name) else { return true }
            let fanIn = d == 0 ? inputs : widths[d - 1]
            switch name.local {
            case "weight": return shape == [widths[d], fanIn]
            case "bias": return shape == [widths[d]]
            default: return false
            }
        }

        /// Writes the carriers of `fit` into a dense layer's weight or bias.
        func set(_ name: ParameterName, _ value: inout [Float], _ fit: Fitted) {
            guard let d = dense(name) else { return }
            let (weights, biases) = (fit.weights, fit.biases)
            let fanIn = d == 0 ? inputs : widths[d - 1]
            let isWeight = name.local == "weight"
            let carried = 2 * outputs
            if denseLayers.count == 1 {
                // A linear network: the layer is the fit.
                value = (isWeight ? weights : biases).map { Float($0) }
                return
            }
            if d == 0 {
                // f(z) and f(-z) of each output's linear value (scaled into the max-norm).
                for k in 0..<outputs {
                    let shrink = fit.shrinks[0][k]
                    for (unit, sign) in [(2 * k, 1.0), (2 * k + 1, -1.0)] {
                        if isWeight {
                            for i in 0..<fanIn {
                                value[unit * fanIn + i] = Float(
                                    sign * shrink * weights[k * fanIn + i])
                            }
                        } else {
                            value[unit] = Float(sign * shrink * biases[k])
                        }
                    }
                }
                return
            }
            // Later layers read z back from the previous layer's pair: (u - v) / (1 + a).
            let back = 1 / (1 + slopes[d - 1])
            let isOutput = d == denseLayers.count - 1
            guard isWeight else {
                for unit in 0..<(isOutput ? outputs : carried) { value[unit] = 0 }
                return
            }
            if isOutput { for j in value.indices { value[j] *= remainderScale } }
            // No unit reads the carrying units but their own readers.
            for unit in 0..<widths[d] {
                for j in 0..<carried { value[unit * fanIn + j] = 0 }
            }
            for k in 0..<outputs {
                let (u, v) = (2 * k, 2 * k + 1)
                if isOutput {
                    // Undo every hidden layer's shrink.
                    let carriedScale = fit.shrinks.reduce(1.0) { $0 * $1[k] }
                    value[k * fanIn + u] = Float(back / carriedScale)
                    value[k * fanIn + v] = Float(-back / carriedScale)
                } else {
                    let w = Float(back * fit.shrinks[d][k])
                    for j in 0..<fanIn {
                        value[u * fanIn + j] = 0
                        value[v * fanIn + j] = 0
                    }
                    value[u * fanIn + u] = w
                    value[u * fanIn + v] = -w
                    value[v * fanIn + u] = -w
                    value[v * fanIn + v] = w
                }
            }
        }
    }

    /// The fit's weights (outputs x inputs, row-major) and biases; nil when it fails.
    static func fit(_ rows: EncodedRows, classes: Int?) -> (weights: [Double], biases: [Double])? {
        if let known = recent.withLock({ $0.first { $0.rows == rows && $0.classes == classes } }) {
            return known.result
        }
        let result: (weights: [Double], biases: [Double])?
        if let classes {
            result = LogisticRegressionFit(rows, classes: classes).map {
                ($0.weights, $0.intercepts)
            }
        } else {
            result = RidgeFit(rows).map { ($0.weights, [$0.intercept]) }
        }
        // Small rows only: a large split's fit is a small share of its training, and the
        // memory it would hold is not.
        guard rows.features.count <= rememberedFloats else { return result }
        recent.withLock { fits in
            fits.insert(Remembered(rows: rows, classes: classes, result: result), at: 0)
            if fits.count > remembered { fits.removeLast() }
        }
        return result
    }

    /// A fit and what it was fitted on.
    struct Remembered: Sendable {
        var rows: EncodedRows
        var classes: Int?
        var result: (weights: [Double], biases: [Double])?
    }

    /// The last fits, with their rows: the fit is a function of the rows alone, and every
    /// linear trial of a tune study starts on the same training rows (without this, refitting
    /// them was a third of a small study's CPU time). The rows are shared, not copied; an
    /// identical array compares at once.
    static let recent = Locked<[Remembered]>([])
    /// How many fits are remembered: a study's training rows, and its ensemble members' own.
    static let remembered = 8
    /// The largest rows remembered, in floats (8 MB): at most 64 MB held.
    static let rememberedFloats = 1 << 21
}
