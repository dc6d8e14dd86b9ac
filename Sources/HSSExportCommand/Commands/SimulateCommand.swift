import ArgumentParser
import ExportPipeline
import ExportStageKit
import Foundation
import HSSSimulator
import Logging

/// `hss-export simulate`: serve the HSS simulator until interrupted.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Serve the built-in HSS API simulator on loopback until interrupted.",
        discussion:
            "Prints its base URL (http://127.0.0.1:PORT) as the first line of stdout. Without --scenario it serves the built-in scenario: project 0a1b2c3d4e5f60718293a4b5c6d7e8f9, token demo-token, AK HPUAEXAMPLEAK0000001, four tasks. See docs/simulator.md."
    )

    @Option(help: "A scenario YAML file (tasks, credentials, rate limit).")
    var scenario: String?

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port: Int = 0

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Flag(name: .customLong("print-scenario"), help: "Print the built-in scenario YAML and exit.")
    var printScenario = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, not \(port)") }
    }

    func run() async throws {
        if printScenario {
            Console.printLine(SimulatorScenario.defaultYAML.trimmingTrailingNewlines)
            return
        }
        let logger = RunSession(logging: logging, label: "hss-simulator").logger
        let loaded: SimulatorScenario
        do {
            loaded = try scenario.map { try SimulatorScenario(contentsOf: URL(fileURLWithPath: $0)) } ?? .default
        } catch {
            Console.writeStandardError("hss-export: scenario \(scenario ?? ""): \(error)\n")
            throw ExitCode(RunExitCode.usage)
        }
        let simulator = HSSSimulator(configuration: HSSSimulatorConfiguration(host: host, port: port, scenario: loaded, logger: logger))
        let serving = Task {
            try await simulator.run { url in
                Console.printLine(url.absoluteString)
                logger.info("serving \(loaded.tasks.count) tasks for project \(loaded.projectID); stop with Ctrl-C")
            }
        }
        let trap = SignalTrap { serving.cancel() }
        defer { trap.cancel() }
        do {
            try await serving.value
        } catch {
            Console.writeStandardError("hss-export: simulator: \(error)\n")
            throw ExitCode(1)
        }
    }
}
