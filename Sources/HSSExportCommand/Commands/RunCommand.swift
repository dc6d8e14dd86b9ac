import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation

/// `hss-export run FILE`: the nightly job.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline file: create its exports, wait for its tasks, download their files, write the stages' outputs.",
        discussion: """
            Credentials come from the file's source.auth, or from HSS_AUTH_TOKEN or HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK.

            A pipeline that creates exports or downloads keeps a journal and a lock in its state directory \
            (state.dir, HSS_EXPORT_STATE_DIR, systemd's STATE_DIRECTORY, /var/lib/hss-export for root, else \
            ~/.local/state/hss-export): a run that was killed or interrupted resumes where it stopped when started \
            again, and never creates an export twice; a second run while the first still runs exits 5 at once.

            Example:
              hss-export run /etc/hss-export/nightly.pipeline.yaml
            """
    )

    @Argument(help: "The pipeline file (YAML or JSON).")
    var file: String

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("The state directory (overrides state.dir).", valueName: "dir"))
    var stateDirectory: String?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let session = RunSession(logging: logging)
        let pipeline = try session.loadForRun(file)
        let report = try await session.execute(pipeline, stateDirectory: stateDirectory)
        throw session.finish(report)
    }
}
