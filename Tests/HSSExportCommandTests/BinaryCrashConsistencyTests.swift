import ExportStageKit
import Foundation
import HSSSimulator
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` at random moments of runs that write every kind of output (an
/// appended JSON Lines file, a CSV file, a Prometheus textfile and the
/// manifest), then one clean run, as cron would: no final-named file is ever
/// torn (each parses: JSON Lines, CSV, `gzip -t`, `promtool check metrics`),
/// and after the clean run no temp file is left, every appended line is
/// whole, and the manifest's hashes match the files.
///
/// A fixed budget: at least `HSS_EXPORT_CRASH_KILLS` kills of a running run
/// (default 50), and more while `HSS_EXPORT_CRASH_SECONDS` (default 60) last.
@Suite(.serialized) struct BinaryCrashConsistencyTests {
    static let taskCount = 60

    static var scenarioYAML: String {
        var lines = [
            "project_id: \(BinaryHarness.projectID)", "tokens: [\(BinaryHarness.token)]", "rate_limit: {requests: 100000, per: 1s}", "tasks:",
        ]
        for index in 0..<taskCount {
            lines.append("  - {id: t\(index), name: \"\(String(repeating: "n", count: 100)) \(index)\", script: [{status: success}]}")
        }
        return lines.joined(separator: "\n")
    }

    static func pipeline(url: URL) -> String {
        """
        version: 1
        source: {endpoint: \(url.absoluteString), project_id: \(BinaryHarness.projectID)}
        tasks: [\((0..<taskCount).map { "t\($0)" }.joined(separator: ", "))]
        wait:
          initial_interval: 10ms
          max_interval: 50ms
          timeout: 30s
          concurrency: 16
          rate_limit: {requests: 100000, per: 1s}
        stages:
          - {type: jsonl, path: results.jsonl, mode: append}
          - {type: csv, path: results.csv}
          - {type: prometheus-textfile, path: hss.prom}
          - {type: gzip-manifest, path: manifest.json.gz}
        """
    }

    struct Tally {
        var kills = 0
        /// Kills that found the run still running (the others came after its exit).
        var killsMidRun = 0
        /// Temp files a kill left, each counted once (the next run removes them).
        var temporaryFilesLeftByKills = 0
        var tornAppends = 0
        var mixedSets = 0
        var temporaryFilesLeft = 0
    }

    @Test func killedAtRandomMomentsEveryFinalFileParsesAndTheNextRunRepairsAndCleansUp() async throws {
        try await HeavyTestGate.shared.run { try await Self.killedAtRandomMomentsEveryFinalFileParsesAndTheNextRunRepairsAndCleansUpAlone() }
    }

    /// The test, run while no other load-heavy suite runs.
    static func killedAtRandomMomentsEveryFinalFileParsesAndTheNextRunRepairsAndCleansUpAlone() async throws {
        let promtool = try ExternalTool.require("promtool", package: "prometheus")
        let gzip = try ExternalTool.require("gzip", package: "gzip")
        let environment = ProcessInfo.processInfo.environment
        let minimumKills = Int(environment["HSS_EXPORT_CRASH_KILLS"] ?? "") ?? 50
        let budget = Duration.seconds(Int64(environment["HSS_EXPORT_CRASH_SECONDS"] ?? "") ?? 60)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The kills stop once both the count and the budget are reached; a loaded machine makes each run slower.
        let tally = try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML), timeout: budget + .seconds(600)) { url, _ in
            try directory.write(Self.pipeline(url: url), to: "job.pipeline.yaml")
            let arguments = ["run", directory.file("job.pipeline.yaml")]
            // How long one whole run takes here (the faster of two: the first warms the simulator up),
            // so the kills spread over all of it, the commit included.
            var runTime = Duration.seconds(3600)
            for _ in 0..<2 {
                let clean = ContinuousClock.now
                let first = try await BinaryHarness.run(arguments)
                #expect(first.status == 0, "\(first.standardError)")
                runTime = min(runTime, ContinuousClock.now - clean)
            }
            var milliseconds = max(20, Int(DurationText.milliseconds(in: runTime)))
            var tally = Tally()
            var random = SystemRandomNumberGenerator()
            let started = ContinuousClock.now
            // Kills that find the run already over do not count towards the minimum; the
            // delays adapt to how fast runs are right now (a loaded machine slows them).
            while (tally.killsMidRun < minimumKills && tally.kills < minimumKills * 10) || ContinuousClock.now - started < budget {
                let process = try ProcessRunner.start(PackagePaths.binary, arguments, environment: BinaryHarness.tokenEnvironment)
                // Most kills late in the run, where the stages write and commit.
                let late = Int.random(in: 0...3, using: &random) > 0
                let delay =
                    late
                    ? Int.random(in: milliseconds * 6 / 10...milliseconds * 13 / 10, using: &random)
                    : Int.random(in: 0...milliseconds, using: &random)
                try await Task.sleep(for: .milliseconds(delay))
                if process.isRunning {
                    tally.killsMidRun += 1
                    milliseconds = milliseconds * 11 / 10 + 1
                } else {
                    milliseconds = max(20, milliseconds * 8 / 10)
                }
                process.send(SIGKILL)
                _ = try await process.waitForExit(timeout: .seconds(30))
                tally.kills += 1
                tally.temporaryFilesLeftByKills += try BinaryHarness.temporaryFiles(in: directory).count
                // A breath between kills, so the suites running beside this one get the CPU too.
                try await Task.sleep(for: .milliseconds(100))
                let check = try await Self.checkFinalFiles(in: directory, promtool: promtool, gzip: gzip)
                if check.tornAppend { tally.tornAppends += 1 }
                if check.mixed { tally.mixedSets += 1 }
            }
            tally.temporaryFilesLeft = try BinaryHarness.temporaryFiles(in: directory).count
            let last = try await BinaryHarness.run(arguments)
            #expect(last.status == 0, "\(last.standardError)")
            #expect(try BinaryHarness.temporaryFiles(in: directory) == [])
            let check = try await Self.checkFinalFiles(in: directory, promtool: promtool, gzip: gzip)
            #expect(!check.tornAppend)
            #expect(!check.mixed)
            return tally
        }
        print(
            "crash consistency: \(tally.kills) kills (\(tally.killsMidRun) mid-run, \(tally.temporaryFilesLeftByKills) temp files left by them); after them \(tally.tornAppends) torn appends (repaired by the next run), "
                + "\(tally.mixedSets) mixed sets (manifest vs files), \(tally.temporaryFilesLeft) temp files left before the clean run: 0 after it")
        #expect(tally.killsMidRun >= minimumKills, "only \(tally.killsMidRun) of \(tally.kills) kills landed while a run was running")
    }

    struct Check {
        var tornAppend = false
        var mixed = false
    }

    /// Every final-named file parses; says whether the append file ends in a
    /// torn line (allowed after a kill, repaired by the next run) and whether
    /// the manifest disagrees with the files (a kill between two renames).
    static func checkFinalFiles(in directory: TemporaryDirectory, promtool: String, gzip: String) async throws -> Check {
        var check = Check()
        if let bytes = FileManager.default.contents(atPath: directory.file("results.jsonl")), !bytes.isEmpty {
            var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            if lines.last?.isEmpty == true {
                lines.removeLast()
            } else {
                check.tornAppend = true
                lines.removeLast()
            }
            for line in lines {
                #expect((try? JSONSerialization.jsonObject(with: Data(line))) != nil, "a torn line inside results.jsonl")
            }
        }
        if let text = try? directory.read("results.csv") {
            #expect(text.hasSuffix("\r\n") || text.hasSuffix("\n"), "results.csv ends mid-row")
            let rows = text.split(separator: "\r\n")
            let columns = rows.first.map { $0.split(separator: ",", omittingEmptySubsequences: false).count } ?? 0
            #expect(rows.count == taskCount + 1, "results.csv has \(rows.count) rows")
            #expect(columns > 1)
        }
        if FileManager.default.fileExists(atPath: directory.file("hss.prom")) {
            let output = try await ProcessRunner.run(
                promtool, ["check", "metrics"], input: FileManager.default.contents(atPath: directory.file("hss.prom")))
            #expect(output.status == 0, "promtool: \(output.standardError)")
        }
        if FileManager.default.fileExists(atPath: directory.file("manifest.json.gz")) {
            let output = try await ProcessRunner.run(gzip, ["-t", directory.file("manifest.json.gz")])
            #expect(output.status == 0, "gzip -t: \(output.standardError)")
            let verify = try await BinaryHarness.run(["verify", directory.file("manifest.json.gz"), "--quiet"])
            #expect(verify.status == 0 || verify.status == 1, "verify: \(verify.standardError)")
            check.mixed = verify.status == 1
        }
        return check
    }
}
