import Benchmark

// Each stage registers its benchmarks from its own file in this folder.
let benchmarks: @Sendable () -> Void = {
    registerEngineBenchmarks()
    registerDatasetBenchmarks()
    registerAdviceFitBenchmarks()
    registerRecommendBenchmarks()
    registerTuneBenchmarks()
    registerServeBenchmarks()
}
