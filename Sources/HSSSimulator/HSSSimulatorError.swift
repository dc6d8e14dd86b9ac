/// Why ``HSSSimulator/withRunning(_:_:)`` could not start the simulator.
public enum HSSSimulatorError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The server did not listen within the startup timeout.
    case startupTimedOut(host: String, port: Int, timeout: Duration)
    /// The server stopped before it was listening, without an error of its own.
    case stoppedBeforeListening(host: String, port: Int)

    /// What went wrong and what to try.
    public var description: String {
        switch self {
        case .startupTimedOut(let host, let port, let timeout):
            return
                "the HSS simulator did not start listening on \(host):\(port) within \(timeout); check that the address is local and free, or raise startupTimeout"
        case .stoppedBeforeListening(let host, let port):
            return
                "the HSS simulator stopped before listening on \(host):\(port); check that the address is local and the port free (use port 0 for any free port)"
        }
    }
}
