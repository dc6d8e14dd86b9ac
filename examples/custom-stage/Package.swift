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
        .package(name: "hss-export", path: "../..")
    ],
    targets: [
        // The stage sees only the stage API: no loader, no HTTP, no command line.
        .target(
            name: "MarkdownReportStage",
            dependencies: [.product(name: "ExportStageKit", package: "hss-export")]
        ),
        // The whole hss-export command line, with markdown-report registered.
        .executableTarget(
            name: "my-hss-export",
            dependencies: [
                "MarkdownReportStage",
                .product(name: "HSSExportCommand", package: "hss-export"),
                // For StageRegistry.registering(_:), which main.swift calls.
                .product(name: "ExportStageKit", package: "hss-export"),
            ]
        ),
        // StageHarness builds the stage through the real loader, so the tests
        // need nothing else (and no swift-log: ExportStageKit re-exports it).
        .testTarget(
            name: "MarkdownReportStageTests",
            dependencies: [
                "MarkdownReportStage",
                .product(name: "ExportStageKit", package: "hss-export"),
                .product(name: "ExportStageTesting", package: "hss-export"),
            ]
        ),
    ]
)

// The upcoming features hss-export itself builds with: a future language mode
// turns them on, and they make every file say which modules it uses.
for target in package.targets {
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
