/// Wall time of an operation on a monotonic clock, so NTP adjustments during
/// a run cannot bend the numbers.
enum Stopwatch {
    /// Runs `body` and returns its result with the elapsed seconds.
    static func measure<T>(_ body: () async throws -> T) async rethrows -> (value: T, seconds: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try await body()
        return (value, (clock.now - start).seconds)
    }
}

extension Duration {
    /// The duration as fractional seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
