import Benchmark
import Dataset
import Foundation

/// CSV read throughput (MB/s) and resident memory of the loaded table, on generated numeric
/// files of 100,000 and 1,000,000 rows x 50 columns (written once into
/// `$TMPDIR/layerwise-bench/`, never into the repo). `Benchmarks/pandas_compare.py` times
/// `pandas.read_csv` on the same files.
func registerDatasetBenchmarks() {
    for (rows, label) in [(100_000, "100k"), (1_000_000, "1M")] {
        for parallel in [true, false] {
            let name = "CSV read \(label) x 50 numeric" + (parallel ? "" : " (one thread)")
            Benchmark(
                name,
                configuration: .init(
                    metrics: [
                        .wallClock, .peakMemoryResident,
                        .custom("MB/s", polarity: .prefersLarger, useScalingFactor: false),
                        .custom(
                            "MB per CPU second", polarity: .prefersLarger,
                            useScalingFactor: false),
                        .custom("table RSS % of float32", useScalingFactor: false),
                    ],
                    scalingFactor: .one, maxDuration: .seconds(30),
                    maxIterations: rows > 100_000 ? 3 : 10)
            ) { benchmark in
                let path = numericCSV(rows: rows, columns: 50)
                let bytes = fileSize(path)
                let before = residentBytes()
                let cpuBefore = cpuSeconds()
                benchmark.startMeasurement()
                let start = DispatchTime.now().uptimeNanoseconds
                let table = try CSVReader.read(path: path, parallel: parallel)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                benchmark.stopMeasurement()
                let cpu = cpuSeconds() - cpuBefore
                benchmark.measurement(.custom("MB per CPU second"), Int(Double(bytes) / 1e6 / cpu))
                let resident = residentBytes() - before
                benchmark.measurement(.custom("MB/s"), Int(Double(bytes) / 1e6 / seconds))
                benchmark.measurement(
                    .custom("table RSS % of float32"),
                    Int(100 * Double(resident) / Double(table.rowCount * 50 * 4)))
                blackHole(table)
            }
        }
    }
}

/// The advisor's data-side fits, per call: ENC-NUMERIC-EQUAL's search over the pairs of 200
/// small-integer columns (4,096 rows: every pair compared, none kept), and
/// INIT-LINEAR-LOGISTIC's fit on benefits' shape (3,900 rows x 71 inputs, two classes; 200
/// full-batch steps).
func registerAdviceFitBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal], scalingFactor: .one, maxDuration: .seconds(10),
        maxIterations: 30)
    Benchmark("Equal-column search, 4096 rows x 200 columns", configuration: configuration) {
        benchmark in
        let path = smallIntegerCSV(rows: 4_096, columns: 200)
        let table = try CSVReader.read(path: path)
        let columns = Array(0..<table.columns.count)
        benchmark.startMeasurement()
        blackHole(
            ColumnEqualities.find(
                table: table, columns: columns, trainingRows: Array(0..<table.rowCount)))
        benchmark.stopMeasurement()
    }
    Benchmark("Logistic start fit, 3900 x 71, two classes", configuration: configuration) {
        benchmark in
        var state: UInt64 = 7
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        let rows = 3_900
        let inputs = 71
        let features = (0..<(rows * inputs)).map { _ in next() }
        let labels = (0..<rows).map { row -> Int32 in
            features[row * inputs] + 0.5 * features[row * inputs + 1] + 0.3 * next() > 0 ? 1 : 0
        }
        let encoded = EncodedRows(
            rowCount: rows, featureCount: inputs, features: features, classIndices: labels,
            sourceRows: Array(0..<rows))
        benchmark.startMeasurement()
        blackHole(LogisticRegressionFit(encoded, classes: 2))
        benchmark.stopMeasurement()
    }
}

/// A CSV of `rows` x `columns` integers 0-4 (seeded), created once: many pairs equal by
/// chance, none more often.
func smallIntegerCSV(rows: Int, columns: Int) -> String {
    let directory = NSTemporaryDirectory() + "layerwise-bench"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = directory + "/integers_\(rows)x\(columns).csv"
    if FileManager.default.fileExists(atPath: path) { return path }
    var state: UInt64 = 11
    var text = (0..<columns).map { "k\($0)" }.joined(separator: ",") + "\n"
    for _ in 0..<rows {
        text +=
            (0..<columns).map { _ -> String in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return String((state >> 33) % 5)
            }.joined(separator: ",") + "\n"
    }
    try? text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// User + system CPU time of the process so far (both threads count): on a shared, loaded
/// machine this is steadier than wall time.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Resident set size from /proc/self/statm (pages resident x page size).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else {
        return 0
    }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func fileSize(_ path: String) -> Int {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    return (attributes?[.size] as? NSNumber)?.intValue ?? 0
}

/// A numeric CSV of `rows` x `columns` values like `-123.456789` (seeded), created once.
func numericCSV(rows: Int, columns: Int) -> String {
    let directory = NSTemporaryDirectory() + "layerwise-bench"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = directory + "/numeric_\(rows)x\(columns).csv"
    if FileManager.default.fileExists(atPath: path) { return path }
    let partial = path + ".partial"
    _ = FileManager.default.createFile(atPath: partial, contents: nil)
    guard let handle = FileHandle(forWritingAtPath: partial) else { return path }
    var state: UInt64 = 0x1234_5678
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 22)
    buffer += Array(((0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n").utf8)
    for _ in 0..<rows {
        for column in 0..<columns {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let draw = Int((state >> 33) % 2_000_000_000) - 1_000_000_000  // micro-units
            if draw < 0 { buffer.append(UInt8(ascii: "-")) }
            let magnitude = abs(draw)
            buffer += Array(String(magnitude / 1_000_000).utf8)
            buffer.append(UInt8(ascii: "."))
            let fraction = String(magnitude % 1_000_000)
            buffer += [UInt8](repeating: UInt8(ascii: "0"), count: 6 - fraction.count)
            buffer += Array(fraction.utf8)
            buffer.append(column == columns - 1 ? UInt8(ascii: "\n") : UInt8(ascii: ","))
        }
        if buffer.count > 1 << 22 {
            handle.write(Data(buffer))
            buffer.removeAll(keepingCapacity: true)
        }
    }
    handle.write(Data(buffer))
    try? handle.close()
    try? FileManager.default.moveItem(atPath: partial, toPath: path)
    return path
}
