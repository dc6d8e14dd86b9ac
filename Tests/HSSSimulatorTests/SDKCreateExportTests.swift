import Foundation
import HSSSigning
import HSSSimulator
import TestSupport
import Testing

/// The official Python SDK (huaweicloudsdkhss 3.1.219) creates exports against the
/// simulator: `scripts/sdk/create_export.py` drives it, and the simulator's creations log
/// shows the bytes the SDK sent.
@Suite struct SDKCreateExportTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let script = packageRoot + "/scripts/sdk/create_export.py"
    /// `HSS_SDK_PYTHON`, else the package's `.venv`.
    static let python = ProcessInfo.processInfo.environment["HSS_SDK_PYTHON"] ?? packageRoot + "/.venv/bin/python3"
    static var pythonAvailable: Bool { ExternalTool.shouldRun(python) }

    static func runSDK(kind: String, url: URL, extraArguments: [String] = [], environment extra: [String: String]) async throws -> ProcessOutput {
        let python = try ExternalTool.require(
            python, package: "a venv with huaweicloudsdkhss==3.1.219 (python3 -m venv .venv && .venv/bin/pip install huaweicloudsdkhss==3.1.219)")
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.lowercased().hasSuffix("_proxy") }
        for name in ["HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HSS_AUTH_TOKEN"] {
            environment[name] = nil
        }
        environment.merge(extra) { $1 }
        return try await ProcessRunner.run(
            python, [script, "--kind", kind, "--endpoint", url.absoluteString, "--project-id", HTTPTestClient.projectID] + extraArguments,
            environment: environment, timeout: .seconds(60))
    }

    static let accessKeyEnvironment = [
        "HUAWEICLOUD_SDK_AK": exampleCredentials.accessKey, "HUAWEICLOUD_SDK_SK": exampleCredentials.secretKey,
    ]

    struct Expected: Sendable, CustomTestStringConvertible {
        var kind: String
        var operation: String
        var path: String
        var query: String
        var body: String
        var testDescription: String { kind }
    }

    @Test(
        .enabled(if: pythonAvailable),
        arguments: [
            Expected(
                kind: "vulnerabilities", operation: "ExportVuls", path: "vul/export", query: "category=vul&export_size=100",
                body: #"{"export_headers": [["vul_name", "Vulnerability"], ["cve_ids", "CVE"]]}"#),
            Expected(
                kind: "events", operation: "ExportEventRequest", path: "event/export",
                query: "category=host&event_id=e1&event_types=1001&event_types=4002&last_days=7",
                body: #"[["event_name", "Alarm"], ["severity", "Severity"]]"#),
        ])
    func sdkCreatesAnExport(_ expected: Expected) async throws {
        try await withSimulator { client, simulator in
            let output = try await Self.runSDK(kind: expected.kind, url: client.baseURL, environment: Self.accessKeyEnvironment)
            #expect(output.status == 0, "\(output.standardOutput) \(output.standardError)")
            let answer = try #require(
                try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any], "\(output.standardOutput)")
            let taskID = try #require(answer["task_id"] as? String)
            let creations = await simulator.creations
            #expect(creations.count == 1)
            let creation = try #require(creations.first)
            #expect(creation.operation == expected.operation)
            #expect(creation.path == "/v5/\(HTTPTestClient.projectID)/\(expected.path)")
            // The SDK's own bytes: ", " and ": " separators, list parameters as repeated keys.
            #expect(creation.body == expected.body)
            #expect(creation.query == expected.query)
            #expect(creation.taskID == taskID)
            #expect(creation.status == 200)
            // The created task is an ordinary task.
            let task = try await client.poll(taskID)
            #expect(task["task_status"] == "running")
            #expect(await simulator.statistics.creations == 1)
        }
    }

    @Test(.enabled(if: pythonAvailable))
    func sdkGetsA400ForInvalidHeaders() async throws {
        try await withSimulator { client, simulator in
            let output = try await Self.runSDK(
                kind: "vulnerabilities", url: client.baseURL, extraArguments: ["--headers", "[]"], environment: Self.accessKeyEnvironment)
            #expect(output.status == 1, "\(output.standardOutput) \(output.standardError)")
            let error = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
            #expect(error["status"] as? Int == 400)
            #expect(error["error_code"] as? String == "HSS.1001")
            #expect((error["error_msg"] as? String)?.contains("'export_headers'") == true)
            #expect(await simulator.statistics.creations == 0)
        }
    }

    @Test(.enabled(if: pythonAvailable))
    func sdkCreatesWithAToken() async throws {
        try await withSimulator { client, simulator in
            let output = try await Self.runSDK(
                kind: "events", url: client.baseURL, extraArguments: ["--token-env", "HSS_AUTH_TOKEN"], environment: ["HSS_AUTH_TOKEN": "demo-token"])
            #expect(output.status == 0, "\(output.standardOutput) \(output.standardError)")
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
            #expect(answer["record_total_num"] as? Int == 80)
            #expect(await simulator.creations.first?.body == #"[["event_name", "Alarm"], ["severity", "Severity"]]"#)
        }
    }
}
