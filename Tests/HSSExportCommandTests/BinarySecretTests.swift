import ExportStageKit
import Foundation
import HSSSimulator
import TestSupport
import Testing

/// A server that echoes the token in `task_name`, `file_name` and error
/// messages: the binary, at trace level, must show it nowhere, in no encoding.
@Suite(.serialized) struct BinarySecretTests {
    static let token = "Zt9-secret-token-4c2b7a1e"

    static let scenarioYAML = """
        project_id: \(BinaryHarness.projectID)
        tokens: [\(token)]
        rate_limit: {requests: 1000, per: 60s}
        tasks:
          - id: echo-1
            name: "nightly \(token) export"
            file_name: "\(token).zip"
            script: [{status: running, polls: 1}, {status: success}]
          - id: echo-2
            name: "\(token)"
            file_name: "report-\(token)-\(String(repeating: "x", count: 40)).zip"
            script: [{status: failure}]
          - id: echo-3
            script: [{http_status: 403, error_code: APIG.0301, error_msg: "token \(token) is not allowed here"}]
        export_template:
          task_name: "export {n} of \(token)"
          file_name: "{n}-\(token).zip"
          script: [{status: running, polls: 1}, {status: success}]
          archive: {entries: 1, rows: 2}
        """

    /// The forms a leaked token could take: verbatim, hex in either case,
    /// percent-encoded (every byte), base64 at each alignment (without the
    /// characters that also depend on the neighbours), and the first half in
    /// hex (a dump cut inside the token).
    static var forms: [String] {
        let bytes = Array(token.utf8)
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        var forms = [token, hex, hex.uppercased(), bytes.map { String(format: "%%%02X", $0) }.joined(), String(hex.prefix(bytes.count))]
        for prefix in ["", "a", "ab"] {
            let encoded = Data((prefix + token).utf8).base64EncodedString()
            let core = String(encoded.dropFirst(prefix.isEmpty ? 0 : 4).dropLast(4))
            forms += [core, core.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")]
        }
        return forms
    }

    static func leaks(_ text: String) -> [String] {
        forms.filter { text.contains($0) || text.lowercased().contains($0.lowercased()) && $0.allSatisfy(\.isHexDigit) }
    }

    static func environment(url: URL, out: String) -> [String: String] {
        var environment = BinaryHarness.tokenEnvironment
        environment["HSS_AUTH_TOKEN"] = token
        environment["HSS_ENDPOINT"] = url.absoluteString
        environment["OUT"] = out
        return environment
    }

    static let stages = """
        stages:
          - {type: jsonl, path: "${OUT}/results.jsonl"}
          - {type: csv, path: "${OUT}/results.csv"}
          - {type: prometheus-textfile, path: "${OUT}/hss.prom"}
          - {type: gzip-manifest, path: "${OUT}/manifest.json.gz"}
        """

    /// The harness's `wait` block, with budgets for the creates and downloads these runs make too.
    static let wait =
        BinaryHarness.waitYAML + """

              create_rate_limit: {requests: 100, per: 1s}
              download_rate_limit: {requests: 100, per: 1s}
            """

    /// Every file under `directory` but the downloaded archives' content (the
    /// export itself, which hss-export stores as HSS sent it): its path and
    /// its text, gzip files decompressed.
    static func outputs(in directory: TemporaryDirectory) async throws -> [(path: String, text: String)] {
        var outputs: [(String, String)] = []
        let enumerator = try #require(FileManager.default.enumerator(atPath: directory.path))
        while let relative = enumerator.nextObject() as? String {
            let path = directory.file(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            outputs.append((relative, ""))
            guard !isDirectory.boolValue, !relative.hasPrefix("archives/") else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            if relative.hasSuffix(".gz") {
                let gzip = try ExternalTool.require("gzip", package: "gzip")
                let output = try await ProcessRunner.run(gzip, ["-dc"], input: data)
                #expect(output.status == 0, "gzip -dc \(relative)")
                outputs.append((relative, output.standardOutput))
            } else {
                outputs.append((relative, String(decoding: data, as: UTF8.self)))
            }
        }
        return outputs
    }

    /// Runs the binary at trace level on a pipeline of `work` (its tasks or exports) with
    /// every file stage, in `directory`, against the simulator at `url`.
    static func traceRun(_ work: String, in directory: TemporaryDirectory, url: URL) async throws -> ProcessOutput {
        let pipeline = """
            version: 1
            source: {endpoint: "${HSS_ENDPOINT}", project_id: \(BinaryHarness.projectID)}
            \(work)
            \(wait)
            \(stages)
            """
        try directory.write(pipeline, to: "p.pipeline.yaml")
        return try await BinaryHarness.run(
            ["run", "--log-level", "trace", directory.file("p.pipeline.yaml"), "--state-dir", directory.file("state")],
            environment: environment(url: url, out: directory.path))
    }

    @Test func aTraceRunLogsNoFormOfATokenTheServerEchoes() async throws {
        try await withTemporaryDirectory { directory in
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML)) { url, _ in
                let output = try await Self.traceRun("tasks: [echo-1, echo-2, echo-3]", in: directory, url: url)
                #expect(output.status == 3, "\(output.standardError)")
                #expect(output.standardError.contains(" trace "), "the run should log at trace level")
                #expect(output.standardError.contains("ahc-http-part"), "AsyncHTTPClient's body dumps should be in the log")
                // echo-1's answer ends with `"file_name":"<token>.zip"}`: the dump of its last
                // 32 bytes starts inside the token, and only that piece of it is replaced.
                #expect(output.standardError.contains("<redacted>2e7a6970227d"), "the cut token in a hex dump should be redacted")
                #expect(Self.leaks(output.standardError).isEmpty, "stderr shows \(Self.leaks(output.standardError))")
                #expect(Self.leaks(output.standardOutput).isEmpty, "stdout shows \(Self.leaks(output.standardOutput))")
            }
        }
    }

    /// The waiter passes every result through `ResultSanitizer` before the stages see it.
    @Test func noOutputFileHoldsAnyFormOfATokenTheServerEchoes() async throws {
        try await withTemporaryDirectory { directory in
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML)) { url, _ in
                let output = try await Self.traceRun("tasks: [echo-1, echo-2, echo-3]", in: directory, url: url)
                #expect(output.status == 3, "\(output.standardError)")
                let outputs = try await Self.outputs(in: directory)
                #expect(Set(outputs.map(\.path)).isSuperset(of: ["results.jsonl", "results.csv", "hss.prom", "manifest.json.gz"]))
                for (path, text) in outputs {
                    #expect(Self.leaks(path).isEmpty, "a file is named \(path)")
                    #expect(Self.leaks(text).isEmpty, "\(path) shows \(Self.leaks(text))")
                }
                let records = try directory.read("results.jsonl").split(separator: "\n")
                #expect(records.count == 3)
                #expect(records.first?.contains(#""task_name":"nightly *** export""#) == true, "\(records.first ?? "")")
            }
        }
    }

    /// The results are sanitized, and the downloader names files after the redacted `file_name`.
    @Test func createdExportsWithTheTokenInTheirNamesLeaveItInNoFileAndNoFileName() async throws {
        try await withTemporaryDirectory { directory in
            try await TestSupport.withSimulator(try SimulatorScenario(yaml: Self.scenarioYAML)) { url, _ in
                let work = """
                    \(BinaryHarness.vulnerabilityExportYAML)
                    download:
                      dir: ${OUT}/archives
                    """
                let output = try await Self.traceRun(work, in: directory, url: url)
                #expect(output.status == 0, "\(output.standardError)")
                #expect(Self.leaks(output.standardError).isEmpty, "stderr shows \(Self.leaks(output.standardError))")
                #expect(Self.leaks(output.standardOutput).isEmpty, "stdout shows \(Self.leaks(output.standardOutput))")
                let outputs = try await Self.outputs(in: directory)
                #expect(outputs.contains { $0.path.hasPrefix("archives/") && $0.path.hasSuffix(".zip") }, "\(outputs.map(\.path))")
                for (path, text) in outputs {
                    #expect(Self.leaks(path).isEmpty, "a file is named \(path)")
                    #expect(Self.leaks(text).isEmpty, "\(path) shows \(Self.leaks(text))")
                }
            }
        }
    }
}
