import ArgumentParser
import Foundation
import Runs
import Serve

/// `layerwise serve RUN [--host 127.0.0.1] [--port 8080]`: the run's model behind HTTP.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a run's model over HTTP: POST /predict, GET /health, GET /model.",
        discussion: """
            POST /predict takes {"rows": [{"column": value, ...}, ...]}: every input column of \
            the model (GET /model lists them with their types), numbers as JSON numbers, \
            categories as strings, dates as ISO strings, null for missing; the id column \
            (data.id_column) may come too and is repeated. It answers {"predictions": [...], \
            "warnings": [...]}, each prediction with the fields `layerwise predict` writes \
            (predicted_<target>, and probability_<class> per class). A request the model \
            cannot take is 400 with every problem named by its field (rows[2].island). \
            SIGTERM or Ctrl-C stops the server after the requests in flight.
            """)

    @Argument(help: ArgumentHelp("A run folder written by `layerwise train`.", valueName: "run"))
    var runFolder: String

    @Option(help: "The address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "The port (0: any free port, printed at start).")
    var port = 8080

    @Option(name: .customLong("max-rows"), help: "The most rows one request may hold.")
    var maximumRows = 10_000

    @Option(
        name: .customLong("max-body-mib"), help: "The largest request body, in MiB.")
    var maximumBodyMiB = 16

    func validate() throws {
        guard (0...65_535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535, not \(port)")
        }
        guard (1...1_000_000).contains(maximumRows) else {
            throw ValidationError("--max-rows must be between 1 and 1000000, not \(maximumRows)")
        }
        guard (1...1024).contains(maximumBodyMiB) else {
            throw ValidationError(
                "--max-body-mib must be between 1 and 1024, not \(maximumBodyMiB)")
        }
    }

    func run() async throws {
        let model: ServedModel
        do {
            let folder = try RunFolder(existing: runFolder)
            model = try ServedModel(folder: folder, maximumRows: maximumRows)
        } catch {
            printError(String(describing: error))
            throw ExitCode.failure
        }
        let server = PredictionServer(
            model: model, host: host, port: port, maximumBodyBytes: maximumBodyMiB << 20)
        let host = host
        do {
            try await server.run { port in
                let shown = host.contains(":") ? "[\(host)]" : host
                printError(
                    "layerwise serve: \(runFolder) on http://\(shown):\(port) "
                        + "(POST /predict, GET /health, GET /model; Ctrl-C stops)")
            }
        } catch {
            printError(
                "error: cannot serve on \(host):\(port): \(error)\n"
                    + "  fix: choose a free port (--port), or 0 for any free one")
            throw ExitCode.failure
        }
        printError("layerwise serve: stopped")
    }
}
