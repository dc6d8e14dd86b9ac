import Synchronization

/// Where the waiter's jitter comes from: the system's generator in
/// production, a seeded one in tests, so a test run can be repeated exactly.
public final class RandomSource: Sendable {
    private let isSeeded: Bool
    private let state: Mutex<UInt64>

    private init(seed: UInt64?) {
        isSeeded = seed != nil
        state = Mutex(seed ?? 0)
    }

    /// The system's random number generator.
    public static let system = RandomSource(seed: nil)

    /// A repeatable sequence (SplitMix64) starting from `seed`.
    public static func seeded(_ seed: UInt64) -> RandomSource {
        RandomSource(seed: seed)
    }

    /// The next 64 random bits.
    public func next() -> UInt64 {
        guard isSeeded else {
            var generator = SystemRandomNumberGenerator()
            return generator.next()
        }
        return state.withLock { state in
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    /// A generator drawing from this source, for `Double.random(in:using:)`.
    public var generator: Generator { Generator(source: self) }

    /// A `RandomNumberGenerator` view of a ``RandomSource``.
    public struct Generator: RandomNumberGenerator, Sendable {
        let source: RandomSource

        /// The next 64 random bits of the source.
        public mutating func next() -> UInt64 { source.next() }
    }
}
