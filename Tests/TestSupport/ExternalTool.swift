public import Foundation

/// Locates command-line tools the tests check outputs with (promtool,
/// node_exporter, gzip, python3 with the HSS SDK).
///
/// Outside CI a missing tool skips the test (`.enabled(if:)`); in CI
/// (`CI=true`) the test runs anyway and fails on the missing tool, so a
/// broken CI image cannot turn a check into a silent skip.
public enum ExternalTool {
    /// Whether we run in CI (`CI=true`).
    public static var isCI: Bool {
        ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true"
    }

    /// The absolute path of `name` on `PATH` (or in `extraDirectories`), or `nil`.
    public static func path(of name: String, extraDirectories: [String] = []) -> String? {
        if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let pathDirectories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in pathDirectories + extraDirectories + ["/usr/bin", "/usr/sbin", "/usr/local/bin"] {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// True when the test should run: the tool exists, or we are in CI
    /// (where its absence must fail the test).
    public static func shouldRun(_ name: String, extraDirectories: [String] = []) -> Bool {
        isCI || path(of: name, extraDirectories: extraDirectories) != nil
    }

    /// The tool's path, or an error naming the Debian package to install.
    public static func require(_ name: String, package: String, extraDirectories: [String] = []) throws -> String {
        guard let path = path(of: name, extraDirectories: extraDirectories) else {
            throw MissingToolError(tool: name, package: package)
        }
        return path
    }
}

/// A tool a test needs is not installed.
public struct MissingToolError: Error, CustomStringConvertible {
    /// The command.
    public var tool: String
    /// Where it comes from.
    public var package: String
    public var description: String { "\(tool) is not installed; install \(package) (`.ci/run` does)" }
}
