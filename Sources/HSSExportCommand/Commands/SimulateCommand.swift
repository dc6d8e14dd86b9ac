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
        discussion: """
            Prints its base URL (http://127.0.0.1:PORT) as the first line of stdout. Without --scenario it serves the \
            built-in scenario: project 0a1b2c3d4e5f60718293a4b5c6d7e8f9, token demo-token, AK HPUAEXAMPLEAK0000001, \
            four tasks. These credentials are published, so anyone who can reach the simulator can use it: keep it on \
            loopback (the default) unless that is intended; another --host gets a warning. A port in use exits 2. \
            See docs/simulator.md.

            Examples:
              hss-export simulate
              hss-export simulate --port 8080
              hss-export simulate --scenario slow-tasks.yaml --log-level debug
              hss-export simulate --print-scenario > my-scenario.yaml
            """
    )

    @Option(help: ArgumentHelp("A scenario YAML file (tasks, credentials, rate limit).", valueName: "file"))
    var scenario: String?

    @Option(help: ArgumentHelp("Port to listen on; 0 picks a free one.", valueName: "port"))
    var port: Int = 0

    @Option(help: ArgumentHelp("Address to listen on; anything but loopback is warned about.", valueName: "address"))
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
        if !Self.isLoopback(host) {
            logger.warning(
                "--host \(host) is not a loopback address: the simulator accepts well-known, published credentials (the scenario's tokens and access keys) from anyone who can reach it; use --host 127.0.0.1 unless that is intended",
                metadata: ["host": "\(host)"])
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
        } catch let error as SimulatorListenError {
            Console.writeStandardError("hss-export: simulate: \(error.problem); \(Self.fix(for: error))\n")
            throw ExitCode(RunExitCode.usage)
        } catch {
            Console.writeStandardError("hss-export: simulator: \(error)\n")
            throw ExitCode(1)
        }
    }

    /// The fix in this command's options.
    static func fix(for error: SimulatorListenError) -> String {
        switch error.reason {
        case .addressInUse:
            return
                "give --port 0 to pick a free port (the URL is printed first), or stop what listens there (ss -ltnp 'sport = :\(error.port)' names it)"
        case .addressNotAvailable, .unknownHost:
            return "give --host 127.0.0.1 (the default), or an address of this machine"
        case .permissionDenied:
            return "give a port above 1023, or --port 0 to pick a free one"
        }
    }

    /// Whether `host` names only this machine: 127.0.0.0/8, ::1 (also as
    /// ::ffff:127.x.x.x), localhost and names under .localhost (RFC 6761).
    static func isLoopback(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name.hasSuffix(".localhost") { return true }
        var ipv4 = in_addr()
        if inet_pton(AF_INET, name, &ipv4) == 1 {
            return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127
        }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, name, &ipv6) == 1 {
            let bytes = withUnsafeBytes(of: ipv6) { Array($0) }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
            let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
            return Array(bytes[0..<12]) == mappedPrefix && bytes[12] == 127
        }
        return false
    }
}
