/// Writes ``SpecSchema`` as the Markdown spec reference, `docs/spec.md`
/// (`layerwise schema --format markdown -o docs/spec.md`; a test keeps the file current).
public struct SpecReferenceWriter: Sendable {
    public init() {}

    /// The reference document, ending with a newline.
    public func document() -> String {
        var sections: [String] = [
            """
            # Spec reference (version \(SpecSchema.version))

            <!-- Generated from Sources/Spec/Schema/SpecSchema.swift by
                 `swift run layerwise schema --format markdown -o docs/spec.md`. Do not edit. -->

            A spec is one YAML document (YAML 1.2: `yes`/`no` are text, booleans are `true`/`false`).
            It says where the data is and what to predict; every other choice may be `auto` (or
            left out), and the advisor decides it by the rulebook. A complete network config, as
            `generate` writes it, uses the same keys with nothing `auto` and an explicit
            `model.layers`.

            Conventions:

            - An empty value (`key:` or `key: null`) means the default, as if the key were absent.
            - Relative paths (`data.path`, a template path) are relative to the spec file's folder.
            - Optimizers, schedules, losses and activations are a name (`adam`) or a mapping with
              `name` and parameters (`{name: sgd, momentum: 0.9}`); missing parameters get the
              defaults below (PyTorch's for optimizers).
            - Anchors and aliases work (`&base`, `*base`, `<<: *base`); top-level keys starting
              with `x-` are ignored, a home for shared anchors.
            - Rule IDs (`EARLY-STOP`, …) refer to the rulebook, [rulebook.md](rulebook.md)
              (`layerwise recommend --explain ID` prints one).
            - Limits: a spec has at most \(YAMLParser().nodeLimit) values (aliases expanded) \
            and nests at most \(YAMLParser().depthLimit) levels; a layer has at most \
            \(SpecLimits.width) units, a network at most \(SpecLimits.hiddenLayers) hidden \
            layers and \(SpecLimits.layers) entries in `model.layers`, a batch at most \
            \(SpecLimits.batchSize) rows, a run at most \(SpecLimits.epochs) epochs. Before \
            anything is built, the design's training memory (parameters, gradients, optimizer \
            state, checkpoint, one batch) is checked against `advisor.memory_budget_mib` \
            (BATCH-MEMORY).
            - `layerwise validate SPEC...` checks specs; `layerwise schema` prints a JSON Schema for
              editor completion.

            ```yaml
            name: iris
            data:
              path: data/iris.csv
              target: species
            model:
              hidden_layers: 2
              activation: relu
            training:
              optimizer: {name: adam}
              early_stopping: {patience: 10}
            ```

            """
        ]
        sections.append(table(title: "Top level", path: "", keys: SpecSchema.rootKeys))
        sections.append(table(title: "`data`", path: "data", keys: SpecSchema.dataKeys))
        sections.append(
            table(title: "`data.split`", path: "data.split", keys: SpecSchema.splitKeys))
        sections.append(table(title: "`model`", path: "model", keys: SpecSchema.modelKeys))
        sections.append(choices(title: "Sizing rules (`model.neurons`)", SpecSchema.sizingRules))
        sections.append(choices(title: "Initializers", SpecSchema.initializers))
        sections.append(
            variants(
                title: "Activations",
                intro: "`model.activation` takes the hidden ones; a layer list may also use "
                    + "`softmax` and `linear`. Parameterised form: `{name: leaky_relu, slope: 0.1}`.",
                SpecSchema.layerActivations))
        sections.append(layers())
        sections.append(table(title: "`training`", path: "training", keys: SpecSchema.trainingKeys))
        sections.append(
            table(
                title: "`training.early_stopping`", path: SpecKey.earlyStopping.path,
                keys: SpecSchema.earlyStoppingKeys))
        sections.append(
            table(
                title: "`training.regularization`", path: SpecKey.regularization.path,
                keys: SpecSchema.regularizationKeys))
        sections.append(
            table(
                title: "`training.gradient_clipping`", path: SpecKey.gradientClipping.path,
                keys: SpecSchema.clippingKeys)
                + "\nGive exactly one of the three.\n")
        sections.append(variants(title: "Losses", intro: nil, SpecSchema.losses))
        sections.append(variants(title: "Optimizers", intro: nil, SpecSchema.optimizers))
        sections.append(
            variants(
                title: "Schedules",
                intro: "Every schedule also takes `warmup_epochs`: linear warmup from 0 to the "
                    + "base rate first.", SpecSchema.schedules))
        sections.append(table(title: "`tune`", path: "tune", keys: SpecSchema.tuneKeys))
        sections.append(
            table(
                title: "`tune.space` ranges", path: SpecKey.tuneSpace.path,
                keys: SpecSchema.tuneRangeKeys))
        sections.append(table(title: "`advisor`", path: "advisor", keys: SpecSchema.advisorKeys))
        return sections.joined(separator: "\n") + ""
    }

    private func table(title: String, path: String, keys: [SchemaKey]) -> String {
        var lines = [
            "## \(title)", "", "| Key | Type | Default | Description |", "|---|---|---|---|",
        ]
        for key in keys {
            let name = "`\(key.name)`"
            let defaultText =
                switch key.defaultValue {
                case nil: "**required**"
                case .value(let value)?: "`\(value.yamlText)`"
                case .described(let text)?: text
                }
            lines.append(
                "| \(name) | \(typeText(key.type, name: key.name)) | \(defaultText) | \(escape(key.doc)) |"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func choices(title: String, _ choices: [SchemaChoice]) -> String {
        var lines = ["### \(title)", "", "| Name | Meaning |", "|---|---|"]
        for choice in choices { lines.append("| `\(choice.name)` | \(escape(choice.doc)) |") }
        return lines.joined(separator: "\n") + "\n"
    }

    private func variants(title: String, intro: String?, _ variants: [SchemaVariant]) -> String {
        var lines = ["### \(title)", ""]
        if let intro { lines += [intro, ""] }
        lines += ["| Name | Parameters (default) | Meaning |", "|---|---|---|"]
        for variant in variants {
            let parameters = variant.parameters.filter {
                $0.name != "warmup_epochs" || title != "Schedules"
            }
            let text =
                parameters.isEmpty
                ? "—"
                : parameters.map { parameter in
                    let value: String =
                        switch parameter.defaultValue {
                        case nil: "required"
                        case .value(let json)?: json.yamlText
                        case .described(let text)?: text
                        }
                    let range = typeText(parameter.type, name: parameter.name)
                    return "`\(parameter.name)` (\(value)): \(range)"
                }.joined(separator: "; ")
            lines.append("| `\(variant.name)` | \(text) | \(escape(variant.doc)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func layers() -> String {
        var lines = [
            "### Layers (`model.layers`)", "",
            "Each item is a one-key mapping: the layer kind, then its configuration.", "",
            "```yaml",
            "layers:",
            "  - dense: {units: 16, initializer: he_uniform}",
            "  - batch_norm: {momentum: 0.1}",
            "  - activation: relu",
            "  - dropout: 0.2",
            "  - dense: {units: 3}",
            "  - activation: softmax",
            "```", "",
            "| Kind | Value | Meaning |", "|---|---|---|",
        ]
        for variant in SpecSchema.layerKinds {
            guard let payload = variant.payload else { continue }
            var text = typeText(payload, name: variant.name)
            if case .object(let keys) = payload {
                text = keys.map { key in
                    let value: String =
                        switch key.defaultValue {
                        case nil: "required"
                        case .value(let json)?: json.yamlText
                        case .described(let text)?: text
                        }
                    return "`\(key.name)` (\(value)): \(typeText(key.type, name: key.name))"
                }.joined(separator: "; ")
            }
            lines.append("| `\(variant.name)` | \(text) | \(escape(variant.doc)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func typeText(_ type: SchemaType, name: String) -> String {
        let alternatives = type.alternatives
        let keywords = alternatives.filter { if case .keyword = $0 { true } else { false } }
        let others = alternatives.filter { if case .keyword = $0 { false } else { true } }
        return (others + keywords).map { alternative -> String in
            switch alternative {
            case .string(let rule):
                switch rule {
                case .any: "string"
                case .singleCharacter: "one character"
                case .fileName: "string without `/`"
                case .duration: "duration (`90s`, `10m`, `2h`)"
                }
            case .integer(let bounds):
                "integer" + (bounds.condition(on: "x").map { " `\($0)`" } ?? "")
            case .number(let bounds):
                "number" + (bounds.condition(on: "x").map { " `\($0)`" } ?? "")
            case .boolean: "`true`/`false`"
            case .keyword(let word, _): "`\(word)`"
            case .choice(let noun, let choices):
                choices.count <= 4
                    ? choices.map { "`\($0.name)`" }.joined(separator: ", ")
                    : "\(noun) name"
            case .list(let item, _, let maximumCount):
                "list of "
                    + typeText(item, name: name).replacing("integer", with: "integers").replacing(
                        "string", with: "strings")
                    + (maximumCount.map { ", at most \($0)" } ?? "")
            case .object: "mapping (below)"
            case .dictionary(let keyNoun, let value):
                "mapping of \(keyNoun) to \(typeText(value, name: name))"
            case .named(let noun, _): "\(noun) (below)"
            case .tagged(let noun, _): "\(noun)s (below)"
            case .anyOf: typeText(alternative, name: name)
            }
        }.joined(separator: " or ")
    }

    private func escape(_ text: String) -> String {
        text.replacing("|", with: "\\|")
    }
}
