import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import HSSSigning
import Logging

/// One command's way from parsed options to its exit code: stderr, the secret
/// redactor and the logger; the pipeline file; the endpoint and credentials,
/// each resolved once, by the client; the run; and every failure reported
/// the same way.
struct RunSession {
    let console = Console()
    let redactor = SecretRedactor()
    let logger: Logger
    let environment: [String: String]

    init(logging: LoggingOptions, label: String = "hss-export", environment: [String: String] = ProcessInfo.processInfo.environment) {
        logger = logging.makeLogger(label: label, console: console, redactor: redactor)
        self.environment = environment
        // Before any credential is resolved, so even the first diagnostics are redacted.
        redactor.add(environment: environment)
    }

    /// Writes `message` (redacted) to stderr and returns the exit to throw.
    func failure(_ message: String, exitCode: RunExitCode) -> ArgumentParser.ExitCode {
        Console.writeStandardError("hss-export: " + redactor.redact(message) + "\n")
        return ArgumentParser.ExitCode(exitCode)
    }

    /// Writes `error` (redacted) to stderr and returns the exit to throw.
    func failure(_ error: any Error, exitCode: RunExitCode) -> ArgumentParser.ExitCode {
        failure("\(error)", exitCode: exitCode)
    }

    /// A loader for the stage types of this binary.
    func loader(isForRun: Bool, environment: [String: String]? = nil) -> PipelineLoader {
        PipelineLoader(registry: CommandEnvironment.registry, environment: environment ?? self.environment, isForRun: isForRun)
    }

    /// Checks what only the client knows of `pipeline`'s sources (region and
    /// endpoint syntax, the SDK's override variables), as located diagnostics,
    /// so `validate` rejects what `run` would.
    func sourceDiagnostics(of pipeline: Pipeline) -> [PipelineDiagnostic] {
        pipeline.sources.indices.compactMap { index in
            do {
                _ = try HSSClientConfiguration.endpoint(of: pipeline.sources[index]).resolve(environment: environment)
                return nil
            } catch {
                return Self.diagnostic(for: error, in: pipeline, source: index)
            }
        }
    }

    /// What `validate` says about sources without a `project_id`: the run looks it up.
    func projectLookupNotes(of pipeline: Pipeline) -> [String] {
        pipeline.sources.enumerated().compactMap { index, source in
            guard source.projectID == nil else { return nil }
            let subject = pipeline.isMultiSource ? "source '\(source.name)'" : "the source"
            return "\(subject) has no project_id: the run takes HUAWEICLOUD_SDK_PROJECT_ID or the profile's project_id, "
                + "else looks up the project named '\(source.region ?? "<region>")' with IAM (GET /v3/projects)"
        }
    }

    /// Loads `file` for a run: every problem is written to stderr as a located
    /// diagnostic, and the exit is 2.
    func loadForRun(_ file: String) throws(ArgumentParser.ExitCode) -> Pipeline {
        do {
            return try loader(isForRun: true).load(contentsOf: file)
        } catch {
            Console.writeStandardError(redactor.redact(error.description) + "\n")
            throw ArgumentParser.ExitCode(RunExitCode.usage)
        }
    }

    /// Runs `pipeline` against HSS: signals, progress, the runner, the
    /// clients' shutdown. A problem found before the first request is exit 2.
    func execute(
        _ pipeline: Pipeline, environment: [String: String]? = nil, stateDirectory: String? = nil
    ) async throws(ArgumentParser.ExitCode) -> RunReport {
        let runID = RunContext.makeRunID()
        let (clients, sources) = try await connect(pipeline, runID: runID, environment: environment)
        let journal: RunJournal?
        do {
            journal = try openJournal(for: pipeline, runID: runID, environment: environment ?? self.environment, override: stateDirectory)
        } catch {
            await shutDown(clients)
            throw error
        }
        let client = clients.first
        let interruption = RunInterruption()
        let progress = ProgressReporter(console: console, taskCount: pipeline.tasks.count + pipeline.exports.count, budget: pipeline.wait.rateLimit)
        // The stages' temp files, for the exit that cannot wait for them to be discarded.
        let sweeper = TemporaryFileSweeper(
            directories: pipeline.stages.flatMap { $0.outputPaths.map { FilePath.directory(of: $0) } }
                + [pipeline.download?.directory].compactMap { $0 },
            livePaths: { LiveTemporaryFiles.current }
        )
        let window = DurationText.format(SignalTrap.repeatWindow)
        let trap = SignalTrap(
            onFirst: { [logger] in
                logger.warning(
                    "interrupted: stopping the wait and committing what is known (signal again after \(window) to abort at once)")
                interruption.trigger()
            },
            onRepeat: { [logger] number in
                logger.info("\(SignalTrap.name(of: number)) within \(window) of the first signal: taken as the same stop")
            },
            beforeExit: {
                progress.finish()
                sweeper.sweep()
            }
        )
        let runner = PipelineRunner(
            pipeline: pipeline, sources: sources, logger: logger, toolVersion: HSSExportVersion.current,
            interruption: interruption, runID: runID, onEvent: { progress.record($0) }, journal: journal,
            sanitizer: ResultSanitizer(secrets: redactor.secrets),
            sharedBudget: hostBudget(environment: environment, requestTimeout: pipeline.sources.map(\.requestTimeout).max() ?? .seconds(30))
        )
        if let journal {
            logger.info("state", metadata: ["dir": "\(journal.directory.path)", "resumes_run": "\(journal.resumedRunID ?? "-")"])
        }
        logger.info(
            "run started",
            metadata: [
                "run_id": "\(runner.runID)", "tasks": "\(pipeline.tasks.count)", "exports": "\(pipeline.exports.count)",
                "endpoint": "\(client.map { "\($0.endpoint)" } ?? "-")",
            ].merging(pipeline.isMultiSource ? ["sources": "\(pipeline.sources.count)"] : [:]) { $1 })
        let report = await runner.run()
        progress.finish()
        trap.cancel()
        await shutDown(clients)
        return report
    }

    /// One client per source with work (credentials and project id resolved,
    /// providers shared between sources of one `auth:`), and the sources as
    /// the runner takes them. Every client made so far is shut down when a
    /// later source fails.
    func connect(
        _ pipeline: Pipeline, runID: String, environment: [String: String]?
    ) async throws(ArgumentParser.ExitCode) -> (clients: [HSSClient], sources: [WaitSource]) {
        var clients: [HSSClient] = []
        var sources: [WaitSource] = []
        for (index, source) in pipeline.sources.enumerated() {
            // A shard that kept no source keeps a placeholder nothing asks.
            guard pipeline.tasks.contains(where: { $0.source == index }) || pipeline.exports.contains(where: { $0.source == index }) else {
                sources.append(WaitSource(service: IdleStatusSource(), scope: ResultScope(projectID: source.projectID ?? "", runID: runID)))
                continue
            }
            let made: (client: HSSClient, credentials: ResolvedCredentials)
            do {
                made = try await makeClient(for: source, pipeline: pipeline.locations.isEmpty ? nil : pipeline, environment: environment)
            } catch {
                await shutDown(clients)
                throw error
            }
            clients.append(made.client)
            let projectID = made.client.configuration.projectID
            let scope = ResultScope(
                source: pipeline.sourceName(at: index), projectID: projectID, region: source.region,
                enterpriseProjectID: source.enterpriseProjectID, runID: runID)
            sources.append(WaitSource(service: made.client, scope: scope, budgetKey: made.credentials.budgetKey))
            var metadata: Logger.Metadata = [
                "endpoint": "\(made.client.endpoint)", "project_id": "\(projectID)", "credentials": "\(made.credentials.sourceDescription)",
            ]
            if pipeline.isMultiSource { metadata["name"] = "\(source.name)" }
            logger.info("source", metadata: metadata)
        }
        return (clients, sources)
    }

    /// Shuts every client down; a failure is only logged (the run is over).
    func shutDown(_ clients: [HSSClient]) async {
        for client in clients {
            do {
                try await client.shutdown()
            } catch {
                logger.debug("client shutdown: \(error)")
            }
        }
    }

    /// Takes the state lock and reads the journal of a pipeline that creates
    /// exports or downloads; `nil` for one that does neither. A lock held by
    /// another run is exit 5; an unusable folder or journal, exit 2.
    func openJournal(
        for pipeline: Pipeline, runID: String, environment: [String: String], override: String?
    ) throws(ArgumentParser.ExitCode) -> RunJournal? {
        guard pipeline.usesState else { return nil }
        let directory = Self.stateDirectory(for: pipeline, environment: environment, override: override)
        do {
            return try RunJournal(directory: directory, pipelineFile: pipeline.file, runID: runID, keep: pipeline.state.keep)
        } catch let error as StateLockError {
            if case .held = error.kind { throw failure(error, exitCode: .locked) }
            throw failure(error, exitCode: .usage)
        } catch {
            throw failure(error, exitCode: .usage)
        }
    }

    /// The state folder of `pipeline`: `--state-dir`, else the file's and the environment's choice.
    static func stateDirectory(for pipeline: Pipeline, environment: [String: String], override: String?) -> StateDirectory {
        var settings = pipeline.state
        if let override { settings.directory = FilePath.resolve(override, against: FileManager.default.currentDirectoryPath) }
        let file = pipeline.file.hasPrefix("<") ? pipeline.file : FilePath.resolve(pipeline.file, against: FileManager.default.currentDirectoryPath)
        return StateDirectory.resolve(settings: settings, pipelineFile: file, environment: environment)
    }

    /// Prints the summary (stdout, or stderr when stdout carries results) and
    /// returns the run's exit.
    ///
    /// - Parameters:
    ///   - summaryToStandardError: stdout carries results (a stage writes it), so text goes to stderr.
    ///   - format: text, or one JSON document on stdout (never together with a stage that writes stdout).
    ///   - pipelineFile: the file the run loaded, named in the JSON document.
    ///   - shard: the run's shard, in the JSON document when sharded.
    ///   - hasStages: `false` for `wait`: the last line then speaks of tasks only.
    func finish(
        _ report: RunReport, summaryToStandardError: Bool = false, format: SummaryFormat = .text, pipelineFile: String = "",
        shard: ShardAssignment = .unsharded, hasStages: Bool = true
    ) -> ArgumentParser.ExitCode {
        switch format {
        case .json:
            let document = report.summaryJSON(pipelineFile: pipelineFile, shard: shard, hasStages: hasStages)
            Console.printLine(document.mappingStrings(redactor.redact).serialized)
        case .text:
            let text = redactor.redact(report.summaryText(hasStages: hasStages))
            if summaryToStandardError {
                Console.writeStandardError(text + "\n", level: .info)
            } else {
                Console.printLine(text)
            }
        }
        return ArgumentParser.ExitCode(report.exitCode)
    }

    /// A client setting problem as a diagnostic at the key that holds it:
    /// in source `source` (by position), or, when not given, the source
    /// whose region or endpoint is the bad value (else the first).
    static func diagnostic(for error: any Error, in pipeline: Pipeline, source: Int? = nil) -> PipelineDiagnostic {
        let configurationError = error as? HSSConfigurationError
        let index =
            source
            ?? configurationError.flatMap { error in
                pipeline.sources.firstIndex {
                    error.setting == "region" ? $0.region == error.value : error.setting == "endpoint" && $0.endpoint == error.value
                }
            } ?? 0
        let prefix = pipeline.isMultiSource ? "sources[\(index)]" : "source"
        guard let error = configurationError else {
            return PipelineDiagnostic(file: pipeline.file, at: pipeline.locations[prefix], message: "\(error)")
        }
        let key = error.setting == "region" || error.setting == "endpoint" ? "\(prefix).\(error.setting)" : prefix
        let subject = pipeline.isMultiSource ? "source '\(pipeline.sources[index].name)': " : ""
        return PipelineDiagnostic(
            file: pipeline.file, at: pipeline.locations[key] ?? pipeline.locations[prefix],
            message: "\(subject)\(error.setting) '\(error.value)' \(error.problem)", fix: error.fix
        )
    }
}

extension ArgumentParser.ExitCode {
    /// The ArgumentParser exit code for a run's exit code.
    init(_ code: RunExitCode) {
        self.init(code.rawValue)
    }
}
