import Dataset
import Engine
import Foundation
import Runs
import Spec
import Synchronization

/// An HTTP answer: the status code and a JSON body.
public struct ServeAnswer: Sendable, Equatable {
    /// 200, or 400 for a request the model cannot take.
    public var status: Int
    /// The JSON body.
    public var body: JSONValue
}

/// A run's model ready to answer requests: the saved encoding, the networks built once (a pool
/// of copies, one per request in flight, since a network keeps its activations between
/// layers), and the request checks. Shared by the server's handlers.
public final class ServedModel: Sendable {
    /// The run folder the model came from.
    public let runPath: String
    /// The saved model, as `predict` applies it (the output names, the classes).
    public let predictor: Predictor
    /// The saved model.
    public var artifact: ModelArtifact { predictor.artifact }
    /// The input columns a row must carry.
    public let columns: [InputColumn]
    /// The most rows one request may hold (`--max-rows`).
    public let maximumRows: Int
    /// The largest JSON nesting a body may have: the body, rows, a row, a value, with room for
    /// a value sent as an object by mistake (reported as a wrong type, not a syntax error).
    static let maximumDepth = 16

    private let networks: NetworkPool

    /// Loads the model of a run folder and builds its networks once.
    /// - Parameters:
    ///   - folder: a run folder written by `layerwise train`.
    ///   - maximumRows: the request limit (default 10,000 rows).
    /// - Throws: `ModelFileError` for a missing or damaged model file, `EngineError` for a
    ///   description the engine cannot build.
    public init(folder: RunFolder, maximumRows: Int = 10_000) throws {
        runPath = folder.path
        let artifact = try ModelArtifact.read(from: folder.modelPath)
        predictor = Predictor(artifact: artifact, idColumn: artifact.idColumn)
        columns = InputColumn.of(artifact.encoding)
        self.maximumRows = maximumRows
        networks = NetworkPool(
            first: try NetworkCopies(artifact),
            limit: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The answer to `POST /predict` with `body`: predictions in the shape `layerwise predict`
    /// writes (the id column when the rows carry it, `predicted_<target>`, and
    /// `probability_<class>` per class), and the encoding's warnings (unseen categories,
    /// missing values where training had none); or 400 with every problem located by field.
    public func predict(body: some Collection<UInt8>) async -> ServeAnswer {
        let parsed: JSONValue
        do {
            parsed = try JSONValue.parse(body, maximumDepth: Self.maximumDepth)
        } catch {
            return ServeAnswer(
                status: 400, body: RequestProblem.body([RequestProblem(syntax: error)]))
        }
        let rows: RequestRows
        do {
            rows = try RequestRows.read(
                parsed, columns: columns, target: artifact.encoding.target.name,
                idColumn: predictor.idColumn,
                missingMarkers: artifact.encoding.format.missingMarkers,
                maximumRows: maximumRows)
        } catch {
            return ServeAnswer(status: 400, body: RequestProblem.body(error.problems))
        }
        do {
            return ServeAnswer(status: 200, body: try await predictions(for: rows))
        } catch let problem as RequestProblem {
            return ServeAnswer(status: 400, body: RequestProblem.body([problem]))
        } catch {
            // The table was checked, so the encoding and the network have nothing to refuse;
            // an error here is the server's, not the request's.
            return ServeAnswer(
                status: 500,
                body: .object([.init("error", .string("prediction failed: \(error)"))]))
        }
    }

    /// The predictions of checked rows.
    private func predictions(for rows: RequestRows) async throws -> JSONValue {
        let count = rows.table.rowCount
        guard count > 0 else {
            return .object([.init("predictions", .array([])), .init("warnings", .array([]))])
        }
        let (encoded, warnings) = try artifact.encoding.encode(
            rows.table, rows: Array(0..<count))
        let inputs = encoded.inputMatrix
        let copies = await networks.take(building: { [artifact] in try NetworkCopies(artifact) })
        defer { networks.give(copies) }
        guard let copies else { throw NetworkPool.BuildFailed() }
        // One thread per request: the server's requests in flight are its parallelism.
        let raw = try CPUKernels.withThreadCount(1) {
            try ModelArtifact.average(copies.models.map { try $0.predict(inputs) })
        }
        if let bad = Predictor.firstNonFiniteRow(raw) {
            throw RequestProblem(
                field: "rows[\(bad)]",
                message: "the model's output for this row is not finite (an input far outside "
                    + "the training data's range overflows)",
                fix: "check this row's values; the model was trained on the training split's range")
        }
        let outputs = Predictor.interpret(raw, target: artifact.encoding.target)
        let names = predictor.outputNames
        var list: [JSONValue] = []
        list.reserveCapacity(count)
        for row in 0..<count {
            var members: [JSONValue.Member] = []
            if let idColumn = predictor.idColumn, let ids = rows.ids {
                members.append(.init(idColumn, ids[row]))
            }
            // The predicted value, then each class's probability: `names` in order.
            if let labels = predictor.classLabels {
                let label = labels[Predictor.predictedClass(outputs, row: row)]
                members.append(.init(names[0], .string(label)))
                for c in 0..<outputs.columns {
                    members.append(.init(names[c + 1], Self.number(outputs[row, c])))
                }
            } else {
                members.append(.init(names[0], Self.number(outputs[row, 0])))
            }
            list.append(.object(members))
        }
        return .object([
            .init("predictions", .array(list)),
            .init("warnings", .array(warnings.map(JSONValue.string))),
        ])
    }

    /// A float as the shortest decimal that reads back as it (what `predict` writes), not the
    /// digits of its widening to a double.
    static func number(_ value: Float) -> JSONValue {
        .number(Double(value.description) ?? Double(value))
    }
}

/// The networks of one model (every member of an ensemble), for one request at a time.
private final class NetworkCopies: @unchecked Sendable {
    // Unchecked: a copy is used by one request at a time; the pool's mutex hands it over.
    let models: [Sequential]

    init(_ artifact: ModelArtifact) throws {
        models = try artifact.models()
    }
}

/// The sets of networks, at most one per core: a request takes one (waiting while all are in
/// use) and gives it back. More sets than cores would only share the cores and cost memory,
/// and building a set per request would cost more than most predictions.
private final class NetworkPool: Sendable {
    struct BuildFailed: Error {}

    private struct State {
        var free: [NetworkCopies]
        var built: Int
        var waiting: [CheckedContinuation<NetworkCopies?, Never>] = []
    }

    private let state: Mutex<State>
    private let limit: Int

    init(first: NetworkCopies, limit: Int) {
        state = Mutex(State(free: [first], built: 1))
        self.limit = max(1, limit)
    }

    /// A free set, a new one while fewer than `limit` exist, or the next one given back; nil
    /// when building a new one failed (the caller must still give nil back).
    func take(building: () throws -> NetworkCopies) async -> NetworkCopies? {
        enum Next { case copies(NetworkCopies), build, wait }
        let next: Next = state.withLock { state in
            if let copies = state.free.popLast() { return .copies(copies) }
            if state.built < limit {
                state.built += 1
                return .build
            }
            return .wait
        }
        switch next {
        case .copies(let copies): return copies
        case .build: return try? building()
        case .wait:
            return await withCheckedContinuation { continuation in
                let ready: NetworkCopies? = state.withLock { state in
                    if let copies = state.free.popLast() { return copies }
                    state.waiting.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }

    /// Gives a set back (to the longest-waiting request, if any); nil for a set that could
    /// not be built, which frees its place.
    func give(_ copies: NetworkCopies?) {
        let waiter: (CheckedContinuation<NetworkCopies?, Never>, NetworkCopies)? = state.withLock {
            state in
            guard let copies else {
                state.built -= 1
                return nil
            }
            if !state.waiting.isEmpty { return (state.waiting.removeFirst(), copies) }
            state.free.append(copies)
            return nil
        }
        if let (continuation, copies) = waiter { continuation.resume(returning: copies) }
    }
}
