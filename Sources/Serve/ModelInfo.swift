import Dataset
import Engine
import Runs
import Spec

extension ServedModel {
    /// The answer to `GET /model`: the task and target, the columns a row must carry with their
    /// types (and a category's training levels), the outputs a prediction holds, the network's
    /// layers, and the request limits; the complete config as YAML text under `config`.
    public func information(maximumBodyBytes: Int) -> JSONValue {
        let target = artifact.encoding.target
        var members: [JSONValue.Member] = [.init("run", .string(runPath))]
        switch target {
        case .classes(let name, let labels):
            members += [
                .init("task", .string("classification")), .init("target", .string(name)),
                .init("classes", .array(labels.map(JSONValue.string))),
            ]
        case .regression(let name, _, _):
            members += [.init("task", .string("regression")), .init("target", .string(name))]
        case .logRegression(let name, _, _, _):
            members += [
                .init("task", .string("regression")), .init("target", .string(name)),
                .init("target_transform", .string("log")),
            ]
        }
        members.append(.init("id_column", predictor.idColumn.map(JSONValue.string) ?? .null))
        members.append(.init("columns", .array(columns.map(\.json))))
        members.append(.init("outputs", .array(predictor.outputNames.map(JSONValue.string))))
        members.append(.init("network", network))
        members.append(
            .init(
                "limits",
                .object([
                    .init("max_rows", .int(maximumRows)),
                    .init("max_body_bytes", .int(maximumBodyBytes)),
                ])))
        members.append(.init("config", .string(artifact.configYAML)))
        return .object(members)
    }

    /// The layers in order (embedding tables first), the parameter count and the ensemble's
    /// size.
    private var network: JSONValue {
        let description = artifact.description
        var layers: [JSONValue] = description.embeddings.map { embedding in
            .object([
                .init("type", .string("embedding")),
                .init("column", .string(embeddedColumnName(embedding.column))),
                .init("levels", .int(embedding.levels)),
                .init("dimension", .int(embedding.dimension)),
            ])
        }
        for layer in description.layers {
            switch layer {
            case .dense(let units, _, _, let maxNorm):
                var members: [JSONValue.Member] = [
                    .init("type", .string("dense")), .init("units", .int(units)),
                ]
                if let maxNorm { members.append(.init("max_norm", Self.number(maxNorm))) }
                layers.append(.object(members))
            case .batchNorm:
                layers.append(.object([.init("type", .string("batch_norm"))]))
            case .dropout(let rate):
                layers.append(
                    .object([.init("type", .string("dropout")), .init("rate", Self.number(rate))]))
            case .activation(let activation):
                layers.append(
                    .object([
                        .init("type", .string("activation")),
                        .init("function", .string(activation.name)),
                    ]))
            }
        }
        let parameters = (try? description.tensorFloatCount()) ?? 0
        return .object([
            .init("inputs", .int(description.featureWidth)),
            .init("layers", .array(layers)),
            .init("parameters", .int(parameters)),
            .init("members", .int(1 + artifact.members.count)),
        ])
    }

    /// The feature whose code sits in encoded input column `index`.
    private func embeddedColumnName(_ index: Int) -> String {
        var offset = 0
        for feature in artifact.encoding.features {
            if index < offset + feature.width { return feature.name }
            offset += feature.width
        }
        return "column \(index)"
    }
}

extension InputColumn {
    /// `{"name", "type", "encoding"}`, and `levels` for a category.
    var json: JSONValue {
        var members: [JSONValue.Member] = [
            .init("name", .string(name)), .init("type", .string(typeName)),
            .init("encoding", .string(encoding)),
        ]
        if case .category(let levels) = kind {
            members.append(.init("levels", .array(levels.map(JSONValue.string))))
        }
        return .object(members)
    }
}
