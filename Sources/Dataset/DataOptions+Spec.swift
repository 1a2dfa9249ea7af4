import Foundation
import Spec

extension DataOptions {
    /// The data options a loaded spec asks for: its `data:` section, `task` and `training.seed`.
    /// - Parameter spec: a spec from the loader (`data.resolvedPath` is already resolved).
    public init(spec: NetworkSpec) {
        let data = spec.data
        self.init(
            path: data.resolvedPath, target: data.target, features: data.features,
            ignore: data.ignore, categorical: data.categorical,
            missingMarkers: data.missingValues,
            delimiter: data.delimiter.flatMap { $0.asciiValue },
            validationFraction: data.split.validation, testFraction: data.split.test,
            stratify: data.split.stratify.value, seed: spec.training.seed,
            idColumn: data.idColumn, task: spec.task)
        categoryPolicy = CategoryPolicy(settings: spec.advisor)
        targetTransform = data.targetTransform
        numericEncoding = data.numericEncoding
        equalityIndicators = data.equalityIndicators
        signalMinimumLift = spec.advisor.signalMinimumLift
    }
}

extension NetworkSpec {
    /// The spec's column names checked against a data file's header: each name that is not a
    /// column is an error at the spec key that names it (`data.ignore[1]`), with the closest
    /// header name as "did you mean" and the columns listed.
    /// - Parameter header: the data file's header (`CSVReader.header`).
    public func columnDiagnostics(against header: DataTable) -> [Diagnostic] {
        let names = header.columnNames
        var named: [(keyPath: String, name: String)] = [("data.target", data.target)]
        if let id = data.idColumn { named.append(("data.id_column", id)) }
        for (key, list) in [
            ("data.features", data.features ?? []), ("data.ignore", data.ignore),
            ("data.categorical", data.categorical),
        ] {
            named += list.enumerated().map { ("\(key)[\($0.offset)]", $0.element) }
        }
        let file = (data.path as NSString).lastPathComponent
        return named.filter { !names.contains($0.name) }.map { item in
            var notes: [Diagnostic.Note] = []
            if let near = Suggestion.closest(
                to: item.name, in: names, maximumDistance: Suggestion.nameDistance)
            {
                notes.append(.help("did you mean `\(near)`?"))
            }
            notes.append(
                .note("the columns of \(file) are: " + names.prefix(30).joined(separator: ", ")))
            let message = "`\(item.name)` is not a column of \(file)"
            let key =
                item.keyPath.hasSuffix("]")
                ? String(item.keyPath.prefix { $0 != "[" }) : item.keyPath
            guard let location = location(of: item.keyPath) ?? location(of: key) else {
                return Diagnostic(
                    .error, file: sourcePath ?? "spec", keyPath: item.keyPath, message, notes: notes
                )
            }
            return Diagnostic(
                .error, at: location, length: item.name.count, keyPath: item.keyPath, message,
                notes: notes)
        }
    }
}
