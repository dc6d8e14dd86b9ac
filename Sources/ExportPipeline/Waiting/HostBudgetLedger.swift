import Foundation
public import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The host-wide request budget: every hss-export process on the machine
/// that spends one credential's budget (shards, unrelated cron jobs) records
/// its requests in one small ledger file per (budget key, API), so together
/// they stay within HSS's limit per user and API.
///
/// The file (`KEY.API.ledger` in ``directory``) holds one line per recent
/// request, `SENT_MS ANSWERED_MS PID ID` (wall-clock milliseconds; `-` while
/// in flight), and is read and rewritten in place, fsynced, under `flock`
/// (`LOCK_EX`) on a descriptor of its own, so separate instances exclude
/// each other like separate processes do. A request may go when fewer than
/// `limit` requests were answered within the last `period` or are still in
/// flight (the window is anchored on answers, as ``RequestWindow``'s is), and
/// the last one went `period ÷ limit` ago. Entries older than the window are
/// dropped; an unanswered entry of a process that no longer exists counts as
/// answered at its send time plus ``requestTimeout`` (so does one older than
/// ten request timeouts, at least 10 minutes, whose pid may have been
/// reused). Lines that do not parse
/// (a crash mid-write) are dropped with a warning and the file rewritten.
public struct HostBudgetLedger: SharedRequestBudget {
    /// Where the ledger files live.
    public let directory: String
    /// How long a request may take: the cap on an unanswered entry of a dead process.
    public var requestTimeout: Duration
    /// Where recovered files and the like are logged.
    public var logger: Logger
    private let pid: Int32
    private let counter: Counter

    /// A ledger in `directory` (see ``defaultDirectory(environment:)``; check
    /// it with ``prepareDirectory()`` first).
    ///
    /// - Parameters:
    ///   - directory: where the ledger files live.
    ///   - requestTimeout: how long one request may take; default 30 s (the
    ///     client's default `request_timeout`).
    ///   - logger: where recovered files are logged; default a logger labelled `hss-export.budget`.
    public init(directory: String, requestTimeout: Duration = .seconds(30), logger: Logger = Logger(label: "hss-export.budget")) {
        self.directory = directory
        self.requestTimeout = requestTimeout
        self.logger = logger
        pid = getpid()
        counter = Counter()
    }

    /// The ledger directory for `environment`: `HSS_EXPORT_BUDGET_DIR`; else,
    /// for root, `/run/hss-export/budget`; else
    /// `$XDG_RUNTIME_DIR/hss-export/budget`; else `/tmp/hss-export-UID/budget`.
    public static func defaultDirectory(environment: [String: String]) -> String {
        if let explicit = environment["HSS_EXPORT_BUDGET_DIR"], !explicit.isEmpty { return explicit }
        if geteuid() == 0 { return "/run/hss-export/budget" }
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") { return runtime + "/hss-export/budget" }
        return "/tmp/hss-export-\(geteuid())/budget"
    }

    /// The ledger file of `key` and `api`: the key's safe characters, and a
    /// hash of it when it has others (a key such as `user-domain/name`).
    public func path(key: String, api: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        var safe = String(key.map { allowed.contains($0) ? $0 : "_" }.prefix(80))
        if safe != key || safe.isEmpty {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            safe += "-" + String(hash, radix: 16)
        }
        return directory + "/" + safe + "." + api + ".ledger"
    }

    public func acquire(
        key: String, api: String, limit: WaitPolicy.RateLimit, clock: WaitClock, notAfter: WaitClock.Instant?
    ) async throws -> SharedBudgetTicket? {
        let path = path(key: key, api: api)
        let id = "\(pid)-\(counter.next())"
        while true {
            try Task.checkCancellation()
            let file = try BudgetLedgerFile(path: path)
            while try !file.tryLock() {
                // Holders keep the lock for microseconds: real time, whatever the clock.
                try await Task.sleep(for: .milliseconds(1))
            }
            let now = Self.milliseconds(clock)
            let read = try file.read()
            var entries = read.entries
            let unreadable = read.unreadable
            if unreadable > 0 {
                logger.warning(
                    "host-wide budget ledger had unreadable lines (a write cut short?); rewritten without them",
                    metadata: ["path": "\(path)", "lines": "\(unreadable)"])
            }
            let before = entries
            entries = prune(entries, now: now, period: limit.period)
            let slot = nextSlot(entries, now: now, limit: limit)
            if let slot, slot <= now {
                entries.append(BudgetLedgerEntry(sent: now, pid: pid, id: id))
                try file.write(entries)
                return SharedBudgetTicket(key: key, api: api, id: id)
            }
            if entries != before || unreadable > 0 { try file.write(entries) }
            // Unlocks before sleeping.
            _ = consume file
            // `nil`: every entry in the window is in flight; look again soon.
            let wait = slot.map { Duration.milliseconds($0 - now) } ?? pollInterval(limit)
            let wake = clock.now + wait
            if let notAfter, slot.map({ _ in wake > notAfter }) ?? (clock.now >= notAfter) { return nil }
            try await clock.sleep(until: notAfter.map { min($0, wake) } ?? wake)
        }
    }

    public func release(_ ticket: SharedBudgetTicket, at: WaitClock.Instant, clock: WaitClock) async {
        let path = path(key: ticket.key, api: ticket.api)
        do {
            let file = try BudgetLedgerFile(path: path)
            try file.lock()
            var entries = try file.read().entries
            let answered = Self.milliseconds(clock, at: at)
            for index in entries.indices where entries[index].id == ticket.id && entries[index].answered == nil {
                entries[index].answered = max(answered, entries[index].sent)
            }
            try file.write(entries)
        } catch {
            logger.warning("host-wide budget: could not record an answer", metadata: ["error": "\(error)"])
        }
    }

    /// Drops entries that no longer count; caps dead processes' unanswered
    /// entries; pulls entries from the future (the wall clock went back) to now.
    func prune(_ entries: [BudgetLedgerEntry], now: Int64, period: Duration) -> [BudgetLedgerEntry] {
        let periodMilliseconds = Self.milliseconds(in: period)
        let timeout = Self.milliseconds(in: requestTimeout)
        let stale = max(10 * timeout, 600_000)
        return entries.compactMap { entry in
            var entry = entry
            if entry.sent > now + 1000 {
                entry.sent = now
                entry.answered = entry.answered.map { _ in now }
            }
            // A pid can be reused: an entry far older than any request is dead whatever its pid says.
            if entry.answered == nil, !Self.isAlive(entry.pid) || now - entry.sent > stale { entry.answered = entry.sent + timeout }
            guard let answered = entry.answered else { return entry }
            return answered > now - periodMilliseconds ? entry : nil
        }
    }

    /// When the next request may go, in wall-clock milliseconds; `nil` when
    /// that waits on an answer still in flight.
    func nextSlot(_ entries: [BudgetLedgerEntry], now: Int64, limit: WaitPolicy.RateLimit) -> Int64? {
        let requests = max(limit.requests, 1)
        let period = Self.milliseconds(in: limit.period)
        var slot = now
        if let last = entries.map(\.sent).max() { slot = max(slot, last + period / Int64(requests)) }
        let excess = entries.count - requests
        if excess >= 0 {
            let answers = entries.compactMap(\.answered).sorted()
            guard answers.count > excess else { return nil }
            slot = max(slot, answers[excess] + period)
        }
        return slot
    }

    private func pollInterval(_ limit: WaitPolicy.RateLimit) -> Duration {
        min(max(limit.period / max(limit.requests, 1), .milliseconds(10)), .seconds(1))
    }

    private static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    private static func milliseconds(_ clock: WaitClock, at instant: WaitClock.Instant? = nil) -> Int64 {
        Int64((clock.date(at: instant ?? clock.now).timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func milliseconds(in duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Ids unique within the process (the pid makes them unique on the host).
    private final class Counter: Sendable {
        private let value = Mutex<UInt64>(0)
        func next() -> UInt64 {
            value.withLock {
                $0 += 1
                return $0
            }
        }
    }
}
