import ExecStage
import ExportStageKit
import ExportStageTesting
import Foundation
import InMemoryLogging
import Logging
import TestSupport
import Testing

@Suite("exec stage: logging")
struct ExecStageLoggingTests {
    /// A logger that records every message into `store`.
    func logger(_ store: InMemoryLogHandler) -> Logger {
        var handler = store
        handler.logLevel = .trace
        return Logger(label: "test") { _ in handler }
    }

    @Test func standardOutputIsLoggedAtInfoAndTruncated() async throws {
        try await withTemporaryDirectory { directory in
            let store = InMemoryLogHandler()
            let script = "cat > /dev/null; head -c 10000 /dev/zero | tr '\\0' x; echo; echo 'almost done' >&2"
            let harness = try StageHarness(ExecStage.self, directory: directory.path)
            try await harness.run("command: \(quoted(["/bin/sh", "-c", script, "sh"]))", results: [SampleResults.succeeded()], logger: logger(store))
            let info = store.messages(at: .info)
            #expect(info.first == "command '/bin/sh' printed: " + String(repeating: "x", count: 4096) + " … (5905 more bytes)")
            #expect(info.last?.hasPrefix("command '/bin/sh' finished after ") == true)
            #expect(store.messages(at: .notice) == ["command '/bin/sh' wrote to stderr: almost done"])
        }
    }

    @Test func unreadInputIsNoted() async throws {
        try await withTemporaryDirectory { directory in
            let store = InMemoryLogHandler()
            let harness = try StageHarness(ExecStage.self, directory: directory.path)
            let results = (0..<2_000).map { SampleResults.succeeded(id: "task-\($0)") }
            try await harness.run("command: [\"true\"]", results: results, logger: logger(store))
            let total =
                results.map { $0.jsonValue.serialized.utf8.count + 1 }.reduce(0, +)
                + (#"{"summary":{"run_id":"run-1","started_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:34.123Z","duration_seconds":3,"tasks":2000,"outcomes":{"succeeded":2000,"failed":0,"timed_out":0,"error":0,"interrupted":0},"interrupted":false}}"#
                    .utf8.count + 1)
            let notices = store.messages(at: .notice)
            #expect(notices.count == 1)
            #expect(notices.first?.hasPrefix("command 'true' read ") == true)
            #expect(notices.first?.hasSuffix(" of \(total) input bytes before closing its standard input") == true)
        }
    }
}

extension InMemoryLogHandler {
    /// Every message logged at `level`, in order.
    func messages(at level: Logger.Level) -> [String] {
        entries.filter { $0.level == level }.map(\.message.description)
    }
}
