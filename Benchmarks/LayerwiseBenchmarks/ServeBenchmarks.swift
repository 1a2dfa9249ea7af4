import Benchmark
import Foundation
import Generator
import Runs
import Serve
import Spec

/// `layerwise serve`'s work per request inside the process (issue 18): the JSON body read and
/// checked, the rows encoded, the networks run and the answer written, for 1 and 100 rows of
/// breast cancer (30 numbers; the bundled spec's design: 5 networks of 30-128-1). The HTTP
/// stack's own cost comes on top: Scripts/bench_serve.py measures the whole with wrk.
///
/// Recorded (2 shared cores, p50 of one run): Benchmarks/serve-results.md.
func registerServeBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal], scalingFactor: .one,
        maxDuration: .seconds(5), maxIterations: 5_000)
    guard let (model, bodies) = try? serveBenchmarkModel() else {
        print("serve benchmarks: could not train the breast cancer model")
        return
    }
    for (rows, body) in bodies {
        Benchmark("Serve: POST /predict, \(rows) row(s), breast cancer", configuration: configuration)
        { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(await model.predict(body: body))
            }
        }
        Benchmark("Serve: JSON body read, \(rows) row(s)", configuration: configuration) {
            benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try JSONValue.parse(body))
            }
        }
    }
}

/// The bundled breast cancer spec trained into a temporary run, and request bodies of its
/// first 1 and 100 rows.
private func serveBenchmarkModel() throws -> (ServedModel, [(Int, [UInt8])]) {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let spec = root.appendingPathComponent("Specs/breast_cancer.yaml").path
    let folder = NSTemporaryDirectory() + "layerwise-bench-serve-\(UUID().uuidString)"
    let plan = try DesignPlan(specPath: spec, catalog: try TemplateCatalog())
    let run = try RunFolder.create(name: "bench", explicit: folder)
    _ = try TrainingSession.begin(plan: plan, in: run).run(in: run)
    let model = try ServedModel(folder: run)
    let text = try String(
        contentsOf: root.appendingPathComponent("Specs/data/breast_cancer.csv"), encoding: .utf8)
    let lines = text.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
    let names = model.columns.map(\.name)
    let bodies = [1, 100].map { count -> (Int, [UInt8]) in
        let rows = lines.dropFirst().prefix(count).map { fields -> String in
            let members = names.compactMap { name -> String? in
                guard let k = lines[0].firstIndex(of: name) else { return nil }
                return "\"\(name)\": \(fields[k])"
            }
            return "{" + members.joined(separator: ", ") + "}"
        }
        return (count, Array("{\"rows\": [\(rows.joined(separator: ", "))]}".utf8))
    }
    return (model, bodies)
}
