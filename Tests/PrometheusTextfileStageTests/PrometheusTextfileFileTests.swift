import ExportStageKit
import ExportStageTesting
import Foundation
import PrometheusTextfileStage
import TestSupport
import Testing

@Suite("prometheus-textfile file handling")
struct PrometheusTextfileFileTests {
    @Test("the committed file is mode 0644, alone in its directory, and published")
    func committedAndPublished() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let run = try await harness.run("path: hss.prom", results: SampleResults.all)
            let text = try #require(run.text("hss.prom"))
            let digest = try FileDigest.ofFile(at: directory.file("hss.prom"))
            #expect(
                run.artifacts == [
                    Artifact(stage: "prometheus-textfile", path: directory.file("hss.prom"), bytes: digest.bytes, sha256: digest.sha256)
                ])
            #expect(digest.bytes == text.utf8.count)
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("hss.prom"))
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
            #expect(try directory.entries() == ["hss.prom"])
        }
    }

    @Test("the temporary file is hidden and does not end in .prom, so the collector skips it")
    func temporaryNameIsIgnoredByCollector() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try AtomicFileWriter(destination: directory.file("hss.prom"))
        try writer.write("hss_export_tasks 1\n")
        let pending = try directory.entries()
        #expect(pending.count == 1)
        #expect(pending.allSatisfy { $0.hasPrefix(".hss.prom.tmp-") && !$0.hasSuffix(".prom") })
        try writer.commit()
        #expect(try directory.entries() == ["hss.prom"])
    }

    @Test("a file that cannot be written leaves nothing published")
    func failedCommit() async throws {
        try await withTemporaryDirectory { directory in
            // The loader refuses a directory that is missing when the run
            // starts, so this one goes away after loading.
            try FileManager.default.createDirectory(atPath: directory.file("missing"), withIntermediateDirectories: false)
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let stage = try harness.build("path: missing/hss.prom")
            try FileManager.default.removeItem(atPath: directory.file("missing"))
            let context = SampleResults.context()
            let error = await #expect(throws: OutputFileError.self) {
                try await harness.run(stage, results: SampleResults.all, context: context)
            }
            #expect(error?.description.contains("missing") == true)
            #expect(context.artifacts.isEmpty)
        }
    }

    @Test("a repeated task id keeps one set of series, at its first position")
    func repeatedTaskID() async throws {
        try await withTemporaryDirectory { directory in
            var retried = SampleResults.succeeded(id: "task-1")
            retried.polls = 9
            let results = [SampleResults.succeeded(id: "task-1"), SampleResults.errored(id: "task-2"), retried]
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let samples = try ExpositionSample.parse(try #require(await harness.run("path: hss.prom", results: results).text("hss.prom")))
            #expect(samples.matching("hss_export_task_polls").map { "\($0.labels["task_id"]!)=\($0.value)" } == ["task-1=9", "task-2=1"])
        }
    }

    @Test("no tasks: per-task families are left out, run-level ones written")
    func noTasks() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try StageHarness(PrometheusTextfileStage.self, directory: directory.path)
            let text = try #require(await harness.run("path: hss.prom", results: []).text("hss.prom"))
            #expect(!text.contains("_task_"))
            #expect(try ExpositionSample.parse(text).matching("hss_export_tasks").map(\.value) == ["0", "0", "0", "0", "0"])
        }
    }
}
