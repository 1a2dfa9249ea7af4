import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to 127.0.0.1:`port`, for sending a request in pieces.
final class RawConnection {
    let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard socket >= 0, connected == 0 else { throw CocoaError(.fileReadNoPermission) }
    }

    func send(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, 0)
            }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Everything until the server closes the connection (or 30 s pass).
    func readAll() -> String {
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(socket, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }

    deinit { close(socket) }
}

/// A running `layerwise serve`, its port read from the line it prints when bound.
final class Server: @unchecked Sendable {
    // Unchecked: `port` and the pipes are set in init; requests only read the port.
    let process = Process()
    let errors = Pipe()
    private(set) var port = 0
    private var printed = Data()

    /// Starts `layerwise serve arguments...` in `folder` and waits (up to a minute) for it to
    /// listen.
    init(_ arguments: [String], in folder: URL) throws {
        process.executableURL = binary
        process.arguments = ["serve"] + arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while port == 0, Date() < deadline, process.isRunning {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += chunk
            let text = String(decoding: printed, as: UTF8.self)
            if let range = text.range(of: #"http://[^ ]*:(\d+)"#, options: .regularExpression) {
                port = Int(text[range].split(separator: ":").last ?? "") ?? 0
            }
        }
    }

    /// Sends SIGTERM and collects the exit status and what it printed.
    func stop() -> (status: Int32, errors: String) {
        process.terminate()
        let rest = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: printed + rest, as: UTF8.self))
    }

    /// The status, headers and JSON body of one request.
    func request(
        _ method: String, _ path: String, body: Data? = nil
    ) async throws -> (status: Int, allow: String?, json: [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        #expect(
            (http.value(forHTTPHeaderField: "Content-Type") ?? "").hasPrefix("application/json"))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return (http.statusCode, http.value(forHTTPHeaderField: "Allow"), json)
    }
}

/// `layerwise serve` run as a user runs it, asked by a real HTTP client.
@Suite("serve over HTTP", .serialized)
struct ServeCommandTests {
    /// A folder with iris trained for a few epochs into `run`.
    static let trained = Result { () throws -> URL in
        let folder = try scratch()
        let trained = try layerwise("train", "iris.yaml", "--out", "run", "--quiet", in: folder)
        guard trained.status == 0 else { throw CocoaError(.featureUnsupported) }
        return folder
    }

    @Test("health, model, predictions equal to `layerwise predict`, JSON errors, SIGTERM")
    func endToEnd() async throws {
        let folder = try Self.trained.get()
        let server = try Server(["run", "--port", "0"], in: folder)
        #expect(server.port > 0)

        let health = try await server.request("GET", "/health")
        #expect(health.status == 200)
        #expect(health.json["status"] as? String == "ok")

        let model = try await server.request("GET", "/model")
        #expect(model.status == 200)
        let columns = model.json["columns"] as? [[String: Any]] ?? []
        #expect(
            columns.compactMap { $0["name"] as? String } == [
                "sepal_length", "sepal_width", "petal_length", "petal_width",
            ])
        #expect(columns.allSatisfy { $0["type"] as? String == "number" })

        // The whole file, row by row as JSON, against predict on the file.
        let csv = try String(contentsOf: folder.appendingPathComponent("iris.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let header = lines[0]
        var rows: [[String: Any]] = []
        for line in lines.dropFirst() {
            var row: [String: Any] = [:]
            for (name, value) in zip(header, line) where name != "species" {
                row[name] = Double(value)
            }
            rows.append(row)
        }
        let body = try JSONSerialization.data(withJSONObject: ["rows": rows])
        let predicted = try await server.request("POST", "/predict", body: body)
        #expect(predicted.status == 200)
        let served = predicted.json["predictions"] as? [[String: Any]] ?? []
        let predict = try layerwise("predict", "run", "iris.csv", in: folder)
        let expected = predict.output.split(separator: "\n").map {
            $0.split(separator: ",").map(String.init)
        }
        #expect(served.count == expected.count - 1 && served.count == rows.count)
        for (row, fields) in zip(served, expected.dropFirst()) {
            #expect(row["predicted_species"] as? String == fields[0])
            for (k, name) in expected[0].enumerated().dropFirst() {
                let value = (row[name] as? NSNumber)?.floatValue ?? .nan
                #expect(value == Float(fields[k]), "\(name)")
            }
        }

        // One row; then bad requests, each a JSON error naming the place.
        let one = try await server.request(
            "POST", "/predict",
            body: Data(
                #"{"rows": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}"#
                    .utf8))
        #expect(one.status == 200)
        #expect((one.json["predictions"] as? [[String: Any]])?.first?["predicted_species"] != nil)

        let malformed = try await server.request(
            "POST", "/predict", body: Data("{\"rows\": [{\"sepal_length\": }]}".utf8))
        #expect(malformed.status == 400)
        let errors = malformed.json["errors"] as? [[String: Any]] ?? []
        #expect(errors.first?["line"] as? Int == 1 && errors.first?["column"] as? Int == 28)

        let wrongType = try await server.request(
            "POST", "/predict",
            body: Data(
                #"{"rows": [{"sepal_length": "x", "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}"#
                    .utf8))
        #expect(wrongType.status == 400)
        #expect((wrongType.json["error"] as? String)?.hasPrefix("rows[0].sepal_length: ") == true)

        let unknown = try await server.request("GET", "/predictions")
        #expect(unknown.status == 404)
        #expect((unknown.json["error"] as? String)?.contains("POST /predict") == true)
        let wrongMethod = try await server.request("GET", "/predict")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.allow == "POST")

        let stopped = server.stop()
        #expect(stopped.status == 0, "\(stopped.errors)")
        #expect(stopped.errors.contains("layerwise serve: stopped"), "\(stopped.errors)")
    }

    @Test("a body over --max-body-mib is 413; requests in parallel all answered")
    func limitsAndParallelRequests() async throws {
        let folder = try Self.trained.get()
        let server = try Server(["run", "--port", "0", "--max-body-mib", "1"], in: folder)
        defer { _ = server.stop() }
        let big = Data(("{\"rows\": [" + String(repeating: " ", count: 2 << 20) + "]}").utf8)
        let tooLarge = try await server.request("POST", "/predict", body: big)
        #expect(tooLarge.status == 413)
        #expect((tooLarge.json["error"] as? String)?.contains("--max-body-mib") == true)

        let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for k in 0..<32 {
                let body = Data(
                    ("{\"rows\": [{\"sepal_length\": \(4.5 + Double(k % 8) * 0.4), "
                        + "\"sepal_width\": 3.1, \"petal_length\": \(1 + Double(k % 8) * 0.7), "
                        + "\"petal_width\": 1.2}]}").utf8)
                group.addTask {
                    let answer = try await server.request("POST", "/predict", body: body)
                    let label =
                        (answer.json["predictions"] as? [[String: Any]])?.first?[
                            "predicted_species"] as? String
                    return (answer.status, label)
                }
            }
            var all: [(Int, String?)] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(statuses.count == 32)
        #expect(statuses.allSatisfy { $0.0 == 200 && $0.1 != nil })
    }

    @Test("SIGTERM while a request is half sent: it is answered, then the server exits 0")
    func gracefulShutdown() throws {
        let folder = try Self.trained.get()
        let server = try Server(["run", "--port", "0"], in: folder)
        let body = Array(
            #"{"rows": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}"#
                .utf8)
        let connection = try RawConnection(port: server.port)
        let head =
            "POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        connection.send(Array(head.utf8) + body.prefix(20))
        Thread.sleep(forTimeInterval: 0.3)
        server.process.terminate()  // SIGTERM with the request in flight
        Thread.sleep(forTimeInterval: 0.3)
        #expect(server.process.isRunning, "the server quit with a request in flight")
        connection.send(Array(body.dropFirst(20)))
        let answer = connection.readAll()
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(200))")
        #expect(answer.contains("predicted_species"))
        let stopped = server.stop()
        #expect(stopped.status == 0, "\(stopped.errors)")
        #expect(stopped.errors.contains("layerwise serve: stopped"))
    }

    @Test("bad arguments and a busy port: an error naming the fix, a non-zero exit")
    func badArguments() throws {
        let folder = try Self.trained.get()
        let missing = try layerwise("serve", "nowhere", "--port", "0", in: folder)
        #expect(missing.status != 0)
        #expect(missing.errors.contains("nowhere"), "\(missing.errors)")
        let badPort = try layerwise("serve", "run", "--port", "70000", in: folder)
        #expect(badPort.status != 0)
        #expect(badPort.errors.contains("--port must be between 0 and 65535"), "\(badPort.errors)")
        let badRows = try layerwise("serve", "run", "--max-rows", "0", in: folder)
        #expect(badRows.status != 0)
        #expect(badRows.errors.contains("--max-rows"), "\(badRows.errors)")

        let first = try Server(["run", "--port", "0"], in: folder)
        defer { _ = first.stop() }
        let busy = try layerwise("serve", "run", "--port", "\(first.port)", in: folder)
        #expect(busy.status != 0)
        #expect(busy.errors.contains("cannot serve on 127.0.0.1:\(first.port)"), "\(busy.errors)")
        #expect(busy.errors.contains("fix:"), "\(busy.errors)")
    }
}
