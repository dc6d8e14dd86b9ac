import ExecStage
import ExportStageKit
import ExportStageTesting
import Foundation
import TestSupport
import Testing

@Suite("exec stage: failures")
struct ExecStageFailureTests {
    /// Runs a stage with `command` (and `timeout`, as in a pipeline file) over
    /// one record and returns its error.
    func failure(of command: [String], timeout: String? = nil, in directory: TemporaryDirectory) async throws -> ExecStageError? {
        let harness = try StageHarness(ExecStage.self, directory: directory.path)
        do {
            try await harness.run("command: \(quoted(command))" + (timeout.map { "\ntimeout: \($0)" } ?? ""), results: [SampleResults.succeeded()])
            return nil
        } catch let error as ExecStageError {
            return error
        }
    }

    @Test func nonZeroExitFailsWithTheStandardErrorInTheError() async throws {
        try await withTemporaryDirectory { directory in
            let error = try await failure(
                of: ["/bin/sh", "-c", "cat > /dev/null; echo 'starting' >&2; echo 'disk full' >&2; exit 3", "sh"], in: directory)
            #expect(error?.reason == .exited(status: 3))
            #expect(error?.description == "command '/bin/sh' exited with status 3: starting\ndisk full")
        }
    }

    @Test func nonZeroExitWithoutStandardErrorSaysSo() async throws {
        try await withTemporaryDirectory { directory in
            let error = try await failure(of: ["false"], in: directory)
            #expect(error?.description == "command 'false' exited with status 1 and wrote nothing to stderr")
        }
    }

    @Test func onlyTheEndOfALongStandardErrorIsKept() async throws {
        try await withTemporaryDirectory { directory in
            let script = #"i=0; while [ $i -lt 2000 ]; do echo "line $i" >&2; i=$((i+1)); done; exit 1"#
            let error = try #require(try await failure(of: ["/bin/sh", "-c", script, "sh"], in: directory))
            #expect(error.standardError.hasSuffix("line 1998\nline 1999"))
            #expect(!error.standardError.contains("line 0\n"))
            let total = (0..<2000).map { "line \($0)\n".utf8.count }.reduce(0, +)
            #expect(error.standardError.hasPrefix("(\(total - 4096) earlier bytes) … "))
        }
    }

    @Test func commandKilledByASignalFails() async throws {
        try await withTemporaryDirectory { directory in
            let error = try await failure(of: ["/bin/sh", "-c", "echo 'about to crash' >&2; kill -KILL $$", "sh"], in: directory)
            #expect(error?.description == "command '/bin/sh' was killed by signal 9 (SIGKILL): about to crash")
        }
    }

    @Test func timeoutKillsTheCommandAndFails() async throws {
        try await withTemporaryDirectory { directory in
            let clock = ContinuousClock()
            let start = clock.now
            let error = try await failure(of: ["sleep", "300"], timeout: "1s", in: directory)
            // Well short of the 300 s the command wanted, however busy the machine.
            #expect(clock.now - start < .seconds(150))
            #expect(error?.reason == .timedOut(.seconds(1)))
            #expect(error?.description == "command 'sleep' timed out after 1s and was killed; raise the stage's timeout if it needs longer")
        }
    }

    @Test func timeoutKillsACommandThatIgnoresSIGTERMAndWhatItStarted() async throws {
        try await withTemporaryDirectory { directory in
            // The shell and its background sleep ignore SIGTERM, so only the
            // SIGKILL to the whole process group can stop them.
            let script = #"trap '' TERM; echo $$ > "$1"; sleep 300 & echo $! > "$2"; echo 'waiting' >&2; wait"#
            let clock = ContinuousClock()
            let start = clock.now
            let error = try await failure(
                of: ["/bin/sh", "-c", script, "sh", directory.file("shell.pid"), directory.file("sleep.pid")],
                timeout: "1s", in: directory
            )
            #expect(clock.now - start < .seconds(150))
            #expect(
                error?.description == "command '/bin/sh' timed out after 1s and was killed; raise the stage's timeout if it needs longer: waiting")
            for name in ["shell.pid", "sleep.pid"] {
                let pid = try #require(Int32(try directory.read(name).trimmingCharacters(in: .whitespacesAndNewlines)))
                #expect(await ProcessTable.hasEnded(pid), "\(name) \(pid) still runs")
            }
        }
    }

    @Test func timeoutAlsoKillsWhatOutlivesTheCommand() async throws {
        try await withTemporaryDirectory { directory in
            // The shell ends on SIGTERM; the sleep it started ignores it and
            // keeps the pipes open, so only the SIGKILL to the group stops it.
            let script = #"(trap '' TERM; exec sleep 300) & echo $! > "$1"; wait"#
            let clock = ContinuousClock()
            let start = clock.now
            let error = try await failure(of: ["/bin/sh", "-c", script, "sh", directory.file("sleep.pid")], timeout: "1s", in: directory)
            #expect(clock.now - start < .seconds(150))
            #expect(error?.reason == .timedOut(.seconds(1)))
            let pid = try #require(Int32(try directory.read("sleep.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(await ProcessTable.hasEnded(pid), "sleep \(pid) still runs")
        }
    }

    @Test func cancellingTheRunStopsTheCommandAndWhatItStarted() async throws {
        try await withTemporaryDirectory { directory in
            // Both ignore SIGTERM, so only the SIGKILL to the group stops them.
            // The shell says it has started by renaming its pid file into place.
            let script = #"trap '' TERM; sleep 30 & echo $! > "$1"; echo $$ > "$2.new"; mv "$2.new" "$2"; wait"#
            let harness = try StageHarness(ExecStage.self, directory: directory.path)
            let stage = try harness.build(
                """
                command: \(quoted(["/bin/sh", "-c", script, "sh", directory.file("sleep.pid"), directory.file("shell.pid")]))
                timeout: 60s
                """)
            let clock = ContinuousClock()
            let start = clock.now
            let running = Task { try await harness.run(stage, results: [SampleResults.succeeded()]) }
            while !FileManager.default.fileExists(atPath: directory.file("shell.pid")) {
                try #require(clock.now - start < .seconds(30), "the command did not start")
                try await Task.sleep(for: .milliseconds(10))
            }
            running.cancel()
            let result = await running.result
            #expect(clock.now - start < .seconds(30))
            #expect {
                try result.get()
            } throws: { error in
                (error as? ExecStageError)?.reason == .interrupted(killGrace: .seconds(2))
            }
            for name in ["shell.pid", "sleep.pid"] {
                let pid = try #require(Int32(try directory.read(name).trimmingCharacters(in: .whitespacesAndNewlines)))
                #expect(await ProcessTable.hasEnded(pid), "\(name) \(pid) still runs")
            }
        }
    }

    @Test func scriptWithoutInterpreterLineCannotStart() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("echo hello\n", to: "bare.sh")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.file("bare.sh"))
            let error = try await failure(of: ["./bare.sh"], in: directory)
            #expect(
                error?.description
                    == "could not start command './bare.sh' (\(directory.file("bare.sh"))): exec failed: Exec format error; a script needs a '#!' first line naming its interpreter"
            )
        }
    }

    @Test func programRemovedAfterLoadingCannotStart() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("#!/bin/sh\nexit 0\n", to: "gone.sh")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.file("gone.sh"))
            let harness = try StageHarness(ExecStage.self, directory: directory.path)
            let stage = try harness.build("command: [./gone.sh]")
            try FileManager.default.removeItem(atPath: directory.file("gone.sh"))
            await #expect {
                try await harness.run(stage, results: [])
            } throws: { error in
                (error as? ExecStageError)?.description
                    == "could not start command './gone.sh' (\(directory.file("gone.sh"))): exec failed: No such file or directory; check that \(directory.file("gone.sh")) still exists and is executable"
            }
        }
    }
}
