import Foundation
import HSSSimulator
import TestSupport
import Testing

/// The official Python SDK's own credential code against the simulator: its
/// `MetadataAccessor` (pointed at the simulator) fetches and refreshes agency keys, and
/// `BasicCredentials` without a project id looks the project up by region with IAM's
/// `GET /v3/projects`.
@Suite struct SDKCredentialTests {
    static var pythonAvailable: Bool { SDKCreateExportTests.pythonAvailable }

    /// Polls task `t` `polls` times, one second apart, and prints the statuses and the
    /// project id the SDK used.
    static let script = #"""
        import json, sys, time
        from huaweicloudsdkcore.auth.credentials import BasicCredentials
        from huaweicloudsdkcore.auth.internal import MetadataAccessor
        from huaweicloudsdkcore.region.region import Region
        from huaweicloudsdkhss.v5 import HssClient, ListQueryExportTaskRequest

        url, mode, region_id, polls = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
        if mode == "metadata":
            MetadataAccessor._METADATA_ENDPOINT = url
            credentials = BasicCredentials(project_id=sys.argv[5])
        else:
            credentials = BasicCredentials("HPUAEXAMPLEAK0000001", "ExampleSecretKey0000000000000000000000000").with_iam_endpoint(url)
        client = HssClient.new_builder().with_credentials(credentials).with_region(Region(region_id, url)).build()
        statuses = []
        for i in range(polls):
            if i:
                time.sleep(1)
            statuses.append(client.list_query_export_task(ListQueryExportTaskRequest(task_id="t")).task_status)
        print(json.dumps({"statuses": statuses, "project_id": credentials.project_id}))
        """#

    static func run(_ arguments: [String]) async throws -> [String: Any] {
        let python = try ExternalTool.require(
            SDKCreateExportTests.python,
            package: "a venv with huaweicloudsdkhss==3.1.219 (python3 -m venv .venv && .venv/bin/pip install huaweicloudsdkhss==3.1.219)")
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.lowercased().hasSuffix("_proxy") && !$0.key.hasPrefix("HUAWEICLOUD_SDK_")
        }
        environment["HSS_AUTH_TOKEN"] = nil
        let output = try await ProcessRunner.run(python, ["-c", script] + arguments, environment: environment, timeout: .seconds(60))
        guard output.status == 0, let object = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any] else {
            throw TestFailure("the SDK failed (\(output.status)): \(output.standardOutput) \(output.standardError)")
        }
        return object
    }

    @Test(.enabled(if: pythonAvailable))
    func sdkMetadataKeysRefreshWithoutExpiredRequests() async throws {
        try await withSimulator(try credentialScenario(metadataTTL: "2s")) { client, simulator in
            let answer = try await Self.run([client.baseURL.absoluteString, "metadata", "cn-north-4", "4", HTTPTestClient.projectID])
            #expect(answer["statuses"] as? [String] == ["running", "running", "running", "running"])
            let statistics = await simulator.statistics
            // Keys that last 2 s are always within the SDK's refresh margin: one fetch per request.
            #expect(statistics.metadataSecurityKeys == 4)
            #expect(statistics.expiredCredentialRejections == 0)
            #expect(statistics.unauthorizedRequests == 0)
        }
    }

    @Test(.enabled(if: pythonAvailable))
    func sdkLooksUpTheProjectByRegion() async throws {
        try await withSimulator(try credentialScenario()) { client, simulator in
            let url = client.baseURL.absoluteString
            let primary = try await Self.run([url, "lookup", "cn-north-4", "1"])
            #expect(primary["project_id"] as? String == HTTPTestClient.projectID)
            #expect(primary["statuses"] as? [String] == ["running"])
            // No project of that name: the SDK fails with its own message.
            await #expect(throws: TestFailure.self) { try await Self.run([url, "lookup", "eu-west-0", "1"]) }
            #expect(await simulator.statistics.iamProjectRequests == 2)
        }
    }
}
