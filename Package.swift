// swift-tools-version:6.1
import PackageDescription

// MARK: - Products

let package = Package(
    name: "hss-export",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hss-export", targets: ["hss-export"]),
        .plugin(name: "ValidatePipelines", targets: ["ValidatePipelines"]),
        // What a stage author needs, and nothing more.
        .library(name: "ExportStageKit", targets: ["ExportStageKit"]),
        .library(name: "ExportStageTesting", targets: ["ExportStageTesting"]),
        // The pipeline: loading, waiting, running.
        .library(name: "ExportPipeline", targets: ["ExportPipeline"]),
        .library(name: "ExportArchive", targets: ["ExportArchive"]),
        .library(name: "HSSSigning", targets: ["HSSSigning"]),
        .library(name: "HSSClient", targets: ["HSSClient"]),
        .library(name: "HSSSimulator", targets: ["HSSSimulator"]),
        // The built-in stages, one product each, so a custom binary takes only what it needs.
        .library(name: "JSONLinesStage", targets: ["JSONLinesStage"]),
        .library(name: "CSVStage", targets: ["CSVStage"]),
        .library(name: "PrometheusTextfileStage", targets: ["PrometheusTextfileStage"]),
        .library(name: "GzipManifestStage", targets: ["GzipManifestStage"]),
        .library(name: "ExecStage", targets: ["ExecStage"]),
        // The command line as a library, for binaries with their own stages.
        .library(name: "HSSExportCommand", targets: ["HSSExportCommand"]),
        // Combining a sharded run's outputs, for binaries with their own merge step.
        .library(name: "ShardMerge", targets: ["ShardMerge"]),
    ],
    dependencies: [
        // The command line's parsing, help and completions.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Logging everywhere; InMemoryLogging for the tests that read log lines.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // SHA-256 for digests and HMAC-SHA256 for AK/SK signing.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // Pipeline files and simulator scenarios, with line and column of every node.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The HSS client's HTTP: one connection pool per run, proxies, timeouts.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // The simulator's HTTP server.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Request and response types the simulator's middleware names directly.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // The simulator runs as a service with graceful shutdown.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Byte buffers and the connection errors the client classifies.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        // TLS settings and TLS errors of the client.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // The exec stage's child process: process groups, teardown, closed descriptors.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // FilePath and Errno, which swift-subprocess's API speaks in.
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // Reading downloaded zips' central directories and extracting them; the simulator's zips.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // MARK: - Stage kit: the record, the stage API, output files, encoding

        .target(
            name: "ExportStageKit",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ExportStageTesting",
            dependencies: [
                "ExportStageKit",
                "ExportPipeline",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: - Core: pipeline files, waiting, running

        .target(
            name: "ExportArchive",
            dependencies: [
                "ExportStageKit",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ExportPipeline",
            dependencies: [
                "ExportStageKit",
                "ExportArchive",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // MARK: - HSS: signing, client, simulator

        .target(
            name: "HSSSigning",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto")
            ]
        ),
        .target(
            name: "HSSClient",
            dependencies: [
                "ExportStageKit",
                "ExportPipeline",
                "HSSSigning",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "HSSSimulator",
            dependencies: [
                "ExportStageKit",
                "HSSSigning",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Hummingbird", package: "hummingbird"),
                // The fault modes reach the raw connection (a real reset, a stall).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            // The default scenario is compiled in (SimulatorScenario+Default.swift); the file
            // is its documented copy, not a resource: a bundle would be missing beside an
            // installed binary, and Bundle.module stops the process then.
            exclude: ["Resources"]
        ),

        // MARK: - Built-in stages

        .target(name: "JSONLinesStage", dependencies: ["ExportStageKit"]),
        .target(name: "CSVStage", dependencies: ["ExportStageKit"]),
        .target(name: "PrometheusTextfileStage", dependencies: ["ExportStageKit"]),
        .systemLibrary(
            name: "SystemZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "GzipManifestStage", dependencies: ["ExportStageKit", "SystemZlib"]),
        .target(
            name: "ExecStage",
            dependencies: [
                "ExportStageKit",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),

        // MARK: - Merging a sharded run's outputs

        .target(
            name: "ShardMerge",
            dependencies: ["ExportStageKit", "ExportPipeline", "JSONLinesStage", "CSVStage", "GzipManifestStage"]
        ),

        // MARK: - Command line

        .target(
            name: "HSSExportCommand",
            dependencies: [
                "ExportStageKit",
                "ExportPipeline",
                "ExportArchive",
                "HSSClient",
                "HSSSigning",
                "HSSSimulator",
                "JSONLinesStage",
                "CSVStage",
                "PrometheusTextfileStage",
                "GzipManifestStage",
                "ExecStage",
                "ShardMerge",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "hss-export", dependencies: ["HSSExportCommand"]),
        .plugin(
            name: "ValidatePipelines",
            capability: .command(
                intent: .custom(verb: "validate-pipelines", description: "Check pipeline files with hss-export validate."),
                permissions: []
            ),
            dependencies: ["hss-export"]
        ),

        // MARK: - Tests

        .target(
            name: "TestSupport",
            dependencies: [
                "ExportStageKit",
                "ExportPipeline",
                // StageHarness, for the output-path checks every file stage's suite shares.
                "ExportStageTesting",
                "HSSSimulator",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "ExportStageKitTests",
            dependencies: ["ExportStageKit", "ExportStageTesting", "TestSupport"]
        ),
        .testTarget(
            name: "ExportPipelineTests",
            dependencies: [
                "ExportPipeline", "ExportStageKit", "ExportStageTesting", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ExportArchiveTests",
            dependencies: ["ExportArchive", "ExportStageKit", "TestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .testTarget(name: "HSSSigningTests", dependencies: ["HSSSigning"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "HSSClientTests",
            dependencies: [
                "HSSClient", "HSSSigning", "HSSSimulator", "ExportPipeline", "ExportStageKit", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "HSSSimulatorTests",
            dependencies: [
                "HSSSimulator", "HSSSigning", "ExportStageKit", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(name: "JSONLinesStageTests", dependencies: ["JSONLinesStage", "ExportStageKit", "ExportStageTesting", "TestSupport"]),
        .testTarget(name: "CSVStageTests", dependencies: ["CSVStage", "ExportStageKit", "ExportStageTesting", "TestSupport"]),
        .testTarget(
            name: "PrometheusTextfileStageTests",
            dependencies: ["PrometheusTextfileStage", "ExportStageKit", "ExportStageTesting", "TestSupport"]
        ),
        .testTarget(
            name: "GzipManifestStageTests",
            dependencies: ["GzipManifestStage", "ExportStageKit", "ExportStageTesting", "TestSupport"]
        ),
        .testTarget(
            name: "ExecStageTests",
            dependencies: [
                "ExecStage", "ExportPipeline", "ExportStageKit", "ExportStageTesting", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "HSSExportCommandTests",
            dependencies: [
                "HSSExportCommand", "HSSSimulator", "ExportPipeline", "ExportStageKit", "ExportStageTesting", "ExportArchive", "GzipManifestStage",
                "ShardMerge", "JSONLinesStage", "CSVStage", "TestSupport",
                "hss-export",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

// MARK: - Benchmarks, only on request (as hummingbird does with ENABLE_HB_BENCHMARKS)

if Context.environment["ENABLE_HSS_EXPORT_BENCHMARKS"] != nil {
    package.targets.append(
        .executableTarget(
            name: "StageBenchmarks",
            dependencies: [
                "ExportStageKit", "JSONLinesStage", "CSVStage", "PrometheusTextfileStage", "GzipManifestStage",
            ]
        )
    )
}

// MARK: - Settings for every target

for target in package.targets where target.type != .system && target.type != .plugin {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0335-existential-any.md
        .enableUpcomingFeature("ExistentialAny"),
        // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0444-member-import-visibility.md
        .enableUpcomingFeature("MemberImportVisibility"),
        // https://github.com/swiftlang/swift-evolution/blob/main/proposals/0409-access-level-on-imports.md
        .enableUpcomingFeature("InternalImportsByDefault"),
    ])
    target.swiftSettings = settings
}

// MARK: - The libFuzzer target, only on request (scripts/fuzz.sh sets this and builds with --sanitize=fuzzer)

if Context.environment["ENABLE_HSS_EXPORT_FUZZ"] != nil {
    package.targets.append(
        .executableTarget(
            name: "HSSExportFuzz",
            dependencies: [
                "ExportPipeline", "ExportStageKit", "HSSSimulator", "JSONLinesStage", "CSVStage", "PrometheusTextfileStage", "GzipManifestStage",
                "ExecStage",
            ],
            path: "Fuzz/HSSExportFuzz",
            swiftSettings: [
                // libFuzzer brings main(); the target only defines LLVMFuzzerTestOneInput.
                .unsafeFlags(["-parse-as-library"]),
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        )
    )
}
