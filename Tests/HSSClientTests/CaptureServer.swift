import Foundation
import HSSSigning
import TestSupport
import Testing

/// A raw HTTP/1.1 server on loopback (Python, one thread per connection) that records every
/// request byte for byte and answers from a script: a status and body, a file streamed in
/// chunks, a body shorter than announced, a reset or a close after the request, or no
/// answer at all. What the simulator cannot do, and what a test needs to see on the wire.
final class CaptureServer: Sendable {
    /// One scripted answer; answers are used in request order, the last one repeating.
    struct Answer: Encodable, Sendable {
        var status = 200
        var headers: [[String]] = []
        var body = ""
        /// Stream this file instead of `body`.
        var bodyFile: String?
        /// The `Content-Length` to announce; `nil` announces the real length.
        var declaredLength: Int?
        /// Send no `Content-Length` and end the body by closing the connection.
        var closeDelimited = false
        /// Stop after this many body bytes, then `after`.
        var sendBytes: Int?
        /// What to do instead of (`reset`, `close`, `hang`) or after (with `sendBytes`) the answer.
        var after: String?

        /// Status, headers and a text body.
        static func json(_ status: Int = 200, _ body: String, headers: [[String]] = []) -> Answer {
            Answer(status: status, headers: [["Content-Type", "application/json"]] + headers, body: body)
        }

        /// Read the request, then reset the connection (RST) without answering.
        static let reset = Answer(after: "reset")
        /// Read the request, then close the connection (FIN) without answering.
        static let close = Answer(after: "close")
        /// Read the request and never answer.
        static let hang = Answer(after: "hang")

        enum CodingKeys: String, CodingKey {
            case status, headers, body
            case bodyFile = "body_file"
            case declaredLength = "declared_length"
            case closeDelimited = "close_delimited"
            case sendBytes = "send_bytes"
            case after
        }
    }

    /// One received request.
    struct Request: Sendable {
        var method: String
        /// Path and query, as sent.
        var target: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        var path: String { String(target.prefix { $0 != "?" }) }
        var query: String? { target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) } }

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    static let program = #"""
        import base64, json, socket, struct, sys, threading, time
        answers = json.load(open(sys.argv[1]))
        log_path = sys.argv[2]
        lock = threading.Lock()
        counter = [0]

        def next_answer():
            with lock:
                index = min(counter[0], len(answers) - 1)
                counter[0] += 1
                return answers[index]

        def read_request(conn, buffered):
            while b"\r\n\r\n" not in buffered:
                chunk = conn.recv(65536)
                if not chunk:
                    return None, b""
                buffered += chunk
            head, _, rest = buffered.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = [line.split(":", 1) for line in lines[1:]]
            headers = [[name, value.strip()] for name, value in headers]
            length = int(next((v for n, v in headers if n.lower() == "content-length"), "0"))
            while len(rest) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                rest += chunk
            body, rest = rest[:length], rest[length:]
            with lock:
                with open(log_path, "a") as log:
                    log.write(json.dumps({"method": method, "target": target, "headers": headers,
                                          "body": base64.b64encode(body).decode()}) + "\n")
            return (method, target, headers, body), rest

        def reset(conn):
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()

        def serve(conn):
            buffered = b""
            try:
                while True:
                    request, buffered = read_request(conn, buffered)
                    if request is None:
                        conn.close()
                        return
                    answer = next_answer()
                    after = answer.get("after")
                    if answer.get("send_bytes") is None and after == "reset":
                        reset(conn); return
                    if answer.get("send_bytes") is None and after == "close":
                        conn.close(); return
                    if answer.get("send_bytes") is None and after == "hang":
                        while conn.recv(65536):
                            pass
                        return
                    if answer.get("body_file"):
                        body = open(answer["body_file"], "rb")
                        import os
                        length = os.fstat(body.fileno()).st_size
                    else:
                        data = answer.get("body", "").encode()
                        length = len(data)
                    declared = answer.get("declared_length")
                    head = "HTTP/1.1 %d X\r\n" % answer["status"]
                    for name, value in answer.get("headers", []):
                        head += "%s: %s\r\n" % (name, value)
                    if answer.get("close_delimited"):
                        head += "Connection: close\r\n"
                    else:
                        head += "Content-Length: %d\r\n" % (declared if declared is not None else length)
                    conn.sendall((head + "\r\n").encode())
                    limit = answer.get("send_bytes")
                    sent = 0
                    if answer.get("body_file"):
                        while limit is None or sent < limit:
                            chunk = body.read(65536 if limit is None else min(65536, limit - sent))
                            if not chunk:
                                break
                            conn.sendall(chunk)
                            sent += len(chunk)
                    else:
                        piece = data if limit is None else data[:limit]
                        conn.sendall(piece)
                    if after == "reset":
                        reset(conn); return
                    if after == "close" or answer.get("close_delimited"):
                        conn.close(); return
            except (BrokenPipeError, ConnectionResetError, OSError):
                try:
                    conn.close()
                except OSError:
                    pass

        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        def accept():
            while True:
                conn, _ = server.accept()
                threading.Thread(target=serve, args=(conn,), daemon=True).start()
        threading.Thread(target=accept, daemon=True).start()
        print(server.getsockname()[1], flush=True)
        sys.stdin.read()
        import os
        os._exit(0)
        """#

    let url: String
    let port: Int
    private let process: RunningProcess
    private let requestLog: String

    private init(process: RunningProcess, port: Int, requestLog: String) {
        self.process = process
        self.port = port
        self.requestLog = requestLog
        self.url = "http://127.0.0.1:\(port)"
    }

    /// Runs `body` with a server answering `answers` from files in `directory`.
    static func with<T>(
        _ answers: [Answer], in directory: TemporaryDirectory, _ body: (CaptureServer) async throws -> T
    ) async throws -> T {
        let plan = directory.file("answers-\(UUID().uuidString).json")
        try JSONEncoder().encode(answers).write(to: URL(fileURLWithPath: plan))
        let log = directory.file("requests-\(UUID().uuidString).jsonl")
        let python = try ExternalTool.require("python3", package: "python3")
        let process = try ProcessRunner.start(python, ["-u", "-c", program, plan, log])
        let line = (try? await process.firstLine()) ?? process.standardError
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.closeInput()
            process.terminate(grace: .seconds(5))
            throw StartError(output: line + process.standardError)
        }
        let server = CaptureServer(process: process, port: port, requestLog: log)
        defer {
            process.closeInput()
            process.terminate(grace: .seconds(5))
        }
        return try await body(server)
    }

    /// The requests received so far, in order.
    func requests() throws -> [Request] {
        guard let text = try? String(contentsOfFile: requestLog, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let headers = (object["headers"] as? [[String]] ?? []).map { (name: $0[0], value: $0[1]) }
            let body = Data(base64Encoded: object["body"] as? String ?? "").map { Array($0) } ?? []
            return Request(
                method: object["method"] as? String ?? "", target: object["target"] as? String ?? "", headers: headers, body: body)
        }
    }

    /// Whether `request` carries a valid SDK-HMAC-SHA256 signature by `credentials`.
    static func verify(_ request: Request, accessKey: String, secretKey: String) -> VerificationResult {
        SignatureVerifier(secretKeys: [accessKey: secretKey]).verify(
            method: request.method, rawPath: request.path, rawQuery: request.query, host: request.header("Host") ?? "",
            headers: request.headers, body: request.body)
    }

    struct StartError: Error, CustomStringConvertible {
        var output: String
        var description: String { "the capture server did not start: \(output)" }
    }
}
