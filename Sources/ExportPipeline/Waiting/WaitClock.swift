import ExportStageKit
public import Foundation

/// The time the waiter and the request budget run on: a real clock in
/// production, a virtual one in tests, so waiting is tested without sleeping.
///
/// Any `Clock` measured in `Duration` fits (`ContinuousClock`, a test clock);
/// instants are offsets from the moment the `WaitClock` was made, so the
/// waiting types need not be generic over the clock.
public struct WaitClock: Sendable {
    /// A point in time: the offset from when the clock was made.
    public struct Instant: Sendable, Hashable, Comparable {
        /// Time since the clock was made.
        public var offset: Duration

        /// An instant `offset` after the clock was made.
        public init(offset: Duration) {
            self.offset = offset
        }

        /// Orders instants by offset.
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }

        /// The instant `duration` later.
        public static func + (lhs: Instant, rhs: Duration) -> Instant { Instant(offset: lhs.offset + rhs) }

        /// The time from `rhs` to `lhs`.
        public static func - (lhs: Instant, rhs: Instant) -> Duration { lhs.offset - rhs.offset }
    }

    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void
    private let startDate: Date

    /// Runs on `clock`; `startDate` is the wall-clock time of the clock's
    /// present instant, for the records' timestamps.
    public init<C: Clock>(_ clock: C, startDate: Date = Date()) where C.Duration == Duration {
        let start = clock.now
        elapsed = { start.duration(to: clock.now) }
        sleeper = { offset in try await clock.sleep(until: start.advanced(by: offset), tolerance: nil) }
        self.startDate = startDate
    }

    /// The real, monotonic clock.
    public static var continuous: WaitClock { WaitClock(ContinuousClock()) }

    /// The present instant.
    public var now: Instant { Instant(offset: elapsed()) }

    /// Suspends until `deadline`; throws `CancellationError` when the task is cancelled.
    public func sleep(until deadline: Instant) async throws {
        try await sleeper(deadline.offset)
    }

    /// Suspends for `duration`.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now + duration)
    }

    /// The wall-clock time of `instant`.
    public func date(at instant: Instant) -> Date {
        startDate.addingTimeInterval(DurationText.seconds(in: instant.offset))
    }
}
