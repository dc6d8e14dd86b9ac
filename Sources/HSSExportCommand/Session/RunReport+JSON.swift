import ExportPipeline
import ExportStageKit
import Foundation

extension RunReport {
    /// The run summary as one JSON document, for `run --summary json`: what
    /// ``summaryText`` says, as keys a script can read, in a stable order.
    ///
    /// - Parameters:
    ///   - pipelineFile: the pipeline file the run loaded (`pipeline`).
    ///   - shard: the run's shard; a `shard` key only when sharded.
    ///   - hasStages: `false` for `wait`, whose exit meaning says nothing of stages.
    func summaryJSON(pipelineFile: String, shard: ShardAssignment = .unsharded, hasStages: Bool = true) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("run_id", .string(summary.runID)),
            ("pipeline", .string(pipelineFile)),
            ("started_at", .string(RFC3339.format(summary.startedAt))),
            ("finished_at", .string(RFC3339.format(summary.finishedAt))),
            ("duration_seconds", .number((summary.durationSeconds * 1000).rounded() / 1000)),
            ("exit_code", .integer(Int(exitCode.rawValue))),
            ("exit_meaning", .string(exitMeaning(hasStages: hasStages))),
            ("interrupted", .bool(summary.interrupted || interrupted)),
        ]
        if shard.isSharded {
            members.append(("shard", .object([("index", .integer(shard.index)), ("count", .integer(shard.count))])))
        }
        members.append(("tasks", .integer(summary.taskCount)))
        members.append(("outcomes", Self.outcomesJSON(summary.outcomes)))
        let perSource = sourceOutcomes
        // Only a `sources:` run's records name their source; one source needs no breakdown.
        if perSource.count > 1 {
            members.append(
                (
                    "sources",
                    .array(
                        perSource.map { source, outcomes in
                            .object([
                                ("name", .string(source)), ("tasks", .integer(outcomes.values.reduce(0, +))),
                                ("outcomes", Self.outcomesJSON(outcomes)),
                            ])
                        })
                ))
        }
        members.append(("results", .array(results.map(Self.entryJSON))))
        members.append(("outputs", .array(artifacts.map(\.jsonValue))))
        members.append(
            (
                "stage_failures",
                .array(
                    stageFailures.map {
                        .object([("stage", .string($0.typeName)), ("position", .integer($0.index + 1)), ("message", .string($0.message))])
                    })
            ))
        return .object(members)
    }

    /// Every outcome with its count, zeros included, in ``TaskOutcome`` order.
    static func outcomesJSON(_ outcomes: [TaskOutcome: Int]) -> JSONValue {
        .object(TaskOutcome.allCases.map { ($0.rawValue, .integer(outcomes[$0] ?? 0)) })
    }

    /// One task or export: who, how it ended, why not well.
    static func entryJSON(_ result: ExportResult) -> JSONValue {
        .object([
            ("task_id", .string(result.taskID)),
            ("task_name", JSONValue(result.taskName)),
            ("export", JSONValue(result.exportName)),
            ("source", JSONValue(result.source)),
            ("outcome", .string(result.outcome.rawValue)),
            (
                "error",
                result.error.map {
                    .object([("code", .string($0.code)), ("message", .string($0.message)), ("request_id", JSONValue($0.requestID))])
                } ?? .null
            ),
            ("download_path", JSONValue(result.download?.path)),
        ])
    }
}

extension JSONValue {
    /// The value with `transform` applied to every string in it (keys stay),
    /// so redaction cannot break the document's syntax.
    func mappingStrings(_ transform: (String) -> String) -> JSONValue {
        switch self {
        case .string(let text): return .string(transform(text))
        case .array(let values): return .array(values.map { $0.mappingStrings(transform) })
        case .object(let members): return .object(members.map { ($0.key, $0.value.mappingStrings(transform)) })
        case .null, .bool, .integer, .number, .numberLiteral: return self
        }
    }
}
