import ExportPipeline
import ExportStageKit
import Foundation
import HSSSimulator
import TestSupport
import Testing

/// Signals as cron, systemd, GNU `timeout` and terminals send them, to the built binary.
@Suite(.serialized) struct BinarySignalTests {
    /// The outputs besides `results.jsonl`, one of each file-writing stage.
    static let otherOutputs = """
          - type: csv
            path: results.csv
          - type: prometheus-textfile
            path: hss_export.prom
          - type: gzip-manifest
            path: manifest.json.gz
        """
    static let outputNames = ["results.jsonl", "results.csv", "hss_export.prom", "manifest.json.gz"]

    /// `pipeline` with an `exec` stage running `sleep seconds` before every
    /// other stage, so committing takes that long.
    static func withSlowFirstStage(_ pipeline: String, seconds: Int) -> String {
        pipeline.replacingOccurrences(
            of: "stages:\n  - type: jsonl", with: "stages:\n  - type: exec\n    command: [sleep, \"\(seconds)\"]\n  - type: jsonl")
    }

    @Test func underGNUTimeoutEveryTryWritesEveryOutputAndExits124() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                try directory.write(
                    BinaryHarness.pipeline(url: url, tasks: ["ok-2", "forever"], output: "results.jsonl", extra: Self.otherOutputs), to: "p.yaml")
                // 20 tries, five at a time, each in its own directory.
                var passed = 0
                for batch in 0..<4 {
                    passed += try await withThrowingTaskGroup(of: Int.self) { group in
                        for attempt in (batch * 5 + 1)...(batch * 5 + 5) {
                            let run = directory.file("try-\(attempt)")
                            try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
                            try FileManager.default.copyItem(atPath: directory.file("p.yaml"), toPath: run + "/p.yaml")
                            group.addTask { try await Self.tryUnderTimeout(attempt: attempt, in: run) ? 1 : 0 }
                        }
                        return try await group.reduce(0, +)
                    }
                }
                #expect(passed == 20)
            }
        }
    }

    /// One try: `timeout 5 hss-export run` in `run` (as the issue has it: long enough for a loaded machine to get the first answer); whether every check held.
    static func tryUnderTimeout(attempt: Int, in run: String) async throws -> Bool {
        let directory = TemporaryDirectory(existing: run)
        // timeout signals the run and then its whole process group: two SIGTERMs at once.
        let output = try await ProcessRunner.run(
            "/usr/bin/timeout", ["5", PackagePaths.binary, "run", directory.file("p.yaml")],
            environment: BinaryHarness.tokenEnvironment, timeout: .seconds(30))
        let context = "try \(attempt): exit \(output.status), stderr: \(output.standardError)"
        let written = Self.outputNames.filter { FileManager.default.fileExists(atPath: directory.file($0)) }
        #expect(written == Self.outputNames, "\(context)")
        #expect(output.status == 124, "\(context)")
        guard written == Self.outputNames, output.status == 124 else { return false }
        let records = try BinaryHarness.jsonLines(try directory.read("results.jsonl"))
        #expect(records.map { $0["task_id"] as? String } == ["ok-2", "forever"], "\(context)")
        #expect(records.map { $0["outcome"] as? String } == ["succeeded", "interrupted"], "\(context)")
        #expect(try directory.read("results.csv").split(whereSeparator: \.isNewline).count == 3, "\(context)")
        #expect(try directory.read("hss_export.prom").contains("interrupted"), "\(context)")
        #expect(output.standardOutput.contains("exit 130"), "\(context)")
        #expect(!output.standardError.contains("exiting now"), "\(context)")
        #expect(try BinaryHarness.temporaryFiles(in: directory).isEmpty, "\(context)")
        return true
    }

    @Test func twoSIGTERMsTenthOfASecondApartAreOneGracefulStop() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, simulator in
                // Committing takes a second, so the second SIGTERM finds the run still stopping.
                try directory.write(
                    Self.withSlowFirstStage(BinaryHarness.pipeline(url: url, tasks: ["ok-2", "forever"], output: "results.jsonl"), seconds: 1),
                    to: "p.yaml")
                let process = try RunningProcess(PackagePaths.binary, ["run", directory.file("p.yaml")], environment: BinaryHarness.tokenEnvironment)
                try await BinaryHarness.waitForPolls(of: "forever", atLeast: 2, in: simulator)
                process.send(SIGTERM)
                try await Task.sleep(for: .milliseconds(100))
                #expect(process.isRunning)
                process.send(SIGTERM)
                let status = try await process.waitForExit()
                #expect(status == 130, "stderr: \(process.standardError)")
                let records = try BinaryHarness.jsonLines(try directory.read("results.jsonl"))
                #expect(records.map { $0["outcome"] as? String } == ["succeeded", "interrupted"])
                #expect(process.standardOutput.contains("exit 130"))
                #expect(process.standardError.contains("SIGTERM within 2s of the first signal: taken as the same stop"), "\(process.standardError)")
                #expect(!process.standardError.contains("exiting now"))
                #expect(try BinaryHarness.temporaryFiles(in: directory).isEmpty)
            }
        }
    }

    // MARK: - Each signal, during polling and during exec

    /// The signals hss-export stops gracefully on, as the tests' arguments.
    static let stoppingSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    static func name(of signal: Int32) -> String {
        switch signal {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }

    /// A hook script that writes its process group to `$1` (renamed into
    /// place, so a reader never sees half of it), then waits on a background
    /// and a foreground grandchild; `prologue` comes first (a trap, say).
    static func hookScript(prologue: String = "") -> String {
        """
        #!/bin/sh
        \(prologue)
        read -r _ _ _ _ group _ < /proc/$$/stat
        echo "$group" > "$1.new"; mv "$1.new" "$1"
        sleep 300 & sleep 300; wait

        """
    }

    /// A pipeline whose first stage runs `./hook.sh` (written with `script`)
    /// with a generous timeout, then every file stage; one task that
    /// succeeds at once, so the hook runs as soon as the run has started.
    static func execPipeline(url: URL, script: String, killGrace: String?, in directory: TemporaryDirectory) throws -> String {
        try directory.write(script, to: "hook.sh")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.file("hook.sh"))
        let hook = """
            stages:
              - type: exec
                command: [./hook.sh, "\(directory.file("pgid"))"]
                timeout: 120s\(killGrace.map { "\n    kill_grace: \($0)" } ?? "")
              - type: jsonl
            """
        return BinaryHarness.pipeline(url: url, tasks: ["ok-2"], output: "results.jsonl", extra: Self.otherOutputs)
            .replacingOccurrences(of: "stages:\n  - type: jsonl", with: hook)
    }

    /// Waits for the hook to write its process group; `nil` if it never did.
    static func hookGroup(in directory: TemporaryDirectory, of process: RunningProcess) async throws -> Int32? {
        let started = try await BinaryHarness.waitUntil(timeout: .seconds(30)) {
            FileManager.default.fileExists(atPath: directory.file("pgid")) || !process.isRunning
        }
        guard started, let text = try? directory.read("pgid") else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Whether nothing of process group `group` runs any more within 30 s:
    /// every member gone or a zombie (the container's init may not reap the
    /// orphaned grandchildren, but a zombie runs nothing).
    static func groupHasEnded(_ group: Int32) async throws -> Bool {
        try await BinaryHarness.waitUntil(timeout: .seconds(30)) { runningMembers(of: group).isEmpty }
    }

    /// The processes of `group` that are not zombies, read from `/proc`.
    static func runningMembers(of group: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
                return false
            }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[2]) == group && fields[0] != "Z" && fields[0] != "X"
        }
    }

    /// The gzip manifest's JSON, decompressed with gzip itself.
    static func manifest(in directory: TemporaryDirectory) async throws -> [String: Any] {
        let gzip = try ExternalTool.require("gzip", package: "gzip")
        let output = try await ProcessRunner.run(gzip, ["-dc", directory.file("manifest.json.gz")], timeout: .seconds(30))
        #expect(output.status == 0, "\(output.standardError)")
        return try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any] ?? [:]
    }

    /// `hss-export verify` on the manifest: every listed file is there with its hash.
    static func expectVerified(_ directory: TemporaryDirectory, _ context: String) async throws {
        let verify = try await BinaryHarness.run(["verify", directory.file("manifest.json.gz")])
        #expect(verify.status == 0, "\(context); verify: \(verify.standardOutput)\(verify.standardError)")
    }

    @Test(arguments: stoppingSignals)
    func aSignalWhilePollingStopsTheWaitCommitsEveryOutputAndExits130(_ signal: Int32) async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, simulator in
                try directory.write(
                    BinaryHarness.pipeline(url: url, tasks: ["ok-2", "forever"], output: "results.jsonl", extra: Self.otherOutputs), to: "p.yaml")
                let process = try RunningProcess(PackagePaths.binary, ["run", directory.file("p.yaml")], environment: BinaryHarness.tokenEnvironment)
                try await BinaryHarness.waitForPolls(of: "forever", atLeast: 2, in: simulator)
                let sentAt = ContinuousClock.now
                process.send(signal)
                let status = try await process.waitForExit(timeout: .seconds(60))
                let context = "\(Self.name(of: signal)): exit \(status) after \(ContinuousClock.now - sentAt), stderr: \(process.standardError)"
                print("signal while polling, \(Self.name(of: signal)): exit \(status) \(ContinuousClock.now - sentAt) after the signal")
                #expect(status == 130, "\(context)")
                #expect(try directory.entries() == ["hss_export.prom", "manifest.json.gz", "p.yaml", "results.csv", "results.jsonl"], "\(context)")
                let records = try BinaryHarness.jsonLines(try directory.read("results.jsonl"))
                #expect(records.map { $0["outcome"] as? String } == ["succeeded", "interrupted"], "\(context)")
                #expect(try directory.read("results.csv").split(whereSeparator: \.isNewline).count == 3, "\(context)")
                let summary = try await Self.manifest(in: directory)["summary"] as? [String: Any]
                #expect(summary?["interrupted"] as? Bool == true, "\(context)")
                try await Self.expectVerified(directory, context)
                #expect(process.standardOutput.contains("exit 130"), "\(context)")
                #expect(!process.standardError.contains("exiting now"), "\(context)")
            }
        }
    }

    @Test(arguments: stoppingSignals)
    func aSignalDuringExecStopsTheCommandsWholeGroupCommitsAndExits130(_ signal: Int32) async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                // The default grace: 2 s between SIGTERM and SIGKILL.
                try directory.write(try Self.execPipeline(url: url, script: Self.hookScript(), killGrace: nil, in: directory), to: "p.yaml")
                let process = try RunningProcess(PackagePaths.binary, ["run", directory.file("p.yaml")], environment: BinaryHarness.tokenEnvironment)
                let group = try #require(try await Self.hookGroup(in: directory, of: process), "the hook did not start: \(process.standardError)")
                // Whatever happens below, nothing of the hook outlives the test.
                defer { kill(-group, SIGKILL) }
                #expect(
                    try await BinaryHarness.waitUntil { Self.runningMembers(of: group).count == 3 },
                    "the hook and its two sleeps run in group \(group): \(Self.runningMembers(of: group))")
                let sentAt = ContinuousClock.now
                process.send(signal)
                let status = try await process.waitForExit(timeout: .seconds(60))
                let took = ContinuousClock.now - sentAt
                let context = "\(Self.name(of: signal)): exit \(status) after \(took), stderr: \(process.standardError)"
                print("signal during exec, \(Self.name(of: signal)): exit \(status) \(took) after the signal")
                #expect(status == 130, "\(context)")
                // The 2 s grace and generous slack for a loaded machine; the hook alone would run 120 s.
                #expect(took < .seconds(20), "\(context)")
                #expect(try await Self.groupHasEnded(group), "\(context); still running: \(Self.runningMembers(of: group))")
                #expect(
                    Set(try directory.entries()).isSuperset(of: ["hss_export.prom", "manifest.json.gz", "results.csv", "results.jsonl"]),
                    "\(context)")
                #expect(try BinaryHarness.temporaryFiles(in: directory).isEmpty, "\(context)")
                let records = try BinaryHarness.jsonLines(try directory.read("results.jsonl"))
                #expect(records.map { $0["outcome"] as? String } == ["succeeded"], "\(context)")
                #expect(try directory.read("results.csv").split(whereSeparator: \.isNewline).count == 2, "\(context)")
                try await Self.expectVerified(directory, context)
                #expect(process.standardError.contains("interrupted"), "\(context)")
                #expect(process.standardOutput.contains("exit 130"), "\(context)")
            }
        }
    }

    @Test(arguments: stoppingSignals)
    func aSignalAgainAfterTheWindowKillsACommandThatIgnoresSIGTERMAndLeavesNoTempFile(_ signal: Int32) async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                // The hook and both sleeps ignore SIGTERM, and the grace is
                // long, so only the immediate exit can end them in time.
                let script = Self.hookScript(prologue: "trap '' TERM")
                try directory.write(try Self.execPipeline(url: url, script: script, killGrace: "60s", in: directory), to: "p.yaml")
                let process = try RunningProcess(PackagePaths.binary, ["run", directory.file("p.yaml")], environment: BinaryHarness.tokenEnvironment)
                let group = try #require(try await Self.hookGroup(in: directory, of: process), "the hook did not start: \(process.standardError)")
                defer { kill(-group, SIGKILL) }
                process.send(signal)
                #expect(try await BinaryHarness.waitUntil { process.standardError.contains("interrupted: stopping the wait") })
                // Past the 2 s in which a signal counts as a copy of the first.
                try await Task.sleep(for: .milliseconds(2500))
                #expect(process.isRunning, "the hook ignores SIGTERM for a 60s grace: the run should still wait for it")
                #expect(Self.runningMembers(of: group).count == 3, "the hook and its sleeps ignored SIGTERM")
                let sentAt = ContinuousClock.now
                process.send(signal)
                let status = try await process.waitForExit(timeout: .seconds(60))
                let took = ContinuousClock.now - sentAt
                let context = "\(Self.name(of: signal)) again: exit \(status) after \(took), stderr: \(process.standardError)"
                print("signal again during exec, \(Self.name(of: signal)): exit \(status) \(took) after the second signal")
                #expect(status == 130, "\(context)")
                #expect(took < .seconds(10), "\(context)")
                #expect(
                    process.standardError.contains(
                        "hss-export: \(Self.name(of: signal)) again, exiting now (sent SIGKILL to the running command's process group \(group))"),
                    "\(context)")
                #expect(try await Self.groupHasEnded(group), "\(context); still running: \(Self.runningMembers(of: group))")
                #expect(try BinaryHarness.temporaryFiles(in: directory).isEmpty, "\(context); \((try? directory.entries()) ?? [])")
                // The hook runs after the commit, so the outputs were already in place.
                let records = try BinaryHarness.jsonLines(try directory.read("results.jsonl"))
                #expect(records.map { $0["outcome"] as? String } == ["succeeded"], "\(context)")
                try await Self.expectVerified(directory, context)
                #expect(!process.standardOutput.contains("exit 130"), "no summary on the immediate exit")
            }
        }
    }
}

/// The progress line, as a person at a terminal and a log file see it.
@Suite(.serialized) struct BinaryProgressTests {
    @Test func noProgressLineIsDrawnWhenStderrIsNotATerminal() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                let pipeline = BinaryHarness.pipeline(url: url, tasks: ["ok-1", "forever"], output: "results.jsonl")
                    .replacingOccurrences(of: "timeout: 20s", with: "timeout: 1500ms")
                try directory.write(pipeline, to: "p.yaml")
                let output = try await BinaryHarness.run(["run", directory.file("p.yaml")])
                #expect(output.status == 1, "stderr: \(output.standardError)")
                #expect(!output.standardError.contains("\u{1B}["))
                #expect(!output.standardError.contains("\r"))
                #expect(!output.standardError.contains("hss-export: waiting"))
                #expect(!output.standardOutput.contains("hss-export: waiting"))
            }
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux script for a terminal"))
    func onATerminalTheLineTicksEverySecondAndIsClearedBeforeTheSummary() async throws {
        try await withTemporaryDirectory { directory in
            try await BinaryHarness.withSimulator { url, _ in
                let pipeline = BinaryHarness.pipeline(url: url, tasks: ["ok-1", "forever"], output: "results.jsonl")
                    .replacingOccurrences(of: "timeout: 20s", with: "timeout: 2500ms")
                try directory.write(pipeline, to: "p.yaml")
                // `script` runs the binary on a pseudo-terminal and copies what it draws to stdout.
                let output = try await ProcessRunner.run(
                    "/usr/bin/script", ["-qfec", "\(PackagePaths.binary) run \(directory.file("p.yaml"))", "/dev/null"],
                    environment: BinaryHarness.tokenEnvironment, timeout: .seconds(60))
                let screen = output.standardOutput
                #expect(output.status == 1, "\(screen)")
                for text in ["hss-export: waiting 0s:", "hss-export: waiting 1s:", "hss-export: waiting 2s:", "requests, budget 100/1s"] {
                    #expect(screen.contains(text), "\(screen)")
                }
                #expect(screen.contains("1/2 done (1 succeeded)"), "\(screen)")
                let lastLine = try #require(screen.range(of: "hss-export: waiting", options: .backwards))
                let summary = try #require(screen.range(of: ": 2 tasks in "))
                #expect(lastLine.upperBound < summary.lowerBound)
                #expect(screen[lastLine.upperBound..<summary.lowerBound].contains("\r\u{1B}[2K"), "the line is cleared before the summary")
            }
        }
    }
}
