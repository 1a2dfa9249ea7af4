import Advisor
import Benchmark
import Dataset
import Foundation
import Generator
import Runs
import Spec

/// `layerwise recommend` on a generated 100,000-row CSV (20 numeric columns, 2 categorical,
/// a 4-class target; in `$TMPDIR/layerwise-bench/`) against just reading the same file with
/// `CSVReader` (issue 5: recommend must cost little more than reading). The "ratio" benchmark
/// times both in every iteration, side by side, and records recommend / read (x100) and each
/// stage's share, so a noisy machine shifts both alike.
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
    Benchmark(
        "Recommend 100k x 23: ratio to read",
        configuration: .init(
            metrics: [
                .custom("recommend / read x100", useScalingFactor: false),
                .custom("prepare % of recommend", useScalingFactor: false),
                .custom("probe+profile % of recommend", useScalingFactor: false),
                .custom("advise+template % of recommend", useScalingFactor: false),
            ],
            scalingFactor: .one, maxDuration: .seconds(60), maxIterations: 10)
    ) { benchmark in
        let (csv, spec) = recommendFiles()
        let catalog = try TemplateCatalog()
        func seconds(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        let read = try seconds { blackHole(try CSVReader.read(path: csv)) }
        // The pipeline's stages, timed one by one (DesignPlan.init runs the same sequence).
        var loaded: LoadedSpecBox?
        var prepared: PreparedData?
        var profile: DataProfile?
        let load = try seconds { loaded = LoadedSpecBox(try DesignPlan.loadSpec(path: spec, catalog: catalog)) }
        let prepare = try seconds { prepared = try DesignPlan.prepareData(for: loaded!.value.spec) }
        let probe = seconds { profile = DataProfile(prepared!) }
        let advise = try seconds {
            let summary = DataSummary(profile: profile!)
            blackHole(
                try DesignPlan(
                    specPath: spec, loaded: loaded!.value, data: prepared!, profile: profile!,
                    summary: summary,
                    catalog: catalog))
        }
        let total = load + prepare + probe + advise
        benchmark.measurement(.custom("recommend / read x100"), Int(100 * total / read))
        benchmark.measurement(.custom("prepare % of recommend"), Int(100 * (load + prepare) / total))
        benchmark.measurement(.custom("probe+profile % of recommend"), Int(100 * probe / total))
        benchmark.measurement(.custom("advise+template % of recommend"), Int(100 * advise / total))
    }
}



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
