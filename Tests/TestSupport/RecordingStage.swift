public import ExportPipeline
public import ExportStageKit
public import Synchronization

/// A stage for tests of the core: declares one option of every kind and
/// records what it receives, so tests can check order and commit behaviour.
public final class RecordingStage: ExportStage {
    public static let typeName = "record"
    public static let summary = "Records results in memory (tests only)."
    public static let options: [StageOption] = [
        StageOption("path", .outputPath, help: "A file it would write."),
        StageOption("mode", .choice(["overwrite", "append"]), default: .string("overwrite"), help: "A choice."),
        StageOption("count", .integer(1...10), default: .integer(1), help: "An integer."),
        StageOption("flag", .bool, default: .bool(false), help: "A bool."),
        StageOption("interval", .duration, help: "A duration."),
        StageOption("columns", .stringList, help: "A list."),
        StageOption("labels", .stringMap, help: "A map."),
        StageOption("fail_on", .string, help: "Throw when receiving this task id ('finish' throws in finish)."),
        StageOption("reject", .string, help: "Init throws a StageOptionError for this option name."),
    ]

    /// What a stage saw.
    public struct Log: Sendable {
        public var received: [ExportResult] = []
        public var summary: RunSummary?
        public var artifactsAtFinish: [Artifact] = []
    }

    public let options: StageOptions
    private let log = Mutex(Log())

    public init(options: StageOptions, context: StageBuildContext) throws {
        if let rejected = options.string("reject") {
            throw StageOptionError(option: rejected, message: "rejected by the test", fix: "do not set reject")
        }
        self.options = options
    }

    /// What this stage saw.
    public var seen: Log { log.withLock { $0 } }

    public func receive(_ result: ExportResult, context: RunContext) async throws {
        if options.string("fail_on") == result.taskID {
            throw StageOptionError(option: nil, message: "told to fail on \(result.taskID)")
        }
        log.withLock { $0.received.append(result) }
    }

    public func finish(summary: RunSummary, context: RunContext) async throws {
        if options.string("fail_on") == "finish" {
            throw StageOptionError(option: nil, message: "told to fail in finish")
        }
        let artifacts = context.artifacts
        log.withLock {
            $0.summary = summary
            $0.artifactsAtFinish = artifacts
        }
        if let path = options.string("path") {
            let digest = try AtomicFileWriter.write("recorded \(summary.taskCount)\n", to: path)
            context.publish(Artifact(stage: Self.typeName, path: path, bytes: digest.bytes, sha256: digest.sha256))
        }
    }
}
