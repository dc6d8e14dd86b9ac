import ExportPipeline
import ExportStageKit
import Foundation
import HSSSigning
import HSSSimulator
import NIOHTTP1
import Testing

@testable import HSSClient

/// The client against the real simulator over loopback.
@Suite struct HSSClientSimulatorTests {
    static let doneTask = TaskStatus(taskID: "done-1", taskName: "Done task", taskStatus: "success", fileID: "file-done-1", fileName: "done.zip")

    @Test func tokenQueryReturnsTheTask() async throws {
        let status = try await SimulatorFixture.withClient(credentials: SimulatorFixture.tokenCredentials) { client, _, _ in
            try await client.queryExportTask("done-1")
        }
        #expect(status == Self.doneTask)
    }

    @Test func accessKeyQueryReturnsTheTask() async throws {
        let status = try await SimulatorFixture.withClient(credentials: SimulatorFixture.accessKeyCredentials) { client, _, _ in
            try await client.queryExportTask("done-1")
        }
        #expect(status == Self.doneTask)
    }

    @Test func statusOfIsTheTaskStatusSourceConformance() async throws {
        let status = try await SimulatorFixture.withClient { client, _, _ in
            let source: any TaskStatusSource = client
            return try await source.status(of: "failed-1")
        }
        #expect(status.taskStatus == "failure")
        #expect(status.taskID == "failed-1")
    }

    @Test(arguments: [SimulatorFixture.tokenCredentials, SimulatorFixture.accessKeyCredentials])
    func runningTaskSucceedsAfterItsScriptedPolls(credentials: HSSCredentials) async throws {
        let (statuses, polls) = try await SimulatorFixture.withClient(credentials: credentials) { client, simulator, _ in
            var statuses: [String?] = []
            for _ in 0..<4 {
                statuses.append(try await client.queryExportTask("slow-1").taskStatus)
            }
            return (statuses, await simulator.statistics.polls(of: "slow-1"))
        }
        #expect(statuses == ["running", "running", "running", "success"])
        #expect(polls == 4)
    }

    @Test func unknownTaskStatusIsKeptVerbatim() async throws {
        let status = try await SimulatorFixture.withClient { client, _, _ in
            try await client.queryExportTask("new-status-1")
        }
        #expect(status.taskStatus == "exporting")
    }

    @Test(arguments: [SimulatorFixture.tokenCredentials, SimulatorFixture.accessKeyCredentials])
    func unknownTaskIsA404WithCodeAndRequestID(credentials: HSSCredentials) async throws {
        let error = try await SimulatorFixture.withClient(credentials: credentials) { client, _, _ in
            try await #require(throws: HSSAPIError.self) { try await client.queryExportTask("no-such-task") }
        }
        #expect(error.status == 404)
        #expect(error.code == "HSS.1059")
        let requestID = try #require(error.requestID)
        #expect(!requestID.isEmpty)
        #expect(error.disposition == .permanent)
        #expect(error.recordFailure.requestID == requestID)
        #expect(error.description.hasPrefix("HSS refused GET /v5/\(SimulatorFixture.projectID)/export-task/no-such-task: 404 HSS.1059 "))
        #expect(error.description.contains("(request id \(requestID))"))
    }

    @Test func wrongTokenIsAPermanent401() async throws {
        let error = try await SimulatorFixture.withClient(credentials: .token("not-the-token")) { client, simulator, _ in
            let error = try await #require(throws: HSSAPIError.self) { try await client.queryExportTask("done-1") }
            #expect(await simulator.statistics.unauthorizedRequests == 1)
            return error
        }
        #expect(error.status == 401)
        #expect(error.code == "APIG.0301")
        #expect(error.disposition == .credentialsRejected)
        #expect(error.description.contains("check the token or AK/SK"))
        #expect(!error.description.contains("not-the-token"))
    }

    @Test func wrongSecretKeyIsAPermanent401() async throws {
        let badKeys = HSSCredentials.accessKey(
            AccessKeyCredentials(accessKey: SimulatorFixture.accessKey, secretKey: "WrongSecretKey000000000000000000000000000"))
        let error = try await SimulatorFixture.withClient(credentials: badKeys) { client, _, _ in
            try await #require(throws: HSSAPIError.self) { try await client.queryExportTask("done-1") }
        }
        #expect(error.status == 401)
        #expect(error.code == "APIG.0301")
        #expect(error.disposition == .credentialsRejected)
        #expect(!error.description.contains("WrongSecretKey"))
    }

    @Test func serverErrorIsTransientAndTheNextPollSucceeds() async throws {
        let (error, status) = try await SimulatorFixture.withClient { client, _, _ in
            let error = try await #require(throws: HSSAPIError.self) { try await client.queryExportTask("flaky-1") }
            return (error, try await client.queryExportTask("flaky-1"))
        }
        #expect(error.status == 503)
        #expect(error.code == "HSS.1000")
        #expect(error.disposition == .transient)
        #expect(status.taskStatus == "success")
    }

    @Test func scriptedThrottlingCarriesRetryAfter() async throws {
        let error = try await SimulatorFixture.withClient { client, _, _ in
            try await #require(throws: HSSAPIError.self) { try await client.queryExportTask("busy-1") }
        }
        #expect(error.status == 429)
        #expect(error.code == "APIG.0308")
        #expect(error.disposition == .throttled(retryAfter: .seconds(1)))
    }

    @Test func rateLimitThrottlesWithRetryAfter() async throws {
        let scenario = try SimulatorFixture.scenario(rateLimit: "{requests: 2, per: 60s}")
        let (error, throttled) = try await SimulatorFixture.withClient(scenario: scenario) { client, simulator, _ in
            _ = try await client.queryExportTask("done-1")
            _ = try await client.queryExportTask("done-1")
            let error = try await #require(throws: HSSAPIError.self) { try await client.queryExportTask("done-1") }
            return (error, await simulator.statistics.throttledRequests)
        }
        #expect(throttled == 1)
        #expect(error.code == "APIG.0308")
        guard case .throttled(let retryAfter?) = error.disposition else {
            Issue.record("expected throttled with a Retry-After, got \(error.disposition)")
            return
        }
        #expect(retryAfter > .zero && retryAfter <= .seconds(60))
    }

    @Test(arguments: [SimulatorFixture.tokenCredentials, SimulatorFixture.accessKeyCredentials])
    func taskIDIsPercentEncodedAndArrivesDecoded(credentials: HSSCredentials) async throws {
        let (status, polls) = try await SimulatorFixture.withClient(credentials: credentials) { client, simulator, _ in
            let status = try await client.queryExportTask(SimulatorFixture.awkwardTaskID)
            return (status, await simulator.statistics.polls(of: SimulatorFixture.awkwardTaskID))
        }
        #expect(status.taskID == SimulatorFixture.awkwardTaskID)
        #expect(status.taskName == #"Awkward, "quoted" name"#)
        #expect(polls == 1)
    }

    @Test func wirePathOfAnAwkwardIDIsEncodedPerSegment() async throws {
        // The 404 names the path as sent: `/` and the space encoded inside the segment.
        let error = try await SimulatorFixture.withClient { client, _, _ in
            try await #require(throws: HSSAPIError.self) { try await client.queryExportTask("a/b c") }
        }
        #expect(error.path == "/v5/\(SimulatorFixture.projectID)/export-task/a%2Fb%20c")
        #expect(error.code == "HSS.1059")
    }

    @Test(arguments: [SimulatorFixture.tokenCredentials, SimulatorFixture.accessKeyCredentials])
    func simulatorAcceptsRequestsWithEnterpriseProjectIDAndRegion(credentials: HSSCredentials) async throws {
        // With AK/SK the simulator verifies the signature over the query and the region header
        // it received, so a mismatch between what was signed and what was sent would be a 401.
        // HSSClientWireTests checks the bytes on the wire themselves.
        let status = try await SimulatorFixture.withClient(
            credentials: credentials,
            configure: {
                $0.enterpriseProjectID = "all granted/eps"
                $0.region = "cn-north-4"
            }
        ) { client, _, _ in
            try await client.queryExportTask("done-1")
        }
        #expect(status == Self.doneTask)
    }

    @Test func downloadReturnsTheExportedFile() async throws {
        let (bytes, downloads) = try await SimulatorFixture.withClient(credentials: SimulatorFixture.accessKeyCredentials) { client, simulator, _ in
            let bytes = try await client.download("file/awkward 1")
            return (bytes, await simulator.statistics.downloads)
        }
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))  // a zip's local file header
        #expect(downloads == ["file/awkward 1": 1])
    }

    @Test func downloadOfUnknownFileIsA404() async throws {
        let error = try await SimulatorFixture.withClient { client, _, _ in
            try await #require(throws: HSSAPIError.self) { try await client.download("no-such-file") }
        }
        #expect(error.status == 404)
        #expect(error.code == "HSS.1060")
    }

    @Test func downloadOverTheLimitIsRefused() async throws {
        let error = try await SimulatorFixture.withClient { client, _, _ in
            try await #require(throws: HSSResponseError.self) { try await client.download("file-done-1", maximumBytes: 16) }
        }
        #expect(error.kind == .tooLarge(limit: 16))
        // An answer over the cap is most likely not HSS's (a proxy's page): retried.
        #expect(error.disposition == .transient)
    }

    @Test func unknownProjectIsA404() async throws {
        let error = try await SimulatorFixture.withClient(configure: { $0.projectID = "ffffffffffffffffffffffffffffffff" }) { client, _, _ in
            try await #require(throws: HSSAPIError.self) { try await client.queryExportTask("done-1") }
        }
        #expect(error.status == 404)
        #expect(error.code == "HSS.1004")
        #expect(error.description.contains("project ffffffffffffffffffffffffffffffff"))
    }

    @Test func manyPollsShareOneClient() async throws {
        // 20 requests queue for the pool's 8 connections; on a loaded CI machine the
        // wait for one outlasted the 10 s connect timeout, which bounds that wait.
        let statuses = try await SimulatorFixture.withClient(configure: { $0.connectTimeout = .seconds(60) }) { client, _, _ in
            try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await client.queryExportTask("done-1").taskStatus }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
        }
        #expect(statuses == Array(repeating: "success", count: 20))
    }
}

extension HSSClient {
    /// ListDownloadExportedFile through the client's transport, the way the
    /// download stage of the nightly job will send it: signed, percent-encoded,
    /// size-limited.
    fileprivate func download(_ fileID: String, maximumBytes: Int = 1 << 20) async throws -> [UInt8] {
        try await send(method: .GET, pathSegments: ["v5", configuration.projectID, "download", fileID], maximumBytes: maximumBytes).body
    }
}
