// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "hss-export",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hss-export", targets: ["hss-export"]),
        .plugin(name: "ValidatePipelines", targets: ["ValidatePipelines"]),
        .library(name: "ExportPipeline", targets: ["ExportPipeline"]),
        .library(name: "HSSSigning", targets: ["HSSSigning"]),
        .library(name: "HSSClient", targets: ["HSSClient"]),
        .library(name: "HSSSimulator", targets: ["HSSSimulator"]),
        .library(name: "JSONLinesStage", targets: ["JSONLinesStage"]),
        .library(name: "CSVStage", targets: ["CSVStage"]),
        .library(name: "PrometheusTextfileStage", targets: ["PrometheusTextfileStage"]),
        .library(name: "GzipManifestStage", targets: ["GzipManifestStage"]),
        .library(name: "ExecStage", targets: ["ExecStage"]),
        .library(name: "HSSExportCommand", targets: ["HSSExportCommand"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .target(
            name: "ExportPipeline",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HSSSigning",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HSSClient",
            dependencies: [
                "ExportPipeline",
                "HSSSigning",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HSSSimulator",
            dependencies: [
                "HSSSigning",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JSONLinesStage",
            dependencies: ["ExportPipeline"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CSVStage",
            dependencies: ["ExportPipeline"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PrometheusTextfileStage",
            dependencies: ["ExportPipeline"],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "GzipManifestStage",
            dependencies: ["ExportPipeline", "CZlib"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ExecStage",
            dependencies: ["ExportPipeline"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HSSExportCommand",
            dependencies: [
                "ExportPipeline",
                "HSSClient",
                "HSSSigning",
                "HSSSimulator",
                "JSONLinesStage",
                "CSVStage",
                "PrometheusTextfileStage",
                "GzipManifestStage",
                "ExecStage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "hss-export",
            dependencies: ["HSSExportCommand"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "StageBenchmarks",
            dependencies: [
                "ExportPipeline", "JSONLinesStage", "CSVStage", "PrometheusTextfileStage", "GzipManifestStage",
            ],
            swiftSettings: swiftSettings
        ),
        .plugin(
            name: "ValidatePipelines",
            capability: .command(
                intent: .custom(verb: "validate-pipelines", description: "Check pipeline files with hss-export validate."),
                permissions: []
            ),
            dependencies: ["hss-export"]
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "ExportPipeline",
                "HSSSimulator",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ExportPipelineTests", dependencies: ["ExportPipeline", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "HSSSigningTests", dependencies: ["HSSSigning"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "HSSClientTests", dependencies: ["HSSClient", "HSSSimulator", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "HSSSimulatorTests", dependencies: ["HSSSimulator", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "JSONLinesStageTests", dependencies: ["JSONLinesStage", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CSVStageTests", dependencies: ["CSVStage", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PrometheusTextfileStageTests", dependencies: ["PrometheusTextfileStage", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "GzipManifestStageTests", dependencies: ["GzipManifestStage", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ExecStageTests", dependencies: ["ExecStage", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "HSSExportCommandTests", dependencies: ["HSSExportCommand", "HSSSimulator", "TestSupport", "hss-export"], swiftSettings: swiftSettings),
    ]
)
