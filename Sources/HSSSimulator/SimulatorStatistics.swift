/// Counters of a running simulator, for tests and the demo summary.
public struct SimulatorStatistics: Sendable, Equatable {
    /// Every request received, including errors and unknown routes.
    public var totalRequests: Int
    /// Requests answered 429 by the rate limit (not scripted 429 steps).
    public var throttledRequests: Int
    /// Throttled requests per API: `query`, `download`, `create:<operation>`.
    public var throttledByAPI: [String: Int]
    /// Requests answered 401.
    public var unauthorizedRequests: Int
    /// Status polls per task id that reached the task's script (scripted HTTP errors
    /// included; unauthenticated, throttled and unknown-task requests excluded).
    public var polls: [String: Int]
    /// Downloads answered 200 per file id, truncated ones (``truncatedDownloads``) included.
    public var downloads: [String: Int]
    /// Downloads cut off by the `truncate_downloads` fault, per file id.
    public var truncatedDownloads: [String: Int]
    /// Faults injected by the scenario's `faults` rules, per route and mode:
    /// `query:html_502`, `create:reset`, `download:stall`.
    public var faults: [String: Int]
    /// Tasks created by the create routes.
    public var creations: Int
    /// Created tasks per export identity (``SimulatorCreation/identity``): an export created
    /// twice in one project has a count of 2. The identity of an export in a project other
    /// than the primary ends in ` project:<id>`, so one export created once in each of 12
    /// projects is no duplicate.
    public var exports: [String: Int]
    /// Created tasks per project id.
    public var creationsByProject: [String: Int]
    /// Requests refused with 401 `APIG.0307` because their credential had expired: temporary
    /// keys at or after their `expires_at`, IAM tokens at or after theirs. A client that
    /// refreshes in time never gets one.
    public var expiredCredentialRejections: Int
    /// ``expiredCredentialRejections`` by kind: `temporary_key`, `iam_token`.
    public var expiredCredentialRejectionsByKind: [String: Int]
    /// Throttled requests per user (`token#1`, `ak:<AK>`, `iam:<domain>/<name>`,
    /// `agency:<name>`) and API, counting the requests that user's own limit refused.
    public var throttledByUser: [String: [String: Int]]
    /// Throttled requests per source IP and API, counting the requests that IP's limit
    /// (`rate_limit_per_ip`) refused. A request over both limits counts in both.
    public var throttledByIP: [String: [String: Int]]
    /// Metadata session tokens issued (`PUT /meta-data/latest/api/token`).
    public var metadataSessionTokens: Int
    /// Sets of temporary keys issued (`GET /openstack/latest/securitykey`).
    public var metadataSecurityKeys: Int
    /// Metadata requests refused: a missing, unknown or expired session token, a bad TTL header.
    public var metadataRefusals: Int
    /// IAM tokens issued (`POST /v3/auth/tokens` answered 201).
    public var iamTokensIssued: Int
    /// IAM token requests refused (wrong password, unknown user, bad body or scope).
    public var iamTokenRefusals: Int
    /// `GET /v3/projects` requests that passed authentication.
    public var iamProjectRequests: Int

    /// Creates statistics; all counters start at zero.
    public init(
        totalRequests: Int = 0,
        throttledRequests: Int = 0,
        unauthorizedRequests: Int = 0,
        polls: [String: Int] = [:],
        downloads: [String: Int] = [:],
        throttledByAPI: [String: Int] = [:],
        truncatedDownloads: [String: Int] = [:],
        creations: Int = 0,
        exports: [String: Int] = [:],
        faults: [String: Int] = [:],
        creationsByProject: [String: Int] = [:],
        expiredCredentialRejections: Int = 0,
        expiredCredentialRejectionsByKind: [String: Int] = [:],
        throttledByUser: [String: [String: Int]] = [:],
        throttledByIP: [String: [String: Int]] = [:],
        metadataSessionTokens: Int = 0,
        metadataSecurityKeys: Int = 0,
        metadataRefusals: Int = 0,
        iamTokensIssued: Int = 0,
        iamTokenRefusals: Int = 0,
        iamProjectRequests: Int = 0
    ) {
        self.faults = faults
        self.totalRequests = totalRequests
        self.throttledRequests = throttledRequests
        self.unauthorizedRequests = unauthorizedRequests
        self.polls = polls
        self.downloads = downloads
        self.throttledByAPI = throttledByAPI
        self.truncatedDownloads = truncatedDownloads
        self.creations = creations
        self.exports = exports
        self.creationsByProject = creationsByProject
        self.expiredCredentialRejections = expiredCredentialRejections
        self.expiredCredentialRejectionsByKind = expiredCredentialRejectionsByKind
        self.throttledByUser = throttledByUser
        self.throttledByIP = throttledByIP
        self.metadataSessionTokens = metadataSessionTokens
        self.metadataSecurityKeys = metadataSecurityKeys
        self.metadataRefusals = metadataRefusals
        self.iamTokensIssued = iamTokensIssued
        self.iamTokenRefusals = iamTokenRefusals
        self.iamProjectRequests = iamProjectRequests
    }

    /// Export identities created more than once; empty when no export was created twice.
    public var duplicateExports: [String] {
        exports.filter { $0.value > 1 }.keys.sorted()
    }

    /// The number of faults injected on `route` (`query`, `create`, `download`) with `mode`.
    public func faults(_ route: String, _ mode: SimulatorScenario.FaultRule.Mode) -> Int {
        faults["\(route):\(mode.rawValue)"] ?? 0
    }

    /// The number of polls of `taskID`; 0 for a task never polled.
    public func polls(of taskID: String) -> Int {
        polls[taskID] ?? 0
    }
}
