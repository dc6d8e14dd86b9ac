public import ExportPipeline
public import ExportStageKit
public import Foundation
public import Synchronization

/// An in-process ``TaskStatusSource`` that answers from a script, for tests
/// of the waiter's logic (backoff, budget, deadlines). HTTP behaviour is
/// tested against the real simulator instead.
public final class ScriptedStatusSource: TaskStatusSource {
    /// One scripted answer.
    public enum Answer: Sendable {
        case status(String)
        case failure(FailureDisposition, code: String)
        /// Answer after a delay (to make tasks finish out of order).
        case delayed(Duration, String)
    }

    /// A failure with a chosen disposition.
    public struct ScriptedFailure: TaskStatusFailure {
        public var disposition: FailureDisposition
        public var code: String
        public var recordFailure: ExportResult.Failure { .init(code: code, message: "scripted \(code)", requestID: "req-\(code)") }
        public var description: String { "scripted failure \(code)" }
    }

    private let scripts: [String: [Answer]]
    private let state = Mutex<(calls: [String: Int], times: [WaitClock.Instant])>(([:], []))
    private let clock: WaitClock

    /// `scripts[taskID]` is answered in order; the last answer repeats.
    /// Request times and delays are measured on `clock`.
    public init(_ scripts: [String: [Answer]], clock: WaitClock = .continuous) {
        self.scripts = scripts
        self.clock = clock
    }

    /// How many times each task was asked.
    public var calls: [String: Int] { state.withLock { $0.calls } }

    /// When each request arrived, in order.
    public var requestTimes: [WaitClock.Instant] { state.withLock { $0.times } }

    public func status(of taskID: String) async throws -> TaskStatus {
        let call = state.withLock { state -> Int in
            state.calls[taskID, default: 0] += 1
            state.times.append(clock.now)
            return state.calls[taskID]! - 1
        }
        guard let script = scripts[taskID], !script.isEmpty else {
            throw ScriptedFailure(disposition: .permanent, code: "HSS.1059")
        }
        switch script[min(call, script.count - 1)] {
        case .status(let status):
            return TaskStatus(taskID: taskID, taskName: "name of \(taskID)", taskStatus: status, fileID: "file-\(taskID)", fileName: "\(taskID).zip")
        case .failure(let disposition, let code):
            throw ScriptedFailure(disposition: disposition, code: code)
        case .delayed(let delay, let status):
            try await clock.sleep(for: delay)
            return TaskStatus(taskID: taskID, taskName: "name of \(taskID)", taskStatus: status)
        }
    }
}
