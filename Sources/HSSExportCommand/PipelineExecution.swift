import ExportPipeline
import Foundation
import HSSClient
import Logging

/// What `run`, `wait` and `demo` share: credentials, the client, signals,
/// progress, the runner and the summary.
struct PipelineExecution {
    let pipeline: Pipeline
    let environment: [String: String]
    let logger: Logger
    let console: Console
    let redactor: SecretRedactor

    /// Runs the pipeline against HSS; throws only for problems found before
    /// the first request (credentials, client setup), which are exit code 2.
    func run() async throws -> RunReport {
        let credentials = try Credentials.resolve(pipeline.source.auth, environment: environment)
        redactor.add(credentials.secrets)
        let configuration = HSSClientConfiguration(source: pipeline.source, credentials: credentials, environment: environment)
        let client = try HSSClient(configuration: configuration, logger: logger)
        let interruption = RunInterruption()
        let trap = SignalTrap { [logger] in
            logger.warning("interrupted: stopping the wait and committing what is known (signal again to abort at once)")
            interruption.trigger()
        }
        let progress = ProgressReporter(console: console, taskCount: pipeline.tasks.count)
        let runner = PipelineRunner(
            pipeline: pipeline, source: client, logger: logger, toolVersion: HSSExportVersion.current,
            interruption: interruption, onEvent: { progress.record($0) }
        )
        logger.info("run started", metadata: ["run_id": "\(runner.runID)", "tasks": "\(pipeline.tasks.count)", "endpoint": "\(client.endpoint)"])
        let report = await runner.run()
        progress.finish()
        trap.cancel()
        do {
            try await client.shutdown()
        } catch {
            logger.debug("client shutdown: \(error)")
        }
        return report
    }
}

extension RunReport {
    /// The human-readable summary printed on stdout at the end of a run.
    var summaryText: String {
        var lines: [String] = []
        let counts = TaskOutcome.allCases.compactMap { outcome -> String? in
            let count = summary.count(of: outcome)
            return count > 0 ? "\(count) \(outcome.rawValue.replacingOccurrences(of: "_", with: " "))" : nil
        }
        let duration = String(format: "%.2f", summary.durationSeconds)
        lines.append("run \(summary.runID): \(summary.taskCount) task\(summary.taskCount == 1 ? "" : "s") in \(duration) s: " + (counts.isEmpty ? "nothing to do" : counts.joined(separator: ", ")))
        for result in results where result.outcome != .succeeded {
            var line = "  \(result.taskID): \(result.outcome.rawValue)"
            if let error = result.error { line += " (\(error.code): \(error.message))" }
            lines.append(line)
        }
        for artifact in artifacts {
            lines.append("  wrote \(artifact.path) (\(artifact.stage), \(artifact.bytes) bytes)")
        }
        for failure in stageFailures {
            lines.append("  \(failure)")
        }
        lines.append("exit \(exitCode.rawValue): \(exitCode.meaning)")
        return lines.joined(separator: "\n")
    }
}

extension RunExitCode {
    /// One phrase saying what the code means.
    var meaning: String {
        switch self {
        case .success: return "all tasks succeeded and all stages committed"
        case .taskFailed: return "a task failed or timed out"
        case .usage: return "bad invocation or pipeline file"
        case .apiError: return "the API refused or was unreachable for a task"
        case .stageFailed: return "a stage failed to commit"
        case .interrupted: return "interrupted"
        }
    }
}
