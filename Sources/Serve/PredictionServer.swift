import Foundation
import Hummingbird
import Logging
import NIOCore
import Spec

/// `layerwise serve`: a run's model behind HTTP (Hummingbird 2).
///
/// - `POST /predict` with `{"rows": [{"column": value, ...}, ...]}` answers
///   `{"predictions": [...], "warnings": [...]}` (see `ServedModel.predict(body:)`), or 400
///   with every problem located by field, or 413 for a body over the limit.
/// - `GET /health`: `{"status": "ok"}`.
/// - `GET /model`: the design, the columns and their types (`ServedModel.information`).
///
/// Every answer is JSON, errors included (an unknown route is 404, a known route with another
/// method 405). SIGTERM and SIGINT stop it gracefully: no new connections, the requests in
/// flight answered, then `run` returns.
public struct PredictionServer: Sendable {
    /// The model answering.
    public let model: ServedModel
    /// The address to bind (default `127.0.0.1`: this machine only).
    public let host: String
    /// The port (0: any free port, reported to `onRunning`).
    public let port: Int
    /// The largest request body read, in bytes (default 16 MiB); a larger one is 413.
    public let maximumBodyBytes: Int

    /// The routes, for messages: what exists, with its method.
    static let routes = ["POST /predict", "GET /health", "GET /model"]

    public init(
        model: ServedModel, host: String = "127.0.0.1", port: Int = 8080,
        maximumBodyBytes: Int = 16 << 20
    ) {
        self.model = model
        self.host = host
        self.port = port
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// Serves until SIGTERM or SIGINT, then lets the requests in flight finish.
    /// - Parameter onRunning: called once the socket is bound, with the port it is bound to.
    /// - Throws: when the address cannot be bound (in use, not this machine's).
    public func run(onRunning: @escaping @Sendable (Int) async -> Void) async throws {
        let router = Router()
        router.add(middleware: JSONErrors())
        let model = model
        let limit = maximumBodyBytes
        router.post("predict") { request, _ -> Response in
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: limit)
            } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                // NIO's too-many-bytes error, which Hummingbird answers with an empty 413.
                return Self.json(
                    status: .contentTooLarge,
                    RequestProblem.body([
                        RequestProblem(
                            field: nil,
                            message: "the body is larger than this server's limit of "
                                + "\(limit) bytes",
                            fix: "send fewer rows per request, or start the server with a "
                                + "larger --max-body-mib")
                    ]))
            }
            let answer = await model.predict(body: body.readableBytesView)
            return Self.json(status: .init(code: answer.status), answer.body)
        }
        router.get("health") { _, _ -> Response in
            Self.json(status: .ok, .object([.init("status", .string("ok"))]))
        }
        let information = model.information(maximumBodyBytes: limit).compactText
        router.get("model") { _, _ -> Response in
            Self.json(status: .ok, text: information)
        }
        var logger = Logger(label: "layerwise.serve")
        logger.logLevel = .warning
        let app = Application(
            router: router,
            configuration: .init(
                address: .hostname(host, port: port), serverName: "layerwise"),
            onServerRunning: { channel in
                await onRunning(channel.localAddress?.port ?? 0)
            },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// A JSON response.
    static func json(status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        json(status: status, text: value.compactText)
    }

    static func json(status: HTTPResponse.Status, text: String) -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(text)
        buffer.writeString("\n")
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: buffer))
    }
}

/// Turns the router's own errors (no such route, a route with another method, a body that
/// could not be read) into JSON answers naming the routes that exist.
private struct JSONErrors<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            let route = "\(request.method.rawValue) \(request.uri.path)"
            let path = request.uri.path
            let known = PredictionServer.routes.filter { $0.hasSuffix(" " + path) }
            if error.status == .notFound, !known.isEmpty {
                var response = PredictionServer.json(
                    status: .methodNotAllowed,
                    RequestProblem.body([
                        RequestProblem(
                            field: nil, message: "\(route) is not a route of this server",
                            fix: "use " + known.joined(separator: " or "))
                    ]))
                response.headers[.allow] = known.map { String($0.prefix { $0 != " " }) }
                    .joined(separator: ", ")
                return response
            }
            if error.status == .notFound {
                return PredictionServer.json(
                    status: .notFound,
                    RequestProblem.body([
                        RequestProblem(
                            field: nil, message: "\(route) is not a route of this server",
                            fix: "the routes are " + PredictionServer.routes.joined(separator: ", ")
                        )
                    ]))
            }
            return PredictionServer.json(
                status: error.status,
                RequestProblem.body([
                    RequestProblem(
                        field: nil,
                        message: (error as? HTTPError)?.body ?? error.status.reasonPhrase,
                        fix: "see GET /model for what this server takes")
                ]))
        }
    }
}
