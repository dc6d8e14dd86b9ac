import ExportStageKit
import Foundation

/// Paths of the package and its built products, for tests that run the binary.
public enum PackagePaths {
    /// The package root, from this file's location.
    public static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = FilePath.directory(of: path) }
        return path
    }()

    /// The `hss-export` binary built beside the test bundle.
    public static var binary: String {
        let testBundleDirectory = FilePath.directory(of: Bundle.main.executablePath ?? CommandLine.arguments[0])
        let candidates = [
            testBundleDirectory + "/hss-export",
            FilePath.directory(of: testBundleDirectory) + "/hss-export",
            root + "/.build/debug/hss-export",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[2]
    }
}
