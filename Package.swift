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
        .library(name: "HJ212", targets: ["HJ212"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // OpenSSL's EVP API, used for SM4-ECB (HJ 212-2025 data-area encryption).
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
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
        // Output formatting shared by the CLI commands: JSON, CSV and tables, ISO times with offsets.
        .target(
            name: "Reports",
            dependencies: ["HJ212"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "HJ212Command",
            dependencies: [
                "HJ212",
                "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
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
        .testTarget(
            name: "HJ212Tests",
            dependencies: ["HJ212", "Reports"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
