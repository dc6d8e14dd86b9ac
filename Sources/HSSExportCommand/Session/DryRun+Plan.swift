import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient

extension DryRun {
    /// What the run would do, source by source, then its downloads, stages
    /// and state, and the verdict last: the text `run --dry-run` prints.
    func planText(connected: [Connected], checks: [Check]) -> String {
        let file = FilePath.resolve(pipeline.file, against: FileManager.default.currentDirectoryPath)
        var lines = ["dry run of \(file)\(shard.isSharded ? " (shard \(shard))" : ""): nothing was written"]
        for index in pipeline.sources.indices {
            let subject = pipeline.isMultiSource ? "source '\(pipeline.sources[index].name)'" : "source"
            guard let source = connected.first(where: { $0.index == index }) else {
                lines.append("\(subject): nothing to do\(shard.isSharded ? " in this shard" : "")")
                continue
            }
            lines.append(
                "\(subject): \(source.client.endpoint), project \(source.client.configuration.projectID), "
                    + "credentials from \(source.credentials.sourceDescription)")
            if let check = checks.first(where: { $0.sources.contains(index) }) {
                if check.sources.first == index || !pipeline.isMultiSource {
                    lines.append("  check: \(check.request): \(check.answer)")
                } else if let first = check.sources.first {
                    lines.append("  check: shares the request of source '\(pipeline.sources[first].name)' (same credentials, one budget)")
                }
            }
            let exports = pipeline.exports.filter { $0.source == index }
            lines.append(
                exports.isEmpty
                    ? "  create: no export"
                    : "  create \(Self.count(exports.count, "export")): " + exports.map { "\($0.name) (kind \($0.kind))" }.joined(separator: ", "))
            let tasks = pipeline.tasks.filter { $0.source == index }.map(\.id)
            let origin = tasksFromStandardInput ? " (tasks from stdin)" : ""
            lines.append(
                tasks.isEmpty
                    ? "  poll: no listed task\(exports.isEmpty ? "" : "; the created exports' tasks")"
                    : "  poll \(Self.count(tasks.count, "task"))\(origin): " + Self.abbreviated(tasks))
        }
        if let download = pipeline.download {
            lines.append("download: finished tasks' files into \(download.directory)\(download.extract ? ", each also extracted" : "")")
        } else {
            lines.append("download: no (no 'download:' in the file)")
        }
        lines.append(pipeline.stages.isEmpty ? "write: no stage" : "write:")
        for configured in pipeline.stages {
            let target: String
            if configured.stage.writesStandardOutput {
                target = "standard output"
            } else if configured.outputPaths.isEmpty {
                target = "no file"
            } else {
                target = configured.outputPaths.joined(separator: ", ")
            }
            lines.append("  stage \(configured.index + 1) (\(configured.typeName)): \(target)")
        }
        if pipeline.usesState {
            let directory = RunSession.stateDirectory(for: pipeline, environment: session.environment, override: stateDirectory)
            lines.append("state: journal and lock in \(directory.path) (a run creates them; the dry run did not)")
        } else {
            lines.append("state: none (the pipeline creates no export and downloads nothing)")
        }
        let failed = checks.contains { $0.failure != nil }
        lines.append(
            failed
                ? "check failed: see the error below (exit \(RunExitCode.apiError.rawValue))"
                : checks.isEmpty
                    ? "check: no request (nothing to do)"
                    : "check passed: the endpoint answers and accepts the credentials (\(Self.count(checks.count, "request")))")
        return lines.joined(separator: "\n")
    }

    /// `1 task`, `3 tasks`.
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    /// The first ids and how many more: a file may list 100 000 tasks.
    static func abbreviated(_ ids: [String], limit: Int = 20) -> String {
        let shown = ids.prefix(limit).joined(separator: ", ")
        return ids.count > limit ? shown + ", … (\(ids.count - limit) more)" : shown
    }
}
