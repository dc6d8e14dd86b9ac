import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import HSSSimulator
import TestSupport
import Testing

/// The official Python SDK (huaweicloudsdkhss 3.1.219) against the simulator: it must see
/// what the Swift client sees. `scripts/sdk/query_task.py` drives the SDK.
@Suite struct SDKCrossCheckTests {
    /// The package root, three levels above this file.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static let script = packageRoot + "/scripts/sdk/query_task.py"

    /// `HSS_SDK_PYTHON`, else the package's `.venv` (see the README for its setup).
    static let python = ProcessInfo.processInfo.environment["HSS_SDK_PYTHON"] ?? packageRoot + "/.venv/bin/python3"

    static var pythonAvailable: Bool { ExternalTool.shouldRun(python) }

    /// Runs the script; the simulator keeps answering meanwhile.
    static func runSDK(_ arguments: [String], environment extra: [String: String]) async throws -> ProcessOutput {
        let python = try ExternalTool.require(
            python, package: "a venv with huaweicloudsdkhss==3.1.219 (python3 -m venv .venv && .venv/bin/pip install huaweicloudsdkhss==3.1.219)")
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.lowercased().hasSuffix("_proxy") }
        for name in ["HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HSS_AUTH_TOKEN"] {
            environment[name] = nil
        }
        environment.merge(extra) { $1 }
        return try await ProcessRunner.run(python, [script] + arguments, environment: environment, timeout: .seconds(60))
    }

    static func decode(_ output: ProcessOutput) throws -> [String: String?] {
        let data = Data(output.standardOutput.utf8)
        let object = try #require(
            try JSONSerialization.jsonObject(with: data) as? [String: Any], "stdout: \(output.standardOutput) stderr: \(output.standardError)")
        return object.mapValues { $0 as? String ?? ($0 is NSNull ? nil : "\($0)") }
    }

    static func fields(_ status: TaskStatus) -> [String: String?] {
        [
            "task_id": status.taskID, "task_name": status.taskName, "task_status": status.taskStatus,
            "file_id": status.fileID, "file_name": status.fileName,
        ]
    }

    enum Auth: String, CaseIterable, Sendable { case accessKey, token }

    static func sdkArguments(_ auth: Auth, url: URL, taskID: String, enterpriseProjectID: String? = nil) -> ([String], [String: String]) {
        var arguments = ["--endpoint", url.absoluteString, "--project-id", SimulatorFixture.projectID, "--task-id", taskID]
        if let enterpriseProjectID { arguments += ["--enterprise-project-id", enterpriseProjectID] }
        switch auth {
        case .accessKey:
            return (arguments, ["HUAWEICLOUD_SDK_AK": SimulatorFixture.accessKey, "HUAWEICLOUD_SDK_SK": SimulatorFixture.secretKey])
        case .token:
            return (arguments + ["--token-env", "HSS_AUTH_TOKEN"], ["HSS_AUTH_TOKEN": SimulatorFixture.token])
        }
    }

    @Test(.enabled(if: pythonAvailable), arguments: Auth.allCases)
    func sdkSeesTheSameTaskAsTheSwiftClient(auth: Auth) async throws {
        let credentials = auth == .token ? SimulatorFixture.tokenCredentials : SimulatorFixture.accessKeyCredentials
        try await SimulatorFixture.withClient(credentials: credentials, configure: { $0.enterpriseProjectID = "0" }) { client, simulator, url in
            for taskID in ["done-1", SimulatorFixture.awkwardTaskID] {
                let swift = try await client.queryExportTask(taskID)
                let (arguments, environment) = Self.sdkArguments(auth, url: url, taskID: taskID, enterpriseProjectID: "0")
                let output = try await Self.runSDK(arguments, environment: environment)
                #expect(output.status == 0, "\(output.standardOutput) \(output.standardError)")
                #expect(try Self.decode(output) == Self.fields(swift))
                #expect(await simulator.statistics.polls(of: taskID) == 2)
            }
        }
    }

    @Test(.enabled(if: pythonAvailable), arguments: Auth.allCases)
    func sdkGetsA404ErrorCodeForAnUnknownTask(auth: Auth) async throws {
        try await SimulatorFixture.withClient { client, _, url in
            let swift = try await #require(throws: HSSAPIError.self) { try await client.queryExportTask("no-such-task") }
            let (arguments, environment) = Self.sdkArguments(auth, url: url, taskID: "no-such-task")
            let output = try await Self.runSDK(arguments, environment: environment)
            #expect(output.status == 1, "\(output.standardOutput) \(output.standardError)")
            let error = try Self.decode(output)
            #expect(error["status"] == "404")
            #expect(error["error_code"] == swift.code)
            #expect(error["error_msg"] == swift.message)
            let requestID = try #require(error["request_id"] ?? nil)
            #expect(!requestID.isEmpty)
        }
    }

    @Test(.enabled(if: pythonAvailable))
    func sdkWithAWrongSecretKeyGetsA401() async throws {
        try await SimulatorFixture.withClient { _, _, url in
            let (arguments, _) = Self.sdkArguments(.accessKey, url: url, taskID: "done-1")
            let output = try await Self.runSDK(
                arguments,
                environment: [
                    "HUAWEICLOUD_SDK_AK": SimulatorFixture.accessKey, "HUAWEICLOUD_SDK_SK": "WrongSecretKey000000000000000000000000000",
                ])
            #expect(output.status == 1)
            #expect(try Self.decode(output)["error_code"] == "APIG.0301")
        }
    }
}
