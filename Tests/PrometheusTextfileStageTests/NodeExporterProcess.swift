import Foundation
import TestSupport

/// A real node_exporter serving only its textfile collector, on a free
/// loopback port. Always ``stop()`` it (in a `defer`).
final class NodeExporterProcess {
    let port: UInt16
    private let process: RunningProcess

    /// Starts `executable` reading `directory`, and waits until `/metrics`
    /// answers; retries on another port if the chosen one was taken meanwhile.
    init(executable: String, textfileDirectory directory: String, timeout: TimeInterval = 20) throws {
        var lastFailure = "never started"
        for _ in 0..<3 {
            let port = try LoopbackHTTP.freePort()
            let process = try ProcessRunner.start(
                executable,
                [
                    "--collector.disable-defaults",
                    "--collector.textfile",
                    "--collector.textfile.directory=\(directory)",
                    "--web.listen-address=127.0.0.1:\(port)",
                ])
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline {
                if let response = try? LoopbackHTTP.get(port: port, path: "/metrics", timeoutSeconds: 2), response.status == 200 {
                    self.port = port
                    self.process = process
                    return
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            lastFailure =
                process.isRunning ? "did not answer on port \(port) within \(timeout) s" : "exited (port \(port) taken?): \(process.standardError)"
            process.terminate()
        }
        throw LoopbackHTTP.Failure(description: "node_exporter \(lastFailure)")
    }

    /// The text of one scrape.
    func scrape() throws -> String {
        let response = try LoopbackHTTP.get(port: port, path: "/metrics")
        guard response.status == 200 else { throw LoopbackHTTP.Failure(description: "GET /metrics: HTTP \(response.status)") }
        return response.body
    }

    func stop() {
        process.terminate()
    }
}
