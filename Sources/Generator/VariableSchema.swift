import Spec

/// The variables the generator gives a template: a typed tree of names, fixed for the spec
/// language (not for one spec), so a template is checked once and valid for every config.
///
/// Conventions:
/// - Every value `x` is YAML text ready to print (quoted when needed) and has a sibling `x_why`:
///   the reason, `RULE-ID: why` from the advisor's annotations, or `set in spec`. Templates
///   print both: `epochs: {{epochs}}  # {{epochs_why}}`.
/// - An optional value or mapping that is not set is `false`, so `{{#x}} ... {{/x}}` renders
///   only when it is set. Absent keys never fall through to an outer scope's same name.
/// - Settings whose parameters depend on a choice (optimizer, schedule) list those parameters
///   in `params` (each with `key`, `value`, `why`); settings that can be off (early stopping,
///   regularization, gradient clipping) are a mapping when on, and `x_off` (the YAML for "off",
///   e.g. `none`) with `x_off_why` when off.
/// - `model.layers` is a list; each item has one of `dense`, `batch_norm` (mappings),
///   `activation`, `dropout` (values) set and the others `false`.
///
/// `VariableSchema.standard.description` prints the whole tree.
public struct VariableSchema: Sendable, Equatable, CustomStringConvertible {
    /// One name in the tree.
    public struct Node: Sendable, Equatable {
        /// What the name holds.
        public indirect enum Kind: Sendable, Equatable {
            /// Text to print.
            case value
            /// A mapping: a section over it makes its names visible.
            case mapping([String: Node])
            /// A list of mappings: a section over it repeats once per item, each item's names
            /// visible.
            case list(item: [String: Node])
        }

        /// What the name holds.
        public var kind: Kind
        /// Whether it may be `false` (not set) in a given config.
        public var optional: Bool
        /// Whether a template must print it (every value and its reason is required).
        public var required: Bool
        /// Its path from the root, with `[]` for list items: `model.layers[].dense.units`.
        public var path: String

        /// The names visible inside a section over this node (none for a value).
        public var children: [String: Node] {
            switch kind {
            case .value: [:]
            case .mapping(let children): children
            case .list(let item): item
            }
        }
    }

    /// The top-level names.
    public var root: [String: Node]

    /// The paths of every value a template must print.
    public var requiredPaths: Set<String> {
        var paths: Set<String> = []
        func walk(_ nodes: [String: Node]) {
            for node in nodes.values {
                if node.required, node.kind == .value { paths.insert(node.path) }
                walk(node.children)
            }
        }
        walk(root)
        return paths
    }

    /// Every node, depth first, in name order.
    public var allNodes: [Node] {
        var nodes: [Node] = []
        func walk(_ level: [String: Node]) {
            for key in level.keys.sorted() {
                let node = level[key]!
                nodes.append(node)
                walk(node.children)
            }
        }
        walk(root)
        return nodes
    }

    public var description: String {
        var lines: [String] = []
        func walk(_ level: [String: Node], depth: Int) {
            for key in level.keys.sorted() {
                let node = level[key]!
                let kind: String
                switch node.kind {
                case .value: kind = "value"
                case .mapping: kind = "mapping"
                case .list: kind = "list"
                }
                var flags: [String] = []
                if node.optional { flags.append("optional") }
                if node.required { flags.append("required") }
                let suffix = flags.isEmpty ? "" : " (" + flags.joined(separator: ", ") + ")"
                lines.append(String(repeating: "  ", count: depth) + "\(key): \(kind)\(suffix)")
                walk(node.children, depth: depth + 1)
            }
        }
        walk(root, depth: 0)
        return lines.joined(separator: "\n")
    }

    /// The tree the generator provides for spec language version 1.
    public static let standard = VariableSchema(root: build(standardLayout, under: ""))

    // MARK: - Layout

    /// How the tree is written down: each entry expands to one or more nodes.
    enum Entry {
        /// `name` and `name_why`.
        case value(String, optional: Bool = false)
        /// A value without a reason (inside `params` items: `key`, `value`, `why`).
        case plain(String, required: Bool = true)
        /// A mapping.
        case mapping(String, optional: Bool = false, [Entry])
        /// A list of mappings.
        case list(String, [Entry])
        /// A setting that is a mapping when on, or `name_off` (+ `name_off_why`) when off.
        case switchable(String, [Entry])
    }

    /// `key`, `value`, `why`: one parameter of a setting whose parameters depend on a choice.
    static let parameterList: Entry = .list(
        "params", [.plain("key"), .plain("value"), .plain("why")])

    /// The tree, from the key table: a value per plain key, nested sections as mappings,
    /// and the keys with a shape of their own from `structuredEntries`.
    static var standardLayout: [Entry] {
        layout(in: "") + [
            .mapping(
                "advisor", optional: true,
                [.list("entries", [.plain("key"), .plain("value"), .plain("why")])])
        ]
    }

    static func layout(in section: String) -> [Entry] {
        var entries: [Entry] = []
        var placed = Set<String>()
        for key in SpecKey.all {
            if key.section == section {
                entries.append(
                    structuredEntries[key.path] ?? .value(key.name, optional: key.mayBeAbsent))
            } else if let child = SpecKey.subsection(of: section, holding: key.section),
                child != "advisor", child != "tune", placed.insert(child).inserted
            {
                entries.append(
                    .mapping(String(child.split(separator: ".").last ?? ""), layout(in: child)))
            }
        }
        return entries
    }

    /// One item's fields of a layer kind, named as `LayerConfig.fields` writes them; a field
    /// a layer may leave out (`max_norm`) is optional.
    private static func fields(of layer: LayerConfig) -> [Entry] {
        layer.fields.map { .value($0.key, optional: $0.yaml == nil) }
    }

    static let structuredEntries: [String: Entry] = [
        SpecKey.layers.path: .list(
            "layers",
            [
                .plain("index", required: false),
                .mapping(
                    "dense", optional: true,
                    fields(of: .dense(DenseConfig(units: 1, initializer: .heUniform)))),
                .mapping(
                    "batch_norm", optional: true,
                    fields(of: .batchNorm(momentum: 0.1, epsilon: 1e-5))),
                .value("activation", optional: true),
                .value("dropout", optional: true),
            ]),
        SpecKey.optimizer.path: .mapping("optimizer", [.value("name"), parameterList]),
        SpecKey.earlyStopping.path: .switchable(
            "early_stopping", EarlyStoppingConfig().parameters.map { .value($0.key) }),
        SpecKey.regularization.path: .switchable(
            "regularization", [.list("entries", [.plain("key"), .plain("value"), .plain("why")])]),
        SpecKey.gradientClipping.path: .switchable(
            "gradient_clipping",
            [.list("entries", [.plain("key"), .plain("value"), .plain("why")])]),
        SpecKey.schedule.path: .mapping(
            "schedule", [.value("name"), parameterList, .value("warmup_epochs")]),
    ]

    static func build(_ entries: [Entry], under prefix: String) -> [String: Node] {
        func path(_ name: String) -> String { prefix.isEmpty ? name : "\(prefix).\(name)" }
        var nodes: [String: Node] = [:]
        for entry in entries {
            switch entry {
            case .value(let name, let optional):
                nodes[name] = Node(
                    kind: .value, optional: optional, required: true, path: path(name))
                nodes[name + "_why"] = Node(
                    kind: .value, optional: false, required: true, path: path(name + "_why"))
            case .plain(let name, let required):
                nodes[name] = Node(
                    kind: .value, optional: false, required: required, path: path(name))
            case .mapping(let name, let optional, let children):
                nodes[name] = Node(
                    kind: .mapping(build(children, under: path(name))), optional: optional,
                    required: false, path: path(name))
            case .list(let name, let children):
                nodes[name] = Node(
                    kind: .list(item: build(children, under: path(name) + "[]")), optional: false,
                    required: false, path: path(name))
            case .switchable(let name, let children):
                nodes[name] = Node(
                    kind: .mapping(build(children, under: path(name))), optional: true,
                    required: false, path: path(name))
                for (key, node) in build([.value(name + "_off", optional: true)], under: prefix) {
                    nodes[key] = node
                }
            }
        }
        return nodes
    }
}
