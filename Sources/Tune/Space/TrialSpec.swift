import Spec
import TuneSearch

/// A trial's spec: the user's spec with the trial's values fixed; every other `auto` key is
/// left to the advisor, which designs around the fixed ones as it does for a user's.
public enum TrialSpec {
    /// `spec` with `assignment`'s values fixed. A depth of 0 leaves width, activation, batch
    /// norm and dropout to the advisor (a linear model has none of them).
    /// - Parameters:
    ///   - spec: the user's spec.
    ///   - assignment: the trial's values by key path.
    ///   - ensemble: `training.ensemble` for the trial (1 while searching: the validation
    ///     score is the first member's alone); nil keeps the spec's.
    public static func spec(
        _ spec: NetworkSpec, with assignment: Assignment, ensemble: Int? = 1
    ) -> NetworkSpec {
        var trial = spec
        let depth = assignment["model.hidden_layers"].flatMap { value -> Int? in
            if case .integer(let layers) = value { layers } else { nil }
        }
        if let depth { trial.model.hiddenLayers = .fixed(depth) }
        let linear = depth == 0
        for (key, value) in assignment {
            switch (key, value) {
            case ("model.neurons", .integer(let width)) where !linear:
                trial.model.neurons = .fixed(.width(width))
            case ("model.activation", .choice(let name)) where !linear:
                if let activation = activation(named: name) {
                    trial.model.activation = .fixed(activation)
                }
            case ("model.batch_norm", .choice(let flag)) where !linear:
                trial.model.batchNorm = .fixed(flag == "true")
            case ("model.dropout", let value) where !linear:
                if let rate = value.number { trial.model.dropout = .fixed(min(0.95, max(0, rate))) }
            case ("data.numeric_encoding", .choice(let name)):
                if let encoding = NumericEncoding(rawValue: name) {
                    trial.data.numericEncoding = .fixed(encoding)
                }
            case ("training.learning_rate", let value):
                if let rate = value.number, rate > 0 { trial.training.learningRate = .fixed(rate) }
            case ("training.batch_size", let value):
                if let batch = value.number {
                    trial.training.batchSize = .fixed(max(1, Int(batch)))
                }
            case ("training.regularization.l2", let value):
                if let strength = value.number {
                    trial.training.regularization = .fixed(
                        Regularization(
                            penalty: strength > 0 ? .l2(strength) : .none, maxNorm: nil))
                }
            default: continue
            }
        }
        if let ensemble { trial.training.ensemble = .fixed(ensemble) }
        return trial
    }

    /// A hidden activation by its spec name, with the spec's default parameters.
    public static func activation(named name: String) -> ActivationFunction? {
        switch name {
        case "relu": .relu
        case "leaky_relu": .leakyReLU(slope: 0.01)
        case "prelu": .prelu(initialSlope: 0.25)
        case "elu": .elu(alpha: 1)
        case "selu": .selu
        case "tanh": .tanh
        case "sigmoid": .sigmoid
        case "swish": .swish
        case "gelu": .gelu
        case "maxout": .maxout(pieces: 2)
        default: nil
        }
    }
}
