import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient

/// `hss-export query TASK_ID`: one ListQueryExportTask call.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Ask HSS once for an export task and print it as one JSON line.",
        discussion:
            "Credentials come from HSS_AUTH_TOKEN or HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK (+ HUAWEICLOUD_SDK_SECURITY_TOKEN). Exits 3 when HSS refuses or cannot be reached."
    )

    @Argument(help: "The export task id.")
    var taskID: String

    @OptionGroup var source: SourceOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let session = RunSession(logging: logging)
        let (client, _) = try await session.makeClient(for: try source.sourceSpec(environment: session.environment))
        do {
            let status = try await client.queryExportTask(taskID)
            try? await client.shutdown()
            Console.printLine(session.redactor.redact(status.jsonValue.serialized))
        } catch {
            try? await client.shutdown()
            throw session.failure(error, exitCode: .apiError)
        }
    }
}
