// The model's tensors by name: what model files and checkpoints store, on the parameter walk.

/// The stable name of a parameter: layer index and local name, printed `layers.0.weight`, or
/// an embedding table of the input stage, `embeddings.0.weight`.
public struct ParameterName: Hashable, Sendable, CustomStringConvertible {
    /// Index of the layer in the model description; -1 for an embedding table (it comes
    /// before every layer).
    public let layer: Int
    /// Index of the embedding in `ModelDescription.embeddings`, or nil for a layer's tensor.
    public let embedding: Int?
    /// The layer's local name (`weight`, `bias`, `running_mean`, `running_var`).
    public let local: String

    /// A layer's tensor.
    public init(layer: Int, local: String) {
        self.layer = layer
        self.embedding = nil
        self.local = local
    }

    /// An embedding table's tensor.
    public init(embedding: Int, local: String) {
        self.layer = -1
        self.embedding = embedding
        self.local = local
    }

    /// `layers.<layer>.<local>` or `embeddings.<index>.<local>`, the tensor name in model files
    /// and checkpoints.
    public var description: String {
        if let embedding { return "embeddings.\(embedding).\(local)" }
        return "layers.\(layer).\(local)"
    }
}

extension Sequential {
    /// Number of trainable scalars.
    public var trainableParameterCount: Int {
        var count = 0
        visitParameters { _, parameter in
            if parameter.isTrainable { count += parameter.value.count }
        }
        return count
    }

    /// All parameters and state as named tensors (`layers.0.weight`, `layers.1.running_mean`,
    /// ...), in walk order: what a model file stores.
    public func exportTensors() -> [NamedTensor] {
        var tensors: [NamedTensor] = []
        visitParameters { name, parameter in
            tensors.append(
                NamedTensor(name: name.description, shape: parameter.shape, values: parameter.value)
            )
        }
        return tensors
    }

    /// Replaces all parameters and state from named tensors (any order).
    /// - Throws: `EngineError.missingTensor`, `.unexpectedTensor` or `.shapeMismatch`; the model
    ///   is unchanged when it throws.
    public func importTensors(_ tensors: [NamedTensor]) throws {
        var byName: [String: NamedTensor] = [:]
        for tensor in tensors { byName[tensor.name] = tensor }
        var problem: EngineError?
        var known = Set<String>()
        visitParameters { name, parameter in
            let key = name.description
            known.insert(key)
            guard problem == nil else { return }
            guard let tensor = byName[key] else {
                problem = .missingTensor(name: key)
                return
            }
            if tensor.shape != parameter.shape || tensor.values.count != parameter.value.count {
                problem = .shapeMismatch(name: key, expected: parameter.shape, found: tensor.shape)
            }
        }
        if let problem { throw problem }
        if let extra = tensors.first(where: { !known.contains($0.name) }) {
            throw EngineError.unexpectedTensor(name: extra.name)
        }
        visitParameters { name, parameter in
            parameter.value = byName[name.description]!.values
        }
    }

    /// The tensor called `name` (`layers.0.weight`), or nil.
    public func tensor(named name: String) -> NamedTensor? {
        var found: NamedTensor?
        visitParameters { parameterName, parameter in
            if found == nil, parameterName.description == name {
                found = NamedTensor(name: name, shape: parameter.shape, values: parameter.value)
            }
        }
        return found
    }

    /// Sets the values of the tensor called `name`.
    /// - Throws: `EngineError.unexpectedTensor` for an unknown name, `.shapeMismatch` for a
    ///   wrong value count.
    public func setTensor(named name: String, values: [Float]) throws {
        var problem: EngineError? = .unexpectedTensor(name: name)
        visitParameters { parameterName, parameter in
            guard parameterName.description == name else { return }
            if values.count == parameter.value.count {
                parameter.value = values
                problem = nil
            } else {
                problem = .shapeMismatch(
                    name: name, expected: parameter.shape, found: [values.count])
            }
        }
        if let problem { throw problem }
    }
}
