// swift-tools-version:6.1
// A custom hss-export binary with one more stage: a Markdown run report.
// It depends on hss-export by path, so it always builds against this checkout;
// outside the repository, use `.package(url: ..., from: ...)` instead.
import PackageDescription

let package = Package(
    name: "custom-stage",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "my-hss-export", targets: ["my-hss-export"]),
        .library(name: "MarkdownReportStage", targets: ["MarkdownReportStage"]),
    ],
    dependencies: [
        .package(name: "hss-export", path: "../.."),
        // Only for the tests, which build a RunContext (it takes a Logger).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The stage needs nothing but the core's public API.
        .target(
            name: "MarkdownReportStage",
            dependencies: [.product(name: "ExportPipeline", package: "hss-export")]
        ),
        // The whole hss-export command line, with markdown-report registered.
        .executableTarget(
            name: "my-hss-export",
            dependencies: [
                "MarkdownReportStage",
                .product(name: "HSSExportCommand", package: "hss-export"),
            ]
        ),
        .testTarget(
            name: "MarkdownReportStageTests",
            dependencies: [
                "MarkdownReportStage",
                .product(name: "ExportPipeline", package: "hss-export"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
