import Foundation
import TestSupport
import Testing

/// The real `gzip` (and friends) that check what the writer produces.
enum GzipTool {
    /// `gzip`, or an error naming its package.
    static func gzip() throws -> String {
        try ExternalTool.require("gzip", package: "gzip")
    }

    /// Runs `gzip -t` on `path` and expects it to accept the file silently.
    static func expectIntact(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let output = try await ProcessRunner.run(try gzip(), ["-t", path])
        #expect(output.status == 0, "gzip -t \(path): \(output.standardError)", sourceLocation: sourceLocation)
        #expect(output.standardError == "", sourceLocation: sourceLocation)
    }

    /// The decompressed content of `path` as text, via `gzip -dc`.
    static func decompressedText(_ path: String) async throws -> String {
        let output = try await ProcessRunner.run(try gzip(), ["-dc", path])
        guard output.status == 0 else { throw ToolFailure(command: "gzip -dc \(path)", output: output) }
        return output.standardOutput
    }

    /// The SHA-256 of `path` according to coreutils' `sha256sum`.
    static func sha256sum(_ path: String) async throws -> String {
        let tool = try ExternalTool.require("sha256sum", package: "coreutils")
        let output = try await ProcessRunner.run(tool, [path])
        guard output.status == 0, let digest = output.standardOutput.split(separator: " ").first else {
            throw ToolFailure(command: "sha256sum \(path)", output: output)
        }
        return String(digest)
    }

    /// The raw bytes of `path`.
    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// A checking tool exited non-zero.
struct ToolFailure: Error, CustomStringConvertible {
    var command: String
    var output: ProcessOutput
    var description: String { "\(command) exited \(output.status): \(output.standardError)" }
}
