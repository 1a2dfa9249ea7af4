import Benchmark

func registerDatasetBenchmarks() {
}
