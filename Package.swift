// swift-tools-version: 6.1
import PackageDescription

// The stages follow the data's path: Spec -> Dataset -> Advisor -> Generator (config) ->
// Engine -> Runs (builder, train, evaluate, predict) -> CurveAnalysis (the curves read,
// findings and spec edits, charts, report). The CLI is thin.
// The seams: the data layer knows nothing of the engine (both share only the seeded generator,
// `Random`), and the advisor knows only the spec; Runs is where the stages meet.
// The engine's Swift loops (dropout masks, max-norm, activations, the seeded generator) are
// optimized in debug builds too, so `swift run layerwise train` trains at release speed
// without a release build of everything (issue 19; Benchmarks/engine-speed-results.md).
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Layerwise",
    products: [
        .library(
            name: "Layerwise",
            targets: [
                "Spec", "Random", "Dataset", "Advisor", "Generator", "Engine", "Runs",
                "CurveAnalysis", "TuneSearch", "TuneStorage", "Tune",
            ]
        ),
        .executable(name: "layerwise", targets: ["LayerwiseCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(
            url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1",
            traits: ["MallocInterposer"]),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        // `layerwise serve`: the HTTP server. swift-configuration support is not needed.
        .package(
            url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1",
            traits: ["FullFoundation"]),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // SQLite, the embedded study store of `tune` (pkg-config sqlite3).
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "Spec", dependencies: ["CYAML"]),
        // The one seeded random generator: every random draw, in the data layer and the engine.
        .target(name: "Random", swiftSettings: optimizedInDebug),
        .target(name: "Dataset", dependencies: ["Spec", "Random"]),
        .target(name: "Advisor", dependencies: ["Spec"]),
        .target(
            name: "Generator",
            dependencies: [
                "Spec", "Advisor", .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .target(
            name: "CKernels",
            // Always optimized, debug builds too (the engine's tests train networks). FMA
            // contraction is what the kernels are written for; -fno-math-errno lets sqrtf
            // vectorize. No -march: the kernels pick AVX-512/AVX2 at run time.
            cSettings: [
                .unsafeFlags(["-O3", "-ffp-contract=fast", "-fno-math-errno", "-Wall", "-Wextra"])
            ]
        ),
        .target(
            name: "Engine", dependencies: ["CKernels", "Random"], swiftSettings: optimizedInDebug),
        // ONNX export (issue 18): onnx-ml.proto's messages, generated once with protoc and
        // protoc-gen-swift (Sources/ONNXExport/Generated/README.md) and committed.
        .target(
            name: "ONNXExport",
            dependencies: [
                "Dataset", "Engine", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Generated/README.md"]),
        // `layerwise serve` (issue 18): a run's model behind HTTP, requests checked and encoded
        // as `predict` encodes a file.
        .target(
            name: "Serve",
            dependencies: [
                "Spec", "Dataset", "Engine", "Runs",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .target(
            name: "Runs",
            dependencies: [
                "Spec", "Random", "Dataset", "Advisor", "Generator", "Engine", "CurveAnalysis",
            ]),
        .target(name: "CurveAnalysis", dependencies: ["Spec"]),
        // tune: the space and samplers (pure), the study store, and the loop that trains
        // trials through Runs.
        .target(name: "TuneSearch", dependencies: ["Random"]),
        .target(
            name: "TuneStorage",
            dependencies: [
                "CSQLite", "TuneSearch", .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
        .target(
            name: "Tune",
            dependencies: [
                "Spec", "Random", "Dataset", "Advisor", "Generator", "Engine", "Runs",
                "CurveAnalysis", "TuneSearch", "TuneStorage",
            ]),
        .executableTarget(
            name: "LayerwiseCLI",
            dependencies: [
                "Spec", "Dataset", "Advisor", "Generator", "Engine", "Runs", "CurveAnalysis",
                "TuneSearch", "TuneStorage", "Tune", "ONNXExport", "Serve",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SpecTests", dependencies: ["Spec"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RandomTests", dependencies: ["Random"]),
        .testTarget(
            name: "DatasetTests", dependencies: ["Dataset", "Spec", "Random", "TestSupport"]),
        .testTarget(name: "AdvisorTests", dependencies: ["Advisor", "Spec"]),
        .testTarget(
            name: "GeneratorTests",
            dependencies: ["Generator", "Advisor", "Spec", "Runs", "TestSupport"],
            exclude: ["Golden"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "CKernels", "Random"]),
        .testTarget(
            name: "ServeTests",
            dependencies: [
                "Serve", "Runs", "Dataset", "Spec", "Generator", "Engine", "TestSupport",
            ]),
        .testTarget(
            name: "ONNXExportTests",
            dependencies: ["ONNXExport", "Engine", "Random", "TestSupport"]),
        .testTarget(
            name: "RunsTests",
            dependencies: [
                "Runs", "Spec", "Random", "Dataset", "Advisor", "Generator", "Engine",
                "CurveAnalysis", "TestSupport",
            ]),
        .testTarget(name: "CurveAnalysisTests", dependencies: ["CurveAnalysis", "Random"]),
        .testTarget(name: "TuneSearchTests", dependencies: ["TuneSearch", "Random"]),
        .testTarget(
            name: "TuneStorageTests",
            dependencies: [
                "TuneStorage", "TuneSearch", "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
        // What several test targets share: the PostgreSQL test clusters
        // (Scripts/test-postgres.sh) and the Python modules the interop checks need.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "TuneTests",
            dependencies: [
                "Tune", "TuneSearch", "TuneStorage", "Runs", "Spec", "Dataset", "Advisor",
                "TestSupport",
            ]),
        // Runs the built `layerwise` binary as a user would (exit codes, messages, two
        // processes at once); the dependency makes `swift test` build it.
        .testTarget(
            name: "LayerwiseCLITests", dependencies: ["LayerwiseCLI", "TestSupport"]),
        .executableTarget(
            name: "LayerwiseBenchmarks",
            dependencies: [
                "Engine", "Random", "Dataset", "Advisor", "Spec", "Generator", "Runs",
                "TuneSearch", "TuneStorage", "Serve",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/LayerwiseBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
