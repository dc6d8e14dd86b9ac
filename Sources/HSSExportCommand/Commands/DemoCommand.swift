import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation
import HSSSimulator

/// `hss-export demo`: the whole tool in a few seconds, with no account.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start the built-in HSS simulator on loopback and run the demo pipeline against it.",
        discussion: """
            Creates two exports on the simulator, waits for them and four listed tasks, downloads the finished files \
            into --out/archives, and writes results.jsonl, results.csv, hss_export.prom and manifest.json.gz into \
            --out. No account and no credentials are needed: the simulator's are built in.

            One demo task fails on purpose, to show how failures look: a real run with that failure would exit 1. \
            The demo itself exits 0 when everything went as scripted; otherwise it says what differed and exits with the run's code.

            Examples:
              hss-export demo
              hss-export demo --out /tmp/hss-demo
              hss-export demo --log-level debug
            """
    )

    @Option(help: ArgumentHelp("Where to write the outputs (created if missing).", valueName: "dir"))
    var out: String = "hss-export-demo"

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let session = RunSession(logging: logging)
        let outDirectory = FilePath.resolve(out, against: FileManager.default.currentDirectoryPath)
        do {
            try FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
        } catch {
            throw session.failure("cannot create \(outDirectory): \(error)", exitCode: .usage)
        }
        let scenario = SimulatorScenario.default
        let report = try await HSSSimulator.withRunning(HSSSimulatorConfiguration(scenario: scenario)) { url, _ in
            session.logger.info("simulator listening", metadata: ["url": "\(url.absoluteString)"])
            // The demo's variables live only in this dictionary, never in the process environment.
            var environment = session.environment
            environment["HSS_DEMO_ENDPOINT"] = url.absoluteString
            environment["HSS_DEMO_TOKEN"] = scenario.tokens.first ?? ""
            environment["HSS_DEMO_OUT"] = outDirectory
            let loader = session.loader(isForRun: true, environment: environment)
            let pipeline = try loader.load(yaml: DemoPipeline.yaml, file: "<demo>", baseDirectory: outDirectory)
            // The simulator lives as long as this command: a journal of its
            // tasks is worthless to the next demo, so every demo starts afresh.
            let state = outDirectory + "/.state"
            try? FileManager.default.removeItem(atPath: state)
            return try await session.execute(pipeline, environment: environment, stateDirectory: state)
        }
        let expected: RunExitCode = .taskFailed
        guard report.exitCode == expected else {
            _ = session.finish(report)
            throw session.failure(
                "the demo did not go as scripted (exit \(report.exitCode.rawValue), expected \(expected.rawValue))", exitCode: report.exitCode)
        }
        // The summary without its "exit 1" line: the demo exits 0, and says why a real run would not.
        let lines = session.redactor.redact(report.summaryText).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        Console.printLine(lines.joined(separator: "\n"))
        Console.printLine(
            "one demo task fails on purpose, so a real run would exit \(expected.rawValue) (\(expected.meaning)); the demo went as scripted and exits 0"
        )
        Console.printLine("demo finished as scripted; outputs are in \(outDirectory)")
    }
}
