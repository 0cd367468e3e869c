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
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
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
        // Twilio: Media Streams messages, REST client, TwiML, stream tokens.
        .target(
            name: "Twilio",
            dependencies: [
                "MediaCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // OpenAI Realtime (GA): typed client and server events, session configuration.
        .target(
            name: "Realtime",
            dependencies: [
                "MediaCore",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP/WebSocket gateway: configuration, routes, outbound calls, call status.
        .target(
            name: "Gateway",
            dependencies: [
                "Twilio", "MediaCore", "Realtime", "Storage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // Call records and campaigns: one protocol, SQLite by default, PostgreSQL across instances.
        .target(
            name: "Storage",
            dependencies: [
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Stand-ins for Twilio, OpenAI Realtime and the callee that tests, the demo and the load test run against.
        .target(
            name: "Simulators",
            dependencies: [
                "Twilio", "Realtime", "MediaCore",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // Whole calls on loopback (gateway + simulators): the demo, the load test and end-to-end tests.
        .target(
            name: "Scenario",
            dependencies: [
                "Gateway", "Simulators", "Realtime", "Storage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "anpi-call",
            dependencies: [
                "MediaCore", "Twilio", "Realtime", "Gateway", "Simulators", "Scenario",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MediaCoreTests",
            dependencies: ["MediaCore", "CAnpiMedia"],
            exclude: ["Resources"],
        ),
        .testTarget(
            name: "TwilioTests",
            dependencies: ["Twilio"],
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "Scenario", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "RealtimeTests",
            dependencies: ["Realtime"]
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Twilio", "Simulators", "Realtime", "MediaCore", "Scenario",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
        ),
        .testTarget(
            name: "SimulatorsTests",
            dependencies: [
                "Simulators", "Twilio", "Realtime", "MediaCore",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
        ),
        .testTarget(
            name: "ScenarioTests",
            dependencies: ["Scenario", "Gateway", "Simulators", "Realtime", "Twilio", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "AnpiCallTests",
            dependencies: ["anpi-call", "MediaCore", "Simulators", "Scenario", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")],
        ),
    ],
    cLanguageStandard: .c11
)
