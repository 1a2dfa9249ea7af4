import Benchmark
import CKernels
import Engine
import Foundation
import Random

func registerEngineBenchmarks() {
    // LAYERWISE_BENCH_THREADS pins the kernels' thread count (e.g. 1 for a per-core figure of
    // the training cases); unset, they use every core.
    if let threads = ProcessInfo.processInfo.environment["LAYERWISE_BENCH_THREADS"].flatMap(
        Int.init)
    {
        CPUKernels.threadCount = threads
    }
    registerGEMMBenchmarks()
    registerTrainingBenchmarks()
}

// MARK: - GEMM

private func registerGEMMBenchmarks() {
    // C (m x n) = A (m x k) * B (k x n); names read m x k x n (batch x inputs x outputs), the
    // same shapes Benchmarks/gemm_numpy.py times with np.dot. GFLOP/s = 2*m*n*k / time.
    // "GEMM ..." uses the engine's default settings (all cores, through `multiply`);
    // "... 1 thread" pins one thread for a per-core figure.
    let gemmShapes = [(32, 30, 64), (256, 50, 256), (512, 784, 1024), (1024, 1024, 1024)]
    for (m, k, n) in gemmShapes {
        let flops = 2 * m * n * k
        // Small products run many times per iteration so the clock's resolution does not
        // dominate; times are reported per product.
        let scaling: BenchmarkScalingFactor = flops < 100_000_000 ? .kilo : .one
        let configuration = Benchmark.Configuration(
            metrics: [.wallClock, .throughput], timeUnits: .microseconds, warmupIterations: 3,
            scalingFactor: scaling, maxDuration: .seconds(2), maxIterations: 1_000)
        let a = Matrix(rows: m, columns: k, values: (0..<(m * k)).map { Float($0 % 7) - 3 })
        let b = Matrix(rows: k, columns: n, values: (0..<(k * n)).map { Float($0 % 5) - 2 })

        Benchmark("GEMM \(m)x\(k)x\(n)", configuration: configuration) { benchmark in
            var c = Matrix(rows: m, columns: n)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                multiply(a, b, into: &c)
            }
            benchmark.stopMeasurement()
            blackHole(c)
        }

        Benchmark("GEMM \(m)x\(k)x\(n) 1 thread", configuration: configuration) { benchmark in
            var c = Matrix(rows: m, columns: n)
            a.storage.withUnsafeBufferPointer { ap in
                b.storage.withUnsafeBufferPointer { bp in
                    c.storage.withUnsafeMutableBufferPointer { cp in
                        benchmark.startMeasurement()
                        for _ in benchmark.scaledIterations {
                            lw_sgemm_with(
                                LW_KERNEL_AUTO, 1, 0, 0, Int32(m), Int32(n), Int32(k), 1,
                                ap.baseAddress, Int32(k), bp.baseAddress, Int32(n), 0,
                                cp.baseAddress, Int32(n))
                        }
                        benchmark.stopMeasurement()
                    }
                }
            }
            blackHole(c)
        }
    }
}

// MARK: - Training (issue 4's three cases)

/// Holds a case's trainer and data between the setup hook and the measured closure.
private final class TrainingCase {
    var trainer: Trainer?
    var source: InMemoryBatchSource?
    var batch = Batch.empty
    var epoch = 0
}

/// `rows x width` standard-normal features and labels from a random linear teacher, so the
/// task is learnable (as a real data set would be). Seeded.
private func syntheticClassification(
    rows: Int, width: Int, classes: Int, seed: UInt64
) -> (
    Matrix, [Int]
) {
    var generator = SeededGenerator(seed: seed)
    let teacher = (0..<(width * classes)).map { _ in Float(generator.nextNormal()) }
    var inputs = Matrix(rows: rows, columns: width)
    var labels = [Int](repeating: 0, count: rows)
    for row in 0..<rows {
        for j in 0..<width { inputs.storage[row * width + j] = Float(generator.nextNormal()) }
        var best = 0
        var bestScore = -Float.infinity
        for c in 0..<classes {
            var score: Float = 0
            for j in 0..<width { score += inputs.storage[row * width + j] * teacher[c * width + j] }
            if score > bestScore {
                bestScore = score
                best = c
            }
        }
        labels[row] = best
    }
    return (inputs, labels)
}

/// The breast-cancer data set from the repository copy (`Specs/data/breast_cancer.csv`),
/// z-scored; labels 1 = malignant.
private func breastCancer() throws -> (Matrix, [Int]) {
    let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Specs/data/breast_cancer.csv")
    let text = try String(contentsOf: file, encoding: .utf8)
    var values: [Float] = []
    var labels: [Int] = []
    var width = 0
    for line in text.split(separator: "\n").dropFirst() {
        let fields = line.split(separator: ",")
        width = fields.count - 1
        values.append(contentsOf: fields.dropLast().map { Float($0) ?? 0 })
        labels.append(fields.last == "malignant" ? 1 : 0)
    }
    let rows = labels.count
    for j in 0..<width {
        var mean: Float = 0
        for r in 0..<rows { mean += values[r * width + j] }
        mean /= Float(rows)
        var variance: Float = 0
        for r in 0..<rows {
            variance += (values[r * width + j] - mean) * (values[r * width + j] - mean)
        }
        let std = max((variance / Float(rows)).squareRoot(), 1e-6)
        for r in 0..<rows { values[r * width + j] = (values[r * width + j] - mean) / std }
    }
    return (Matrix(rows: rows, columns: width, values: values), labels)
}

private func makeCase(
    inputs: Matrix, labels: [Int], widths: [Int], batchSize: Int,
    loss: Loss = .softmaxCrossEntropy
) throws -> TrainingCase {
    var layers: [LayerDescription] = []
    for (index, width) in widths.enumerated() {
        layers.append(.dense(units: width))
        if index < widths.count - 1 { layers.append(.activation(.relu)) }
    }
    let model = try Sequential(
        ModelDescription(inputWidth: inputs.columns, layers: layers), seed: 1)
    let state = TrainingCase()
    state.trainer = try Trainer(
        model: model, configuration: TrainingConfiguration(epochs: 1_000_000, loss: loss))
    state.source = try InMemoryBatchSource(
        inputs: inputs, targets: .classes(labels), batchSize: batchSize, seed: 2)
    state.source?.startEpoch(0)
    return state
}

/// One optimizer step on the next batch (a new shuffled epoch when one ends).
private func step(_ state: TrainingCase) {
    guard let trainer = state.trainer, state.source != nil else { return }
    if !state.source!.nextBatch(into: &state.batch) {
        state.epoch += 1
        state.source!.startEpoch(state.epoch)
        _ = state.source!.nextBatch(into: &state.batch)
    }
    let result = try? trainer.trainStep(state.batch, learningRate: 1e-3)
    blackHole(result)
}

/// One full shuffled epoch.
private func epoch(_ state: TrainingCase) {
    guard let source = state.source else { return }
    for _ in 0..<source.batchesPerEpoch { step(state) }
}

private func registerTrainingBenchmarks() {
    let small = TrainingCase()
    // small: 30-64-32-2 ReLU on breast cancer (569 x 30), Adam, batch 32; per step (1000 steps
    // per iteration, so the reported time is per step in the scaled units).
    Benchmark(
        "Training small 30-64-32-2 batch 32 (per step)",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1,
            scalingFactor: .kilo, maxDuration: .seconds(10), maxIterations: 20)
    ) { benchmark in
        for _ in benchmark.scaledIterations { step(small) }
    } setup: {
        let (inputs, labels) = try breastCancer()
        let built = try makeCase(
            inputs: inputs, labels: labels, widths: [64, 32, 2], batchSize: 32)
        small.trainer = built.trainer
        small.source = built.source
    }

    let logistic = TrainingCase()
    // logistic: 30-1 with the binary cross-entropy on breast cancer, batch 32; per step. The
    // smallest design the advisor gives (DEPTH-LINEAR), where the loss's exponentials and the
    // step's fixed costs are most of the time.
    Benchmark(
        "Training logistic 30-1 binary cross-entropy batch 32 (per step)",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1,
            scalingFactor: .kilo, maxDuration: .seconds(10), maxIterations: 20)
    ) { benchmark in
        for _ in benchmark.scaledIterations { step(logistic) }
    } setup: {
        let (inputs, labels) = try breastCancer()
        let built = try makeCase(
            inputs: inputs, labels: labels, widths: [1], batchSize: 32,
            loss: .binaryCrossEntropy)
        logistic.trainer = built.trainer
        logistic.source = built.source
    }

    // The loss alone: a validation pass's 4,096 logits, the value and the gradient.
    let logits = Matrix(
        rows: 4_096, columns: 1, values: (0..<4_096).map { Float($0 % 97) / 8 - 6 })
    let targets = (0..<4_096).map { $0 % 3 == 0 ? 1 : 0 }
    var gradient = Matrix(rows: 4_096, columns: 1)
    Benchmark(
        "Loss binary cross-entropy and gradient, 4096 rows",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal], warmupIterations: 1,
            maxDuration: .seconds(5), maxIterations: 2_000)
    ) { _ in
        let value = try? logits.withView { z in
            try gradient.withMutableView { g in
                try Loss.binaryCrossEntropy.evaluate(
                    outputs: z, targets: .classes(targets), classWeights: nil, gradient: g)
            }
        }
        blackHole(value)
    }

    let medium = TrainingCase()
    // medium: 50-256-256-5 ReLU on 100,000 x 50 synthetic, Adam, batch 256; per epoch.
    Benchmark(
        "Training medium 50-256-256-5 batch 256 (per epoch)",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 0,
            maxDuration: .seconds(30), maxIterations: 5)
    ) { _ in
        epoch(medium)
    } setup: {
        let (inputs, labels) = syntheticClassification(
            rows: 100_000, width: 50, classes: 5, seed: 3)
        let built = try makeCase(
            inputs: inputs, labels: labels, widths: [256, 256, 5], batchSize: 256)
        medium.trainer = built.trainer
        medium.source = built.source
    }

    let large = TrainingCase()
    // large: 784-1024-1024-10 ReLU, Adam, batch 512; per epoch of 200,000 x 784 synthetic rows.
    // LAYERWISE_BENCH_LARGE_ROWS overrides the row count (e.g. 20000 while the GEMM is naive;
    // scale the time by 200000 / rows).
    let largeRows =
        ProcessInfo.processInfo.environment["LAYERWISE_BENCH_LARGE_ROWS"].flatMap(Int.init)
        ?? 200_000
    Benchmark(
        "Training large 784-1024-1024-10 batch 512 (per epoch of \(largeRows) rows)",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 0,
            maxDuration: .seconds(60), maxIterations: 3)
    ) { _ in
        epoch(large)
    } setup: {
        let (inputs, labels) = syntheticClassification(
            rows: largeRows, width: 784, classes: 10, seed: 4)
        let built = try makeCase(
            inputs: inputs, labels: labels, widths: [1024, 1024, 10], batchSize: 512)
        large.trainer = built.trainer
        large.source = built.source
    }
}
