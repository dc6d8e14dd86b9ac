import Foundation
import TestSupport

/// Python's `http.server` serving a directory on loopback: a real HTTP server that is not
/// HSS, for the responses the simulator never gives (redirects, HTML, non-JSON 200s).
final class StaticFileServer: Sendable {
    /// The base URL, `http://127.0.0.1:PORT`.
    let url: String
    private let process: Process

    private init(process: Process, port: Int) {
        self.process = process
        self.url = "http://127.0.0.1:\(port)"
    }

    static let program = """
        import functools, http.server, sys
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """

    /// Starts serving `directory` and waits until the server listens.
    static func start(directory: String) async throws -> StaticFileServer {
        let python = try ExternalTool.require("python3", package: "python3")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-u", "-c", program, directory]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Reading the port blocks, so it happens off the cooperative pool.
        let line: String = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                while let chunk = try? output.fileHandleForReading.read(upToCount: 1), let byte = chunk.first, byte != 0x0A {
                    bytes.append(byte)
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
        guard let port = Int(line.trimmingCharacters(in: .whitespaces)) else {
            process.terminate()
            throw ServerStartError(output: line)
        }
        return StaticFileServer(process: process, port: port)
    }

    /// Stops the server process.
    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    struct ServerStartError: Error, CustomStringConvertible {
        var output: String
        var description: String { "python3 http.server did not report its port (got '\(output)')" }
    }
}
