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
        discussion: """
            The source is --region or --endpoint, with --project-id (or HSS_PROJECT_ID). The credentials are \
            HSS_AUTH_TOKEN, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (+ HUAWEICLOUD_SDK_SECURITY_TOKEN), or a \
            profile file (HUAWEICLOUD_SDK_CREDENTIALS_FILE), or the ECS agency; query takes no pipeline file. \
            Exits 3 when HSS refuses or cannot be reached, 2 when the options or credentials are missing.

            Examples:
              hss-export query --region cn-north-4 --project-id "$HSS_PROJECT_ID" t-1
              hss-export query --endpoint http://127.0.0.1:8080 t-1 | jq .task_status
            """
    )

    @Argument(help: ArgumentHelp("The export task id.", valueName: "task-id"))
    var taskID: String

    @OptionGroup var source: SourceOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        try source.requireLocation()
    }

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
