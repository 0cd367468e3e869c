// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "anpi-call",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "anpi-call", targets: ["anpi-call"]),
        .library(name: "MediaCore", targets: ["MediaCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // Debian's libspeexdsp-dev and libopus-dev / libopusenc-dev, found with pkg-config.
        .systemLibrary(
            name: "CSpeexDSP", path: "CSources/CSpeexDSP", pkgConfig: "speexdsp",
            providers: [.apt(["libspeexdsp-dev"])]),
        .systemLibrary(
            name: "COpus", path: "CSources/COpus", pkgConfig: "libopusenc",
            providers: [.apt(["libopus-dev", "libopusenc-dev"])]),
        // The C media core: G.711, resampler, jitter buffer, playout framer, Opus.
        .target(
            name: "CAnpiMedia",
            dependencies: ["CSpeexDSP", "COpus"],
            path: "CSources/CAnpiMedia",
            linkerSettings: [.linkedLibrary("opus"), .linkedLibrary("m")]
        ),
        // Safe Swift around the C core; allocation-free per frame.
        .target(
            name: "MediaCore",
            dependencies: ["CAnpiMedia"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "anpi-call",
            dependencies: [
                "MediaCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MediaCoreTests",
            dependencies: ["MediaCore", "CAnpiMedia"],
            exclude: ["Resources"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AnpiCallTests",
            dependencies: ["anpi-call", "MediaCore"],
            swiftSettings: swiftSettings
        ),
    ],
    cLanguageStandard: .c11
)
