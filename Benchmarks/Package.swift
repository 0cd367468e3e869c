// swift-tools-version: 6.1
//
// The allocation / throughput benchmark suite for anpi-call's media core.
//
// This is a separate package on purpose: the main package (and its CI) never
// resolves or builds ordo-one/benchmark, the malloc interposer or their
// dependencies. Run it with `cd Benchmarks && swift package benchmark`.
import PackageDescription

let package = Package(
    name: "anpi-call-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        // The main package, by path; only its MediaCore product is used.
        .package(name: "anpi-call", path: ".."),
        // `traits: ["MallocInterposer"]` replaces the package's default traits
        // ("MallocInterposer", "RuntimeInterposer"): the malloc counters stay
        // on, and the Linux Swift 6.3 ARC runtime interposer
        // (ordo-one/swift-runtime-interposer, not mirrored here) is left out.
        .package(
            url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1",
            traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "MediaCoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MediaCore", package: "anpi-call"),
            ],
            path: "Benchmarks/MediaCoreBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        )
    ]
)
