import Dispatch
import Foundation
import Synchronization

/// Turns the first SIGINT/SIGTERM into a graceful stop and the second into
/// an immediate exit 130, for the user who really wants out.
final class SignalTrap: @unchecked Sendable {
    // Written once in init, read only by cancel(): the sources themselves are thread-safe.
    private var sources: [any DispatchSourceSignal] = []

    init(signals: [Int32] = [SIGINT, SIGTERM], onFirst: @escaping @Sendable () -> Void) {
        let state = SignalCount()
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if state.increment() == 1 {
                    onFirst()
                } else {
                    Console.writeStandardError("hss-export: second signal, exiting now\n")
                    exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops trapping; signals get their default behaviour back.
    func cancel() {
        for source in sources {
            source.cancel()
            signal(Int32(source.handle), SIG_DFL)
        }
    }
}

private final class SignalCount: Sendable {
    private let count = Mutex(0)
    func increment() -> Int {
        count.withLock {
            $0 += 1
            return $0
        }
    }
}
