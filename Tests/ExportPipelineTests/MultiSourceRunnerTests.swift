import ExportPipeline
import ExportStageKit
import Foundation
import TestSupport
import Testing

/// A run of many sources with in-process services: results in file order,
/// source by source, each record carrying its source, and the journal
/// telling one source's export from another's of the same name.
@Suite struct MultiSourceRunnerTests {
    static func export(_ name: String, source: Int, sourceName: String) -> ExportSpec {
        ExportSpec(
            name: name, kind: "vulnerabilities",
            creation: ExportCreation(operation: "ExportVuls", pathSegments: ["vul", "export"], body: .object([])), fingerprint: "f1",
            source: source, sourceName: sourceName)
    }

    func pipeline(tasks: [TaskSpec], exports: [ExportSpec] = [], names: [String] = ["prod", "dev", "east"]) throws -> Pipeline {
        let stage = try RecordingStage(
            options: StageOptions([:], declarations: RecordingStage.options, baseDirectory: "/tmp"),
            context: StageBuildContext(index: 0, pipelineFile: "p.yaml", sourceNames: names))
        let sources = names.enumerated().map { index, name in
            SourceSpec(name: name, region: "r-\(index)", projectID: index == 2 ? nil : "p-\(index)", enterpriseProjectID: index == 0 ? "0" : nil)
        }
        return Pipeline(
            file: "p.yaml", sha256: "", sources: sources, tasks: tasks, exports: exports, wait: TaskWaiterTests.fast,
            stages: [ConfiguredStage(typeName: "record", index: 0, stage: stage)])
    }

    func waitSources(_ services: [any TaskStatusSource], keys: [String]) -> [WaitSource] {
        zip(services, keys).enumerated().map { index, pair in
            // The run session puts the resolved project id into the scope.
            WaitSource(service: pair.0, scope: ResultScope(projectID: "resolved-\(index)", region: "r-\(index)", runID: "ignored"), budgetKey: pair.1)
        }
    }

    @Test func resultsComeSourceBySourceInFileOrderWithTheirSource() async throws {
        let clock = VirtualClock()
        // The last source's task finishes first, the first source's last.
        let prod = ScriptedStatusSource(["t": [.delayed(.milliseconds(300), "success")], "u": [.status("failure")]], clock: clock.waitClock)
        let dev = ScriptedStatusSource(["t": [.delayed(.milliseconds(100), "success")]], clock: clock.waitClock)
        let east = ScriptedStatusSource(["t": [.status("success")]], clock: clock.waitClock)
        let pipeline = try pipeline(tasks: [
            TaskSpec(id: "t", source: 0), TaskSpec(id: "u", source: 0), TaskSpec(id: "t", source: 1), TaskSpec(id: "t", source: 2),
        ])
        let runner = PipelineRunner(
            pipeline: pipeline, sources: waitSources([prod, dev, east], keys: ["ak-1", "ak-1", "ak-2"]), toolVersion: "test", runID: "run-m",
            clock: clock.waitClock)
        let report = try await clock.run { await runner.run() }
        let stage = try #require(pipeline.stages[0].stage as? RecordingStage)
        let received = stage.seen.received
        #expect(received.map(\.source) == ["prod", "prod", "dev", "east"])
        #expect(received.map(\.taskID) == ["t", "u", "t", "t"])
        #expect(received.map(\.projectID) == ["resolved-0", "resolved-0", "resolved-1", "resolved-2"])
        #expect(received.map(\.region) == ["r-0", "r-0", "r-1", "r-2"])
        #expect(received.allSatisfy { $0.runID == "run-m" })
        #expect(received.map(\.outcome) == [.succeeded, .failed, .succeeded, .succeeded])
        #expect(prod.calls == ["t": 1, "u": 1])
        #expect(dev.calls == ["t": 1])
        #expect(east.calls == ["t": 1])
        #expect(report.exitCode == .taskFailed)
        #expect(received.first?.jsonLine.contains(#""file_name":null,"source":"prod","project_id":"resolved-0""#) == true)
    }

    @Test func refusedCredentialsEndOnlyTheSourcesThatUseThem() async throws {
        let clock = VirtualClock()
        let prod = ScriptedStatusSource(
            ["t": [.failure(.credentialsRejected, code: "APIG.0301")], "u": [.status("running")]], clock: clock.waitClock)
        let dev = ScriptedStatusSource(["t": [.status("running"), .status("running"), .status("success")]], clock: clock.waitClock)
        let east = ScriptedStatusSource(["t": [.status("success")]], clock: clock.waitClock)
        let pipeline = try pipeline(tasks: [
            TaskSpec(id: "t", source: 0), TaskSpec(id: "u", source: 0), TaskSpec(id: "t", source: 1), TaskSpec(id: "t", source: 2),
        ])
        let runner = PipelineRunner(
            pipeline: pipeline, sources: waitSources([prod, dev, east], keys: ["ak-1", "ak-2", "ak-3"]), toolVersion: "test", clock: clock.waitClock)
        let report = try await clock.run { await runner.run() }
        #expect(report.results.map(\.outcome) == [.error, .error, .succeeded, .succeeded])
        #expect(report.results.map(\.source) == ["prod", "prod", "dev", "east"])
    }

    @Test func theJournalKeysExportsBySourceAndName() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = StateDirectory.resolve(settings: StateSettings(directory: temporary.path), pipelineFile: "/etc/fleet.yaml", environment: [:])
        let exports = [Self.export("vulnerabilities", source: 0, sourceName: "prod"), Self.export("vulnerabilities", source: 1, sourceName: "dev")]
        do {
            let journal = try RunJournal(directory: state, pipelineFile: "fleet", runID: "run-1", keep: .seconds(60))
            try await journal.willCreate(exports[0])
            try await journal.created(exports[0], taskID: "task-prod")
            try await journal.willCreate(exports[1])
            // Killed here: dev's create was sent, its answer never journaled.
        }
        let text = try String(contentsOfFile: state.journalPath, encoding: .utf8)
        #expect(text.contains(#""prod/vulnerabilities""#))
        #expect(text.contains(#""dev/vulnerabilities""#))
        let journal = try RunJournal(directory: state, pipelineFile: "fleet", runID: "run-2", keep: .seconds(60))
        let (plan, abandoned) = await journal.resumptions(for: exports + [Self.export("vulnerabilities", source: 2, sourceName: "east")])
        #expect(plan == [.resume(taskID: "task-prod"), .unknown(sentAt: plan[1].sentAt, reason: nil), .create])
        #expect(abandoned.isEmpty)
        // A single-source pipeline's key is the bare name, as journals always had it.
        #expect(RunJournalTests.export("vulnerabilities").key == "vulnerabilities")
        await journal.close(jobFinished: false)
    }

    @Test func aResumedMultiSourceRunWaitsForTheRightSourcesTask() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = StateDirectory.resolve(settings: StateSettings(directory: temporary.path), pipelineFile: "/etc/fleet2.yaml", environment: [:])
        let exports = [Self.export("vulnerabilities", source: 0, sourceName: "prod"), Self.export("vulnerabilities", source: 1, sourceName: "dev")]
        do {
            let journal = try RunJournal(directory: state, pipelineFile: "fleet2", runID: "run-1", keep: .seconds(60))
            try await journal.created(exports[1], taskID: "task-dev")
            try await journal.created(exports[0], taskID: "task-prod")
        }
        let clock = VirtualClock()
        let prod = ScriptedStatusSource(["task-prod": [.status("success")]], clock: clock.waitClock)
        let dev = ScriptedStatusSource(["task-dev": [.status("success")]], clock: clock.waitClock)
        let pipeline = try pipeline(tasks: [], exports: exports, names: ["prod", "dev"])
        let journal = try RunJournal(directory: state, pipelineFile: "fleet2", runID: "run-2", keep: .seconds(60))
        let runner = PipelineRunner(
            pipeline: pipeline, sources: waitSources([prod, dev], keys: ["k", "k"]), toolVersion: "test", clock: clock.waitClock, journal: journal)
        let report = try await clock.run { await runner.run() }
        #expect(report.results.map(\.taskID) == ["task-prod", "task-dev"])
        #expect(report.results.map(\.source) == ["prod", "dev"])
        #expect(report.results.map(\.exportName) == ["vulnerabilities", "vulnerabilities"])
        #expect(prod.calls == ["task-prod": 1])
        #expect(dev.calls == ["task-dev": 1])
    }
}
