import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the host-wide budget cannot be used. The run goes on under its own
/// budget (with a warning), since the limit HSS enforces is recoverable (a
/// 429 pauses and teaches the plan) and a cron job should not stop for it.
public struct HostBudgetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The directory is unsafe to share: another user could forge or erase entries.
        case unsafeDirectory(reason: String)
        /// A system call failed.
        case system(operation: String, errno: Int32)
    }

    /// The directory or file concerned.
    public var path: String
    /// What went wrong.
    public var kind: Kind

    /// Creates an error.
    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .unsafeDirectory(let reason):
            return "host-wide budget directory \(path) \(reason); fix its owner and mode (chmod 700), or set HSS_EXPORT_BUDGET_DIR "
                + "to a directory only you can write, or HSS_EXPORT_HOST_BUDGET=off"
        case .system(let operation, let code):
            return "host-wide budget: \(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code)); "
                + "set HSS_EXPORT_BUDGET_DIR to a writable directory, or HSS_EXPORT_HOST_BUDGET=off"
        }
    }
}
