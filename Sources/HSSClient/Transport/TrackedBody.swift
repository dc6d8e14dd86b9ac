import NIOCore
import Synchronization

/// Whether AsyncHTTPClient has taken a request's body for a connection.
///
/// The pool asks for the body only once the request head is on an open connection, so
/// a body never taken proves the server never got a complete request: a create that
/// failed before that cannot have created anything and may be sent again.
final class BodyProgress: Sendable {
    private let taken = Atomic<Bool>(false)

    /// Whether the body has been asked for.
    var started: Bool { taken.load(ordering: .acquiring) }

    func markStarted() {
        taken.store(true, ordering: .releasing)
    }
}

/// A request body of known bytes that records in a ``BodyProgress`` when it is read.
struct TrackedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let bytes: [UInt8]
    let progress: BodyProgress

    struct AsyncIterator: AsyncIteratorProtocol {
        var bytes: [UInt8]?
        let progress: BodyProgress

        mutating func next() async -> ByteBuffer? {
            guard let remaining = bytes else { return nil }
            bytes = nil
            progress.markStarted()
            return ByteBuffer(bytes: remaining)
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(bytes: bytes, progress: progress)
    }
}
