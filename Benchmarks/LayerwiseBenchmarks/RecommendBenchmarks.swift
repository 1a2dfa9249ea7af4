import Advisor
import Benchmark
import Dataset
import Foundation
import Generator
import Runs
import Spec

/// `layerwise recommend` on generated 100,000-row CSVs (20 numeric columns, 2 categorical; a
/// 4-class target, and a numeric one; in `$TMPDIR/layerwise-bench/`) against just reading the
/// same file with `CSVReader` (issue 5: recommend must cost little more than reading). The
/// "ratio" benchmarks time the read and every stage in each iteration, side by side, so a noisy
/// machine shifts them alike: milliseconds per stage, and recommend / read (x100).
///
/// Recorded (2 shared cores, best / typical = p0 / p50 of one run of 10-15 iterations):
/// classification, before: read 41 / 52 ms, prepare beyond read 121 / 128, probe 175 / 181,
/// recommend 354 / 370, ratio 4.7x / 7.0x; after: read 61 / 72 (a busier machine), prepare
/// beyond read ~24 / 35, probe 25 / 32, recommend 111 / 154, ratio 1.1x / 1.9x. Regression,
/// before: ratio 3.2x / 3.8x (prepare beyond read 130 ms, MLP probe 41); after: 1.8x / 1.95x
/// (prepare beyond read 26, MLP probe 34). The CLI agrees: `layerwise recommend` 150-160 ms
/// against 80-90 ms for a process that only reads the file (410 ms before).
func registerRecommendBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
        scalingFactor: .one, maxDuration: .seconds(30), maxIterations: 10)
    Benchmark("Recommend 100k x 23: read only", configuration: configuration) { benchmark in
        let (csv, _) = recommendFiles()
        benchmark.startMeasurement()
        blackHole(try CSVReader.read(path: csv))
    }
    Benchmark("Recommend 100k x 23: pipeline", configuration: configuration) { benchmark in
        let (_, spec) = recommendFiles()
        let catalog = try TemplateCatalog()
        benchmark.startMeasurement()
        blackHole(try DesignPlan(specPath: spec, catalog: catalog))
    }
    let stageMetrics: [BenchmarkMetric] = [
        .custom("read ms", useScalingFactor: false),
        .custom("prepare ms (read included)", useScalingFactor: false),
        .custom("prepare beyond read ms", useScalingFactor: false),
        .custom("probe+profile ms", useScalingFactor: false),
        .custom("advise+template ms", useScalingFactor: false),
        .custom("recommend ms", useScalingFactor: false),
        .custom("recommend / read x100", useScalingFactor: false),
    ]
    Benchmark(
        "Recommend 100k x 23: ratio to read",
        configuration: .init(
            metrics: stageMetrics, scalingFactor: .one, maxDuration: .seconds(60),
            maxIterations: 15)
    ) { benchmark in
        let (csv, spec) = recommendFiles()
        try PipelineStages.time(csv: csv, spec: spec).record(in: benchmark)
    }
    // Regression: `recommend` runs `DesignPlan.measured`, which also trains a small MLP for
    // DEPTH-LINEAR; "MLP probe ms" is measured minus the plain design, in the same iteration.
    Benchmark(
        "Recommend 100k x 23 regression: ratio to read",
        configuration: .init(
            metrics: stageMetrics + [.custom("MLP probe ms", useScalingFactor: false)],
            scalingFactor: .one, maxDuration: .seconds(60), maxIterations: 10)
    ) { benchmark in
        let (csv, spec) = recommendRegressionFiles()
        let catalog = try TemplateCatalog()
        var stages = try PipelineStages.time(csv: csv, spec: spec)
        let plain = try seconds { blackHole(try DesignPlan(specPath: spec, catalog: catalog)) }
        let measured = try seconds {
            blackHole(try DesignPlan(specPath: spec, catalog: catalog))
        }
        stages.mlpProbe = max(0, measured - plain)
        benchmark.measurement(.custom("MLP probe ms"), milliseconds(stages.mlpProbe))
        stages.record(in: benchmark)
    }
}

/// The read and each stage of the design pipeline, timed one by one in one iteration
/// (DesignPlan.init runs the same sequence), so a noisy machine shifts them alike.
struct PipelineStages {
    var read = 0.0
    var load = 0.0
    var prepare = 0.0
    var probe = 0.0
    var advise = 0.0
    /// The small-MLP probe of `DesignPlan.measured` (regression only).
    var mlpProbe = 0.0

    var total: Double { load + prepare + probe + advise + mlpProbe }

    static func time(csv: String, spec: String) throws -> PipelineStages {
        let catalog = try TemplateCatalog()
        var stages = PipelineStages()
        stages.read = try seconds { blackHole(try CSVReader.read(path: csv)) }
        var loaded: LoadedSpecBox?
        var prepared: PreparedData?
        var profile: DataProfile?
        stages.load = try seconds {
            loaded = LoadedSpecBox(try DesignPlan.loadSpec(path: spec, catalog: catalog))
        }
        stages.prepare = try seconds {
            prepared = try DesignPlan.prepareData(for: loaded!.value.spec)
        }
        stages.probe = seconds { profile = DataProfile(prepared!) }
        stages.advise = try seconds {
            blackHole(
                try DesignPlan(
                    specPath: spec, loaded: loaded!.value, data: prepared!, profile: profile!,
                    summary: DataSummary(profile: profile!), catalog: catalog))
        }
        return stages
    }

    func record(in benchmark: Benchmark) {
        benchmark.measurement(.custom("read ms"), milliseconds(read))
        benchmark.measurement(.custom("prepare ms (read included)"), milliseconds(load + prepare))
        benchmark.measurement(
            .custom("prepare beyond read ms"), milliseconds(load + prepare - read))
        benchmark.measurement(.custom("probe+profile ms"), milliseconds(probe))
        benchmark.measurement(.custom("advise+template ms"), milliseconds(advise))
        benchmark.measurement(.custom("recommend ms"), milliseconds(total))
        benchmark.measurement(.custom("recommend / read x100"), Int(100 * total / read))
    }
}

/// Wall-clock seconds of `body`.
private func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Seconds as whole milliseconds (never negative).
private func milliseconds(_ seconds: Double) -> Int { max(0, Int((seconds * 1000).rounded())) }

/// Holds a loaded spec across the timing closures.
struct LoadedSpecBox {
    var value: LoadedSpec
    init(_ value: LoadedSpec) { self.value = value }
}

/// The recommend benchmark's CSV (100,000 rows: 20 numeric columns, `colour` with 5 values,
/// `shape` with 3, and a 4-class `label` from a noisy linear score, so it is not separable)
/// and a spec naming it; created once.
func recommendFiles() -> (csv: String, spec: String) {
    let directory = NSTemporaryDirectory() + "layerwise-bench"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let csv = directory + "/recommend_100000.csv"
    let spec = directory + "/recommend_100000.yaml"
    if !FileManager.default.fileExists(atPath: spec) {
        try? "name: recommend_bench\ndata:\n  path: recommend_100000.csv\n  target: label\n"
            .write(toFile: spec, atomically: true, encoding: .utf8)
    }
    if FileManager.default.fileExists(atPath: csv) { return (csv, spec) }
    var state: UInt64 = 0x2545_F491
    func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
    let colours = ["red", "green", "blue", "amber", "violet"]
    let shapes = ["round", "square", "long"]
    var text = (0..<20).map { "x\($0)" }.joined(separator: ",") + ",colour,shape,label\n"
    text.reserveCapacity(100_000 * 180)
    for _ in 0..<100_000 {
        var score = 0.0
        for column in 0..<20 {
            let value = (uniform() * 2 - 1) * 100
            if column < 6 { score += value * Double(column + 1) / 100 }
            text += String(format: "%.3f,", value)
        }
        let colour = Int(uniform() * 5)
        let shape = Int(uniform() * 3)
        score += Double(colour) - 2 + (uniform() - 0.5) * 6  // noise: not separable
        let label = score < -4 ? "a" : score < 0 ? "b" : score < 4 ? "c" : "d"
        text += "\(colours[colour]),\(shapes[shape]),\(label)\n"
    }
    try? text.write(toFile: csv, atomically: true, encoding: .utf8)
    return (csv, spec)
}

/// The regression benchmark's CSV: the same 22 inputs and a numeric `y` (a linear score, a
/// product of two inputs, the colour, and noise), with a spec naming it; created once.
func recommendRegressionFiles() -> (csv: String, spec: String) {
    let directory = NSTemporaryDirectory() + "layerwise-bench"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let csv = directory + "/recommend_regression_100000.csv"
    let spec = directory + "/recommend_regression_100000.yaml"
    if !FileManager.default.fileExists(atPath: spec) {
        try? "name: recommend_regression_bench\ndata:\n  path: recommend_regression_100000.csv\n"
            .appending("  target: y\n")
            .write(toFile: spec, atomically: true, encoding: .utf8)
    }
    if FileManager.default.fileExists(atPath: csv) { return (csv, spec) }
    var state: UInt64 = 0x9E37_79B9
    func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
    let colours = ["red", "green", "blue", "amber", "violet"]
    let shapes = ["round", "square", "long"]
    var text = (0..<20).map { "x\($0)" }.joined(separator: ",") + ",colour,shape,y\n"
    text.reserveCapacity(100_000 * 190)
    for _ in 0..<100_000 {
        var values: [Double] = []
        for _ in 0..<20 {
            let value = (uniform() * 2 - 1) * 100
            values.append(value)
            text += String(format: "%.3f,", value)
        }
        var y = 0.0
        for column in 0..<6 { y += values[column] * Double(column + 1) / 100 }
        y += 0.002 * values[6] * values[7]
        let colour = Int(uniform() * 5)
        let shape = Int(uniform() * 3)
        y += Double(colour) + (uniform() - 0.5) * 6
        text += "\(colours[colour]),\(shapes[shape]),\(String(format: "%.4f", y))\n"
    }
    try? text.write(toFile: csv, atomically: true, encoding: .utf8)
    return (csv, spec)
}
