/// A one-shot request to stop the command, made when the task running the
/// stage is cancelled and awaited by the task that does the stopping.
///
/// Cancellation itself is not passed on to Subprocess: on cancellation it
/// would start a teardown of its own beside the stage's, sending the command
/// a second SIGTERM (a script's trap would run twice) and possibly signalling
/// after the command has been reaped.
final class StopRequest: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    /// A request not made yet.
    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self)
    }

    /// Makes the request; later calls do nothing.
    func request() {
        continuation.finish()
    }

    /// Returns when the request is made, or when the calling task is
    /// cancelled. Only one task may wait.
    func wait() async {
        for await _ in stream {}
    }
}
