import Benchmark

func registerEngineBenchmarks() {
}
