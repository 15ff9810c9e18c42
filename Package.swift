// swift-tools-version:6.0
import PackageDescription

// Numeric code is always compiled for a target CPU: without one, every FMA becomes a libm
// call (see DESIGN.md and BENCHMARKS.md). `haswell` (AVX2 + FMA) is the portable baseline;
// AVX-512 paths live in multiversioned C in `_CKernels`. The CPU flags are x86-64's: elsewhere
// (arm64) the compilers' defaults apply, and the kernels' x86 paths are compiled out.
#if arch(x86_64)
let numericSwift: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
let numericC: [CSetting] = [.unsafeFlags(["-O3", "-march=haswell", "-fno-math-errno"])]
#else
let numericSwift: [SwiftSetting] = []
let numericC: [CSetting] = [.unsafeFlags(["-O3", "-fno-math-errno"])]
#endif

let package = Package(
  name: "SpikingDFA",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "sdfa", targets: ["sdfa"]),
    .library(name: "Pipeline", targets: ["Pipeline"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
  ],
  targets: [
    // System libraries (Debian: libopenblas-dev, libhdf5-dev, libopenmpi-dev).
    .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
    // C kernels and shims.
    .target(name: "_CKernels", cSettings: numericC),
    .target(name: "_CHDF5Shim", dependencies: ["CHDF5"]),

    // Layers, bottom up (DESIGN.md).
    .target(name: "Tensor", dependencies: ["CBLAS", "_CKernels"], swiftSettings: numericSwift),
    .target(
      name: "Events",
      dependencies: ["Tensor", "CHDF5", "_CHDF5Shim", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
      swiftSettings: numericSwift),
    .target(name: "SNN", dependencies: ["Tensor"], swiftSettings: numericSwift),
    // Data-parallel training's communication: Open MPI behind a small wrapper.
    .target(name: "MPI", dependencies: ["CMPI"]),
    .executableTarget(
      name: "snnbench", dependencies: ["SNN", "Tensor"], path: "Benchmarks/snnbench", exclude: ["RESULTS.md"],
      swiftSettings: numericSwift),
    .target(name: "Hardware", dependencies: ["Tensor"], swiftSettings: numericSwift),
    .target(name: "Report"),
    .target(
      name: "Pipeline",
      dependencies: [
        .product(name: "Yams", package: "Yams"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    .target(
      name: "Stages",
      dependencies: ["Pipeline", "Events", "SNN", "Hardware", "Report", "Tensor", "MPI"],
      swiftSettings: numericSwift),
    .target(
      name: "CLI",
      dependencies: ["Pipeline", "Report", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    .executableTarget(name: "sdfa", dependencies: ["CLI", "Stages", "Report", "Events", "Pipeline"]),
    // The CLI with toy stage kinds that only hash their inputs: the pipeline benchmark and the
    // crash-safety and concurrency tests drive it.
    .target(name: "ToyStages", dependencies: ["Pipeline"], path: "Benchmarks/ToyStages"),
    .executableTarget(name: "sdfa-toy", dependencies: ["CLI", "ToyStages"], path: "Benchmarks/sdfa-toy"),

    // Tests mirror targets; TestSupport holds shared helpers. Each test target's line stands
    // alone (blank lines between) so that work on separate targets merges cleanly.
    .target(name: "TestSupport", path: "Tests/TestSupport"),

    .testTarget(
      name: "PipelineTests", dependencies: ["Pipeline", "ToyStages", "TestSupport", "sdfa-toy"],
      exclude: ["Specs"]),

    .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"], swiftSettings: numericSwift),

    .testTarget(name: "EventsTests", dependencies: ["Events", "Tensor", "TestSupport"], exclude: ["Fixtures"], swiftSettings: numericSwift),

    .executableTarget(name: "EventsBench", dependencies: ["Events"], path: "Benchmarks/EventsBench", exclude: ["peer_numpy.py"], swiftSettings: numericSwift),

    .testTarget(name: "SNNTests", dependencies: ["SNN", "Events", "TestSupport"], exclude: ["Fixtures"], swiftSettings: numericSwift),

    .executableTarget(name: "mpi-probe", dependencies: ["MPI"], path: "Tests/mpi-probe"),
    .testTarget(name: "MPITests", dependencies: ["MPI", "mpi-probe", "TestSupport"]),

    .testTarget(name: "HardwareTests", dependencies: ["Hardware", "TestSupport"]),

    .testTarget(name: "ReportTests", dependencies: ["Report", "TestSupport"]),

    .testTarget(
      name: "StagesTests", dependencies: ["Stages", "Pipeline", "TestSupport"], exclude: ["Fixtures"],
      swiftSettings: numericSwift),

    // `sdfa data …` lives in the executable: these tests run the built `sdfa`.
    .testTarget(name: "SDFACommandTests", dependencies: ["sdfa", "Stages", "Pipeline", "Events", "SNN", "TestSupport"]),
  ]
)
