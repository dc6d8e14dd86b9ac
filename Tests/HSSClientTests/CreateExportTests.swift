import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import HSSSigning
import TestSupport
import Testing

/// `createExport` on the wire (against a capture server) and its error dispositions.
@Suite struct CreateExportTests {
    typealias Item = ExportCreation.QueryItem

    /// One wire example of exports.md section 1: the creation, the query and the body the
    /// SDK sent for it.
    struct WireExample: Sendable, CustomTestStringConvertible {
        var creation: ExportCreation
        var target: String
        var body: String
        var testDescription: String { creation.operation }
    }

    static let headers: JSONValue = .array([.array([.string("vul_name"), .string("Vulnerability")]), .array([.string("cve_ids"), .string("CVE")])])

    static let wireExamples: [WireExample] = [
        WireExample(
            creation: ExportCreation(
                operation: "ExportVuls", pathSegments: ["vul", "export"],
                query: [Item(name: "export_size", value: "100"), Item(name: "category", value: "vul")],
                body: .object([("export_headers", headers)])),
            target: "/v5/p1/vul/export?category=vul&export_size=100",
            body: #"{"export_headers": [["vul_name", "Vulnerability"], ["cve_ids", "CVE"]]}"#),
        WireExample(
            creation: ExportCreation(
                operation: "ExportEventRequest", pathSegments: ["event", "export"],
                query: [
                    Item(name: "last_days", value: "7"), Item(name: "event_types", value: "4002"), Item(name: "category", value: "host"),
                    Item(name: "event_types", value: "1001"), Item(name: "event_id", value: "e1"),
                ],
                body: .array([.array([.string("event_name"), .string("Alarm")]), .array([.string("severity"), .string("Severity")])])),
            target: "/v5/p1/event/export?category=host&event_id=e1&event_types=1001&event_types=4002&last_days=7",
            body: #"[["event_name", "Alarm"], ["severity", "Severity"]]"#),
        WireExample(
            creation: ExportCreation(
                operation: "DownloadAssetFile", pathSegments: ["asset", "export"],
                query: [Item(name: "category", value: "host"), Item(name: "asset_type", value: "port")],
                body: .object([
                    ("export_headers", .array([.array([.string("host_name"), .string("Host")]), .array([.string("port"), .string("Port")])]))
                ])),
            target: "/v5/p1/asset/export?asset_type=port&category=host",
            body: #"{"export_headers": [["host_name", "Host"], ["port", "Port"]]}"#),
        WireExample(
            creation: ExportCreation(
                operation: "ExportTaskInfo", pathSegments: ["export-task"],
                body: .object([("type", .string("operational-report")), ("operational_report_data", .object([("report_id", .string("2024-05"))]))])),
            target: "/v5/p1/export-task",
            body: #"{"type": "operational-report", "operational_report_data": {"report_id": "2024-05"}}"#),
    ]

    static let created = CaptureServer.Answer.json(200, #"{"record_total_num": 42, "task_id": "t-new-1"}"#, headers: [["X-Request-Id", "req-1"]])

    @Test(arguments: wireExamples)
    func bodyAndQueryOnTheWireAreTheSDKsByteForByte(_ example: WireExample) async throws {
        try await CaptureFixture.withClient([Self.created], configure: { $0.region = "cn-north-4" }) { client, server, _ in
            let created = try await client.createExport(example.creation)
            #expect(created == CreatedExport(taskID: "t-new-1", recordCount: 42))
            let requests = try server.requests()
            try #require(requests.count == 1)
            let request = requests[0]
            #expect(request.method == "POST")
            #expect(request.target == example.target)
            #expect(request.body == Array(example.body.utf8), "\(String(decoding: request.body, as: UTF8.self))")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.header("Content-Length") == String(example.body.utf8.count))
            #expect(request.header("X-Project-Id") == CaptureFixture.projectID)
            // The create calls take no region header, unlike the GETs.
            #expect(request.header("region") == nil)
            #expect(
                CaptureServer.verify(request, accessKey: CaptureFixture.accessKey, secretKey: CaptureFixture.secretKey)
                    == .valid(accessKey: CaptureFixture.accessKey))
        }
    }

    @Test func aTamperedBodyNoLongerVerifiesSoTheSignatureCoversIt() async throws {
        try await CaptureFixture.withClient([Self.created]) { client, server, _ in
            _ = try await client.createExport(Self.wireExamples[0].creation)
            var request = try #require(try server.requests().first)
            request.body[request.body.count - 3] = UInt8(ascii: "X")
            #expect(
                CaptureServer.verify(request, accessKey: CaptureFixture.accessKey, secretKey: CaptureFixture.secretKey)
                    != .valid(accessKey: CaptureFixture.accessKey))
        }
    }

    @Test func theConfiguredEnterpriseProjectIsSentSortedUnlessTheCreationSetsOne() async throws {
        try await CaptureFixture.withClient([Self.created], configure: { $0.enterpriseProjectID = "all_granted_eps" }) { client, server, _ in
            _ = try await client.createExport(Self.wireExamples[0].creation)
            var own = Self.wireExamples[0].creation
            own.query.append(Item(name: "enterprise_project_id", value: "0"))
            _ = try await client.createExport(own)
            let targets = try server.requests().map(\.target)
            #expect(
                targets == [
                    "/v5/p1/vul/export?category=vul&enterprise_project_id=all_granted_eps&export_size=100",
                    "/v5/p1/vul/export?category=vul&enterprise_project_id=0&export_size=100",
                ])
        }
    }

    @Test func aTokenGoesAsXAuthTokenWithoutASignature() async throws {
        try await CaptureFixture.withClient([Self.created], credentials: SimulatorFixture.tokenCredentials) { client, server, _ in
            _ = try await client.createExport(Self.wireExamples[3].creation)
            let request = try #require(try server.requests().first)
            #expect(request.header("X-Auth-Token") == SimulatorFixture.token)
            #expect(request.header("Authorization") == nil)
            #expect(request.header("X-Sdk-Date") == nil)
            #expect(request.body == Array(Self.wireExamples[3].body.utf8))
        }
    }

    @Test func aNullBodyIsNoBodyAndHashesAsEmpty() async throws {
        try await CaptureFixture.withClient([Self.created]) { client, server, _ in
            _ = try await client.createExport(ExportCreation(operation: "ExportTaskInfo", pathSegments: ["export-task"], body: .null))
            let request = try #require(try server.requests().first)
            #expect(request.body.isEmpty)
            #expect(request.header("Content-Length") == nil || request.header("Content-Length") == "0")
            #expect(
                CaptureServer.verify(request, accessKey: CaptureFixture.accessKey, secretKey: CaptureFixture.secretKey)
                    == .valid(accessKey: CaptureFixture.accessKey))
        }
    }

    @Test func aTaskIDWithoutRecordCountAndANonIntegerCountAreAccepted() async throws {
        let answers: [CaptureServer.Answer] = [.json(200, #"{"task_id": "t-2"}"#), .json(200, #"{"task_id": "t-3", "record_total_num": "many"}"#)]
        try await CaptureFixture.withClient(answers) { client, _, _ in
            let first = try await client.createExport(Self.wireExamples[0].creation)
            let second = try await client.createExport(Self.wireExamples[0].creation)
            #expect(first == CreatedExport(taskID: "t-2"))
            #expect(second == CreatedExport(taskID: "t-3"))
        }
    }

    @Test(arguments: [#"{"record_total_num": 3}"#, #"{"task_id": ""}"#, #"{"task_id": null}"#, "[]", "not json"])
    func a200WithoutAUsableTaskIDIsAnUnknownOutcome(_ body: String) async throws {
        try await CaptureFixture.withClient([.json(200, body)]) { client, _, _ in
            let error = try await #require(throws: HSSResponseError.self) { try await client.createExport(Self.wireExamples[0].creation) }
            guard case .missingTaskID = error.kind else {
                Issue.record("kind \(error.kind)")
                return
            }
            // A 200 may have created the task, whatever its body says.
            #expect(error.disposition == .outcomeUnknown)
            #expect(error.recordFailure.code == "missing-task-id")
            #expect(error.description.contains("may have created the export task"))
        }
    }

    @Test func a429IsThrottledWithItsRetryAfterAndSentOnce() async throws {
        let throttled = CaptureServer.Answer.json(
            429, #"{"error_code": "APIG.0308", "error_msg": "The throttling threshold has been reached"}"#, headers: [["Retry-After", "7"]])
        try await CaptureFixture.withClient([throttled]) { client, server, _ in
            let error = try await #require(throws: HSSAPIError.self) { try await client.createExport(Self.wireExamples[0].creation) }
            #expect(error.disposition == .throttled(retryAfter: .seconds(7)))
            #expect(error.creation == "ExportVuls")
            #expect(try server.requests().count == 1)
        }
    }

    @Test(arguments: [(401, FailureDisposition.credentialsRejected), (403, .credentialsRejected), (400, .permanent), (404, .permanent)])
    func fourHundredsAreRefusals(_ status: Int, _ disposition: FailureDisposition) async throws {
        try await CaptureFixture.withClient([.json(status, #"{"error_code": "HSS.0001", "error_msg": "no"}"#)]) { client, _, _ in
            let error = try await #require(throws: HSSAPIError.self) { try await client.createExport(Self.wireExamples[0].creation) }
            #expect(error.status == status)
            #expect(error.disposition == disposition)
            #expect(!error.description.contains("may have created"))
        }
    }

    @Test(arguments: [500, 502, 503])
    func aServerErrorLeavesTheOutcomeUnknown(_ status: Int) async throws {
        try await CaptureFixture.withClient([.json(status, #"{"error_code": "HSS.0004", "error_msg": "internal"}"#)]) { client, server, _ in
            let error = try await #require(throws: HSSAPIError.self) { try await client.createExport(Self.wireExamples[0].creation) }
            #expect(error.disposition == .outcomeUnknown)
            #expect(error.description.contains("HSS may have created the export task (ExportVuls)"), "\(error)")
            #expect(try server.requests().count == 1)
        }
    }

    @Test func aRefusedConnectionIsSafeToRetry() async throws {
        let configuration = HSSClientConfiguration(
            endpoint: .url(CaptureFixture.refusingEndpoint), projectID: CaptureFixture.projectID,
            credentials: CaptureFixture.accessKeyCredentials, environment: [:])
        try await HSSClient.withClient(configuration: configuration, logger: CaptureFixture.quiet) { client in
            let error = try await #require(throws: HSSTransportError.self) { try await client.createExport(Self.wireExamples[0].creation) }
            #expect(error.kind == .connectionRefused)
            #expect(!error.requestMayHaveBeenSent)
            #expect(error.disposition == .transient)
            #expect(!error.description.contains("may have created"))
        }
    }

    @Test func anUnknownHostIsSafeToRetryAFewTimes() async throws {
        let configuration = HSSClientConfiguration(
            endpoint: .url("http://no-such-host.invalid:8080"), projectID: CaptureFixture.projectID,
            credentials: CaptureFixture.accessKeyCredentials, environment: [:])
        try await HSSClient.withClient(configuration: configuration, logger: CaptureFixture.quiet) { client in
            let error = try await #require(throws: HSSTransportError.self) { try await client.createExport(Self.wireExamples[0].creation) }
            #expect(!error.requestMayHaveBeenSent)
            #expect(error.disposition != .outcomeUnknown)
        }
    }

    @Test(arguments: [CaptureServer.Answer.reset, .close])
    func noAnswerAfterTheRequestLeavesTheOutcomeUnknownAndIsNotResent(_ answer: CaptureServer.Answer) async throws {
        try await CaptureFixture.withClient([answer]) { client, server, _ in
            let error = try await #require(throws: HSSTransportError.self) { try await client.createExport(Self.wireExamples[0].creation) }
            #expect(error.requestMayHaveBeenSent)
            #expect(error.disposition == .outcomeUnknown)
            #expect(error.description.contains("HSS may have created the export task (ExportVuls)"), "\(error)")
            // The server got the whole request, once: AsyncHTTPClient did not replay it.
            let requests = try server.requests()
            #expect(requests.count == 1)
            #expect(requests.first?.body == Array(Self.wireExamples[0].body.utf8))
        }
    }

    @Test func aTimeoutAfterTheRequestLeavesTheOutcomeUnknown() async throws {
        try await CaptureFixture.withClient([.hang], configure: { $0.requestTimeout = .seconds(1) }) { client, server, _ in
            let error = try await #require(throws: HSSTransportError.self) { try await client.createExport(Self.wireExamples[0].creation) }
            #expect(error.kind == .timeout)
            #expect(error.disposition == .outcomeUnknown)
            #expect(try server.requests().count == 1)
        }
    }

    @Test func aGetStaysTransientAfterAReset() async throws {
        try await CaptureFixture.withClient([.reset]) { client, _, _ in
            let error = try await #require(throws: HSSTransportError.self) { try await client.queryExportTask("t-1") }
            #expect(error.creation == nil)
            #expect(error.disposition == .transient)
        }
    }

    @Test func aNonFiniteNumberInTheBodyFailsBeforeAnythingIsSent() async throws {
        try await CaptureFixture.withClient([Self.created]) { client, server, _ in
            let creation = ExportCreation(operation: "ExportVuls", pathSegments: ["vul", "export"], body: .object([("x", .array([.number(.nan)]))]))
            let error = try await #require(throws: SDKJSONEncoder.NonFiniteNumberError.self) { try await client.createExport(creation) }
            #expect(error.location == "$.x[0]")
            #expect(error.disposition == .permanent)
            #expect(try server.requests().isEmpty)
        }
    }
}
