/// Lets one load-heavy suite run at a time (the `kill -9` suites, the mutation
/// fuzzer): each alone keeps a 2-core machine busy, and together, while the
/// rest of the tests start, they starved other tests' servers past their
/// timeouts. Every test target runs in one process, so one gate serves all.
public actor HeavyTestGate {
    /// The one gate.
    public static let shared = HeavyTestGate()

    private var isBusy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once no other heavy suite runs.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        if isBusy {
            await withCheckedContinuation { waiting.append($0) }
        }
        isBusy = true
        defer {
            if waiting.isEmpty {
                isBusy = false
            } else {
                waiting.removeFirst().resume()
            }
        }
        return try await body()
    }
}
