public import Logging

/// How to run an ``HSSSimulator``.
public struct HSSSimulatorConfiguration: Sendable {
    /// The address to listen on; loopback by default, since the simulator accepts demo
    /// credentials that must not be reachable from elsewhere.
    public var host: String
    /// The port; 0 (the default) lets the system pick a free one, reported via `onReady`.
    public var port: Int
    /// What the simulator serves.
    public var scenario: SimulatorScenario
    /// Where server and request logs go. Tokens and secret keys are never logged.
    public var logger: Logger
    /// The largest accepted distance between `X-Sdk-Date` and the server clock, as the real
    /// gateway enforces (15 minutes); `nil` accepts any date.
    public var maximumClockSkew: Duration?
    /// How long ``HSSSimulator/withRunning(_:_:)`` waits for the server to listen.
    public var startupTimeout: Duration

    /// Creates a configuration.
    /// - Parameters:
    ///   - host: The address to listen on; by default `127.0.0.1`.
    ///   - port: The port; by default 0, any free port.
    ///   - scenario: What to serve; by default ``SimulatorScenario/default``.
    ///   - logger: The logger; by default one labelled `hss-simulator` at `warning` level,
    ///     so tests and the demo stay quiet.
    ///   - maximumClockSkew: The accepted `X-Sdk-Date` skew; by default 15 minutes.
    ///   - startupTimeout: How long `withRunning` waits for the server to listen; by default 10 s.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        scenario: SimulatorScenario = .default,
        logger: Logger? = nil,
        maximumClockSkew: Duration? = .seconds(15 * 60),
        startupTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.scenario = scenario
        self.logger =
            logger
            ?? {
                var logger = Logger(label: "hss-simulator")
                logger.logLevel = .warning
                return logger
            }()
        self.maximumClockSkew = maximumClockSkew
        self.startupTimeout = startupTimeout
    }
}
