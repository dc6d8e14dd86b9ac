import ExportPipeline
import ExportStageKit
import Foundation
import TestSupport
import Testing

/// Numbers that cannot crash: every duration, count and size in a pipeline
/// file is range-checked with a located diagnostic naming the range.
@Suite struct NumberRangeTests {
    static let registry = StageRegistry([RecordingStage.self])

    func diagnostics(_ yaml: String) -> [String] {
        PipelineLoader(registry: Self.registry, environment: [:]).diagnostics(ofRejected: yaml)
    }

    /// A valid file with extra lines in its sections (`download` and `state` appear only when given).
    static func file(wait: String = "", stage: String = "", download: String = "", state: String = "", source: String = "") -> String {
        """
        version: 1
        source:
          region: cn-north-4
          project_id: p
        \(source)
        tasks: [t-1]
        wait:
          timeout: 15m
        \(wait)
        \(download.isEmpty ? "" : "download:\n  dir: archives\n\(download)")
        \(state.isEmpty ? "" : "state:\n\(state)")
        stages:
          - type: record
            path: out/a.txt
        \(stage)
        """
    }

    @Test(arguments: ["99999999999999999h", "9223372036854775807s", "8785h", "8784h1ms", "3660000h"])
    func durationTextRefusesWhatIsLongerThanTheMaximumWithoutTrapping(text: String) {
        #expect(DurationText.parse(text) == nil)
        #expect(throws: DurationText.Problem.tooLong) { try DurationText.value(of: text) }
    }

    @Test func durationTextAcceptsTheMaximumAndTellsSyntaxFromRange() throws {
        #expect(try DurationText.value(of: "8784h") == DurationText.maximum)
        #expect(try DurationText.value(of: "8783h60m") == DurationText.maximum)
        #expect(DurationText.format(DurationText.maximum) == "8784h")
        #expect(throws: DurationText.Problem.notADuration) { try DurationText.value(of: "-5s") }
        #expect(throws: DurationText.Problem.notADuration) { try DurationText.value(of: "1e400s") }
        #expect(throws: DurationText.Problem.notADuration) { try DurationText.value(of: "99999999999999999h2x") }
        #expect(DurationText.rangeDescription(minimum: .milliseconds(1)) == "a duration between 1ms and 8784h")
        // Formatting any Duration saturates instead of trapping.
        #expect(DurationText.milliseconds(in: .seconds(Int64.max)) == Int64.max)
        #expect(DurationText.milliseconds(in: .seconds(Int64.min)) == Int64.min)
        _ = DurationText.format(.seconds(Int64.max))
    }

    @Test(arguments: [
        ("initial_interval", "1ms"), ("max_interval", "1ms"), ("timeout", "1ms"), ("run_timeout", "1ms"),
    ])
    func everyWaitDurationIsRangeChecked(key: String, minimum: String) {
        let yaml = Self.file(wait: "  \(key): 99999999999999999h").replacingOccurrences(
            of: "  timeout: 15m\n", with: key == "timeout" ? "" : "  timeout: 15m\n")
        let found = diagnostics(yaml)
        #expect(
            found.contains { $0.contains("error: '\(key)' is 99999999999999999h, out of range; use a duration between \(minimum) and 8784h") },
            "\(found)")
        #expect(found.allSatisfy { $0.hasPrefix("p.yaml:") && !$0.hasPrefix("p.yaml:1:1:") }, "\(found)")
    }

    @Test func rateLimitPeriodsRequestTimeoutKeepAndStageDurationsAreRangeChecked() {
        let found = diagnostics(
            Self.file(
                wait: "  rate_limit: {requests: 5, per: 9223372036854775807s}\n  create_rate_limit: {requests: 99999999999999999999, per: 1m}",
                stage: "    interval: 99999999999999999h",
                state: "  keep: 9223372036854775807s",
                source: "  request_timeout: 99999999999999999h"))
        let expected = [
            "p.yaml:5:20: error: 'request_timeout' is 99999999999999999h, out of range; use a duration between 100ms and 8784h",
            "p.yaml:9:34: error: 'per' is 9223372036854775807s, out of range; use a duration between 1ms and 8784h",
            "p.yaml:10:33: error: 'requests' is 99999999999999999999, outside 1...100000; write a whole number between 1 and 100000",
            "p.yaml:13:9: error: 'keep' is 9223372036854775807s, out of range; use a duration between 0s and 8784h",
            "p.yaml:17:15: error: 'interval' is 99999999999999999h, out of range; use a duration between 0s and 8784h",
        ]
        #expect(found == expected)
    }

    @Test func hugeAndNegativeCountsAndSizesAreLocatedNotCrashes() {
        let found = diagnostics(
            Self.file(
                wait: "  concurrency: -99999999999999999999999",
                stage: "    count: 18446744073709551616",
                download: "  max_bytes: 999999999999999999999GB\n  max_uncompressed_bytes: -1"))
        let expected = [
            "p.yaml:9:16: error: 'concurrency' is -99999999999999999999999, outside 1...64; write a whole number between 1 and 64",
            "p.yaml:12:14: error: 'max_bytes' is 999999999999999999999GB, outside 1 byte to 1TiB; "
                + "write whole bytes or a number with KB, MB, GB, KiB, MiB or GiB, e.g. 512MB, from 1 byte to 1TiB",
            "p.yaml:13:27: error: 'max_uncompressed_bytes' is -1, outside 1 byte to 1TiB; "
                + "write whole bytes or a number with KB, MB, GB, KiB, MiB or GiB, e.g. 512MB, from 1 byte to 1TiB",
            "p.yaml:18:12: error: 'count' is 18446744073709551616, outside 1...10; write a whole number between 1 and 10",
        ]
        #expect(found == expected)
    }

    @Test func theLargestAcceptedValuesLoad() throws {
        let yaml = Self.file(
            wait: "  run_timeout: 8784h\n  max_interval: 8784h\n  rate_limit: {requests: 100000, per: 8784h}", stage: "    interval: 8784h",
            state: "  keep: 8784h"
        ).replacingOccurrences(of: "timeout: 15m", with: "timeout: 8784h")
        let pipeline = try PipelineLoader(registry: Self.registry, environment: [:]).load(yaml: yaml, file: "p.yaml", baseDirectory: "/tmp")
        #expect(pipeline.wait.timeout == DurationText.maximum)
        #expect(pipeline.wait.runTimeout == DurationText.maximum)
        var generator = SystemRandomNumberGenerator()
        #expect(pipeline.wait.rateLimit.period == DurationText.maximum)
        #expect(pipeline.state.keep == DurationText.maximum)
        // The backoff computed from the largest values stays finite and in range.
        for attempt in [0, 1, 63, 64, 1000] {
            #expect(pipeline.wait.baseDelay(afterAttempt: attempt) <= DurationText.maximum)
            #expect(pipeline.wait.delay(afterAttempt: attempt, using: &generator) <= DurationText.maximum)
        }
    }

    // MARK: Reader errors

    @Test(arguments: [
        ("version: 1\nsource:\n  region: \u{7}bell\n", 3, 11, "U+0007"),
        ("version: 1\nsource: {region: x}\n  # \u{0}\n", 3, 5, "U+0000"),
        ("version: 1\n\nstages: [\u{1B}]\n", 3, 10, "U+001B"),
        ("é: 1\nü: \u{1}\n", 2, 4, "U+0001"),
    ])
    func readerErrorsCarryTheirRealLineAndColumn(yaml: String, line: Int, column: Int, character: String) {
        let found = diagnostics(yaml)
        #expect(found.count == 1)
        #expect(
            found.first?.hasPrefix("p.yaml:\(line):\(column): error: invalid YAML: control characters are not allowed (\(character))") == true,
            "\(found)")
    }

    @Test func invalidUTF8IsLocatedAtItsFirstBadByte() throws {
        try withTemporaryDirectoryBlocking { directory in
            var bytes = Array("version: 1\nsource:\n  region: ab".utf8)
            bytes += [0xC3, 0x28]
            bytes += Array("\n".utf8)
            try Data(bytes).write(to: URL(fileURLWithPath: directory.file("bad.yaml")))
            do {
                _ = try PipelineLoader(registry: Self.registry, environment: [:]).load(contentsOf: directory.file("bad.yaml"))
                Issue.record("expected a rejection")
            } catch let error as PipelineLoadError {
                #expect(error.diagnostics.map(\.line) == [3])
                #expect(error.diagnostics.map(\.column) == [13])
                #expect(error.description.contains(":3:13: error: the file is not UTF-8 text: byte 0xC3 at offset 31; save it as UTF-8"))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    // MARK: The cap on printed diagnostics

    @Test func aFileWithAHundredThousandProblemsPrintsTheFirstFiftyAndACount() {
        let stage = (0..<100_000).map { "    k\($0): 1" }.joined(separator: "\n")
        let yaml = Self.file(stage: stage)
        do {
            _ = try PipelineLoader(registry: Self.registry, environment: [:]).load(yaml: yaml, file: "p.yaml", baseDirectory: "/tmp")
            Issue.record("expected a rejection")
        } catch {
            #expect(error.diagnostics.count == 100_000)
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == PipelineLoadError.maximumShown + 1)
            #expect(lines.first?.hasPrefix("p.yaml:15:5: error: unknown key 'k0' in stage 'record'") == true)
            #expect(lines.last == "... and 99950 more problems (only the first 50 are shown)")
            #expect(error.description.utf8.count < 20_000)
        }
    }

    @Test func fiftyProblemsOrFewerArePrintedInFull() {
        let error = PipelineLoadError(diagnostics: (1...50).map { PipelineDiagnostic(file: "p.yaml", line: $0, column: 1, message: "m") })
        #expect(error.description.split(separator: "\n").count == 50)
        #expect(!error.description.contains("more problem"))
        let one = PipelineLoadError(diagnostics: (1...51).map { PipelineDiagnostic(file: "p.yaml", line: $0, column: 1, message: "m") })
        #expect(one.description.hasSuffix("\n... and 1 more problem (only the first 50 are shown)"))
    }

    // MARK: Task files

    func taskFileDiagnostics(_ write: (FileHandle) throws -> Void) throws -> [String] {
        try withTemporaryDirectoryBlocking { directory in
            let path = directory.file("tasks.txt")
            FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try write(handle)
            try handle.close()
            let yaml = Self.file().replacingOccurrences(of: "tasks: [t-1]", with: "tasks: {file: tasks.txt}")
            do {
                _ = try PipelineLoader(registry: Self.registry, environment: [:]).load(yaml: yaml, file: "p.yaml", baseDirectory: directory.path)
                Issue.record("expected a rejection")
                return []
            } catch let error as PipelineLoadError {
                return error.diagnostics.map(\.description)
            }
        }
    }

    @Test func aFiftyMegabyteLineIsALocatedErrorNamingTheLineAndTheLimit() throws {
        let found = try taskFileDiagnostics { handle in
            try handle.write(contentsOf: Data("t-1\n".utf8))
            let block = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
            for _ in 0..<50 { try handle.write(contentsOf: block) }
            try handle.write(contentsOf: Data("\nt-2\n".utf8))
        }
        #expect(
            found == [
                "p.yaml:6:15: error: line 2 of task file 'tasks.txt' is longer than 4096 bytes, the longest line read; "
                    + "one export task id (1 to 64 characters) per line"
            ])
    }

    @Test func aTaskFileLargerThanTheLimitIsReadOnlyUpToIt() throws {
        // /dev/zero would never end; the size limit ends it.
        let yaml = Self.file().replacingOccurrences(of: "tasks: [t-1]", with: "tasks: {file: /dev/zero}")
        do {
            _ = try PipelineLoader(registry: Self.registry, environment: [:]).load(yaml: yaml, file: "p.yaml", baseDirectory: "/tmp")
            Issue.record("expected a rejection")
        } catch {
            #expect(
                error.diagnostics.map(\.message) == [
                    "line 1 of task file '/dev/zero' is longer than 4096 bytes, the longest line read",
                    "task file '/dev/zero' is larger than 64 MiB; only the first 64 MiB are read",
                ])
        }
    }

    @Test func tooManyIdsDuplicatesAndBadLinesNameTheirLines() throws {
        let found = try taskFileDiagnostics { handle in
            try handle.write(contentsOf: Data("a\n# comment\n\nb\na\n\u{7}x\n".utf8))
            try handle.write(contentsOf: Data([0xFF, 0x0A]))
            try handle.write(contentsOf: Data((0..<100_000).map { "id-\($0)\n" }.joined().utf8))
        }
        #expect(
            found == [
                "p.yaml:6:15: error: line 5 of task file 'tasks.txt': task 'a' is listed twice (first on line 1); remove the duplicate",
                "p.yaml:6:15: error: line 6 of task file 'tasks.txt': task id contains control characters; "
                    + "one export task id (1 to 64 characters) per line",
                "p.yaml:6:15: error: line 7 of task file 'tasks.txt' is not UTF-8 text; save the list as UTF-8",
                "p.yaml:6:15: error: task file 'tasks.txt' holds more than 100000 task ids (line 100006); "
                    + "split the list over several runs (at most 100000 ids each)",
            ])
    }

    @Test func aTaskFileWithinTheLimitsStillLoads() throws {
        try withTemporaryDirectoryBlocking { directory in
            try directory.write("a\r\n  b  \n# c\n\n" + String(repeating: "z", count: 64) + "\nlast-without-newline", to: "tasks.txt")
            let yaml = Self.file().replacingOccurrences(of: "tasks: [t-1]", with: "tasks: {file: tasks.txt}")
            let pipeline = try PipelineLoader(registry: Self.registry, environment: [:]).load(
                yaml: yaml, file: "p.yaml", baseDirectory: directory.path)
            #expect(pipeline.tasks.map(\.id) == ["a", "b", String(repeating: "z", count: 64), "last-without-newline"])
        }
    }

    @Test func standardInputHasTheSameLimits() {
        let yaml = Self.file().replacingOccurrences(of: "tasks: [t-1]", with: "tasks: {stdin: true}")
        let long = String(repeating: "y", count: 5000)
        let loader = PipelineLoader(registry: Self.registry, environment: [:], isForRun: true, readStandardInput: { "ok\n\(long)\n" })
        do {
            _ = try loader.load(yaml: yaml, file: "p.yaml", baseDirectory: "/tmp")
            Issue.record("expected a rejection")
        } catch {
            // The other problem is the output directory, which a run checks too.
            #expect(
                error.diagnostics.map(\.message).filter { $0.contains("standard input") } == [
                    "line 2 of standard input is longer than 4096 bytes, the longest line read"
                ])
        }
    }
}
