/// Turns a validated tree into a ``NetworkSpec``: each key of ``SpecKey/all`` decodes itself
/// (``SpecField``); what spans several keys is checked here, each check a named function
/// (split fractions, the target among the inputs, layer counts, advisor ranges, files and
/// templates).
struct SpecDecoder {
    let file: String
    /// The first line past the file: `--set` values stand there (`SpecOverride`).
    var commandLineStart: Int = .max
    /// Folder that relative paths in the spec resolve against (as the process sees it).
    let baseDirectory: String
    /// The same folder as the user named it, for messages.
    let displayDirectory: String
    let templates: TemplateNames
    let fileExists: @Sendable (String) -> FileKind
    var diagnostics: [Diagnostic] = []

    enum FileKind: Sendable {
        case missing
        case file
        case directory
    }

    mutating func report(
        _ severity: Diagnostic.Severity, _ node: SpecNode, _ message: String,
        notes: [Diagnostic.Note] = []
    ) {
        guard let yaml = node.node else { return }
        diagnostics.append(
            Diagnostic(
                severity,
                at: SourceLocation(yaml.start, file: file, commandLineStart: commandLineStart),
                length: yaml.underlineLength, keyPath: node.path, message, notes: notes))
    }

    func note(_ message: String, at node: SpecNode?) -> Diagnostic.Note {
        guard let node, let yaml = node.node else { return .note(message) }
        return .note(
            message,
            at: SourceLocation(yaml.start, file: file, commandLineStart: commandLineStart),
            length: yaml.underlineLength)
    }

    // MARK: - Spec

    mutating func decode(_ root: SpecNode, defaultName: String) -> NetworkSpec? {
        guard let dataNode = root["data"], dataNode["path"]?.string != nil,
            dataNode["target"]?.string != nil
        else { return nil }
        var spec = NetworkSpec(
            name: defaultName, data: DataSection(path: "", resolvedPath: "", target: ""))
        for key in SpecKey.all {
            guard let node = root.node(at: key.path) else { continue }
            key.field.decode(node, &spec, &self)
        }
        checkSplit(spec, dataNode["split"])
        checkColumns(spec, dataNode)
        if let model = root["model"] { checkLayerCount(spec, model) }
        if let advisor = root["advisor"] { checkAdvisorRanges(advisor) }
        if let tune = root["tune"] { checkTune(spec, tune, root) }
        checkAcrossSections(spec, root)
        return spec
    }

    // MARK: - data

    /// The data file's path as the process opens it; reports a missing file or a folder.
    mutating func checkDataFile(_ path: String, at node: SpecNode) -> String {
        let resolved = Self.join(baseDirectory, path)
        switch fileExists(resolved) {
        case .file: break
        case .missing:
            report(
                .error, node, "data file not found: `\(Self.join(displayDirectory, path))`",
                notes: [.note("`path` is relative to the folder of the spec file")])
        case .directory:
            report(
                .error, node,
                "`\(Self.join(displayDirectory, path))` is a folder, not a CSV file")
        }
        return resolved
    }

    /// Validation and test leave rows for training.
    private mutating func checkSplit(_ spec: NetworkSpec, _ split: SpecNode?) {
        let fractions = spec.data.split
        guard let split, fractions.validation + fractions.test >= 1,
            let at = split["test"] ?? split["validation"]
        else { return }
        let sum = NumberText.spec(fractions.validation + fractions.test)
        report(
            .error, at,
            "validation (\(NumberText.spec(fractions.validation))) + test (\(NumberText.spec(fractions.test))) = \(sum) leaves no rows for training",
            notes: [.help("the two fractions must sum to less than 1, e.g. 0.15 and 0.15")])
    }

    /// The target and the id column are not inputs, and no column is listed twice.
    private mutating func checkColumns(_ spec: NetworkSpec, _ node: SpecNode) {
        let data = spec.data
        let targetNode = node["target"]
        for (key, list) in [("ignore", node["ignore"]), ("features", node["features"])] {
            guard let list, case .list(let items) = list.value else { continue }
            if let item = items.first(where: { $0.string == data.target }) {
                report(
                    .error, item,
                    key == "ignore"
                        ? "the target `\(data.target)` cannot be ignored"
                        : "the target `\(data.target)` cannot be a feature",
                    notes: [note("the target is set here", at: targetNode)])
            }
            if key == "features", let idColumn = data.idColumn,
                let item = items.first(where: { $0.string == idColumn })
            {
                report(
                    .error, item, "the id column `\(idColumn)` cannot be a feature",
                    notes: [note("the id column is set here", at: node["id_column"])])
            }
            var seen = Set<String>()
            for item in items {
                guard let name = item.string, !seen.insert(name).inserted else { continue }
                report(.warning, item, "`\(name)` is listed twice")
            }
        }
        if let idNode = node["id_column"], data.idColumn == data.target {
            report(
                .error, idNode, "the id column cannot be the target `\(data.target)`",
                notes: [note("the target is set here", at: targetNode)])
        }
    }

    // MARK: - model

    /// Widths per layer match a fixed layer count.
    private mutating func checkLayerCount(_ spec: NetworkSpec, _ node: SpecNode) {
        guard case .fixed(.widths(let widths)) = spec.model.neurons,
            let count = spec.model.hiddenLayers.value, widths.count != count,
            let neuronsNode = node["neurons"]
        else { return }
        report(
            .error, neuronsNode,
            "\(widths.count) widths for \(count) hidden layer\(count == 1 ? "" : "s")",
            notes: [
                note("`hidden_layers` is \(count) here", at: node["hidden_layers"]),
                .help("give one width per hidden layer, or a single number for all of them"),
            ])
    }

    /// Whether the template name or path exists; reports it if not.
    mutating func checkTemplate(_ name: String, _ node: SpecNode) -> Bool {
        if TemplateNames.isPath(name) {
            let resolved = Self.join(baseDirectory, name)
            if fileExists(resolved) == .file { return true }
            report(
                .error, node, "template file not found: `\(Self.join(displayDirectory, name))`",
                notes: [.note("a template path is relative to the folder of the spec file")])
            return false
        }
        if templates.names.contains(name) { return true }
        var notes: [Diagnostic.Note] = []
        if let close = Suggestion.closest(to: name, in: templates.names.sorted()) {
            notes.append(.help("did you mean `\(close)`?"))
        }
        if templates.names.isEmpty {
            notes.append(
                .note("no templates found" + (templates.directory.map { " in `\($0)`" } ?? "")))
        } else {
            notes.append(
                .note(
                    "available templates: "
                        + templates.names.sorted().map { "`\($0)`" }.joined(separator: ", ")))
        }
        report(.error, node, "unknown template `\(name)`", notes: notes)
        return false
    }

    // MARK: - advisor

    /// Paired thresholds keep their order (a minimum below its maximum).
    private mutating func checkAdvisorRanges(_ node: SpecNode) {
        for (low, high) in [
            ("minimum_epochs", "maximum_epochs"),
            ("depth_three_layers_up_to", "depth_four_layers_up_to"),
            ("batch256_rows", "batch512_rows"),
        ] {
            guard let lowNode = node[low], let highNode = node[high] ?? node[low],
                let lowValue = lowNode.number
            else { continue }
            let highValue = node[high]?.number ?? advisorDefault(high)
            if lowValue > highValue {
                report(
                    .error, node[high] == nil ? lowNode : highNode,
                    "`\(low)` (\(NumberText.spec(lowValue))) exceeds `\(high)` (\(NumberText.spec(highValue)))"
                )
            }
        }
    }

    private func advisorDefault(_ key: String) -> Double {
        AdvisorSettings.threshold(named: key)?.defaultValue ?? .infinity
    }

    // MARK: - Across sections

    private mutating func checkAcrossSections(_ spec: NetworkSpec, _ root: SpecNode) {
        let training = root["training"]
        if spec.task == .fixed(.regression) {
            if let stratify = root["data"]?["split"]?["stratify"], stratify.bool == true {
                report(
                    .warning, stratify, "stratifying a regression split has no effect",
                    notes: [note("the task is regression here", at: root["task"])])
            }
            if let weights = training?["class_weights"], !weights.isAuto, weights.word != "none" {
                report(
                    .error, weights, "class weights need a classification task",
                    notes: [note("the task is regression here", at: root["task"])])
            }
        }
        if spec.data.split.validation == 0, let stopping = training?["early_stopping"],
            case .fixed(.some) = spec.training.earlyStopping
        {
            report(
                .error, stopping,
                "early stopping needs validation rows, but `data.split.validation` is 0",
                notes: [
                    note(
                        "the validation fraction is set here",
                        at: root["data"]?["split"]?["validation"]),
                    .help("set a validation fraction such as 0.15, or `early_stopping: false`"),
                ])
        }
        if case .fixed(let regularization) = spec.training.regularization,
            case .l2 = regularization.penalty, let decay = spec.training.weightDecay.value,
            decay > 0,
            let decayNode = training?["weight_decay"]
        {
            report(
                .warning, decayNode, "`weight_decay` and an `l2` penalty both shrink the weights",
                notes: [
                    note("the l2 penalty is set here", at: training?["regularization"]?["l2"]),
                    .help("usually one is enough; keep `weight_decay` with adamw, `l2` otherwise"),
                ])
        }
    }

    // MARK: - Paths

    /// `directory/path` (just `path` when absolute), with `.` and `dir/..` segments removed.
    static func join(_ directory: String, _ path: String) -> String {
        let joined = path.hasPrefix("/") || directory.isEmpty ? path : directory + "/" + path
        var segments: [Substring] = []
        for segment in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == "..", let last = segments.last, last != ".." {
                segments.removeLast()
                continue
            }
            segments.append(segment)
        }
        let normalized = segments.joined(separator: "/")
        if joined.hasPrefix("/") { return "/" + normalized }
        return normalized.isEmpty ? "." : normalized
    }
}
