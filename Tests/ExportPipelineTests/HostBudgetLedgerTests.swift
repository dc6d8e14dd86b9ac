import ExportPipeline
import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The host-wide ledger, with separate instances standing in for separate
/// processes: each acquire opens the file anew, so `flock` excludes them as
/// it excludes processes.
@Suite struct HostBudgetLedgerTests {
    static func milliseconds(_ date: Date = Date()) -> Int64 { Int64(date.timeIntervalSince1970 * 1000) }

    /// A pid that no longer runs.
    static func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func separateInstancesHammeringOneKeyNeverExceedTheLimit() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let limit = WaitPolicy.RateLimit(requests: 4, per: .milliseconds(300))
        let sends = SendTimes()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for participant in 0..<4 {
                let ledger = HostBudgetLedger(directory: directory.path)
                let clock = WaitClock.continuous
                for worker in 0..<3 {
                    group.addTask {
                        for _ in 0..<2 {
                            let ticket = try await ledger.acquire(key: "ak-shared", api: "query", limit: limit, clock: clock, notAfter: nil)
                            let sent = Self.milliseconds()
                            sends.append(sent)
                            try await Task.sleep(for: .milliseconds(Int64((participant * 7 + worker * 3) % 20)))
                            await ledger.release(try #require(ticket), at: clock.now, clock: clock)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let times = sends.values.sorted()
        #expect(times.count == 24)
        let period = Int64(300)
        for index in times.indices.dropFirst(limit.requests) {
            // Any 5 sends span at least a period (a millisecond of rounding aside).
            #expect(times[index] - times[index - limit.requests] >= period - 1, "sends \(times.map { $0 - times[0] })")
        }
        // The budget was the bottleneck: 24 sends at 4 per 300 ms take at least 5 windows.
        #expect(times.last! - times.first! >= 5 * period - 5)
    }

    @Test func unansweredEntriesOfDeadProcessesExpireAfterTheRequestTimeout() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let ledger = HostBudgetLedger(directory: directory.path, requestTimeout: .milliseconds(300))
        let dead = try Self.deadPID()
        let now = Self.milliseconds()
        // Long gone: dropped at once. Recent: capped at send time + 300 ms, then a 200 ms window.
        let old = now - 60_000
        try directory.write("\(old) - \(dead) x1\n\(now) - \(dead) x2\n\(now) - \(dead) x3\n", to: "ak-1.query.ledger")
        let limit = WaitPolicy.RateLimit(requests: 2, per: .milliseconds(200))
        let start = ContinuousClock.now
        let ticket = try await ledger.acquire(key: "ak-1", api: "query", limit: limit, clock: .continuous, notAfter: nil)
        let waited = ContinuousClock.now - start
        #expect(ticket != nil)
        #expect(waited >= .milliseconds(450), "\(waited)")
        #expect(waited < .seconds(30), "\(waited)")
        let lines = try directory.read("ak-1.query.ledger").split(separator: "\n").filter { !$0.hasPrefix("#") }
        // Both dead entries expired: only ours is left.
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.hasSuffix(ticket?.id ?? "?") == true)
    }

    @Test func aLiveProcessesRequestInFlightHoldsItsSlotUntilAnswered() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = HostBudgetLedger(directory: directory.path, requestTimeout: .milliseconds(50))
        let second = HostBudgetLedger(directory: directory.path, requestTimeout: .milliseconds(50))
        let limit = WaitPolicy.RateLimit(requests: 1, per: .milliseconds(100))
        let clock = WaitClock.continuous
        let held = try #require(try await first.acquire(key: "k", api: "create", limit: limit, clock: clock, notAfter: nil))
        // In flight (this process is alive, whatever the request timeout): no slot before the deadline.
        let refused = try await second.acquire(key: "k", api: "create", limit: limit, clock: clock, notAfter: clock.now + .milliseconds(300))
        #expect(refused == nil)
        await first.release(held, at: clock.now, clock: clock)
        let start = clock.now
        let granted = try await second.acquire(key: "k", api: "create", limit: limit, clock: clock, notAfter: clock.now + .seconds(5))
        #expect(granted != nil)
        #expect(clock.now - start >= .milliseconds(90))
        // Another API's budget is its own file.
        #expect(try await second.acquire(key: "k", api: "query", limit: limit, clock: clock, notAfter: clock.now) != nil)
    }

    @Test(arguments: [
        "garbage\n\u{1}\u{2}\n12 34\n", "1733140000000 - 42 id1\n1733140000100 17331", String(repeating: "x", count: 2 << 20),
    ])
    func aCorruptLedgerIsRewrittenNeverACrash(content: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(content, to: "k.query.ledger")
        let ledger = HostBudgetLedger(directory: directory.path)
        let clock = WaitClock.continuous
        let ticket = try await ledger.acquire(
            key: "k", api: "query", limit: .init(requests: 5, per: .seconds(1)), clock: clock, notAfter: clock.now + .seconds(5))
        #expect(ticket != nil)
        let lines = try directory.read("k.query.ledger").split(separator: "\n")
        #expect(lines.first?.hasPrefix("# hss-export host budget v1") == true)
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: " ").count == 4 }, "\(lines)")
        #expect(lines.dropFirst().filter { $0.hasSuffix(ticket?.id ?? "?") }.count == 1)
    }

    @Test func aCancelledAcquireLeavesNoEntry() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let ledger = HostBudgetLedger(directory: directory.path)
        let clock = WaitClock.continuous
        let limit = WaitPolicy.RateLimit(requests: 1, per: .seconds(60))
        let held = try #require(try await ledger.acquire(key: "k", api: "query", limit: limit, clock: clock, notAfter: nil))
        let waiting = Task { try await ledger.acquire(key: "k", api: "query", limit: limit, clock: clock, notAfter: nil) }
        try await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
        await ledger.release(held, at: clock.now, clock: clock)
        let lines = try directory.read("k.query.ledger").split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.count == 1)
        #expect(lines.first?.split(separator: " ")[1] != "-", "answered: \(lines)")
    }

    @Test func keysWithUnsafeCharactersGetSafeDistinctFileNames() {
        let ledger = HostBudgetLedger(directory: "/d")
        #expect(ledger.path(key: "ak-0123abcd", api: "query") == "/d/ak-0123abcd.query.ledger")
        let slashed = ledger.path(key: "user-domain/name", api: "create")
        #expect(slashed.hasPrefix("/d/user-domain_name-") && slashed.hasSuffix(".create.ledger"))
        #expect(slashed != ledger.path(key: "user-domain_name", api: "create"))
        #expect(!ledger.path(key: "../../etc", api: "query").dropFirst(3).contains("/"))
    }

    @Test func theDirectoryFollowsTheEnvironment() {
        #expect(HostBudgetLedger.defaultDirectory(environment: ["HSS_EXPORT_BUDGET_DIR": "/x/y"]) == "/x/y")
        if geteuid() == 0 {
            #expect(HostBudgetLedger.defaultDirectory(environment: ["XDG_RUNTIME_DIR": "/run/user/0"]) == "/run/hss-export/budget")
        } else {
            #expect(HostBudgetLedger.defaultDirectory(environment: ["XDG_RUNTIME_DIR": "/run/user/7"]) == "/run/user/7/hss-export/budget")
            #expect(HostBudgetLedger.defaultDirectory(environment: [:]) == "/tmp/hss-export-\(geteuid())/budget")
        }
    }

    @Test func aNewDirectoryIsCreatedPrivate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let ledger = HostBudgetLedger(directory: directory.path + "/hss-export-9/budget")
        try ledger.prepareDirectory()
        for path in [directory.path + "/hss-export-9", directory.path + "/hss-export-9/budget"] {
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0, "\(path): \(String(mode, radix: 8))")
        }
        // Idempotent.
        try ledger.prepareDirectory()
    }

    @Test func unsafeDirectoriesAreRefusedWithTheFix() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let open = directory.path + "/open"
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: false)
        chmod(open, 0o777)
        let error = #expect(throws: HostBudgetError.self) { try HostBudgetLedger(directory: open).prepareDirectory() }
        #expect(error?.description.contains("writable by its group or others (mode 777)") == true, "\(String(describing: error))")
        #expect(error?.description.contains("HSS_EXPORT_BUDGET_DIR") == true)

        let link = directory.path + "/link"
        let target = directory.path + "/target"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        chmod(target, 0o700)
        symlink(target, link)
        #expect(throws: HostBudgetError.self) { try HostBudgetLedger(directory: link).prepareDirectory() }

        if geteuid() == 0 {
            let foreign = directory.path + "/foreign"
            try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: false)
            chmod(foreign, 0o700)
            chown(foreign, 65534, 65534)
            let error = #expect(throws: HostBudgetError.self) { try HostBudgetLedger(directory: foreign).prepareDirectory() }
            #expect(error?.description.contains("owned by uid 65534") == true, "\(String(describing: error))")
        }
    }

    /// Not a benchmark: what one uncontended acquire and release cost, printed.
    @Test func uncontendedAcquireCostIsMeasured() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let ledger = HostBudgetLedger(directory: directory.path)
        let clock = WaitClock.continuous
        let limit = WaitPolicy.RateLimit(requests: 1000, per: .milliseconds(1))
        var acquires: [Duration] = []
        var releases: [Duration] = []
        for _ in 0..<200 {
            let start = ContinuousClock.now
            let ticket = try #require(try await ledger.acquire(key: "k", api: "query", limit: limit, clock: clock, notAfter: nil))
            let acquired = ContinuousClock.now
            await ledger.release(ticket, at: clock.now, clock: clock)
            acquires.append(acquired - start)
            releases.append(ContinuousClock.now - acquired)
        }
        func micros(_ values: [Duration], _ quantile: Double) -> Int {
            let sorted = values.sorted()
            let (seconds, attoseconds) = sorted[min(Int(Double(sorted.count) * quantile), sorted.count - 1)].components
            return Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000)
        }
        print(
            "host budget ledger, uncontended, 200 rounds in \(directory.path): acquire median \(micros(acquires, 0.5)) µs, "
                + "p95 \(micros(acquires, 0.95)) µs; release median \(micros(releases, 0.5)) µs, p95 \(micros(releases, 0.95)) µs")
    }
}

/// Send times recorded by concurrent participants.
final class SendTimes: Sendable {
    private let state = Mutex<[Int64]>([])
    func append(_ time: Int64) { state.withLock { $0.append(time) } }
    var values: [Int64] { state.withLock { $0 } }
}
