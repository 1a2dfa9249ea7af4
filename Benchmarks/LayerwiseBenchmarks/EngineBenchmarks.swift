import Benchmark
import CKernels
import Engine

func registerEngineBenchmarks() {
    // GEMM
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
