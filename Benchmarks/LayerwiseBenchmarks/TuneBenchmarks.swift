import Benchmark
import Foundation
import TuneSearch
import TuneStorage

/// The search's own costs beside a trial's training (issue 16): a TPE proposal from 200 trials
/// of history over 8 parameters (the advisor's space), and one trial's round trip through the
/// SQLite store (claim with a proposal, 30 intermediate reports, finish), which every trial
/// pays on top of its training; and one trial's store traffic as `tune` makes it, on SQLite
/// and (with LAYERWISE_TEST_POSTGRES) on PostgreSQL (issue 17).
///
/// Recorded (2 shared cores, p50 of one run): Benchmarks/tune-results.md and
/// Benchmarks/distributed-tune-results.md.
func registerTuneBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal], scalingFactor: .one,
        maxDuration: .seconds(10), maxIterations: 200)
    let space = tuneBenchmarkSpace()
    let history = tuneBenchmarkHistory(space: space, count: 200)
    Benchmark("Tune: TPE proposal, 200 trials x 8 parameters", configuration: configuration) {
        benchmark in
        let sampler = TPESampler(seed: 42)
        benchmark.startMeasurement()
        blackHole(
            sampler.assignment(
                for: 201, space: space, history: history, pending: [], direction: .maximize))
    }
    Benchmark(
        "Tune: SQLite trial round trip (claim, 30 reports, finish)", configuration: configuration
    ) { benchmark in
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("layerwise-bench-\(UUID().uuidString).sqlite").path
        defer { removeSQLiteFiles(path) }
        let storage = try SQLiteStudyStorage(path: path)
        _ = try storage.open(benchmarkStudy(space))
        let zero = space.zeroTrial
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            guard let trial = try storage.claim(worker: "bench", propose: { _ in zero }) else {
                continue
            }
            for epoch in 1...30 {
                try storage.report(
                    trial: trial.number, worker: "bench",
                    value: IntermediateValue(step: epoch, value: 1 / Double(epoch)))
            }
            try storage.finish(
                trial: trial.number, worker: "bench",
                outcome: TrialOutcome(state: .complete, value: 0.9, epochs: 30, seconds: 0.1))
        }
    }
    // One trial's store traffic as `tune` makes it: the claim (history read and proposal),
    // three ASHA rungs (a report, then every trial read for the pruner), the finish and the
    // read for the progress line. On SQLite, and on the PostgreSQL server of
    // LAYERWISE_TEST_POSTGRES when set (`Scripts/test-postgres.sh start DIR` prints one).
    var stores: [(String, () throws -> any StudyStorage)] = [
        (
            "SQLite",
            {
                try SQLiteStudyStorage(
                    path: FileManager.default.temporaryDirectory
                        .appendingPathComponent("layerwise-bench-\(UUID().uuidString).sqlite").path)
            }
        )
    ]
    if let url = ProcessInfo.processInfo.environment["LAYERWISE_TEST_POSTGRES"],
        let server = try? PostgreSQLLocation(url)
    {
        stores.append(
            (
                "PostgreSQL",
                { try PostgreSQLStudyStorage(server: server, study: "bench-\(UUID().uuidString)") }
            ))
    }
    for (name, makeStore) in stores {
        Benchmark("Tune: \(name) store traffic of one tune trial", configuration: configuration) {
            benchmark in
            let storage = try makeStore()
            defer { (storage as? SQLiteStudyStorage).map { removeSQLiteFiles($0.path) } }
            _ = try storage.open(benchmarkStudy(space))
            let zero = space.zeroTrial
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                guard let trial = try storage.claim(worker: "bench", propose: { _ in zero })
                else { continue }
                for rung in [3, 9, 27] {
                    try storage.report(
                        trial: trial.number, worker: "bench",
                        value: IntermediateValue(step: rung, value: 1 / Double(rung)))
                    blackHole(try storage.trials())
                }
                try storage.finish(
                    trial: trial.number, worker: "bench",
                    outcome: TrialOutcome(state: .complete, value: 0.9, epochs: 30, seconds: 0.1))
                blackHole(try storage.trials())
            }
        }
    }
}

/// A study with room for every iteration's trial.
func benchmarkStudy(_ space: SearchSpace) -> StudyDefinition {
    StudyDefinition(
        name: "bench", specDigest: "0", specPath: "bench.yaml", metric: "accuracy",
        direction: .maximize, space: space, targetTrials: 1_000_000)
}

/// Removes an SQLite database and its -wal and -shm files.
func removeSQLiteFiles(_ path: String) {
    for suffix in ["", "-wal", "-shm"] {
        try? FileManager.default.removeItem(atPath: path + suffix)
    }
}

/// The advisor's space for a small classification spec: depth, width, activation, batch norm,
/// dropout, learning rate, batch size, L2.
func tuneBenchmarkSpace() -> SearchSpace {
    SearchSpace(parameters: [
        SearchParameter(
            name: "model.hidden_layers", domain: .integer(low: 1, high: 3, log: false),
            zeroTrial: .integer(1), rule: "DEPTH"),
        SearchParameter(
            name: "model.neurons", domain: .integer(low: 4, high: 256, log: true),
            zeroTrial: .integer(128), rule: "SIZE"),
        SearchParameter(
            name: "model.activation", domain: .choice(["relu", "leaky_relu", "prelu", "swish"]),
            zeroTrial: .choice("relu"), rule: "ACT"),
        SearchParameter(
            name: "model.batch_norm", domain: .choice(["false", "true"]),
            zeroTrial: .choice("false"), rule: "BN"),
        SearchParameter(
            name: "model.dropout", domain: .real(low: 0, high: 0.5, log: false),
            zeroTrial: .real(0.2), rule: "REG-DROPOUT"),
        SearchParameter(
            name: "training.learning_rate", domain: .real(low: 1e-4, high: 1e-2, log: true),
            zeroTrial: .real(1e-3), rule: "LR-RANGE-TEST"),
        SearchParameter(
            name: "training.batch_size", domain: .integer(low: 8, high: 256, log: true),
            zeroTrial: .integer(32), rule: "BATCH"),
        SearchParameter(
            name: "training.regularization.l2", domain: .real(low: 1e-6, high: 1e-2, log: true),
            zeroTrial: .real(1e-4), rule: "REG-L2-RANGE"),
    ])
}

/// `count` complete trials at quasi-random points with a smooth made-up value.
func tuneBenchmarkHistory(space: SearchSpace, count: Int) -> [TrialObservation] {
    let points = QuasiRandomSampler(seed: 7)
    return (1...count).map { number in
        let assignment = points.assignment(
            for: number, space: space, history: [], pending: [], direction: .maximize)
        let rate = assignment["training.learning_rate"]?.number ?? 1e-3
        let value = 0.9 - 0.05 * abs(log10(rate) + 2.5) + 0.001 * Double(number % 7)
        return TrialObservation(
            number: number, assignment: assignment, state: .complete, value: value)
    }
}
