import ExportStageKit
import Foundation
import Hummingbird

/// `GET /_simulator/statistics`: what the simulator has seen, for benchmarks and test
/// harnesses that run it as a separate process.
///
/// Outside the HSS API: no authentication, no rate limit, no latency, and not counted in
/// the statistics it returns. The answer holds no credentials:
///
/// ```json
/// {"total_requests": 12, "throttled_requests": 0, "throttled_by_api": {}, "throttled_by_user": {}, "throttled_by_ip": {},
///  "unauthorized_requests": 0, "expired_credential_rejections": 0, "expired_credential_rejections_by_kind": {},
///  "metadata": {"session_tokens": 1, "security_keys": 3, "refusals": 0},
///  "iam": {"tokens_issued": 0, "token_refusals": 0, "project_requests": 1},
///  "clock_started_at": "2026-11-29T15:14:45.147Z", "clock_started_at_unix": 1795965285.147321,
///  "tasks": {"t1": {"polls": 4, "steps": [{"step": 0, "first_poll_s": 0}, {"step": 1, "first_poll_s": 2.5031}]}},
///  "downloads": {"file-t1": 1}}
/// ```
///
/// `first_poll_s` is the time of the step's first answer in seconds since the scenario clock
/// started (the first poll of any task), the origin of `until` steps.
enum SimulatorControlRoute {
    static let statisticsPath = "/_simulator/statistics"
    static let creationsPath = "/_simulator/creations"

    /// The answer to `request` when it is a control request, `nil` when it is not.
    static func response(to request: Request, state: SimulatorState) async -> Response? {
        guard request.method == .get else { return nil }
        let document: JSONValue
        switch request.uri.path {
        case statisticsPath: document = self.document(await state.timeline)
        case creationsPath: document = self.document(await state.creations)
        default: return nil
        }
        let body = document.serialized(escapingLineSeparators: false)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json;charset=UTF-8"],
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }

    static func document(_ timeline: Timeline) -> JSONValue {
        let statistics = timeline.statistics
        let tasks = timeline.tasks.map { task in
            (
                key: task.id,
                value: JSONValue.object([
                    ("polls", .integer(statistics.polls(of: task.id))),
                    (
                        "steps",
                        .array(
                            task.steps.map { start in
                                .object([("step", .integer(start.step)), ("first_poll_s", .number(microseconds(start.offset)))])
                            })
                    ),
                ])
            )
        }
        let downloads = counts(statistics.downloads)
        let exports = statistics.exports.sorted { $0.key < $1.key }.map { identity, count in
            JSONValue.object([
                ("identity", .string(identity)),
                ("operation", .string(String(identity.prefix { $0 != " " }))),
                ("count", .integer(count)),
            ])
        }
        return .object([
            ("total_requests", .integer(statistics.totalRequests)),
            ("throttled_requests", .integer(statistics.throttledRequests)),
            ("throttled_by_api", .object(counts(statistics.throttledByAPI))),
            ("throttled_by_user", .object(nestedCounts(statistics.throttledByUser))),
            ("throttled_by_ip", .object(nestedCounts(statistics.throttledByIP))),
            ("unauthorized_requests", .integer(statistics.unauthorizedRequests)),
            ("expired_credential_rejections", .integer(statistics.expiredCredentialRejections)),
            ("expired_credential_rejections_by_kind", .object(counts(statistics.expiredCredentialRejectionsByKind))),
            (
                "metadata",
                .object([
                    ("session_tokens", .integer(statistics.metadataSessionTokens)),
                    ("security_keys", .integer(statistics.metadataSecurityKeys)),
                    ("refusals", .integer(statistics.metadataRefusals)),
                ])
            ),
            (
                "iam",
                .object([
                    ("tokens_issued", .integer(statistics.iamTokensIssued)),
                    ("token_refusals", .integer(statistics.iamTokenRefusals)),
                    ("project_requests", .integer(statistics.iamProjectRequests)),
                ])
            ),
            ("clock_started_at", timeline.clockStartedAt.map { .string(RFC3339.format($0)) } ?? .null),
            ("clock_started_at_unix", timeline.clockStartedAt.map { .number(($0.timeIntervalSince1970 * 1e6).rounded() / 1e6) } ?? .null),
            ("tasks", .object(tasks)),
            ("downloads", .object(downloads)),
            ("truncated_downloads", .object(counts(statistics.truncatedDownloads))),
            (
                "creations",
                .object([
                    ("total", .integer(statistics.creations)),
                    ("exports", .array(exports)),
                    ("duplicates", .array(statistics.duplicateExports.map(JSONValue.string))),
                    ("by_project", .object(counts(statistics.creationsByProject))),
                ])
            ),
        ])
    }

    /// `{"creations": [...]}`: every create request in order, as ``SimulatorCreation`` has it.
    static func document(_ creations: [SimulatorCreation]) -> JSONValue {
        .object([
            (
                "creations",
                .array(
                    creations.map { creation in
                        .object([
                            ("operation", .string(creation.operation)),
                            ("path", .string(creation.path)),
                            ("query", .string(creation.query)),
                            ("body", .string(creation.body)),
                            ("identity", .string(creation.identity)),
                            ("task_id", JSONValue(creation.taskID)),
                            ("status", .integer(creation.status)),
                            ("error_code", JSONValue(creation.errorCode)),
                            ("project_id", .string(creation.projectID)),
                        ])
                    })
            )
        ])
    }

    private static func counts(_ counts: [String: Int]) -> [(key: String, value: JSONValue)] {
        counts.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.integer($0.value)) }
    }

    private static func nestedCounts(_ counts: [String: [String: Int]]) -> [(key: String, value: JSONValue)] {
        counts.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.object(self.counts($0.value))) }
    }

    /// Seconds, rounded to the microsecond.
    private static func microseconds(_ duration: Duration) -> Double {
        (DurationText.seconds(in: duration) * 1e6).rounded() / 1e6
    }
}
