import Spec

extension TextReport {
    /// The design in a few lines, as `train` prints it before training: the network diagram,
    /// parameters and template, then the training choices with their rule IDs.
    /// - Parameter recommendation: the advisor's result.
    public static func compact(_ recommendation: Recommendation) -> String {
        let config = recommendation.config
        let training = config.training
        let data = recommendation.data
        func rule(_ keyPath: String) -> String {
            guard let choice = recommendation.reason(for: keyPath) else { return "" }
            return choice.ruleID.map { " [\($0)]" } ?? (choice.source == .spec ? " [spec]" : "")
        }
        var parts: [String] = []
        if let optimizer = training.optimizer.value {
            parts.append(optimizer.name + rule(SpecKey.optimizer.path))
        }
        switch training.learningRate {
        case .auto: parts.append("learning rate by range test [LR-RANGE-TEST]")
        case .fixed(let rate):
            parts.append("learning rate \(rate)" + rule(SpecKey.learningRate.path))
        }
        if let batch = training.batchSize.value {
            parts.append("batch \(batch)" + rule(SpecKey.batchSize.path))
        }
        if let epochs = training.epochs.value {
            parts.append("up to \(epochs) epochs" + rule(SpecKey.epochs.path))
        }
        if case .fixed(let early?) = training.earlyStopping {
            parts.append(
                "early stopping, patience \(early.patience)" + rule(SpecKey.earlyStopping.path))
        }
        switch training.regularization.value?.penalty {
        case .l1(let value)?: parts.append("L1 \(short(value))" + rule(SpecKey.regularization.path))
        case .l2(let value)?: parts.append("L2 \(short(value))" + rule(SpecKey.regularization.path))
        default: break
        }
        switch training.gradientClipping.value {
        case .clipNorm(let value)?:
            parts.append("clipnorm \(value)" + rule(SpecKey.gradientClipping.path))
        case .globalClipNorm(let value)?:
            parts.append("global clipnorm \(value)" + rule(SpecKey.gradientClipping.path))
        case .clipValue(let value)?:
            parts.append("clipvalue \(value)" + rule(SpecKey.gradientClipping.path))
        default: break
        }
        if let members = training.ensemble.value, members > 1 {
            parts.append("ensemble of \(members)" + rule(SpecKey.ensemble.path))
        }
        func short(_ value: Double) -> String { String(format: "%.3g", value) }
        let template = config.model.template.value.map { ", template \($0)" } ?? ""
        return """
            Design  \(recommendation.diagram), \(recommendation.parameterCount) parameters\(template)
            Data    \(data.task.rawValue): Ns = \(data.trainingRows) training rows, Ni = \(data.inputs), No = \(data.outputs)
            Train   \(joinedInLines(parts, width: 92).joined(separator: ",\n        "))

            """
    }

    /// `parts` joined with ", " into lines of at most `width` characters (a longer part gets a
    /// line of its own), breaking only between parts.
    static func joinedInLines(_ parts: [String], width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for part in parts {
            if current.isEmpty {
                current = part
            } else if current.count + 2 + part.count <= width - 1 {  // room for the comma
                current += ", " + part
            } else {
                lines.append(current)
                current = part
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
