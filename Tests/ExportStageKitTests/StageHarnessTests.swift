import ExportStageKit
import ExportStageTesting
import Testing

/// A stage that writes one line per result, to test the harness with.
private struct LineCountStage: ExportStage {
    static let typeName = "line-count"
    static let summary = "Writes how many results it received."
    static let options: [StageOption] = [
        StageOption("path", .outputPath, required: true, help: "The file to write."),
        StageOption("label", .string, default: .string("results"), help: "The word after the count."),
    ]

    let path: String
    let label: String
    private let counter = Counter()

    init(options: StageOptions, context: StageBuildContext) throws {
        path = options.string("path") ?? ""
        label = options.string("label") ?? ""
    }

    func receive(_ result: ExportResult, context: RunContext) async throws {
        await counter.increment()
    }

    func finish(summary: RunSummary, context: RunContext) async throws {
        let digest = try AtomicFileWriter.write("\(await counter.value) \(label)\n", to: path)
        context.publish(Artifact(stage: Self.typeName, path: path, bytes: digest.bytes, sha256: digest.sha256))
    }

    private actor Counter {
        var value = 0
        func increment() { value += 1 }
    }
}

@Suite struct StageHarnessTests {
    @Test func runsTheStageFromYAMLOptionsAndReturnsItsFiles() async throws {
        let harness = try StageHarness(LineCountStage.self)
        defer { harness.removeDirectory() }
        let run = try await harness.run("path: count.txt\nlabel: tasks", results: SampleResults.all)
        #expect(run.text("count.txt") == "3 tasks\n")
        #expect(run.files.keys.sorted() == ["count.txt"])
        #expect(run.artifacts.map(\.path) == [harness.path("count.txt")])
    }

    @Test func reportsTheLoadersDiagnosticsWithLinesWithinTheOptions() throws {
        let harness = try StageHarness(LineCountStage.self)
        defer { harness.removeDirectory() }
        #expect(throws: StageHarnessError.self) { try harness.build("label: x") }
        do {
            _ = try harness.build("path: count.txt\nlabell: x")
            Issue.record("a misspelt option was accepted")
        } catch {
            #expect(error.diagnostics == ["options:2:5: error: unknown key 'labell' in stage 'line-count'; did you mean 'label'?"])
        }
    }
}
