import ExecStage
import ExportPipeline
import ExportStageKit
import ExportStageTesting
import Foundation
import TestSupport

/// Builds `exec` stages the way the loader does and runs them like the runner.
enum ExecStageHarness {
    /// The options of an `exec` stage whose pipeline file lives in `directory`.
    static func options(
        _ directory: TemporaryDirectory,
        command: [String],
        timeout: Duration? = nil,
        workingDirectory: String? = nil,
        environment: [(String, String)]? = nil,
        passEnvironment: [String]? = nil
    ) -> StageOptions {
        var values: [String: StageOptionValue] = ["command": .stringList(command)]
        if let timeout { values["timeout"] = .duration(timeout) }
        if let workingDirectory { values["working_directory"] = .string(workingDirectory) }
        if let environment { values["environment"] = .stringMap(environment.map { .init($0.0, $0.1) }) }
        if let passEnvironment { values["pass_environment"] = .stringList(passEnvironment) }
        return StageOptions(values, declarations: ExecStage.options, baseDirectory: directory.path)
    }

    /// A stage built from ``options(_:command:timeout:workingDirectory:environment:passEnvironment:)``.
    static func makeStage(
        _ directory: TemporaryDirectory,
        command: [String],
        timeout: Duration? = nil,
        workingDirectory: String? = nil,
        environment: [(String, String)]? = nil,
        passEnvironment: [String]? = nil
    ) throws -> ExecStage {
        let options = options(
            directory, command: command, timeout: timeout, workingDirectory: workingDirectory,
            environment: environment, passEnvironment: passEnvironment
        )
        return try ExecStage(options: options, context: StageBuildContext(index: 0, pipelineFile: directory.file("pipeline.yaml")))
    }

    /// Feeds `results` to `stage` and finishes it.
    static func run(_ stage: ExecStage, _ results: [ExportResult], context: RunContext = SampleResults.context()) async throws {
        for result in results { try await stage.receive(result, context: context) }
        try await stage.finish(summary: SampleResults.summary(of: results), context: context)
    }

    /// `/bin/sh -c script` with `arguments` as `$1`, `$2`, …
    static func shell(_ script: String, _ arguments: String...) -> [String] {
        ["/bin/sh", "-c", script, "sh"] + arguments
    }
}
