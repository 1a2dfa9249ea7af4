/// The `tune:` checks that span several keys: what `tune.space` names and its ranges, and the
/// metric against the task and the direction.
extension SpecDecoder {
    /// The bounds of each tunable number, as the key itself admits them.
    static let tunableBounds: [String: (low: Double, high: Double, integer: Bool)] = [
        "model.hidden_layers": (0, Double(SpecLimits.hiddenLayers), true),
        "model.neurons": (1, Double(SpecLimits.width), true),
        "model.dropout": (0, 0.95, false),
        "training.learning_rate": (1e-7, 10, false),
        "training.batch_size": (1, Double(SpecLimits.batchSize), true),
        "training.regularization.l2": (0, 10, false),
    ]

    mutating func checkTune(_ spec: NetworkSpec, _ tune: SpecNode, _ root: SpecNode) {
        if let metricNode = tune["metric"], let metric = spec.tune.metric.value {
            if let task = spec.task.value, !metric.applies(to: task) {
                report(
                    .error, metricNode, "`\(metric.rawValue)` is not a \(task.rawValue) metric",
                    notes: [
                        note("the task is \(task.rawValue) here", at: root["task"]),
                        .help(
                            "use "
                                + TuneMetric.allCases.filter { $0.applies(to: task) }
                                .map { "`\($0.rawValue)`" }.joined(separator: ", ")
                                + ", or `auto`"),
                    ])
            }
            if let directionNode = tune["direction"], let direction = spec.tune.direction.value,
                direction != metric.naturalDirection
            {
                let better = metric.naturalDirection == .minimize ? "lower" : "higher"
                report(
                    .error, directionNode,
                    "\(direction.rawValue) `\(metric.rawValue)` would rank the worst trial best",
                    notes: [
                        note("the metric is set here", at: metricNode),
                        .help(
                            "`\(metric.rawValue)` is better \(better): "
                                + "write `direction: \(metric.naturalDirection.rawValue)` or `auto`"
                        ),
                    ])
            }
        }
        guard let space = tune["space"], case .mapping(let entries) = space.value else { return }
        for (key, value) in entries {
            checkSpaceEntry(key, value, spec, root)
        }
    }

    private mutating func checkSpaceEntry(
        _ key: String, _ value: SpecNode, _ spec: NetworkSpec, _ root: SpecNode
    ) {
        guard TuneSection.tunableKeys.contains(key) else {
            var notes: [Diagnostic.Note] = []
            if let near = Suggestion.closest(to: key, in: TuneSection.tunableKeys) {
                notes.append(.help("did you mean `\(near)`?"))
            }
            notes.append(
                .note(
                    "tunable keys: "
                        + TuneSection.tunableKeys.map { "`\($0)`" }.joined(separator: ", ")))
            report(.error, value, "`\(key)` is not a key tune can search", notes: notes)
            return
        }
        let specPath = key == "training.regularization.l2" ? "training.regularization" : key
        if let fixed = root.node(at: specPath), !fixed.isAuto {
            report(
                .error, value, "`\(key)` is fixed by the spec, so tune does not search it",
                notes: [
                    note("fixed here", at: fixed),
                    .help("set `\(specPath): auto` to search it, or remove it from `tune.space`"),
                ])
            return
        }
        let choiceKeys = ["data.numeric_encoding", "model.activation", "model.batch_norm"]
        switch value.value {
        case .mapping, .named:
            guard !choiceKeys.contains(key), let bounds = Self.tunableBounds[key] else {
                report(
                    .error, value, "`\(key)` takes a list of values, not a range",
                    notes: [
                        .help(
                            key == "model.batch_norm"
                                ? "write `[true, false]`"
                                : key == "data.numeric_encoding"
                                    ? "write `[standard, piecewise_linear]`"
                                    : "write e.g. `[relu, swish]`")
                    ])
                return
            }
            guard let low = value["low"]?.number, let high = value["high"]?.number else { return }
            if low > high {
                report(
                    .error, value["high"] ?? value,
                    "the range is empty: high \(NumberText.spec(high)) is below low "
                        + NumberText.spec(low),
                    notes: [note("low is here", at: value["low"]), .help("swap them")])
                return
            }
            for (name, number) in [("low", low), ("high", high)]
            where number < bounds.low || number > bounds.high {
                report(
                    .error, value[name] ?? value,
                    "\(name) \(NumberText.spec(number)) is outside what `\(key)` admits "
                        + "(\(NumberText.spec(bounds.low)) to \(NumberText.spec(bounds.high)))")
                return
            }
            if bounds.integer, low.rounded() != low || high.rounded() != high {
                report(
                    .error, value, "`\(key)` is an integer: low and high must be whole numbers")
            }
            if value["log"]?.bool == true, low <= 0 {
                report(
                    .error, value["low"] ?? value,
                    "a log range needs low above 0, found \(NumberText.spec(low))",
                    notes: [.help("raise low, or write `log: false`")])
            }
        case .list(let items):
            for item in items {
                guard let text = SpaceOverride.scalarText(item) else { continue }
                switch key {
                case "model.activation", "data.numeric_encoding":
                    let (names, noun) =
                        key == "model.activation"
                        ? (SpecSchema.hiddenActivations.map(\.name), "a hidden activation")
                        : (NumericEncoding.allCases.map(\.rawValue), "a numeric encoding")
                    if !names.contains(text) {
                        let near = Suggestion.closest(to: text, in: names)
                        report(
                            .error, item, "`\(text)` is not \(noun)",
                            notes: [
                                .help(
                                    near.map { "did you mean `\($0)`?" }
                                        ?? "one of "
                                        + names.map { "`\($0)`" }.joined(separator: ", "))
                            ])
                    }
                case "model.batch_norm":
                    if text != "true" && text != "false" {
                        report(.error, item, "expected `true` or `false`, found `\(text)`")
                    }
                default:
                    guard let bounds = Self.tunableBounds[key], let number = Double(text),
                        number >= bounds.low, number <= bounds.high,
                        !bounds.integer || number.rounded() == number
                    else {
                        let what = Self.tunableBounds[key].map {
                            ($0.integer ? "an integer" : "a number")
                                + " from \(NumberText.spec($0.low)) to \(NumberText.spec($0.high))"
                        }
                        report(
                            .error, item,
                            "`\(text)` is not a value of `\(key)`"
                                + (what.map { ": expected \($0)" } ?? ""))
                        continue
                    }
                }
            }
        default: return
        }
    }
}
