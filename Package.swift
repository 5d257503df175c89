// swift-tools-version:6.0
//
// hj212-gateway: receives, checks, stores and publishes HJ 212 online-monitoring data.
// Modules follow the data flow: HJ212 (protocol) -> Gateway (ingest) -> Store -> Compliance -> Disclosure.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "hj212-gateway",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hj212", targets: ["HJ212Command"]),
        .executable(name: "decode-benchmark", targets: ["DecodeBenchmark"]),
        .executable(name: "gateway-benchmark", targets: ["GatewayBenchmark"]),
        .executable(name: "disclosure-benchmark", targets: ["DisclosureBenchmark"]),
        .library(name: "HJ212", targets: ["HJ212"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // OpenSSL's EVP API, used for SM4-ECB (HJ 212-2025 data-area encryption).
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // zlib, for the disclosure site's gzip-precompressed copies.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // glibc's malloc_trim, for giving memory back after a burst of uploads.
        .systemLibrary(name: "CMalloc"),
        // The calling thread's kernel id, for raising the priority of the thread that commits.
        .systemLibrary(name: "CThread"),
        // The protocol editions' code tables (protocols/*.tsv), shipped as package resources.
        .target(
            name: "HJ212Tables",
            path: "protocols",
            exclude: ["README.md"],
            sources: ["HJ212Tables.swift"],
            resources: [
                .copy("pollutants.tsv"),
                .copy("codes-2005.tsv"),
                .copy("commands.tsv"),
                .copy("flags.tsv"),
                .copy("suffixes.tsv"),
                .copy("system-types.tsv"),
            ],
            swiftSettings: swiftSettings
        ),
        // Pure protocol core: framing, CRC, packets, CP grammar, SM4 codec, encoders. No I/O.
        .target(
            name: "HJ212",
            dependencies: ["COpenSSL", "HJ212Tables"],
            swiftSettings: swiftSettings
        ),
        // The gateway's YAML configuration: registry, limits, storage, validated with line numbers.
        // (Named GatewayConfig: swift-configuration, which Hummingbird uses, owns "Configuration".)
        .target(
            name: "GatewayConfig",
            dependencies: [
                "HJ212",
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Sources/Configuration",
            swiftSettings: swiftSettings
        ),
        // Durable storage of readings, rejects and device state behind one async protocol.
        .target(
            name: "Store",
            dependencies: [
                "HJ212",
                "LocalTime",
                "CThread",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Device times (Beijing local, no zone) to instants and back, in the configured zone.
        .target(
            name: "LocalTime",
            dependencies: ["HJ212"],
            swiftSettings: swiftSettings
        ),
        // The TCP ingest: framing on NIO, admission, group commit, acknowledgements after commit.
        .target(
            name: "Gateway",
            dependencies: [
                "CMalloc", "HJ212", "Store", "LocalTime",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The http listener: /metrics, /health, and (issue 6) the public disclosure site. Read-only.
        .target(
            name: "PublicHTTP",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Output formatting shared by the CLI commands: JSON, CSV and tables, ISO times with offsets.
        .target(
            name: "Reports",
            dependencies: ["HJ212", "LocalTime"],
            swiftSettings: swiftSettings
        ),
        // Simulated fleets of data loggers (scenarios, plant models, faults) for tests and the demo.
        // Pure models and protocol behaviour; network code in Sources/Simulation/Network.
        .target(
            name: "Simulation",
            dependencies: [
                "HJ212", "GatewayConfig",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // Emission limits (shipped profiles + per-outlet overrides), valid hourly and daily means,
        // O2 conversion, exceedance events and warnings, evaluated incrementally from the store.
        .target(
            name: "Compliance",
            dependencies: [
                "HJ212", "Store", "GatewayConfig", "LocalTime", "Reports",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Profiles/limit-profiles.yaml")],
            swiftSettings: swiftSettings
        ),
        // The public disclosure channel: daily summaries, the static site (HTML, JSON, CSV, Atom,
        // gzip copies), atomic publication and its schedule.
        .target(
            name: "Disclosure",
            dependencies: [
                "CZlib", "Compliance", "Store", "GatewayConfig", "HJ212", "LocalTime", "Reports",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "HJ212Command",
            dependencies: [
                "HJ212", "Reports", "LocalTime", "GatewayConfig", "Store", "Gateway", "PublicHTTP", "Simulation", "LoadGenerator",
                "Compliance", "Disclosure",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings,
            // jemalloc replaces glibc's malloc in the hj212 process: every frame's readings are
            // allocated on an event loop and freed after the commit on another thread, which
            // glibc serves slowly (about a fifth of the gateway's CPU at full load).
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
        // libFuzzer entry point for the frame scanner and the CP parser; see README "Fuzzing".
        .executableTarget(
            name: "HJ212Fuzz",
            dependencies: ["HJ212"],
            swiftSettings: swiftSettings
        ),
        // Benchmarks print figures; run them in release builds (README, "Benchmarks").
        .executableTarget(
            name: "DecodeBenchmark",
            dependencies: ["HJ212"],
            path: "Benchmarks/DecodeBenchmark",
            swiftSettings: swiftSettings
        ),
        // Load generator (simulated data loggers over TCP, ack latency in an HdrHistogram) and the
        // minimal 9014 server that measures the wire limit.
        .target(
            name: "LoadGenerator",
            dependencies: [
                "HJ212",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Storage limit, wire limit and the gateway under load, against the design's targets.
        .executableTarget(
            name: "GatewayBenchmark",
            dependencies: [
                "LoadGenerator", "Store", "HJ212",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/GatewayBenchmark",
            swiftSettings: swiftSettings
        ),
        // Judging and publishing one day for a province (design: 10 000 outlets in under 10 s).
        .executableTarget(
            name: "DisclosureBenchmark",
            dependencies: [
                "Disclosure", "Compliance", "Store", "Simulation", "GatewayConfig", "HJ212", "LocalTime",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/DisclosureBenchmark",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HJ212Tests",
            dependencies: ["HJ212", "Reports"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayConfigTests",
            dependencies: ["GatewayConfig"],
            path: "Tests/ConfigurationTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "CThread", .product(name: "MetricsTestKit", package: "swift-metrics")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Store", "HJ212", "LocalTime", "HJ212Command",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PublicHTTPTests",
            dependencies: [
                "PublicHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["HJ212Command", "HJ212", "Store"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ComplianceTests",
            dependencies: ["Compliance", "Store", "HJ212", "GatewayConfig", "LocalTime", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DisclosureTests",
            dependencies: ["Disclosure", "Compliance", "Store", "GatewayConfig", "HJ212", "LocalTime", "Simulation"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LoadGeneratorTests",
            dependencies: ["LoadGenerator", "HJ212"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SimulationTests",
            dependencies: [
                "Simulation", "Gateway", "Store", "HJ212", "GatewayConfig", "LocalTime",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
