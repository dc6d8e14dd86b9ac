package import ExportStageKit

/// The scheduler's decisions for every request of a run (creates, status
/// queries and downloads), with no clock, no I/O and no concurrency of its
/// own: the waiter tells it the time and what happened, and does what it
/// says. Being a value, it is proved live by simulation (every task ends, by
/// its deadline, within the budgets) over thousands of random runs.
///
/// Each task of the run walks through up to three steps, one request kind
/// each: `create` (an `exports:` entry with no task yet), `query` (until HSS
/// says `success` or `failure`) and `download` (when the pipeline downloads).
/// The rules, in the order they apply:
/// - Every task is known from the start. Each step has a deadline `timeout`
///   after the step became due (the run's start for a first step; the create's
///   answer for the query; the `success` for the download), capped by the
///   run's deadline (`run_timeout`). A task not in flight at its deadline
///   ends `timed_out` (`error` if its last request found HSS unreachable, or
///   it was downloading).
/// - At most `concurrency` requests are in flight, of all kinds and budget
///   groups together (one per group, until HSS has answered that group once:
///   wrong credentials cost one request).
/// - Each budget group (the tasks of the sources that share a credential) has
///   one budget per kind (``RequestWindow``), as HSS counts them, per user and
///   API: a create never waits for the query budget, nor a download for
///   either, nor one credential's requests for another's.
/// - Within a kind, each request goes to the eligible task served least
///   recently (never served first, in file order): round robin. When several
///   kinds may send, creates go first (HSS starts working sooner), then
///   downloads (they end tasks), then queries.
/// - A task is eligible for its next query a minimum interval after its last
///   one was sent: the interval starts at `initial_interval` and grows by
///   `multiplier` up to `max_interval` (with jitter), so the plan stays polite
///   when the budget is loose; a just-created task waits `initial_interval`
///   before its first query. A failed request backs off the same way, from
///   its answer.
/// - A 429 pauses that kind (Retry-After) and teaches its window the server's
///   real limit; credentials refused end every task of that budget group at
///   once (the other groups go on); a create whose outcome is unknown ends its
///   task with `error` and is never re-sent.
package struct RequestPlan: Sendable {
    /// The kinds of request, each under its own budget.
    package enum Kind: Int, Sendable, CaseIterable, CustomStringConvertible {
        /// Create an export task (`POST`).
        case create
        /// Query a task's status (`GET export-task/{id}`).
        case query
        /// Download a finished task's file (`GET download/{file_id}`).
        case download

        package var description: String {
            switch self {
            case .create: return "create"
            case .query: return "query"
            case .download: return "download"
            }
        }

        /// Serving order when several kinds may send at once.
        fileprivate static let priority: [Kind] = [.create, .download, .query]
    }

    /// Where a task starts.
    package struct Item: Sendable, Equatable {
        /// Its first step: `create` for an export still to create, `query` otherwise.
        package var firstStep: Kind
        /// Whether a `success` leads to a download.
        package var downloads: Bool
        /// Its budget group (0-based): tasks whose sources share a credential
        /// share one budget per kind.
        package var group: Int

        package init(firstStep: Kind = .query, downloads: Bool = false, group: Int = 0) {
            self.firstStep = firstStep
            self.downloads = downloads
            self.group = max(group, 0)
        }
    }

    /// What to do next.
    package enum Action: Sendable, Equatable {
        /// Send request `request` (numbered within its kind) of kind `kind` for task `task` now.
        case send(task: Int, kind: Kind, request: Int)
        /// Nothing to send before `until` (or, when `nil`, before an answer arrives).
        case wait(until: WaitClock.Instant?)
        /// Every task has ended.
        case done
    }

    /// What a request came back with.
    package enum Answer: Sendable, Equatable {
        /// The create was answered with a task id.
        case created
        /// HSS's `task_status`.
        case status(String?)
        /// The file was downloaded and verified.
        case downloaded
        /// No usable answer; the source says how to react.
        case failure(FailureDisposition)
        /// The request never went out: the host-wide budget had no slot for it
        /// before the task's deadline.
        case notSent
    }

    private struct TaskState {
        var group: Int
        var step: Kind
        var downloads: Bool
        var outcome: TaskOutcome?
        var inFlight = false
        var lastSent: WaitClock.Instant?
        var eligibleAt: WaitClock.Instant
        var deadline: WaitClock.Instant
        var answers = 0
        var failuresInARow = 0
        var limitedFailuresInARow = 0
        var lastUnreachable = false
    }

    private let policy: WaitPolicy
    private let runDeadline: WaitClock.Instant?
    private var tasks: [TaskState]
    /// One window per kind, per budget group.
    private var windows: [[RequestWindow]]
    private var inFlight = 0
    private var inFlightByGroup: [Int]
    private var random: RandomSource.Generator
    private var finishedOrder: [Int] = []
    /// Requests answered with a 429 so far, all kinds.
    package private(set) var throttled = 0
    /// Per group: set when its credentials were refused: no request of it goes out any more.
    private var credentialsRefused: [Bool]
    /// Per group: set by the first answer HSS gives it: until then one request
    /// at a time, so wrong credentials or a wrong endpoint cost one request,
    /// not `concurrency` of them.
    private var serverAnswered: [Bool]
    /// The group served first on the next pass, so groups share the
    /// concurrency in turn.
    private var nextGroup = 0

    /// A plan for `items`, starting at `start`.
    package init(items: [Item], policy: WaitPolicy, start: WaitClock.Instant, random: RandomSource = .system) {
        self.policy = policy
        let runDeadline = policy.runTimeout.map { start + $0 }
        self.runDeadline = runDeadline
        let deadline = Self.capped(start + policy.timeout, by: runDeadline)
        tasks = items.map {
            TaskState(group: $0.group, step: $0.firstStep, downloads: $0.downloads, eligibleAt: start, deadline: deadline)
        }
        let groups = (items.map(\.group).max() ?? 0) + 1
        windows = Array(repeating: Kind.allCases.map { RequestWindow(policy.rateLimit(for: $0)) }, count: groups)
        inFlightByGroup = Array(repeating: 0, count: groups)
        credentialsRefused = Array(repeating: false, count: groups)
        serverAnswered = Array(repeating: false, count: groups)
        self.random = random.generator
    }

    /// A plan that only queries `taskCount` tasks.
    package init(taskCount: Int, policy: WaitPolicy, start: WaitClock.Instant, random: RandomSource = .system) {
        self.init(items: Array(repeating: Item(), count: taskCount), policy: policy, start: start, random: random)
    }

    private static func capped(_ deadline: WaitClock.Instant, by runDeadline: WaitClock.Instant?) -> WaitClock.Instant {
        runDeadline.map { min($0, deadline) } ?? deadline
    }

    /// Requests sent so far, all kinds.
    package var requests: Int { windows.joined().reduce(0) { $0 + $1.sent } }

    /// Requests of `kind` sent so far, all groups.
    package func requests(of kind: Kind) -> Int { windows.reduce(0) { $0 + $1[kind.rawValue].sent } }

    /// How many budget groups the plan has.
    package var groupCount: Int { windows.count }

    /// Requests of `kind` sent so far in `group`.
    package func requests(of kind: Kind, group: Int) -> Int { windows[group][kind.rawValue].sent }

    /// The budget group of `task`.
    package func group(of task: Int) -> Int { tasks[task].group }

    /// The budget `task`'s next request of `kind` is spent under, with the
    /// limit its group's window learned from 429s: what a host-wide budget
    /// should enforce for it.
    package func budget(of task: Int, kind: Kind) -> WaitPolicy.RateLimit {
        let window = windows[tasks[task].group][kind.rawValue]
        return WaitPolicy.RateLimit(requests: window.limit, per: window.configured.period)
    }

    /// The deadline of `task`'s current step.
    package func deadline(of task: Int) -> WaitClock.Instant { tasks[task].deadline }

    /// The outcome of each task, `nil` while it is unfinished.
    package var outcomes: [TaskOutcome?] { tasks.map(\.outcome) }

    /// The step each task is at (its last step, once it ended).
    package var steps: [Kind] { tasks.map(\.step) }

    /// Tasks that ended since the last call, in the order they ended.
    package mutating func takeFinished() -> [Int] {
        defer { finishedOrder.removeAll() }
        return finishedOrder
    }

    /// The next thing to do at `now`; ends the tasks whose deadline passed.
    package mutating func next(now: WaitClock.Instant) -> Action {
        // One pass: expire, count, and find the task most worth serving per kind.
        var unfinished = 0
        var soonestDeadline: WaitClock.Instant?
        let slots = Kind.allCases.count * windows.count
        // Indexed by group * kinds + kind.
        var soonestEligible: [WaitClock.Instant?] = Array(repeating: nil, count: slots)
        var chosen: [Int?] = Array(repeating: nil, count: slots)
        for index in tasks.indices where tasks[index].outcome == nil {
            if tasks[index].inFlight {
                unfinished += 1
                continue
            }
            if credentialsRefused[tasks[index].group] {
                finish(index, .error)
                continue
            }
            if now >= tasks[index].deadline {
                let unreachable = tasks[index].lastUnreachable || tasks[index].step == .download
                finish(index, unreachable ? .error : .timedOut)
                continue
            }
            unfinished += 1
            soonestDeadline = min(soonestDeadline ?? tasks[index].deadline, tasks[index].deadline)
            let kind = tasks[index].group * Kind.allCases.count + tasks[index].step.rawValue
            if tasks[index].eligibleAt <= now {
                if let current = chosen[kind], !isServedEarlier(index, than: current) { continue }
                chosen[kind] = index
            } else {
                soonestEligible[kind] = min(soonestEligible[kind] ?? tasks[index].eligibleAt, tasks[index].eligibleAt)
            }
        }
        guard unfinished > 0 else { return .done }
        guard let soonestDeadline else { return .wait(until: nil) }
        guard inFlight < max(policy.concurrency, 1) else {
            return .wait(until: soonestDeadline)
        }
        var wakeAt = soonestDeadline
        let groups = windows.count
        for kind in Kind.priority {
            for turn in 0..<groups {
                let group = (nextGroup + turn) % groups
                guard mayStart(group) else { continue }
                let slot = group * Kind.allCases.count + kind.rawValue
                guard chosen[slot] != nil || soonestEligible[slot] != nil else { continue }
                // `nil`: the window waits on an answer in flight, which wakes us anyway.
                guard let allowed = windows[group][kind.rawValue].earliestNextRequest(notBefore: now) else { continue }
                if let task = chosen[slot], allowed <= now {
                    let request = windows[group][kind.rawValue].recordSent(at: now)
                    tasks[task].inFlight = true
                    tasks[task].lastSent = now
                    inFlight += 1
                    inFlightByGroup[group] += 1
                    nextGroup = (group + 1) % groups
                    return .send(task: task, kind: kind, request: request)
                }
                let start = chosen[slot] == nil ? max(allowed, soonestEligible[slot] ?? allowed) : allowed
                wakeAt = min(wakeAt, start)
            }
        }
        return .wait(until: wakeAt)
    }

    /// Round robin: never served first (in file order), then least recently served.
    private func isServedEarlier(_ lhs: Int, than rhs: Int) -> Bool {
        switch (tasks[lhs].lastSent, tasks[rhs].lastSent) {
        case (nil, nil): return lhs < rhs
        case (nil, _): return true
        case (_, nil): return false
        case let (left?, right?): return left == right ? lhs < rhs : left < right
        }
    }

    /// When the next request is due, for progress displays; `nil` while
    /// that waits on an answer or nothing is left to ask.
    package func nextRequestTime(now: WaitClock.Instant) -> WaitClock.Instant? {
        guard inFlight < max(policy.concurrency, 1) else { return nil }
        var soonest: WaitClock.Instant?
        for task in tasks where task.outcome == nil && !task.inFlight && mayStart(task.group) {
            guard let allowed = windows[task.group][task.step.rawValue].earliestNextRequest(notBefore: now) else { continue }
            let due = max(allowed, task.eligibleAt)
            soonest = min(soonest ?? due, due)
        }
        return soonest
    }

    /// Whether `group` may start a request now, the run-wide concurrency aside:
    /// not after its credentials were refused, and only one at a time until
    /// HSS has answered it once.
    private func mayStart(_ group: Int) -> Bool {
        !credentialsRefused[group] && (serverAnswered[group] || inFlightByGroup[group] == 0)
    }

    /// Request `request` of kind `kind` for task `task` came back at `now` with `answer`.
    package mutating func answered(task: Int, kind: Kind, request: Int, answer: Answer, at now: WaitClock.Instant) {
        let group = tasks[task].group
        windows[group][kind.rawValue].recordAnswer(request, at: now)
        switch answer {
        case .created, .status, .downloaded, .failure(.permanent), .failure(.throttled), .failure(.outcomeUnknown):
            serverAnswered[group] = true
        case .failure, .notSent: break
        }
        tasks[task].inFlight = false
        inFlight -= 1
        inFlightByGroup[group] -= 1
        guard tasks[task].outcome == nil else { return }
        switch answer {
        case .created:
            advance(task, to: .query, at: now, eligibleAt: now + policy.initialInterval)
        case .status("success"):
            if tasks[task].downloads {
                advance(task, to: .download, at: now, eligibleAt: now)
            } else {
                finish(task, .succeeded)
            }
        case .status("failure"):
            finish(task, .failed)
        case .status:
            tasks[task].answers += 1
            resetFailures(task)
            // Spaced from when the poll was sent, so a slow answer does not
            // stretch the interval; a failure backs off from its answer.
            tasks[task].eligibleAt = (tasks[task].lastSent ?? now) + interval(after: tasks[task].answers - 1)
        case .downloaded:
            finish(task, .succeeded)
        case .notSent:
            // Nothing happened at the server, and the host budget has no
            // slot before the step's deadline: the deadline ends it as timed out.
            tasks[task].eligibleAt = tasks[task].deadline
        case .failure(let disposition):
            fail(task, kind: kind, disposition, request: request, at: now)
        }
    }

    /// Backwards-compatible form for plans that only query.
    package mutating func answered(task: Int, request: Int, answer: Answer, at now: WaitClock.Instant) {
        answered(task: task, kind: .query, request: request, answer: answer, at: now)
    }

    /// The run was interrupted: every unfinished task ends `interrupted`.
    package mutating func interrupt() {
        for index in tasks.indices where tasks[index].outcome == nil {
            finish(index, .interrupted)
        }
    }

    private mutating func advance(_ task: Int, to step: Kind, at now: WaitClock.Instant, eligibleAt: WaitClock.Instant) {
        tasks[task].step = step
        tasks[task].lastSent = nil
        tasks[task].answers = 0
        resetFailures(task)
        tasks[task].eligibleAt = eligibleAt
        tasks[task].deadline = Self.capped(now + policy.timeout, by: runDeadline)
    }

    private mutating func resetFailures(_ task: Int) {
        tasks[task].failuresInARow = 0
        tasks[task].limitedFailuresInARow = 0
        tasks[task].lastUnreachable = false
    }

    private mutating func fail(_ task: Int, kind: Kind, _ disposition: FailureDisposition, request: Int, at now: WaitClock.Instant) {
        switch disposition {
        case .permanent, .outcomeUnknown:
            finish(task, .error)
        case .credentialsRejected:
            let group = tasks[task].group
            credentialsRefused[group] = true
            for index in tasks.indices where tasks[index].group == group && tasks[index].outcome == nil && !tasks[index].inFlight {
                finish(index, .error)
            }
        case .throttled(let retryAfter):
            throttled += 1
            windows[tasks[task].group][kind.rawValue].recordThrottle(request, retryAfter: retryAfter, at: now)
            tasks[task].lastUnreachable = false
        case .transient:
            backOff(task, at: now)
        case .transientAtMost(let attempts):
            tasks[task].limitedFailuresInARow += 1
            if tasks[task].limitedFailuresInARow >= attempts {
                finish(task, .error)
            } else {
                backOff(task, at: now)
            }
        }
    }

    private mutating func backOff(_ task: Int, at now: WaitClock.Instant) {
        tasks[task].lastUnreachable = true
        tasks[task].eligibleAt = now + interval(after: tasks[task].failuresInARow)
        tasks[task].failuresInARow += 1
    }

    private mutating func interval(after attempt: Int) -> Duration {
        policy.delay(afterAttempt: attempt, using: &random)
    }

    private mutating func finish(_ task: Int, _ outcome: TaskOutcome) {
        guard tasks[task].outcome == nil else { return }
        tasks[task].outcome = outcome
        finishedOrder.append(task)
    }
}
