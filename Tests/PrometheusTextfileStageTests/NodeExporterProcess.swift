import Foundation
import TestSupport

/// A real node_exporter serving only its textfile collector, on a free
/// loopback port. Always ``stop()`` it (in a `defer`).
final class NodeExporterProcess {
    let port: UInt16
    private let process: Process

    /// Starts `executable` reading `directory`, and waits until `/metrics`
    /// answers; retries on another port if the chosen one was taken meanwhile.
    init(executable: String, textfileDirectory directory: String, timeout: TimeInterval = 20) throws {
        var lastFailure = "never started"
        for _ in 0..<3 {
            let port = try LoopbackHTTP.freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = [
                "--collector.disable-defaults",
                "--collector.textfile",
                "--collector.textfile.directory=\(directory)",
                "--web.listen-address=127.0.0.1:\(port)",
            ]
            // Its log is not needed, and an undrained pipe could block it.
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline {
                if let response = try? LoopbackHTTP.get(port: port, path: "/metrics", timeoutSeconds: 2), response.status == 200 {
                    self.port = port
                    self.process = process
                    return
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            lastFailure = process.isRunning ? "did not answer on port \(port) within \(timeout) s" : "exited with status \(process.terminationStatus) (port \(port) taken?)"
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
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
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
