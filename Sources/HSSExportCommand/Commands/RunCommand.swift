import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation

/// `hss-export run FILE`: the nightly job.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline file: wait for its tasks and write the stages' outputs.",
        discussion: "Credentials come from the file's source.auth, or from HSS_AUTH_TOKEN or HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK."
    )

    @Argument(help: "The pipeline file (YAML or JSON).")
    var file: String

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let session = RunSession(logging: logging)
        let pipeline = try session.loadForRun(file)
        let report = try await session.execute(pipeline)
        throw session.finish(report)
    }
}
