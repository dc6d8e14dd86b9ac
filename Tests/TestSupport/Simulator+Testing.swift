public import Foundation
public import HSSSimulator
import Logging

/// Runs a simulator with `scenario` on 127.0.0.1, port 0, for the duration
/// of `body`, then stops it gracefully; `body` gets its base URL and counters.
/// The one way every test target starts an in-process simulator.
///
/// - Parameter timeout: `body` fails with ``SimulatorTimeoutError`` after this
///   long, so a hung test ends instead of stalling the suite.
public func withSimulator<T: Sendable>(
    _ scenario: SimulatorScenario = .default,
    timeout: Duration = .seconds(120),
    _ body: @escaping @Sendable (URL, HSSSimulator) async throws -> T
) async throws -> T {
    var logger = Logger(label: "hss-simulator-tests")
    logger.logLevel = .error
    // A loaded CI machine running the whole suite at once can take seconds to
    // schedule the listener; a failure to start is still reported, just later.
    let configuration = HSSSimulatorConfiguration(scenario: scenario, logger: logger, startupTimeout: .seconds(60))
    return try await HSSSimulator.withRunning(configuration) { url, simulator in
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body(url, simulator) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw SimulatorTimeoutError(timeout: timeout)
            }
            return result
        }
    }
}

/// A test against the simulator did not finish in time.
public struct SimulatorTimeoutError: Error, CustomStringConvertible {
    /// The limit.
    public var timeout: Duration
    public var description: String { "the test against the simulator did not finish within \(timeout)" }
}
