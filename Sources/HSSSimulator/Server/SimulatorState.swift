import Foundation

/// The mutable state of a running simulator: counters, task scripts, created tasks, the
/// scenario clock and the per-API rate limiters.
actor SimulatorState {
    /// Set when the simulator stops: a stalled answer ends then, since the server does not
    /// read a stalled connection and so may never see its client hang up.
    nonisolated let stopping = StopSignal()
    /// Internal, not private, for the extensions in other files (credentials).
    var statistics = SimulatorStatistics()
    let scenario: SimulatorScenario
    var issued = IssuedCredentials()
    /// Scenario tasks in file order, then created tasks in creation order.
    private var taskIDs: [String]
    private var players: [String: TaskScriptPlayer]
    /// One limiter per API, made on first use: per user, and per source IP.
    private var rateLimiters: [SimulatorAPI: SlidingWindowRateLimiter] = [:]
    private var ipRateLimiters: [SimulatorAPI: SlidingWindowRateLimiter] = [:]
    private var created: [String: CreatedExport] = [:]
    private var createdByFile: [String: String] = [:]
    private var creationLog: [SimulatorCreation] = []
    private let clock = ContinuousClock()
    private var clockStart: (instant: ContinuousClock.Instant, date: Date)?
    private var stepsReached: [String: [Timeline.StepStart]] = [:]
    private var faultSchedules: [FaultRoute: FaultSchedule]

    init(scenario: SimulatorScenario) {
        var players: [String: TaskScriptPlayer] = [:]
        for task in scenario.tasks {
            players[task.id] = TaskScriptPlayer(script: task.script)
        }
        self.players = players
        taskIDs = scenario.tasks.map(\.id)
        self.scenario = scenario
        faultSchedules = [
            .query: FaultSchedule(rules: scenario.faults.query), .create: FaultSchedule(rules: scenario.faults.create),
            .download: FaultSchedule(rules: scenario.faults.download),
        ]
    }

    /// Counts a request of `route` and returns the fault rule that selects it, if any, with
    /// the request's number on the route (from 1).
    func fault(for route: FaultRoute) -> (rule: SimulatorScenario.FaultRule, request: Int)? {
        guard var schedule = faultSchedules[route] else { return nil }
        let rule = schedule.next()
        faultSchedules[route] = schedule
        guard let rule else { return nil }
        statistics.faults["\(route.rawValue):\(rule.mode.rawValue)", default: 0] += 1
        return (rule, schedule.requests)
    }

    /// Every create request so far, in order.
    var creations: [SimulatorCreation] { creationLog }

    var snapshot: SimulatorStatistics { statistics }

    /// The counters with the scenario clock and the steps each task has reached, for the
    /// `/_simulator/statistics` route.
    var timeline: Timeline {
        Timeline(
            statistics: statistics,
            clockStartedAt: clockStart?.date,
            tasks: taskIDs.map { (id: $0, steps: stepsReached[$0] ?? []) }
        )
    }

    func recordRequest() {
        statistics.totalRequests += 1
    }

    func recordUnauthorized() {
        statistics.unauthorizedRequests += 1
    }

    /// Counts the request against `user`'s window for `api` and, when the scenario limits
    /// source IPs, against `ip`'s; it is admitted only when both have room, and then counted
    /// in both. A rejection is counted as throttled, per user or per IP by the limit that refused it.
    func admit(user: String, ip: String, api: SimulatorAPI) -> RateLimitRefusal? {
        let now = clock.now
        let limit = scenario.rateLimit(for: api)
        var limiter = rateLimiters[api] ?? SlidingWindowRateLimiter(limit: limit.requests, window: limit.per)
        let userWait = limiter.retryAfter(user: user, at: now)
        var ipLimiter = scenario.ipRateLimit(for: api).map { limit in
            ipRateLimiters[api] ?? SlidingWindowRateLimiter(limit: limit.requests, window: limit.per)
        }
        let ipWait = ipLimiter?.retryAfter(user: ip, at: now)
        if userWait == nil && ipWait == nil {
            limiter.record(user: user, at: now)
            rateLimiters[api] = limiter
            if var ipLimiter {
                ipLimiter.record(user: ip, at: now)
                ipRateLimiters[api] = ipLimiter
            }
            return nil
        }
        statistics.throttledRequests += 1
        statistics.throttledByAPI[api.description, default: 0] += 1
        if userWait != nil {
            statistics.throttledByUser[user, default: [:]][api.description, default: 0] += 1
        }
        if ipWait != nil {
            statistics.throttledByIP[ip, default: [:]][api.description, default: 0] += 1
        }
        return RateLimitRefusal(retryAfterSeconds: max(userWait ?? 0, ipWait ?? 0), byUser: userWait != nil, byIP: ipWait != nil)
    }

    /// Makes a task for a valid create request and records the request.
    func create(_ request: ValidatedExport, record: SimulatorCreation) -> CreatedExport {
        let projectID = record.projectID
        let taskID = Self.uuid()
        let fileID = Self.uuid()
        let export = CreatedExport(
            number: statistics.creations + 1,
            request: request,
            template: scenario.template(for: request.operation),
            taskID: taskID,
            fileID: fileID,
            suffix: String(fileID.prefix(8)),
            projectID: projectID
        )
        created[taskID] = export
        createdByFile[fileID] = taskID
        players[taskID] = TaskScriptPlayer(script: export.script)
        taskIDs.append(taskID)
        statistics.creations += 1
        statistics.exports[record.identity, default: 0] += 1
        statistics.creationsByProject[projectID, default: 0] += 1
        var record = record
        record.taskID = taskID
        record.status = 200
        creationLog.append(record)
        return export
    }

    /// Records a create request that was refused.
    func recordRefusedCreation(_ record: SimulatorCreation) {
        creationLog.append(record)
    }

    func createdTask(id: String) -> CreatedExport? {
        created[id]
    }

    func createdTask(fileID: String) -> CreatedExport? {
        createdByFile[fileID].flatMap { created[$0] }
    }

    /// The answer to a poll of `taskID`, and whether this poll started the scenario clock
    /// (the first poll of any task does); `nil` for an unknown task.
    func poll(taskID: String) -> (answer: SimulatorScenario.ScriptStep.Answer, startedClock: Bool)? {
        guard var player = players[taskID] else { return nil }
        let now = clock.now
        let startedClock = clockStart == nil
        if startedClock {
            clockStart = (now, Date())
        }
        let origin = clockStart?.instant ?? now
        let answer = player.poll(at: now, clockStart: origin)
        players[taskID] = player
        statistics.polls[taskID, default: 0] += 1
        if player.pollsInStep == 1 {
            stepsReached[taskID, default: []].append(.init(step: player.stepIndex, offset: now - origin))
        }
        return (answer, startedClock)
    }

    /// Counts a download answered 200; returns its number for this file, from 1.
    func recordDownload(fileID: String) -> Int {
        statistics.downloads[fileID, default: 0] += 1
        return statistics.downloads[fileID] ?? 1
    }

    func recordTruncatedDownload(fileID: String) {
        statistics.truncatedDownloads[fileID, default: 0] += 1
    }

    /// A random UUID in lower case, like HSS's ids.
    private static func uuid() -> String {
        UUID().uuidString.lowercased()
    }
}

/// What the simulator has seen so far, on the scenario clock.
struct Timeline: Sendable {
    /// When a task's script first answered from a step.
    struct StepStart: Sendable, Equatable {
        /// The step's index in the script.
        var step: Int
        /// The time of that first answer since the scenario clock started.
        var offset: Duration
    }

    var statistics: SimulatorStatistics
    /// The wall-clock time of the first poll of any task, or `nil` before it.
    var clockStartedAt: Date?
    /// Every task in scenario order with the steps it has answered from, in order.
    var tasks: [(id: String, steps: [StepStart])]
}
