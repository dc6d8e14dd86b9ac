/// Why a request was throttled: the limits that had no room, and when the later of them has.
struct RateLimitRefusal: Sendable, Equatable {
    /// Whole seconds until both limits have room, at least 1: the value of `Retry-After`.
    var retryAfterSeconds: Int
    /// The user's own limit had no room.
    var byUser: Bool
    /// The source IP's limit (`rate_limit_per_ip`) had no room.
    var byIP: Bool
}
