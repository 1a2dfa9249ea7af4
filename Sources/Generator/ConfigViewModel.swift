import Spec

/// One value the generator hands a template, shaped like `VariableSchema`.
public indirect enum ViewValue: Sendable, Equatable {
    /// Text to print: YAML for a value, plain text for a reason.
    case text(String)
    /// An optional value or mapping that is not set (renders as mustache `false`).
    case absent
    /// A mapping of names.
    case mapping([String: ViewValue])
    /// A list of mappings.
    case list([[String: ViewValue]])

    /// The value as swift-mustache reads it: String, `false`, dictionary or array.
    var mustacheObject: Any {
        switch self {
        case .text(let text): text
        case .absent: false
        case .mapping(let children): children.mapValues(\.mustacheObject)
        case .list(let items): items.map { $0.mapValues(\.mustacheObject) }
        }
    }

    /// The child at a dotted path (`training.epochs`); list items by `[n]`
    /// (`model.layers[0].dense.units`).
    public subscript(path: String) -> ViewValue? {
        var current: ViewValue? = self
        for component in path.split(separator: ".") {
            var name = Substring(component)
            var index: Int?
            if let open = name.firstIndex(of: "["), name.hasSuffix("]") {
                index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)])
                name = name[..<open]
            }
            guard case .mapping(let children) = current, let child = children[String(name)] else {
                return nil
            }
            current = child
            if let index {
                guard case .list(let items) = child, items.indices.contains(index) else {
                    return nil
                }
                current = .mapping(items[index])
            }
        }
        return current
    }
}

/// What a template renders: every value of a complete config as YAML text with its reason.
///
/// Built from a complete `NetworkSpec` (every setting fixed, `model.layers` explicit; only
/// `training.learning_rate` may be `auto`) and the advisor's annotations, a map from dotted key
/// path (`model.layers[0].dense.units`, `training.epochs`) to the reason
/// (`SIZE-GEOMETRIC: sqrt(Ni*No) = 3.46`). A value without an annotation takes its nearest
/// annotated parent's (`training.optimizer.beta1` falls back to `training.optimizer`), then
/// `set in spec`.
public struct ConfigViewModel: Sendable, Equatable {
    /// The tree of values; its shape is `VariableSchema.standard`.
    public let root: ViewValue

    /// The names a template may use (what the generator provides).
    public static var provided: VariableSchema { .standard }

    /// The value paths a template must print (`training.epochs`,
    /// `model.layers[].dense.units`, and each one's `_why`).
    public static var required: Set<String> { VariableSchema.standard.requiredPaths }

    /// The reason used for a value nobody annotated.
    public static let defaultReason = "set in spec"

    /// Builds the view of `spec`.
    /// - Parameters:
    ///   - spec: a complete config.
    ///   - annotations: reasons by dotted key path.
    /// - Throws: `GeneratorError.incompleteConfig` listing every key still `auto`.
    public init(spec: NetworkSpec, annotations: [String: String]) throws {
        var builder = Builder(annotations: annotations)
        root = .mapping(try builder.root(spec))
        if !builder.missing.isEmpty {
            throw GeneratorError.incompleteConfig(keyPaths: builder.missing)
        }
    }

    /// The swift-mustache render context.
    var mustacheContext: [String: Any] {
        guard case .mapping(let children) = root else { return [:] }
        return children.mapValues(\.mustacheObject)
    }
}

/// Fills the view: each `value` call takes YAML text and its key path.
private struct Builder {
    let annotations: [String: String]
    var missing: [String] = []

    init(annotations: [String: String]) { self.annotations = annotations }

    /// The reason for `keyPath`: its annotation, else its nearest annotated parent's.
    func why(_ keyPath: String) -> String {
        var path = Substring(keyPath)
        while true {
            if let reason = annotations[String(path)] { return Self.oneLine(reason) }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            path = path[..<cut]
        }
        return ConfigViewModel.defaultReason
    }

    /// Reasons go into a `#` comment: one line, no trailing spaces.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() }
            .joined(separator: " ").trimmingWhitespace()
    }

    /// `name` and `name_why` for the value at `keyPath`.
    func value(
        _ name: String, _ text: String?, _ keyPath: String, into map: inout [String: ViewValue]
    ) {
        map[name] = text.map(ViewValue.text) ?? .absent
        map[name + "_why"] = .text(text == nil ? "" : why(keyPath))
    }

    /// The fixed value of `setting`, recording `keyPath` as missing when it is `auto`.
    mutating func fixed<T>(_ setting: Setting<T>, _ keyPath: String) -> T? {
        if let value = setting.value { return value }
        missing.append(keyPath)
        return nil
    }

    /// A `{key, value, why}` item.
    func parameter(_ key: String, _ text: String, _ keyPath: String) -> [String: ViewValue] {
        ["key": .text(key), "value": .text(text), "why": .text(why(keyPath))]
    }

    mutating func root(_ spec: NetworkSpec) throws -> [String: ViewValue] {
        var root = section("", of: spec)
        if root["task"] == .absent { root["task"] = .text("auto") }
        let advisorEntries = advisor(spec)
        root["advisor"] =
            advisorEntries.isEmpty ? .absent : .mapping(["entries": .list(advisorEntries)])
        return root
    }

    /// The values of one section of the key table (`data`, `training`), nested sections as
    /// mappings; the keys with a shape of their own (optimizer, schedule, the switchable
    /// settings, the layer list) are built by `structured`.
    mutating func section(_ section: String, of spec: NetworkSpec) -> [String: ViewValue] {
        var map: [String: ViewValue] = [:]
        for key in SpecKey.all {
            if key.section == section {
                if !structured(key, spec, into: &map) { scalar(key, spec, into: &map) }
            } else if let child = SpecKey.subsection(of: section, holding: key.section),
                child != "advisor", child != "tune"
            {
                let name = String(child.split(separator: ".").last ?? "")
                if map[name] == nil { map[name] = .mapping(self.section(child, of: spec)) }
            }
        }
        return map
    }

    /// A plain value: its YAML, recorded as missing while `auto` (a complete config decides
    /// everything but `training.learning_rate`, which the range test may resolve).
    mutating func scalar(_ key: SpecKey, _ spec: NetworkSpec, into map: inout [String: ViewValue]) {
        let text = key.yaml(in: spec)
        if text == "auto", key.path != SpecKey.learningRate.path {
            missing.append(key.path)
            value(key.name, nil, key.path, into: &map)
            if key.path != SpecKey.task.path { map[key.name] = .text("auto") }
            return
        }
        value(key.name, text, key.path, into: &map)
    }

    /// The keys whose template shape is more than a value; false for every other key.
    mutating func structured(
        _ key: SpecKey, _ spec: NetworkSpec, into map: inout [String: ViewValue]
    ) -> Bool {
        let training = spec.training
        switch key.path {
        case SpecKey.layers.path:
            guard let layers = spec.model.layers, !layers.isEmpty else {
                missing.append(key.path)
                map["layers"] = .list([])
                return true
            }
            map["layers"] = .list(layers.enumerated().map { layer($1, index: $0) })
        case SpecKey.optimizer.path:
            var optimizer: [String: ViewValue] = [:]
            let chosen = fixed(training.optimizer, key.path)
            value("name", chosen?.name ?? "auto", key.path + ".name", into: &optimizer)
            optimizer["params"] = .list(
                (chosen?.parameters ?? []).map {
                    parameter($0.key, $0.yaml, key.path + ".\($0.key)")
                })
            map["optimizer"] = .mapping(optimizer)
        case SpecKey.earlyStopping.path:
            switch fixed(training.earlyStopping, key.path) {
            case .some(.some(let stopping)):
                var on: [String: ViewValue] = [:]
                for parameter in stopping.parameters {
                    value(
                        parameter.key, parameter.yaml, key.path + ".\(parameter.key)", into: &on)
                }
                switchable(key.name, on: on, off: nil, key.path, into: &map)
            case .some(.none):
                switchable(key.name, on: nil, off: "false", key.path, into: &map)
            case .none:
                switchable(key.name, on: nil, off: "auto", key.path, into: &map)
            }
        case SpecKey.regularization.path:
            let regularization = fixed(training.regularization, key.path)
            let penalty = regularization?.entries ?? []
            switchable(
                key.name,
                on: penalty.isEmpty
                    ? nil
                    : [
                        "entries": .list(
                            penalty.map { parameter($0.key, $0.yaml, key.path + ".\($0.key)") })
                    ],
                off: regularization == nil ? "auto" : "none", key.path, into: &map)
        case SpecKey.gradientClipping.path:
            let clipping = fixed(training.gradientClipping, key.path)
            let clip = clipping.flatMap(\.entry)
            switchable(
                key.name,
                on: clip.map {
                    ["entries": .list([parameter($0.key, $0.yaml, key.path + ".\($0.key)")])]
                },
                off: clipping == nil ? "auto" : "none", key.path, into: &map)
        case SpecKey.schedule.path:
            var schedule: [String: ViewValue] = [:]
            let chosen = fixed(training.schedule, key.path)
            value("name", chosen?.kind.name ?? "auto", key.path + ".name", into: &schedule)
            schedule["params"] = .list(
                (chosen?.parameters ?? []).map {
                    parameter($0.key, $0.yaml, key.path + ".\($0.key)")
                })
            value(
                "warmup_epochs", (chosen?.warmupEpochs ?? 0).yaml, key.path + ".warmup_epochs",
                into: &schedule)
            map["schedule"] = .mapping(schedule)
        default:
            return false
        }
        return true
    }

    func layer(_ layer: LayerConfig, index: Int) -> [String: ViewValue] {
        let p = "\(SpecKey.layers.path)[\(index)]."
        var item: [String: ViewValue] = ["index": .text(String(index))]
        value("activation", nil, "", into: &item)
        value("dropout", nil, "", into: &item)
        item["dense"] = .absent
        item["batch_norm"] = .absent
        switch layer {
        case .dense, .batchNorm:
            var map: [String: ViewValue] = [:]
            for field in layer.fields {
                value(field.key, field.yaml, p + layer.kindName + "." + field.key, into: &map)
            }
            item[layer.kindName] = .mapping(map)
        case .activation, .dropout:
            for field in layer.fields { value(field.key, field.yaml, p + field.key, into: &item) }
        }
        return item
    }

    /// `name` as a mapping when on; `name_off` with its reason when off.
    func switchable(
        _ name: String, on: [String: ViewValue]?, off: String?, _ keyPath: String,
        into map: inout [String: ViewValue]
    ) {
        map[name] = on.map(ViewValue.mapping) ?? .absent
        value(name + "_off", on == nil ? off : nil, keyPath, into: &map)
    }

    /// The `advisor:` thresholds the config overrides, as `{key, value, why}` items.
    func advisor(_ spec: NetworkSpec) -> [[String: ViewValue]] {
        var defaults = spec
        defaults.advisor = AdvisorSettings()
        return SpecKey.all.filter { $0.section == "advisor" && !$0.isEqual(spec, defaults) }
            .compactMap { key in
                key.yaml(in: spec).map { parameter(key.name, $0, key.path) }
            }
    }
}
