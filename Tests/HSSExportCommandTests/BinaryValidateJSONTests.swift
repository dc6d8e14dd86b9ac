import Foundation
import TestSupport
import Testing

/// `validate --format json`, `--no-environment`, its warnings, and the
/// files it cannot read (`-`, a directory, a missing file), through the binary.
@Suite struct BinaryValidateJSONTests {
    static let good = """
        version: 1
        source: {region: cn-north-4, project_id: $P}
        tasks: [a]
        stages: [{type: jsonl, path: out.jsonl}]
        """
    static let bad = """
        version: 1
        source: {region: cn-north-4, project_id: p}
        tasks: [a]
        wait: {timeout: soon}
        stages: [{type: jsonl, pth: out.jsonl}]
        """
    static let needsEnvironment = """
        version: 1
        source: {endpoint: '${HSS_TEST_ENDPOINT}', project_id: p, auth: {token: Literal-Token-0f3a9c2e71}}
        tasks: [a]
        wait: {timeout: '${HSS_TEST_TIMEOUT}'}
        stages: [{type: jsonl, path: '${HSS_TEST_OUT}/out.jsonl'}]
        """

    static func document(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not one JSON document: \(text)")
    }

    @Test func jsonListsEveryFileAndEveryDiagnostic() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(Self.good, to: "good.yaml")
            try directory.write(Self.bad, to: "bad.yaml")
            let output = try await BinaryHarness.run(["validate", "--format", "json", "good.yaml", "bad.yaml"], in: directory.path)
            #expect(output.status == 2, "\(output.standardError)")
            #expect(output.standardError.isEmpty, "\(output.standardError)")
            let document = try Self.document(output.standardOutput)
            #expect(document["valid"] as? Bool == false)
            #expect(document["invalid_files"] as? Int == 1)
            let files = try #require(document["files"] as? [[String: Any]])
            #expect(files.map { $0["file"] as? String } == ["good.yaml", "bad.yaml"])
            #expect(files.map { $0["valid"] as? Bool } == [true, false])
            #expect(files[0]["summary"] as? String == "1 task, 1 stage")

            let goodDiagnostics = try #require(files[0]["diagnostics"] as? [[String: Any]])
            #expect(goodDiagnostics.count == 1)
            #expect(goodDiagnostics.first?["severity"] as? String == "warning")
            #expect((goodDiagnostics.first?["message"] as? String)?.contains("'$P'") == true)
            #expect(goodDiagnostics.first?["line"] as? Int == 2)

            let badDiagnostics = try #require(files[1]["diagnostics"] as? [[String: Any]])
            #expect(badDiagnostics.count >= 2, "\(badDiagnostics)")
            for diagnostic in badDiagnostics {
                #expect(diagnostic["file"] as? String == "bad.yaml")
                #expect(diagnostic["severity"] as? String == "error")
                #expect((diagnostic["line"] as? Int ?? 0) >= 4 && (diagnostic["column"] as? Int ?? 0) >= 1)
                #expect(diagnostic["message"] is String && diagnostic["fix"] is String, "\(diagnostic)")
            }
            #expect(badDiagnostics.compactMap { $0["line"] as? Int }.sorted() == badDiagnostics.compactMap { $0["line"] as? Int })
            #expect(Set(badDiagnostics.compactMap { $0["line"] as? Int }) == [4, 5])

            let valid = try await BinaryHarness.run(["validate", "--format", "json", "good.yaml"], in: directory.path)
            #expect(valid.status == 0)
            #expect(try Self.document(valid.standardOutput)["valid"] as? Bool == true)
        }
    }

    @Test func warningsArePrintedAndLeaveTheExitCodeAlone() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(Self.good, to: "good.yaml")
            let output = try await BinaryHarness.run(["validate", "good.yaml"], in: directory.path)
            #expect(output.status == 0, "\(output.standardError)")
            #expect(output.standardOutput.hasPrefix("good.yaml: valid"))
            #expect(output.standardError.hasPrefix("good.yaml:2:"), "\(output.standardError)")
            #expect(output.standardError.contains(": warning: '$P' in 'project_id' is not interpolated"), "\(output.standardError)")
        }
    }

    @Test func noEnvironmentSkipsTheUnsetVariablesButNotTheRest() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(Self.needsEnvironment, to: "env.yaml")
            let strict = try await BinaryHarness.run(["validate", "env.yaml"], in: directory.path)
            #expect(strict.status == 2)
            #expect(strict.standardError.contains("'HSS_TEST_TIMEOUT'"), "\(strict.standardError)")

            let relaxed = try await BinaryHarness.run(["validate", "--no-environment", "--format", "json", "env.yaml"], in: directory.path)
            #expect(relaxed.status == 0, "\(relaxed.standardOutput)")
            let file = try #require((try Self.document(relaxed.standardOutput)["files"] as? [[String: Any]])?.first)
            #expect(file["unset_variables"] as? [String] == ["HSS_TEST_ENDPOINT", "HSS_TEST_TIMEOUT", "HSS_TEST_OUT"])
            let diagnostics = try #require(file["diagnostics"] as? [[String: Any]])
            // The literal token is warned about, and never shown.
            #expect(diagnostics.map { $0["severity"] as? String } == ["warning"])
            #expect((diagnostics.first?["message"] as? String)?.contains("'token' is a secret written literally") == true)
            #expect(!relaxed.standardOutput.contains("Literal-Token-0f3a9c2e71"))

            try directory.write(Self.needsEnvironment.replacingOccurrences(of: "project_id: p", with: "project_id: p, bogus: 1"), to: "env2.yaml")
            let stillChecked = try await BinaryHarness.run(["validate", "--no-environment", "env2.yaml"], in: directory.path)
            #expect(stillChecked.status == 2)
            #expect(stillChecked.standardError.contains("unknown key 'bogus'"), "\(stillChecked.standardError)")
        }
    }

    @Test func standardInputDirectoriesAndMissingFilesSayWhatTheyAre() async throws {
        try await withTemporaryDirectory { directory in
            let piped = try await BinaryHarness.run(["validate", "-"], input: Data(Self.good.utf8), in: directory.path)
            #expect(piped.status == 0, "\(piped.standardError)")
            #expect(piped.standardOutput.hasPrefix("<stdin>: valid (1 task, 1 stage)"), "\(piped.standardOutput)")

            let devStdin = try await BinaryHarness.run(["validate", "/dev/stdin"], input: Data(Self.bad.utf8), in: directory.path)
            #expect(devStdin.status == 2)
            #expect(devStdin.standardError.contains("/dev/stdin:4:"), "\(devStdin.standardError)")
            #expect(!devStdin.standardError.contains("permission?"))

            let folder = try await BinaryHarness.run(["validate", directory.path])
            #expect(folder.status == 2)
            #expect(folder.standardError.contains("is a directory, not a pipeline file"), "\(folder.standardError)")

            let missing = try await BinaryHarness.run(["validate", directory.file("missing.yaml")])
            #expect(missing.status == 2)
            #expect(missing.standardError.contains("the pipeline file does not exist"), "\(missing.standardError)")

            // Root reads everything, so as root (CI) the binary runs as nobody through setpriv.
            try directory.write(Self.good, to: "locked.yaml")
            chmod(directory.file("locked.yaml"), 0)
            chmod(directory.path, 0o755)
            let locked: ProcessOutput
            if getuid() == 0 {
                let setpriv = try ExternalTool.require("setpriv", package: "util-linux")
                locked = try await ProcessRunner.run(
                    setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", PackagePaths.binary, "validate", directory.file("locked.yaml")],
                    environment: BinaryHarness.tokenEnvironment)
            } else {
                locked = try await BinaryHarness.run(["validate", directory.file("locked.yaml")])
            }
            #expect(locked.status == 2)
            #expect(locked.standardError.contains("cannot open the pipeline file: Permission denied"), "\(locked.standardError)")
        }
    }

    @Test func runReadsThePipelineFromStandardInput() async throws {
        try await BinaryHarness.withSimulator { url, _ in
            try await withTemporaryDirectory { directory in
                let pipeline = BinaryHarness.pipeline(url: url, tasks: ["ok-2"], output: directory.file("out.jsonl"))
                let output = try await BinaryHarness.run(
                    ["run", "-", "--state-dir", directory.file("state")], input: Data(pipeline.utf8), in: directory.path)
                #expect(output.status == 0, "\(output.standardError)")
                #expect(try directory.read("out.jsonl").contains("ok-2"))

                let stdinTasks = pipeline.replacingOccurrences(of: "tasks: [ok-2]", with: "tasks: {stdin: true}")
                let conflict = try await BinaryHarness.run(["run", "-"], input: Data(stdinTasks.utf8), in: directory.path)
                #expect(conflict.status == 2)
                #expect(conflict.standardError.contains("read from standard input"), "\(conflict.standardError)")
            }
        }
    }
}
