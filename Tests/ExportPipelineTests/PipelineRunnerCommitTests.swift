import ExportPipeline
import ExportStageKit
import Foundation
import Synchronization
import TestSupport
import Testing

/// Writes `path` through the run's two-phase commit and notes what was at
/// `watch` (another stage's output) when it finished.
private final class PreparingStage: ExportStage, Sendable {
    static let typeName = "prepare"
    static let summary = "Prepares a file (tests only)."
    static let options: [StageOption] = [
        StageOption("path", .outputPath, required: true, help: "The file."),
        StageOption("watch", .outputPath, help: "A file to look at in finish."),
        StageOption("last", .bool, default: .bool(false), help: "Commit last, as a manifest."),
        StageOption("fail", .bool, default: .bool(false), help: "Prepare, then throw."),
    ]
    let path: String
    let watch: String?
    let last: Bool
    let fails: Bool
    let seen = Mutex<String?>(nil)

    init(options: StageOptions, context: StageBuildContext) throws {
        path = options.string("path")!
        watch = options.string("watch")
        last = options.bool("last") ?? false
        fails = options.bool("fail") ?? false
    }

    func receive(_ result: ExportResult, context: RunContext) async throws {}

    func finish(summary: RunSummary, context: RunContext) async throws {
        if let watch { seen.withLock { $0 = try? String(contentsOfFile: watch, encoding: .utf8) } }
        let writer = try AtomicFileWriter(destination: path)
        try writer.write("\(Self.typeName) \(summary.runID)\n")
        try context.prepare(writer, stage: Self.typeName, commitsLast: last)
        if fails { throw StageOptionError(option: nil, message: "told to fail after preparing") }
    }
}

/// A hook that finishes after the commit: notes what was at `watch`, and
/// with `hang` waits until its finish is cancelled.
private final class HookStage: ExportStage, Sendable {
    static let typeName = "hook"
    static let summary = "Runs after the commit (tests only)."
    static let finishPhase = StageFinishPhase.afterCommit
    static let options: [StageOption] = [
        StageOption("watch", .outputPath, help: "A file to look at in finish."),
        StageOption("hang", .bool, default: .bool(false), help: "Wait until cancelled."),
    ]
    let watch: String?
    let hangs: Bool
    let seen = Mutex<String?>(nil)
    let started = Mutex(false)
    let wasCancelled = Mutex(false)

    init(options: StageOptions, context: StageBuildContext) throws {
        watch = options.string("watch")
        hangs = options.bool("hang") ?? false
    }

    func receive(_ result: ExportResult, context: RunContext) async throws {}

    func finish(summary: RunSummary, context: RunContext) async throws {
        if let watch { seen.withLock { $0 = try? String(contentsOfFile: watch, encoding: .utf8) } }
        started.withLock { $0 = true }
        guard hangs else { return }
        do {
            try await Task.sleep(for: .seconds(600))
        } catch {
            wasCancelled.withLock { $0 = true }
            throw error
        }
    }
}

@Suite struct PipelineRunnerCommitTests {
    func configured<Stage: ExportStage>(_ type: Stage.Type, _ index: Int, _ values: [String: StageOptionValue], in directory: TemporaryDirectory)
        throws -> ConfiguredStage
    {
        let options = StageOptions(values, declarations: Stage.options, baseDirectory: directory.path)
        let stage = try Stage(options: options, context: StageBuildContext(index: index, pipelineFile: "p.yaml"))
        let path = Stage.options.contains { $0.name == "path" } ? options.string("path") : nil
        return ConfiguredStage(typeName: Stage.typeName, index: index, stage: stage, outputPaths: [path].compactMap { $0 })
    }

    func pipeline(tasks: [String], stages: [ConfiguredStage]) -> Pipeline {
        Pipeline(
            file: "p.yaml", sha256: "", source: SourceSpec(region: "r", projectID: "p"), tasks: tasks.map { TaskSpec(id: $0) },
            wait: TaskWaiterTests.fast, stages: stages)
    }

    @Test func outputsAppearOnlyAfterEveryStageHasPreparedAndHooksSeeThem() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("old a\n", to: "a.txt")
            try directory.write("old b\n", to: "b.txt")
            let stages = [
                try configured(PreparingStage.self, 0, ["path": .string("a.txt")], in: directory),
                try configured(PreparingStage.self, 1, ["path": .string("b.txt"), "watch": .string("a.txt")], in: directory),
                try configured(HookStage.self, 2, ["watch": .string("b.txt")], in: directory),
            ]
            let source = ScriptedStatusSource(["t": [.status("success")]])
            let report = await PipelineRunner(pipeline: pipeline(tasks: ["t"], stages: stages), source: source, toolVersion: "test", runID: "r1")
                .run()
            #expect(report.exitCode == .success)
            // Stage 2 finished while stage 1's new file was still under its temp name.
            #expect((stages[1].stage as? PreparingStage)?.seen.withLock { $0 } == "old a\n")
            // The hook finished after the commit: it saw stage 2's new file.
            #expect((stages[2].stage as? HookStage)?.seen.withLock { $0 } == "prepare r1\n")
            #expect(try directory.read("a.txt") == "prepare r1\n")
            #expect(report.artifacts.map(\.path) == [directory.file("a.txt"), directory.file("b.txt")])
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["a.txt", "b.txt"])
        }
    }

    @Test func aStageThatFailsAfterPreparingLeavesItsOldFileAndTheManifestIsNotReplaced() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("old\n", to: "b.txt")
            try directory.write("old manifest\n", to: "m.txt")
            let stages = [
                try configured(PreparingStage.self, 0, ["path": .string("a.txt")], in: directory),
                try configured(PreparingStage.self, 1, ["path": .string("b.txt"), "fail": .bool(true)], in: directory),
                try configured(PreparingStage.self, 2, ["path": .string("m.txt"), "last": .bool(true)], in: directory),
            ]
            let source = ScriptedStatusSource(["t": [.status("success")]])
            let report = await PipelineRunner(pipeline: pipeline(tasks: ["t"], stages: stages), source: source, toolVersion: "test", runID: "r2")
                .run()
            #expect(report.stageFailures.map(\.index) == [1])
            #expect(report.exitCode == .stageFailed)
            #expect(try directory.read("a.txt") == "prepare r2\n")
            #expect(try directory.read("b.txt") == "old\n")
            // The manifest stage itself succeeded, and is committed: it lists only what it saw published.
            #expect(try directory.read("m.txt") == "prepare r2\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["a.txt", "b.txt", "m.txt"])
        }
    }

    @Test func aRenameThatFailsKeepsTheLastOutputsFromBeingCommitted() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("old manifest\n", to: "m.txt")
            let stages = [
                try configured(PreparingStage.self, 0, ["path": .string("a.txt")], in: directory),
                try configured(PreparingStage.self, 1, ["path": .string("m.txt"), "last": .bool(true)], in: directory),
            ]
            // A directory where a.txt should go: the rename of a file over it fails.
            try FileManager.default.createDirectory(atPath: directory.file("a.txt/inside"), withIntermediateDirectories: true)
            let source = ScriptedStatusSource(["t": [.status("success")]])
            let report = await PipelineRunner(pipeline: pipeline(tasks: ["t"], stages: stages), source: source, toolVersion: "test").run()
            #expect(report.stageFailures.map(\.index) == [0, 1])
            #expect(report.stageFailures[1].message.contains("not replaced"))
            #expect(try directory.read("m.txt") == "old manifest\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["a.txt", "m.txt"])
        }
    }

    @Test func aSignalDuringAHookCancelsItCommitsTheFilesAndExits130() async throws {
        try await withTemporaryDirectory { directory in
            let stages = [
                try configured(PreparingStage.self, 0, ["path": .string("a.txt")], in: directory),
                try configured(HookStage.self, 1, ["hang": .bool(true)], in: directory),
            ]
            let hook = try #require(stages[1].stage as? HookStage)
            let interruption = RunInterruption()
            let source = ScriptedStatusSource(["t": [.status("success")]])
            let runner = PipelineRunner(
                pipeline: pipeline(tasks: ["t"], stages: stages), source: source, toolVersion: "test", interruption: interruption, runID: "r3")
            async let run = runner.run()
            while !hook.started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
            interruption.trigger()
            let report = await run
            #expect(hook.wasCancelled.withLock { $0 })
            #expect(!report.summary.interrupted)
            #expect(report.interrupted)
            #expect(report.exitCode == .interrupted)
            #expect(try directory.read("a.txt") == "prepare r3\n")
        }
    }

    @Test func aSignalBeforeTheStagesDoesNotCancelTheirFinish() async throws {
        try await withTemporaryDirectory { directory in
            let stages = [try configured(HookStage.self, 0, [:], in: directory)]
            let hook = try #require(stages[0].stage as? HookStage)
            let interruption = RunInterruption()
            interruption.trigger()
            let source = ScriptedStatusSource(["t": [.status("running")]])
            let report = await PipelineRunner(
                pipeline: pipeline(tasks: ["t"], stages: stages), source: source, toolVersion: "test", interruption: interruption
            ).run()
            #expect(hook.started.withLock { $0 })
            #expect(!hook.wasCancelled.withLock { $0 })
            #expect(report.stageFailures.isEmpty)
            #expect(report.exitCode == .interrupted)
        }
    }

    @Test func aRunRemovesWhatAKilledWriterLeftButNotALiveWritersFiles() async throws {
        try await withTemporaryDirectory { directory in
            // A killed writer's temp file: unlocked, its pid gone.
            try directory.write("torn", to: ".a.txt.tmp-999999999-dead")
            // Another output's temp file of a dead pid: not ours to remove.
            try directory.write("other", to: ".other.txt.tmp-999999999-dead")
            let live = try AtomicFileWriter(destination: directory.file("a.txt"))
            defer { live.discard() }
            let stages = [try configured(PreparingStage.self, 0, ["path": .string("a.txt")], in: directory)]
            let source = ScriptedStatusSource(["t": [.status("success")]])
            _ = await PipelineRunner(pipeline: pipeline(tasks: ["t"], stages: stages), source: source, toolVersion: "test").run()
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(!names.contains(".a.txt.tmp-999999999-dead"))
            #expect(names.contains(".other.txt.tmp-999999999-dead"))
            #expect(names.filter { $0.hasPrefix(".a.txt.tmp-\(getpid())-") }.count == 1)
        }
    }
}
