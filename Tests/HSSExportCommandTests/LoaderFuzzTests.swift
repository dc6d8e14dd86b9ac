import ExportPipeline
import ExportStageKit
import Foundation
import HSSExportCommand
import HSSSimulator
import TestSupport
import Testing

/// A seeded mutation test over the two loaders, in process, within a time
/// budget: the committed fuzz corpus (Fuzz/corpus) mutated with huge and
/// negative numbers, control characters, deep nesting, duplicate keys, long
/// strings and Unicode. The process surviving is the main assertion; every
/// rejection must also be located (line and column from 1).
///
/// `HSS_EXPORT_FUZZ_SECONDS` sets the budget (default 20), `HSS_EXPORT_FUZZ_SEED`
/// the seed (default fixed, so a failure reproduces). scripts/fuzz.sh runs
/// the coverage-guided libFuzzer target over the same corpus.
@Suite struct LoaderFuzzTests {
    static let corpus = PackagePaths.root + "/Fuzz/corpus"

    static func seeds(_ directory: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus + "/" + directory).sorted()
        return try names.map { try String(contentsOfFile: corpus + "/" + directory + "/" + $0, encoding: .utf8) }
    }

    @Test func mutatedPipelineFilesAndScenariosAreRejectedWithLocatedDiagnosticsOrLoad() async throws {
        try await HeavyTestGate.shared.run { try await Self.mutatedPipelineFilesAndScenariosAreRejectedWithLocatedDiagnosticsOrLoadAlone() }
    }

    /// The test, run while no other load-heavy suite runs.
    static func mutatedPipelineFilesAndScenariosAreRejectedWithLocatedDiagnosticsOrLoadAlone() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seconds = environment["HSS_EXPORT_FUZZ_SECONDS"].flatMap(Double.init) ?? 20
        let seed = environment["HSS_EXPORT_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x4853_5345_5850_4F52
        let pipelines = try Self.seeds("pipeline")
        let scenarios = try Self.seeds("scenario")
        try #require(!pipelines.isEmpty && !scenarios.isEmpty)
        let loader = PipelineLoader(
            registry: .builtIn, environment: ["HSS_TOKEN": "fuzz-token", "OUT": "out"], isForRun: false, readStandardInput: { "" })
        let directory = FileManager.default.temporaryDirectory.path
        var generator = RandomSource.seeded(seed).generator
        var mutator = Mutator()
        var executions = 0
        var loaded = 0
        var unlocated: [String] = []
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < .seconds(seconds), unlocated.count < 10 {
            // All seeds, unchanged, come first; then mutations of mutations.
            let isPipeline = executions % 2 == 0
            let pool = isPipeline ? pipelines : scenarios
            var text = pool[(executions / 2) % pool.count]
            if executions >= 2 * max(pipelines.count, scenarios.count) {
                for _ in 0...generator.next(below: 4) { text = mutator.mutate(text, using: &generator) }
            }
            executions += 1
            if isPipeline {
                do {
                    _ = try loader.load(yaml: text, file: "fuzz.yaml", baseDirectory: directory)
                    loaded += 1
                } catch {
                    for diagnostic in error.diagnostics where diagnostic.line < 1 || diagnostic.column < 1 {
                        unlocated.append("\(diagnostic.description)\n--- input:\n\(text.prefix(2000))")
                    }
                }
            } else {
                do {
                    _ = try SimulatorScenario(yaml: text, sourceName: "fuzz.yaml")
                    loaded += 1
                } catch let error as SimulatorScenarioError {
                    if error.line == nil && error.message != "the scenario is empty; start with 'project_id: ...'" || (error.line ?? 1) < 1 {
                        unlocated.append("\(error.description)\n--- input:\n\(text.prefix(2000))")
                    }
                } catch {
                    unlocated.append("not a SimulatorScenarioError: \(error)")
                }
            }
            if executions % 64 == 0 { await Task.yield() }
        }
        print("LoaderFuzzTests: \(executions) inputs in \(clock.now - start) (seed \(seed)), \(loaded) loaded, \(unlocated.count) unlocated")
        #expect(unlocated.isEmpty, "\(unlocated.joined(separator: "\n\n"))")
        #expect(executions >= 2 * max(pipelines.count, scenarios.count))
    }
}

/// The waiter's own seeded source (SplitMix64), so a failing run can be replayed.
extension RandomSource.Generator {
    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// Byte and token mutations of YAML text, aimed at what once crashed or
/// could: numbers at and beyond every limit, and what libyaml's reader refuses.
struct Mutator {
    static let tokens = [
        "99999999999999999h", "9223372036854775807s", "9223372036854775807", "-9223372036854775808", "18446744073709551616",
        "999999999999999999999GB", "-1", "0", "-0.5", "1e400", "1e-400", "nan", "inf", ".inf", "8784h", "8784h1ms", "8785h", "0ms",
        "1.5.5s", "1m30", "1TiB", "1025GB", "-5s", "١٢٣", "½s", "0x10", "~", "null", "[]", "{}", "''", "\"\\u0000\"", "*a", "&a x", "!!binary AA==",
        "${HSS_TOKEN}", "${MISSING}", "${", "$$", "'${HSS_TOKEN:-x}'", "/dev/null", "🙂", "e\u{301}", "\u{202E}", "\u{FEFF}", "\u{0}", "\u{7}",
        "\u{1B}[31m", "\r", "\t", "\u{85}", "\u{2028}", String(repeating: "a", count: 5000), String(repeating: "9", count: 400),
    ]
    static let keys = [
        "timeout", "run_timeout", "initial_interval", "max_interval", "concurrency", "per", "requests", "request_timeout", "keep",
        "max_bytes", "max_uncompressed_bytes", "latency", "for", "until", "polls", "bytes", "rows", "entries", "download_rate",
        "truncate_after", "truncate_downloads", "http_status", "level", "count", "export_size", "version",
    ]

    mutating func mutate(_ text: String, using generator: inout RandomSource.Generator) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.isEmpty { lines = [""] }
        let index = generator.next(below: lines.count)
        let token = Self.tokens[generator.next(below: Self.tokens.count)]
        switch generator.next(below: 12) {
        case 0, 1, 2:
            // Replace a value: the most productive mutation.
            if let colon = lines[index].firstIndex(of: ":") {
                lines[index] = String(lines[index][...colon]) + " " + token
            } else {
                lines[index] += token
            }
        case 3:
            let indent = String(lines[index].prefix { $0 == " " })
            lines.insert(indent + Self.keys[generator.next(below: Self.keys.count)] + ": " + token, at: index)
        case 4:
            lines.insert(lines[index], at: index)  // a duplicate key, or a duplicate list item
        case 5:
            lines.remove(at: index)
        case 6:
            let depth = 1 + generator.next(below: 300)
            lines.insert("deep: " + String(repeating: "[", count: depth) + "x" + String(repeating: "]", count: depth), at: index)
        case 7:
            var scalars = Array(lines[index].unicodeScalars)
            let position = scalars.isEmpty ? 0 : generator.next(below: scalars.count + 1)
            let inserted = Unicode.Scalar(UInt32(generator.next(below: 0x80))) ?? "x"
            scalars.insert(inserted, at: position)
            lines[index] = String(String.UnicodeScalarView(scalars))
        case 8:
            lines[index] = String(repeating: " ", count: generator.next(below: 9)) + lines[index]
        case 9:
            let other = generator.next(below: lines.count)
            lines.swapAt(index, other)
        case 10:
            let cut = generator.next(below: max(1, lines[index].count))
            lines[index] = String(lines[index].prefix(cut))
        default:
            lines[index] += " " + token
        }
        return lines.joined(separator: "\n")
    }
}
