import ExportStageKit
import ExportStageTesting
import Foundation
import TestSupport
import Testing

@testable import ExecStage

@Suite("exec stage: the command's environment")
struct ExecStageEnvironmentTests {
    /// Sets `name` in this process for the duration of `body`.
    ///
    /// Tests run in parallel in one process; the suites that care about the
    /// credential variables build their children's environments explicitly,
    /// so the short window does not leak into them.
    func withVariable<T>(_ name: String, _ value: String, _ body: () async throws -> T) async rethrows -> T {
        let previous = getenv(name).map { String(cString: $0) }
        setenv(name, value, 1)
        defer {
            if let previous { setenv(name, previous, 1) } else { unsetenv(name) }
        }
        return try await body()
    }

    @Test func commandGetsNoSecretButItsEnvironmentEntries() async throws {
        let secret = "hss-token-" + UUID().uuidString
        try await withVariable("HSS_AUTH_TOKEN", secret) {
            try await withVariable("EXEC_STAGE_TEST_UNLISTED", "not passed") {
                try await withTemporaryDirectory { directory in
                    let harness = try StageHarness(ExecStage.self, directory: directory.path)
                    try await harness.run(
                        """
                        command: \(quoted(["/bin/sh", "-c", #"env > "$1""#, "sh", directory.file("env.txt")]))
                        environment: {GREETING: hello world, LANG: C.UTF-8}
                        """, results: [SampleResults.succeeded()])
                    let environment = try directory.read("env.txt")
                    let lines = Set(environment.split(separator: "\n").map(String.init))
                    #expect(!environment.contains(secret))
                    #expect(!environment.contains("HSS_AUTH_TOKEN"))
                    #expect(!environment.contains("EXEC_STAGE_TEST_UNLISTED"))
                    #expect(lines.contains("GREETING=hello world"))
                    // `environment` wins over a passed variable of the same name.
                    #expect(lines.contains("LANG=C.UTF-8"))
                    let path = try #require(ProcessInfo.processInfo.environment["PATH"])
                    #expect(lines.contains("PATH=" + path))
                }
            }
        }
    }

    @Test func passEnvironmentReplacesTheDefaultList() async throws {
        try await withVariable("EXEC_STAGE_TEST_PASSED", "passed value") {
            try await withTemporaryDirectory { directory in
                let harness = try StageHarness(ExecStage.self, directory: directory.path)
                try await harness.run(
                    """
                    command: \(quoted(["/bin/sh", "-c", #"env > "$1""#, "sh", directory.file("env.txt")]))
                    pass_environment: [EXEC_STAGE_TEST_PASSED, EXEC_STAGE_TEST_NOT_SET]
                    """, results: [])
                let names = Set(try directory.read("env.txt").split(separator: "\n").map { String($0.prefix { $0 != "=" }) })
                #expect(names.contains("EXEC_STAGE_TEST_PASSED"))
                #expect(!names.contains("EXEC_STAGE_TEST_NOT_SET"))
                #expect(!names.contains("HOME"))
            }
        }
    }

    static let credentialNames = [
        "HSS_AUTH_TOKEN", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN",
        "HUAWEICLOUD_SDK_PROJECT_ID", "HSS_AUTH_TOKEN_FILE", "hss_auth_token",
    ]

    @Test(arguments: credentialNames)
    func passingACredentialVariableIsRefused(name: String) async throws {
        _ = try await withTemporaryDirectory { directory in
            #expect {
                _ = try StageHarness(ExecStage.self, directory: directory.path).build("command: [cat]\npass_environment: [PATH, \(name)]")
            } throws: { error in
                ((error as? StageHarnessError)?.stageError as? StageOptionError)?.description
                    == "option 'pass_environment': '\(name)' is one of hss-export's credential variables, which are never passed to the command; remove '\(name)'; if the command needs to call Huawei Cloud, give it its own credentials in its own configuration"
            }
        }
    }

    @Test(arguments: credentialNames)
    func settingACredentialVariableIsRefused(name: String) async throws {
        _ = try await withTemporaryDirectory { directory in
            #expect {
                _ = try StageHarness(ExecStage.self, directory: directory.path).build("command: [cat]\nenvironment: {\(name): value}")
            } throws: { error in
                ((error as? StageHarnessError)?.stageError as? StageOptionError)?.option == "environment"
            }
        }
    }

    @Test func ordinaryNamesThatMerelyMentionTokensAreAllowed() throws {
        // The command's own secrets are its business; only hss-export's are refused.
        let environment = try ChildEnvironment(
            passing: ["PATH"], adding: [.init("SLACK_TOKEN", "xoxb-1"), .init("HSS_EXPORT_DIR", "/srv")], from: ["PATH": "/bin"]
        )
        #expect(environment.variables == [.init("PATH", "/bin"), .init("SLACK_TOKEN", "xoxb-1"), .init("HSS_EXPORT_DIR", "/srv")])
    }

    @Test func aCredentialValueUnderAnotherNameIsRefusedWithoutShowingIt() throws {
        // What `TOKEN: "${HSS_AUTH_TOKEN}"` in the pipeline file becomes.
        #expect {
            _ = try ChildEnvironment(passing: [], adding: [.init("TOKEN", "s3cr3t-value")], from: ["HSS_AUTH_TOKEN": "s3cr3t-value"])
        } throws: { error in
            let description = (error as? StageOptionError)?.description ?? ""
            return description
                == "option 'environment': the value of 'TOKEN' is hss-export's credential from HSS_AUTH_TOKEN, which the command must not receive; give the command its own credentials (in its own configuration) instead of hss-export's"
                && !description.contains("s3cr3t")
        }
    }

    @Test(arguments: ["", "A=B", "NUL\0NAME"])
    func namesAProcessEnvironmentCannotHoldAreRefused(name: String) throws {
        #expect(throws: StageOptionError.self) {
            _ = try ChildEnvironment(passing: [], adding: [.init(name, "v")], from: [:])
        }
    }

    @Test func namesStartingWithADigitAreRefusedAtLoadTime() throws {
        #expect {
            _ = try ChildEnvironment(passing: [], adding: [.init("1PASS", "v")], from: [:])
        } throws: { error in
            (error as? StageOptionError)?.description
                == "option 'environment': '1PASS' is not a variable name: it starts with a digit; use a name such as NOTIFY_URL, starting with a letter or '_'"
        }
        #expect(throws: StageOptionError.self) {
            _ = try ChildEnvironment(passing: ["9LIVES"], adding: [], from: ["9LIVES": "v"])
        }
    }
}
