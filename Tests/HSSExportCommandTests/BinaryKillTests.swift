import ExportStageKit
import Foundation
import HSSSimulator
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` at random moments of the whole job, then the job run again,
/// as cron would the next time: no export is ever created twice, the job
/// always finishes, and no final-named file is ever torn.
///
/// A fixed budget: at least `HSS_EXPORT_KILLS` kills (default 50), and more
/// while `HSS_EXPORT_KILL_SECONDS` (default 90) last.
@Suite struct BinaryKillTests {
    static let scenarioYAML = """
        project_id: \(BinaryHarness.projectID)
        tokens: [\(BinaryHarness.token)]
        rate_limit: {requests: 1000, per: 60s}
        tasks: []
        export_template:
          script: [{status: running, polls: 3}, {status: success}]
          archive: {entries: 3, rows: 4000}
        faults:
          create_latency: 150ms
          download_rate: 400KB
        """

    @Test func killedAtRandomMomentsTheJobResumesAndNeverCreatesTwice() async throws {
        try await HeavyTestGate.shared.run { try await Self.killedAtRandomMomentsTheJobResumesAndNeverCreatesTwiceAlone() }
    }

    /// The test, run while no other load-heavy suite runs.
    static func killedAtRandomMomentsTheJobResumesAndNeverCreatesTwiceAlone() async throws {
        let environment = ProcessInfo.processInfo.environment
        let minimumKills = Int(environment["HSS_EXPORT_KILLS"] ?? "") ?? 50
        let budget = Duration.seconds(Int64(environment["HSS_EXPORT_KILL_SECONDS"] ?? "") ?? 90)
        let started = ContinuousClock.now
        var kills = 0
        var nights = 0
        var unknownCreates = 0
        while kills < minimumKills || ContinuousClock.now - started < budget {
            nights += 1
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let night = nights
            let counts = try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML)) { url, simulator in
                var random = SystemRandomNumberGenerator()
                var kills = 0
                var unknownCreates = 0
                let nights = night
                try directory.write(BinaryJobTests.twoExports(), to: "job.pipeline.yaml")
                let arguments = ["run", directory.file("job.pipeline.yaml"), "--state-dir", directory.file("state")]
                let runEnvironment = BinaryJobTests.environment(url: url, out: directory.path)
                // One to three kills a night, each at a random moment of the run. A run
                // that finished before its kill ends the night: the next would start afresh.
                var finished = false
                for _ in 0..<Int.random(in: 1...3, using: &random) where !finished {
                    let process = try ProcessRunner.start(PackagePaths.binary, arguments, environment: runEnvironment)
                    try await Task.sleep(for: .milliseconds(Int.random(in: 0...1_500, using: &random)))
                    let ranToTheEnd = !process.isRunning
                    process.send(SIGKILL)
                    let status = try await process.waitForExit(timeout: .seconds(30))
                    if ranToTheEnd {
                        finished = status == 0
                    } else {
                        kills += 1
                        // Killed after the job was done (its journal already moved to
                        // runs/, the outputs committed): the night is over.
                        finished = Self.jobFinished(in: directory)
                    }
                    try Self.expectNoTornFiles(in: directory)
                }
                // The next run, as the operator would settle a create whose answer was lost.
                for _ in 0..<4 where !finished {
                    let output = try await BinaryHarness.run(arguments, environment: runEnvironment)
                    try Self.expectNoTornFiles(in: directory)
                    if output.status == 0 {
                        finished = true
                        break
                    }
                    #expect(output.status == 3, "exit \(output.status): \(output.standardError)")
                    unknownCreates += 1
                    try await Self.settleUnknownCreates(in: directory, simulator: simulator, arguments: arguments, environment: runEnvironment)
                }
                #expect(finished, "night \(nights): the job did not finish")
                let statistics = await simulator.statistics
                #expect(statistics.duplicateExports.isEmpty, "night \(nights): created twice: \(statistics.duplicateExports)")
                let verify = try await BinaryHarness.run(["verify", directory.file("manifest.json.gz")])
                #expect(verify.status == 0, "night \(nights): \(verify.standardOutput)")
                return (kills, unknownCreates)
            }
            kills += counts.0
            unknownCreates += counts.1
        }
        print("kill test: \(kills) kills over \(nights) nights, \(unknownCreates) creates of unknown outcome settled")
        #expect(kills >= minimumKills)
    }

    /// Whether the last run finished the job: its journal moved to `runs/`.
    static func jobFinished(in directory: TemporaryDirectory) -> Bool {
        let state = directory.file("state")
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: state)) ?? []
        return folders.contains { folder in
            !((try? FileManager.default.contentsOfDirectory(atPath: state + "/" + folder + "/runs")) ?? []).isEmpty
        }
    }

    /// Every final-named output is whole: each JSON Lines line parses, the
    /// manifest is a complete gzip stream, every archive is a zip; temp files
    /// may be left by a kill, never final names.
    static func expectNoTornFiles(in directory: TemporaryDirectory) throws {
        if let text = try? directory.read("results.jsonl") {
            for line in text.split(separator: "\n") {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "torn line: \(line.prefix(80))")
            }
            #expect(text.isEmpty || text.hasSuffix("\n"))
        }
        if let manifest = FileManager.default.contents(atPath: directory.file("manifest.json.gz")) {
            // gzip's trailer ends with the size of the input, after the CRC; a torn stream lacks it.
            #expect(manifest.count > 18 && manifest.prefix(2) == Data([0x1F, 0x8B]))
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.file("archives"))) ?? [] where !name.hasPrefix(".") {
            let bytes = try #require(FileManager.default.contents(atPath: directory.file("archives/" + name)))
            // A zip ends with its end-of-central-directory record.
            let end = bytes.suffix(22)
            #expect(end.prefix(4) == Data([0x50, 0x4B, 0x05, 0x06]), "torn archive \(name)")
        }
    }

    /// Looks up, like an operator in the HSS console, whether the export
    /// whose create answer was lost exists; adopts it or has it created again.
    static func settleUnknownCreates(
        in directory: TemporaryDirectory, simulator: HSSSimulator, arguments: [String], environment: [String: String]
    ) async throws {
        let state = try await BinaryHarness.run(["state", arguments[1], "--state-dir", arguments[3]], environment: environment)
        let creations = await simulator.creations.filter { $0.taskID != nil }
        for line in state.standardOutput.split(separator: "\n") where line.contains(": unknown") || line.contains(": creating") {
            let name = String(line.trimmingCharacters(in: .whitespaces).split(separator: ":")[0])
            let operation = name == "events" ? "ExportEventRequest" : "ExportVuls"
            let settle: [String]
            if let created = creations.first(where: { $0.operation == operation })?.taskID {
                settle = ["--adopt", "\(name)=\(created)"]
            } else {
                settle = ["--recreate", name]
            }
            let output = try await BinaryHarness.run(["state", arguments[1], "--state-dir", arguments[3]] + settle, environment: environment)
            #expect(output.status == 0, "\(output.standardError)")
        }
    }
}
