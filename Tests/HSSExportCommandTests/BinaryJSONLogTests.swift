import ExportStageKit
import Foundation
import HSSSimulator
import TestSupport
import Testing

@testable import HSSExportCommand

/// `--log-format json`: every line the binary writes to stderr is one JSON
/// object with `time`, `level` and `message`, at every level, on success and
/// on every failure path, and none holds the credentials in use.
@Suite(.serialized) struct BinaryJSONLogTests {
    /// A token the simulator refuses, with the characters JSON escapes: a
    /// redactor that ran after serialization would miss it.
    static let refusedToken = #"refused"token\secret-7c1d9e"#

    /// Every stderr line as a JSON object; records an issue for each line that is not one.
    static func objects(_ standardError: String, _ context: String) -> [[String: Any]] {
        guard !standardError.isEmpty else { return [] }
        return standardError.split(separator: "\n", omittingEmptySubsequences: false).dropLast(standardError.hasSuffix("\n") ? 1 : 0)
            .compactMap { line in
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object != nil, "\(context): not a JSON object: \(line)")
                guard let object else { return nil }
                #expect(object["time"] is String && object["level"] is String && object["message"] is String, "\(context): \(line)")
                return object
            }
    }

    /// Checks `output`'s stderr: JSON lines only, something logged, no `secrets`.
    @discardableResult
    static func check(
        _ output: ProcessOutput, _ context: String, secrets: [String] = [BinaryHarness.token], expectsOutput: Bool = true
    ) -> [[String: Any]] {
        if expectsOutput { #expect(!output.standardError.isEmpty, "\(context): nothing on stderr") }
        let objects = objects(output.standardError, context)
        for secret in secrets {
            for form in [secret, JSONValue.string(secret).serialized.dropFirst().dropLast().description] {
                #expect(!output.standardError.contains(form), "\(context): stderr holds the secret")
                #expect(!output.standardOutput.contains(form), "\(context): stdout holds the secret")
            }
        }
        return objects
    }

    static func run(
        _ directory: TemporaryDirectory, url: URL, tasks: [String], level: String, environment: [String: String]? = nil, timeout: String = "20s"
    ) async throws -> ProcessOutput {
        let pipeline = BinaryHarness.pipeline(url: url, tasks: tasks, output: directory.file("out.jsonl"))
            .replacingOccurrences(of: "timeout: 20s", with: "timeout: \(timeout)")
        try directory.write(pipeline, to: "p.pipeline.yaml")
        return try await BinaryHarness.run(
            ["run", "--log-format", "json", "--log-level", level, directory.file("p.pipeline.yaml"), "--state-dir", directory.file("state")],
            environment: environment ?? BinaryHarness.tokenEnvironment)
    }

    @Test(arguments: ["trace", "debug", "info", "error"])
    func successfulAndFailingRunsLogOnlyJSON(level: String) async throws {
        try await BinaryHarness.withSimulator { url, _ in
            try await withTemporaryDirectory { directory in
                let success = try await Self.run(directory, url: url, tasks: ["ok-1", "ok-2"], level: level)
                #expect(success.status == 0, "\(success.standardError)")
                let objects = Self.check(success, "success at \(level)", expectsOutput: level != "error")
                if level == "error" {
                    #expect(objects.isEmpty, "\(success.standardError)")
                } else {
                    #expect(objects.contains { $0["message"] as? String == "run started" && $0["metadata"] is [String: Any] })
                    #expect(objects.allSatisfy { ($0["level"] as? String).map(LoggingOptions.LogLevel.init(rawValue:)) != nil })
                }
            }
            try await withTemporaryDirectory { directory in
                let failure = try await Self.run(directory, url: url, tasks: ["ok-2", "bad-3"], level: level)
                #expect(failure.status == 1, "\(failure.standardError)")
                let objects = Self.check(failure, "failing task at \(level)", expectsOutput: level != "error")
                if level == "debug" || level == "trace" {
                    #expect(objects.contains { "\($0)".contains("bad-3") }, "\(failure.standardError)")
                }
            }
        }
    }

    @Test func debugHidesTheHTTPLibraryAndTraceShowsIt() async throws {
        try await BinaryHarness.withSimulator { url, _ in
            for level in ["debug", "trace"] {
                try await withTemporaryDirectory { directory in
                    let output = try await Self.run(directory, url: url, tasks: ["ok-2"], level: level)
                    #expect(output.status == 0, "\(output.standardError)")
                    let objects = Self.check(output, level)
                    let library = objects.filter { object in
                        let metadata = object["metadata"] as? [String: Any] ?? [:]
                        return metadata.keys.contains { $0.hasPrefix("ahc-") } || "\(object)".contains("SelectableEventLoop")
                    }
                    // Our own debug line per request is there at both levels.
                    #expect(objects.contains { $0["message"] as? String == "HSS request" }, "\(level)")
                    if level == "debug" {
                        #expect(library.isEmpty, "AsyncHTTPClient logged at debug: \(library.prefix(3))")
                    } else {
                        #expect(!library.isEmpty, "AsyncHTTPClient's trace lines are missing")
                    }
                }
            }
        }
    }

    @Test func refusedCredentialsAndAnUnreachableEndpointLogOnlyJSON() async throws {
        try await BinaryHarness.withSimulator { url, _ in
            var refused = BinaryHarness.tokenEnvironment
            refused["HSS_AUTH_TOKEN"] = Self.refusedToken
            for level in ["trace", "info"] {
                try await withTemporaryDirectory { directory in
                    let output = try await Self.run(directory, url: url, tasks: ["ok-2"], level: level, environment: refused)
                    #expect(output.status == 3, "\(output.standardError)")
                    Self.check(output, "refused credentials at \(level)", secrets: [Self.refusedToken])
                }
            }
        }
        // Nothing listens on port 1 of loopback.
        let unreachable = try #require(URL(string: "http://127.0.0.1:1"))
        try await withTemporaryDirectory { directory in
            let output = try await Self.run(directory, url: unreachable, tasks: ["ok-2"], level: "debug", timeout: "3s")
            #expect(output.status == 3, "\(output.standardError)")
            Self.check(output, "unreachable endpoint")
        }
    }

    @Test func diagnosticsAndUsageErrorsAreJSONToo() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("version: 1\nsource: {region: cn-north-4}\ntasks: [a]\nstages: [{type: jsonl, pth: out.jsonl}]\n", to: "bad.yaml")
            let diagnostics = try await BinaryHarness.run(["run", "--log-format", "json", directory.file("bad.yaml")])
            #expect(diagnostics.status == 2)
            let objects = Self.check(diagnostics, "bad pipeline file")
            #expect(objects.contains { ($0["message"] as? String)?.contains("unknown") == true && $0["level"] as? String == "error" })

            for arguments in [
                ["run", "--log-format", "json", "--no-such-option", "p.yaml"], ["run", "--log-format=json"],
                ["wait", "--log-format", "json", "--rate-limit", "lots", "a"], ["--log-format", "json"], ["rn", "--log-format", "json"],
            ] {
                let usage = try await BinaryHarness.run(arguments)
                #expect(usage.status == 2, "\(arguments): \(usage.standardError)")
                Self.check(usage, "\(arguments)")
            }
        }
    }

    @Test func theEnvironmentVariableSetsTheFormat() async throws {
        var environment = BinaryHarness.tokenEnvironment
        environment["HSS_EXPORT_LOG_FORMAT"] = "json"
        let output = try await BinaryHarness.run(["run", "/nonexistent/p.pipeline.yaml"], environment: environment)
        #expect(output.status == 2)
        let objects = Self.check(output, "HSS_EXPORT_LOG_FORMAT=json")
        #expect(objects.contains { ($0["message"] as? String)?.contains("does not exist") == true })
        // The option wins over the variable.
        let text = try await BinaryHarness.run(["run", "--log-format", "text", "/nonexistent/p.pipeline.yaml"], environment: environment)
        #expect(text.standardError.hasPrefix("/nonexistent/p.pipeline.yaml:1:1: error: "), "\(text.standardError)")
    }

    @Test func textValuesAreQuotedWhenTheyNeedIt() {
        #expect(StandardErrorLogHandler.quoted("plain-value_1.2") == "plain-value_1.2")
        #expect(StandardErrorLogHandler.quoted("") == #""""#)
        #expect(StandardErrorLogHandler.quoted("pipeline file (auth.token)") == #""pipeline file (auth.token)""#)
        #expect(StandardErrorLogHandler.quoted(#"a"b\c"#) == #""a\"b\\c""#)
        #expect(StandardErrorLogHandler.quoted("k=v") == #""k=v""#)
        #expect(StandardErrorLogHandler.quoted("two\nlines\u{7}") == #""two\nlines\u{7}""#)
    }

    @Test func aSecretIsRedactedBeforeItIsEscaped() {
        let redactor = SecretRedactor()
        redactor.add([Self.refusedToken])
        let line = JSONLogHandler.line(
            level: .info, label: "hss-export", message: "sent \(Self.refusedToken)", metadata: ["header": "\(Self.refusedToken)"],
            error: "refused \(Self.refusedToken)", date: Date(timeIntervalSince1970: 0), redactor: redactor)
        #expect(!line.contains("refused\\\"token"), "\(line)")
        #expect(line.contains(#""message":"sent <redacted>""#), "\(line)")
        #expect(line.contains(#""metadata":{"header":"<redacted>"}"#), "\(line)")
        #expect(line.hasPrefix(#"{"time":"1970-01-01T00:00:00"#), "\(line)")
    }
}
