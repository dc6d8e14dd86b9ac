package import ExportStageKit

/// The scheduler's decisions, with no clock, no I/O and no concurrency of its
/// own: the waiter tells it the time and what happened, and does what it
/// says. Being a value, it is proved live by simulation (every task ends, by
/// its deadline, within the budget) over thousands of random runs.
///
/// The rules, in the order they apply:
/// - Every task is known from the start and has a deadline `timeout` after
///   the run starts waiting (or the run's own deadline, if sooner). A task
///   not in flight at its deadline ends `timed_out`, or `error` if its last
///   request found HSS unreachable.
/// - At most `concurrency` requests are in flight (one, until HSS has
///   answered once: wrong credentials cost one request), and the budget
///   (``RequestWindow``) decides when the next may go.
/// - Each request goes to the eligible task polled least recently (never
///   polled first, in file order): round robin over the unfinished tasks.
/// - A task is eligible again a minimum interval after its last poll was
///   sent: the interval starts at `initial_interval` and grows by
///   `multiplier` up to `max_interval` (with jitter), so the plan stays polite
///   when the budget is loose. A failed request backs off the same way, from
///   its answer.
/// - A 429 pauses everyone (Retry-After) and teaches the window the server's
///   real limit; credentials refused end every task at once.
package struct PollPlan: Sendable {
    /// What to do next.
    package enum Action: Sendable, Equatable {
        /// Send request `request` for task `task` now.
        case send(task: Int, request: Int)
        /// Nothing to send before `until` (or, when `nil`, before an answer arrives).
        case wait(until: WaitClock.Instant?)
        /// Every task has ended.
        case done
    }

    /// What a request came back with.
    package enum Answer: Sendable, Equatable {
        /// HSS's `task_status`.
        case status(String?)
        /// No usable answer; the source says how to react.
        case failure(FailureDisposition)
    }

    private struct TaskState {
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
    private var tasks: [TaskState]
    private var window: RequestWindow
    private var inFlight = 0
    private var random: RandomSource.Generator
    private var finishedOrder: [Int] = []
    /// Requests answered with a 429 so far.
    package private(set) var throttled = 0
    /// Set when the credentials were refused: no request goes out any more.
    private var credentialsRefused = false
    /// Set by the first answer HSS gives: until then one request at a time,
    /// so wrong credentials or a wrong endpoint cost one request, not
    /// `concurrency` of them.
    private var serverAnswered = false

    /// A plan for `taskCount` tasks starting at `start`.
    package init(taskCount: Int, policy: WaitPolicy, start: WaitClock.Instant, random: RandomSource = .system) {
        self.policy = policy
        let runDeadline = start + (policy.runTimeout ?? policy.timeout)
        let deadline = min(start + policy.timeout, runDeadline)
        tasks = Array(repeating: TaskState(eligibleAt: start, deadline: deadline), count: taskCount)
        window = RequestWindow(policy.rateLimit)
        self.random = random.generator
    }

    /// Requests sent so far.
    package var requests: Int { window.sent }

    /// The outcome of each task, `nil` while it is unfinished.
    package var outcomes: [TaskOutcome?] { tasks.map(\.outcome) }

    /// Tasks that ended since the last call, in the order they ended.
    package mutating func takeFinished() -> [Int] {
        defer { finishedOrder.removeAll() }
        return finishedOrder
    }

    /// The next thing to do at `now`; ends the tasks whose deadline passed.
    package mutating func next(now: WaitClock.Instant) -> Action {
        // One pass: expire, count, and find the task most worth polling.
        var unfinished = 0
        var soonestDeadline: WaitClock.Instant?
        var soonestEligible: WaitClock.Instant?
        var chosen: Int?
        for index in tasks.indices where tasks[index].outcome == nil {
            if tasks[index].inFlight {
                unfinished += 1
                continue
            }
            if credentialsRefused {
                finish(index, .error)
                continue
            }
            if now >= tasks[index].deadline {
                finish(index, tasks[index].lastUnreachable ? .error : .timedOut)
                continue
            }
            unfinished += 1
            soonestDeadline = min(soonestDeadline ?? tasks[index].deadline, tasks[index].deadline)
            if tasks[index].eligibleAt <= now {
                if let current = chosen, !isPolledEarlier(index, than: current) { continue }
                chosen = index
            } else {
                soonestEligible = min(soonestEligible ?? tasks[index].eligibleAt, tasks[index].eligibleAt)
            }
        }
        guard unfinished > 0 else { return .done }
        guard let soonestDeadline else { return .wait(until: nil) }
        guard !credentialsRefused, inFlight < maximumInFlight else {
            return .wait(until: soonestDeadline)
        }
        guard let allowed = window.earliestNextRequest(notBefore: now) else {
            return .wait(until: soonestDeadline)
        }
        guard let chosen, allowed <= now else {
            let start = chosen == nil ? max(allowed, soonestEligible ?? allowed) : allowed
            return .wait(until: min(start, soonestDeadline))
        }
        let request = window.recordSent(at: now)
        tasks[chosen].inFlight = true
        tasks[chosen].lastSent = now
        inFlight += 1
        return .send(task: chosen, request: request)
    }

    /// Round robin: never polled first (in file order), then least recently polled.
    private func isPolledEarlier(_ lhs: Int, than rhs: Int) -> Bool {
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
        let waiting = tasks.filter { $0.outcome == nil && !$0.inFlight }
        guard !credentialsRefused, !waiting.isEmpty, inFlight < maximumInFlight,
            let allowed = window.earliestNextRequest(notBefore: now)
        else { return nil }
        return max(allowed, waiting.map(\.eligibleAt).min() ?? now)
    }

    private var maximumInFlight: Int { serverAnswered ? max(policy.concurrency, 1) : 1 }

    /// Request `request` of task `task` came back at `now` with `answer`.
    package mutating func answered(task: Int, request: Int, answer: Answer, at now: WaitClock.Instant) {
        window.recordAnswer(request, at: now)
        switch answer {
        case .status, .failure(.permanent), .failure(.throttled): serverAnswered = true
        case .failure: break
        }
        tasks[task].inFlight = false
        inFlight -= 1
        guard tasks[task].outcome == nil else { return }
        switch answer {
        case .status("success"):
            finish(task, .succeeded)
        case .status("failure"):
            finish(task, .failed)
        case .status:
            tasks[task].answers += 1
            tasks[task].failuresInARow = 0
            tasks[task].limitedFailuresInARow = 0
            tasks[task].lastUnreachable = false
            // Spaced from when the poll was sent, so a slow answer does not
            // stretch the interval; a failure backs off from its answer.
            tasks[task].eligibleAt = (tasks[task].lastSent ?? now) + interval(after: tasks[task].answers - 1)
        case .failure(let disposition):
            fail(task, disposition, request: request, at: now)
        }
    }

    /// The run was interrupted: every unfinished task ends `interrupted`.
    package mutating func interrupt() {
        for index in tasks.indices where tasks[index].outcome == nil {
            finish(index, .interrupted)
        }
    }

    private mutating func fail(_ task: Int, _ disposition: FailureDisposition, request: Int, at now: WaitClock.Instant) {
        switch disposition {
        case .permanent:
            finish(task, .error)
        case .credentialsRejected:
            credentialsRefused = true
            for index in tasks.indices where tasks[index].outcome == nil && !tasks[index].inFlight {
                finish(index, .error)
            }
        case .throttled(let retryAfter):
            throttled += 1
            window.recordThrottle(request, retryAfter: retryAfter, at: now)
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
