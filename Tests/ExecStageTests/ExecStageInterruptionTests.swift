import ExecStage
import ExportStageKit
import ExportStageTesting
import Foundation
import TestSupport
import Testing

/// The stage when the task running it is cancelled, which is how an
/// interrupted run (SIGINT, SIGTERM, SIGHUP) stops a running command.
@Suite("exec stage: interruption")
struct ExecStageInterruptionTests {
    /// A shell script that writes its process group to `$1` (renamed into
    /// place, so a reader never sees half of it), then runs `body`.
    static func script(_ body: String) -> String {
        #"read -r _ _ _ _ group _ < /proc/$$/stat; echo "$group" > "$1.new"; mv "$1.new" "$1"; "# + body
    }

    /// Runs a stage built from `options` in a task, waits until its command
    /// has written `pgid`, checks the group is registered as live, and
    /// cancels the task. Returns the stage's error, the group, and how long
    /// the stage took from the cancellation.
    func cancelWhileRunning(_ options: String, in directory: TemporaryDirectory) async throws -> (ExecStageError?, Int32, Duration) {
        let harness = try StageHarness(ExecStage.self, directory: directory.path)
        let stage = try harness.build(options)
        let clock = ContinuousClock()
        let start = clock.now
        let running = Task { try await harness.run(stage, results: [SampleResults.succeeded()]) }
        let pgidFile = directory.file("pgid")
        while !FileManager.default.fileExists(atPath: pgidFile) {
            try #require(clock.now - start < .seconds(30), "the command did not start")
            try await Task.sleep(for: .milliseconds(10))
        }
        let group = try #require(Int32(try directory.read("pgid").trimmingCharacters(in: .whitespacesAndNewlines)))
        // Registered once Subprocess hands the started command over, which
        // may be a moment after the command itself has begun.
        while !LiveChildProcesses.current.contains(group) {
            try #require(clock.now - start < .seconds(30), "the running command's group \(group) is not registered for the immediate exit")
            try await Task.sleep(for: .milliseconds(10))
        }
        let cancelledAt = clock.now
        running.cancel()
        let result = await running.result
        let took = clock.now - cancelledAt
        #expect(!LiveChildProcesses.current.contains(group), "a reaped command's group is forgotten")
        do {
            _ = try result.get()
            return (nil, group, took)
        } catch let error as ExecStageError {
            return (error, group, took)
        }
    }

    @Test func aCommandThatObeysSIGTERMIsStoppedWithWhatItStartedWithoutWaitingOutTheGrace() async throws {
        try await withTemporaryDirectory { directory in
            let command = ["/bin/sh", "-c", Self.script("sleep 300 & sleep 300; wait"), "sh", directory.file("pgid")]
            // A grace far longer than the bound below: the stop must see that SIGTERM ended the group.
            let (error, group, took) = try await cancelWhileRunning("command: \(quoted(command))\nkill_grace: 60s", in: directory)
            #expect(error?.reason == .interrupted(killGrace: .seconds(60)))
            #expect(took < .seconds(30), "the stop waited \(took) of the 60s grace although SIGTERM had ended everything")
            #expect(await ProcessTable.groupHasEnded(group), "still running in group \(group): \(ProcessTable.runningMembers(of: group))")
        }
    }

    @Test func aCommandThatIgnoresSIGTERMGetsSIGKILLAfterTheGraceAndSaysSo() async throws {
        try await withTemporaryDirectory { directory in
            // The trap is inherited as ignored by both sleeps: only SIGKILL to the group stops them.
            let script = Self.script(#"echo 'cleaning up' >&2; sleep 300 & sleep 300; wait"#)
            let command = ["/bin/sh", "-c", "trap '' TERM; " + script, "sh", directory.file("pgid")]
            let (error, group, _) = try await cancelWhileRunning("command: \(quoted(command))\nkill_grace: 500ms", in: directory)
            #expect(error?.reason == .interrupted(killGrace: .milliseconds(500)))
            #expect(
                error?.description
                    == "command '/bin/sh' interrupted: the run was stopped, and so was the command (SIGTERM to its process group, then SIGKILL after 500ms to whatever still ran): cleaning up"
            )
            #expect(await ProcessTable.groupHasEnded(group), "still running in group \(group): \(ProcessTable.runningMembers(of: group))")
        }
    }

    @Test func whatOutlivesACommandEndedBySIGTERMGetsSIGKILL() async throws {
        try await withTemporaryDirectory { directory in
            // The shell ends on SIGTERM; the sleep it started ignores it.
            let command = ["/bin/sh", "-c", Self.script("(trap '' TERM; exec sleep 300) & wait"), "sh", directory.file("pgid")]
            let (error, group, _) = try await cancelWhileRunning("command: \(quoted(command))\nkill_grace: 1s", in: directory)
            #expect(error?.reason == .interrupted(killGrace: .seconds(1)))
            #expect(await ProcessTable.groupHasEnded(group), "still running in group \(group): \(ProcessTable.runningMembers(of: group))")
        }
    }

    @Test func withNoGraceTheGroupGetsSIGKILLAtOnce() async throws {
        try await withTemporaryDirectory { directory in
            let command = ["/bin/sh", "-c", "trap '' TERM; " + Self.script("sleep 300 & sleep 300; wait"), "sh", directory.file("pgid")]
            let (error, group, _) = try await cancelWhileRunning("command: \(quoted(command))\nkill_grace: 0s", in: directory)
            #expect(
                error?.description
                    == "command '/bin/sh' interrupted: the run was stopped, and so was the command (SIGTERM to its process group, then SIGKILL at once)"
            )
            #expect(await ProcessTable.groupHasEnded(group), "still running in group \(group): \(ProcessTable.runningMembers(of: group))")
        }
    }

    @Test func aTaskCancelledBeforeTheCommandStartsDoesNotStartIt() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(ExecStage.self, directory: directory.path)
            let stage = try harness.build("command: \(quoted(["/bin/sh", "-c", "touch \"$1\"", "sh", directory.file("started")]))")
            let running = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await harness.run(stage, results: [SampleResults.succeeded()])
            }
            let result = await running.result
            #expect(throws: ExecStageError.self) { try result.get() }
            if case .failure(let error as ExecStageError) = result {
                #expect(error.reason == .interruptedBeforeStart)
                #expect(error.description == "command '/bin/sh' was not started: the run was interrupted before the stage's turn")
            }
            #expect(!FileManager.default.fileExists(atPath: directory.file("started")))
        }
    }
}
