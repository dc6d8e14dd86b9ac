import ExportPipeline
import ExportStageKit
import Foundation
import TestSupport
import Testing

@Suite struct PipelineRunnerTests {
    func pipeline(tasks: [String], stages: [(String, StageOptions)], wait: WaitPolicy = TaskWaiterTests.fast) throws -> Pipeline {
        let configured = try stages.enumerated().map { index, stage in
            ConfiguredStage(
                typeName: "record", index: index,
                stage: try RecordingStage(options: stage.1, context: StageBuildContext(index: index, pipelineFile: "p.yaml")))
        }
        return Pipeline(
            file: "p.yaml", sha256: "", source: SourceSpec(region: "r", projectID: "p"), tasks: tasks.map { TaskSpec(id: $0) }, wait: wait,
            stages: configured)
    }

    func options(_ values: [String: StageOptionValue] = [:], base: String = "/tmp") -> StageOptions {
        StageOptions(values, declarations: RecordingStage.options, baseDirectory: base)
    }

    @Test func resultsReachStagesInFileOrderNotFinishOrder() async throws {
        let clock = VirtualClock()
        let source = ScriptedStatusSource(
            [
                "slow": [.delayed(.milliseconds(150), "success")],
                "fast": [.status("success")],
                "mid": [.delayed(.milliseconds(50), "failure")],
            ], clock: clock.waitClock)
        let pipeline = try pipeline(tasks: ["slow", "fast", "mid"], stages: [("record", options())])
        let runner = PipelineRunner(pipeline: pipeline, source: source, toolVersion: "test", runID: "run-x", clock: clock.waitClock)
        let report = try await clock.run { await runner.run() }
        let stage = try #require(pipeline.stages[0].stage as? RecordingStage)
        #expect(stage.seen.received.map(\.taskID) == ["slow", "fast", "mid"])
        #expect(stage.seen.received.allSatisfy { $0.runID == "run-x" })
        #expect(stage.seen.summary?.count(of: .succeeded) == 2)
        #expect(report.exitCode == .taskFailed)
    }

    @Test func aFailingStageDoesNotStopTheOthersAndExitsFour() async throws {
        try await withTemporaryDirectory { directory in
            let source = ScriptedStatusSource(["a": [.status("success")], "b": [.status("success")]])
            let pipeline = try pipeline(
                tasks: ["a", "b"],
                stages: [
                    ("record", options(["fail_on": .string("a")])),
                    ("record", options(["path": .string("ok.txt")], base: directory.path)),
                    ("record", options([:])),
                ])
            let report = await PipelineRunner(pipeline: pipeline, source: source, toolVersion: "test").run()
            #expect(report.stageFailures.map(\.index) == [0])
            #expect(report.exitCode == .stageFailed)
            #expect(try directory.read("ok.txt") == "recorded 2\n")
            let last = try #require(pipeline.stages[2].stage as? RecordingStage)
            #expect(last.seen.received.count == 2)
            #expect(last.seen.artifactsAtFinish.map(\.path) == [directory.file("ok.txt")])
            #expect(report.artifacts.map(\.path) == [directory.file("ok.txt")])
        }
    }

    @Test func anInterruptedRunStillCommitsEveryStage() async throws {
        let clock = VirtualClock()
        let source = ScriptedStatusSource(["done": [.status("success")], "never": [.status("running")]], clock: clock.waitClock)
        var wait = TaskWaiterTests.fast
        wait.timeout = .seconds(30)
        let pipeline = try pipeline(tasks: ["done", "never"], stages: [("record", options())], wait: wait)
        let interruption = RunInterruption()
        let runner = PipelineRunner(pipeline: pipeline, source: source, toolVersion: "test", interruption: interruption, clock: clock.waitClock)
        let finished = try await clock.run {
            async let report = runner.run()
            try await clock.sleep(for: .milliseconds(200))
            interruption.trigger()
            return await report
        }
        #expect(finished.results.map(\.outcome) == [.succeeded, .interrupted])
        #expect(finished.summary.interrupted)
        #expect(finished.exitCode == .interrupted)
        let stage = try #require(pipeline.stages[0].stage as? RecordingStage)
        #expect(stage.seen.summary != nil)
    }

    @Test func exitCodePrecedenceIs130Over4Over3Over1() {
        #expect(RunExitCode.allCases.sorted() == [.success, .taskFailed, .usage, .apiError, .stageFailed, .locked, .interrupted])
        #expect(max(RunExitCode.taskFailed, .apiError) == .apiError)
        #expect(max(RunExitCode.stageFailed, .interrupted) == .interrupted)
    }
}
