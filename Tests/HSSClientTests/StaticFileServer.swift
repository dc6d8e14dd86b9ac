import Foundation
import TestSupport

/// Python's `http.server` serving a directory on loopback: a real HTTP server that is not
/// HSS, for the responses the simulator never gives (redirects, HTML, non-JSON 200s). It
/// also records every request line and header it receives, which the simulator does not
/// expose.
final class StaticFileServer: Sendable {
    /// The base URL, `http://127.0.0.1:PORT` (`https://` with TLS).
    let url: String
    /// Where the received requests are recorded, one JSON object per line.
    let requestLog: String
    private let process: RunningProcess

    /// The port; 0 when the server did not report one.
    let port: Int

    private init(process: RunningProcess, port: Int, requestLog: String, tls: Bool) {
        self.process = process
        self.requestLog = requestLog
        self.port = port
        self.url = (tls ? "https" : "http") + "://127.0.0.1:\(port)"
    }

    /// Serves until stdin closes. A child started from a test inherits a signal mask that
    /// blocks SIGTERM, so `terminate()` cannot be relied on to stop it.
    static let program = """
        import functools, http.server, json, os, sys, threading
        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self):
                with open(sys.argv[2], "a") as log:
                    log.write(json.dumps({"request_line": self.requestline, "headers": list(self.headers.items())}) + "\\n")
                super().do_GET()
        handler = functools.partial(Handler, directory=sys.argv[1])
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        if len(sys.argv) > 3:
            import ssl
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[3], sys.argv[4])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(server.server_address[1], flush=True)
        sys.stdin.read()
        os._exit(0)
        """

    /// Starts serving `directory` and waits until the server listens; requests are recorded
    /// in `requestLog`. With `tls` (certificate chain and key files) it serves HTTPS.
    static func start(directory: String, requestLog: String, tls: (certificate: String, key: String)? = nil) async throws -> StaticFileServer {
        let python = try ExternalTool.require("python3", package: "python3")
        let process = try ProcessRunner.start(python, ["-u", "-c", program, directory, requestLog] + (tls.map { [$0.certificate, $0.key] } ?? []))
        let line = (try? await process.firstLine()) ?? process.standardError
        let server = StaticFileServer(
            process: process, port: Int(line.trimmingCharacters(in: .whitespaces)) ?? 0, requestLog: requestLog, tls: tls != nil)
        guard server.port != 0 else {
            server.stop()
            throw ServerStartError(output: line)
        }
        return server
    }

    /// The requests received so far: request line and headers in arrival order.
    func requests() throws -> [(requestLine: String, headers: [(name: String, value: String)])] {
        guard let text = try? String(contentsOfFile: requestLog, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let headers = (object["headers"] as? [[String]] ?? []).map { (name: $0[0], value: $0[1]) }
            return (object["request_line"] as? String ?? "", headers)
        }
    }

    /// Stops the server process: closing its stdin ends it; SIGKILL if it is
    /// still there after five seconds.
    func stop() {
        process.closeInput()
        process.terminate(grace: .seconds(5))
    }

    struct ServerStartError: Error, CustomStringConvertible {
        var output: String
        var description: String { "python3 http.server did not report its port (got '\(output)')" }
    }
}
