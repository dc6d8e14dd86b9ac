import ExportStageKit
public import Foundation
import Yams

/// What the simulator serves: the project, the accepted credentials, the rate limit and the
/// export tasks with their scripted status sequences.
///
/// Scenarios are YAML (JSON works too, it is YAML). Every key is snake_case; an unknown
/// key is an error that names it.
///
/// ```yaml
/// project_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9   # required; the primary project, of the listed tasks
/// project_name: cn-north-4                       # the primary project's name (GET /v3/projects); default cn-north-4
/// projects:                                      # more projects: HSS routes accept their ids too
///   - {id: 1b2c3d4e5f60718293a4b5c6d7e8f90a, name: cn-north-4_dev}
/// tokens: [demo-token]                           # accepted X-Auth-Token values
/// access_keys:                                   # accepted AK/SK pairs (SDK-HMAC-SHA256)
///   - access_key: HPUAEXAMPLEAK0000001
///     secret_key: ExampleSecretKey0000000000000000000000000
/// rate_limit: {requests: 600, per: 60s}          # per user and API (token or AK); default 600 per 60s
/// rate_limits: {download: {requests: 5, per: 1m}} # per-API overrides: create, query, download
/// rate_limit_per_ip: {requests: 5, per: 60s}     # per source IP and API, besides per user; default off
/// rate_limits_per_ip: {query: {requests: 10, per: 1m}} # per-API overrides of rate_limit_per_ip
/// metadata: {ttl: 3s, agency: ecs-agency}        # ECS metadata routes; each key fetch issues keys valid for ttl
///                                                # (attached: false: no agency, key fetches get 401)
/// iam:                                           # POST /v3/auth/tokens (password logins), GET /v3/projects
///   users: [{name: exporter, domain: my-account, password: secret}]
///   token_ttl: 24h                               # default 24h
/// latency: 20ms                                  # optional delay before every response
/// tasks:
///   - id: export-vul-0001                        # required
///     name: Vulnerability export                 # default: the id
///     file_id: file-vul-0001                     # default: file-<id>
///     file_name: vulnerabilities.zip             # default: <id>.zip
///     script:                                    # required; answered in order
///       - {status: running, polls: 3}            # the next 3 polls answer "running"
///       - {status: running, for: 2s}             # then "running" for 2 s after this step's first poll
///       - {http_status: 503, polls: 1}           # then one HTTP 503 in HSS error format
///       - {status: running, until: 10s}          # then "running" until 10 s after the simulator's first poll
///       - {status: success}                      # then "success" for ever
/// export_template:                               # tasks made by the create routes (POST)
///   script: [{status: running, polls: 2}, {status: success}]   # the default
///   file_name: "hss-vul-vul-zh-{n}.zip"          # default hss-<kind>-<category>-zh-<suffix>.zip
///   archive: {entries: 2, rows: 25}              # or {bytes: 200MB}, entry_names: [...]
/// export_templates:                              # per kind (or SDK operation, or path)
///   vulnerabilities: {archive: {bytes: 20MB}}
/// faults: {truncate_downloads: 1, create_latency: 2s, download_latency: 1s, download_rate: 1MB}
/// # fault rules per route (docs/faults.md): a proxy's 502 on every 3rd query, a reset on the first create
/// # faults: {query: [{mode: html_502, every: 3}], create: [{mode: reset, first: 1}]}
/// ```
///
/// A step has exactly one of `status` (any string, sent verbatim as `task_status`; clients
/// must tolerate unknown ones) or `http_status` (400–599, with optional `error_code` and
/// `error_msg`), and at most one of `polls` (≥ 1), `for` (a duration from the step's first
/// poll) or `until` (a duration on the scenario clock, which starts at the simulator's first
/// poll of any task; a step reached after that time is skipped). A step without a length,
/// and the last step whatever its length, answers every remaining poll.
/// Durations are written as in pipeline files (``DurationText``): numbers with units,
/// `500ms`, `2s`, `1.5m`, `1h`, or several in a row, `1m30s`.
///
/// At least one token, access key, `metadata` or IAM user is required, and task ids must
/// be unique. Project ids must be unique.
///
/// **Credentials and users.** Each credential acts as one user, the key of the per-user rate
/// limits (which hold across projects: one user polling 12 projects has one budget):
/// a listed token is the user `token#<n>` (its position), a listed access key `ak:<AK>`, an
/// IAM token the user who logged in (`iam:<domain>/<name>`, valid until its `expires_at`,
/// and in HSS routes only for the project it is scoped to when it is project-scoped), and
/// every temporary key the metadata service issued the agency (`agency:<name>`). Temporary
/// keys need their `X-Security-Token` and are refused from their `expires_at` on, with no
/// grace: 401 `APIG.0307`, counted as an expired-credential rejection, like an expired IAM
/// token.
///
/// **Projects.** Tasks listed under `tasks` belong to the primary project; an export created
/// in a project belongs to that project, and a query or download from another project gets
/// 404 as for an unknown task or file.
///
/// **Per-IP limits.** `rate_limit_per_ip` is off unless given, because on loopback every
/// client is `127.0.0.1`: a default equal to the user limit would make independent test
/// clients share one budget. When given, a request must fit both its user's window and its
/// source IP's window for the API; only admitted requests count in either.
public struct SimulatorScenario: Codable, Sendable, Equatable {
    /// The primary project: the listed tasks belong to it. Ids neither it nor `projects` has
    /// get 404 `HSS.1004`.
    public var projectID: String
    /// The primary project's name, for `GET /v3/projects?name=`; by default `cn-north-4`.
    public var projectName: String
    /// More projects whose ids HSS routes accept.
    public var projects: [Project]
    /// The ECS metadata service, or `nil` (the default) for none: its routes answer 404.
    public var metadata: Metadata?
    /// Password logins and the project list.
    public var iam: IAM
    /// The per-source-IP request limit of every API, or `nil` (the default) for none.
    public var rateLimitPerIP: RateLimit?
    /// Per-API overrides of `rateLimitPerIP`; an override applies even without `rateLimitPerIP`.
    public var rateLimitsPerIP: APIRateLimits
    /// Accepted `X-Auth-Token` values. Secret: never logged.
    public var tokens: [String]
    /// Accepted access key pairs for `SDK-HMAC-SHA256`.
    public var accessKeys: [AccessKey]
    /// The per-user request limit.
    public var rateLimit: RateLimit
    /// A delay before every response, or `nil` for none.
    public var latency: Duration?
    /// The export tasks, in file order.
    public var tasks: [ExportTask]
    /// Per-API overrides of `rateLimit` (create, query, download).
    public var rateLimits: APIRateLimits
    /// How created tasks behave, unless `exportTemplates` says otherwise for their kind.
    public var exportTemplate: ExportTemplate?
    /// Per-kind templates for created tasks, keyed by kind name (`vulnerabilities`,
    /// `events`, `assets`, `baseline`, `containers`, `operational-report`), each over
    /// `exportTemplate` key by key.
    public var exportTemplates: [String: ExportTemplate]
    /// Injected download truncation and create or download delays.
    public var faults: Faults

    /// Creates a scenario.
    /// - Parameters:
    ///   - projectID: The project id of every path.
    ///   - tokens: Accepted `X-Auth-Token` values.
    ///   - accessKeys: Accepted access key pairs.
    ///   - rateLimit: The per-user request limit; by default 600 requests per 60 s.
    ///   - latency: A delay before every response; `nil` for none.
    ///   - tasks: The export tasks.
    ///   - rateLimits: Per-API overrides of `rateLimit`.
    ///   - exportTemplate: How created tasks behave.
    ///   - exportTemplates: Per-kind templates, keyed by kind name.
    ///   - faults: Injected faults; by default none.
    ///   - projectName: The primary project's name; by default `cn-north-4`.
    ///   - projects: More projects; by default none.
    ///   - metadata: The ECS metadata service; by default none.
    ///   - iam: IAM users and token lifetime; by default no users.
    ///   - rateLimitPerIP: The per-source-IP limit; by default none.
    ///   - rateLimitsPerIP: Per-API overrides of the per-source-IP limit; by default none.
    public init(
        projectID: String,
        tokens: [String] = [],
        accessKeys: [AccessKey] = [],
        rateLimit: RateLimit = RateLimit(),
        latency: Duration? = nil,
        tasks: [ExportTask] = [],
        rateLimits: APIRateLimits = APIRateLimits(),
        exportTemplate: ExportTemplate? = nil,
        exportTemplates: [String: ExportTemplate] = [:],
        faults: Faults = Faults(),
        projectName: String = SimulatorScenario.defaultProjectName,
        projects: [Project] = [],
        metadata: Metadata? = nil,
        iam: IAM = IAM(),
        rateLimitPerIP: RateLimit? = nil,
        rateLimitsPerIP: APIRateLimits = APIRateLimits()
    ) {
        self.projectID = projectID
        self.tokens = tokens
        self.accessKeys = accessKeys
        self.rateLimit = rateLimit
        self.latency = latency
        self.tasks = tasks
        self.rateLimits = rateLimits
        self.exportTemplate = exportTemplate
        self.exportTemplates = exportTemplates
        self.faults = faults
        self.projectName = projectName
        self.projects = projects
        self.metadata = metadata
        self.iam = iam
        self.rateLimitPerIP = rateLimitPerIP
        self.rateLimitsPerIP = rateLimitsPerIP
    }

    /// Parses a scenario from YAML text.
    /// - Parameters:
    ///   - yaml: The scenario document.
    ///   - sourceName: The file name used in error messages.
    /// - Throws: ``SimulatorScenarioError`` naming the line, column and key that is wrong.
    public init(yaml: String, sourceName: String = "scenario") throws {
        self = try ScenarioLoader.load(yaml: yaml, sourceName: sourceName)
    }

    /// Reads and parses a scenario file.
    /// - Parameter url: The location of a YAML (or JSON) scenario file.
    /// - Throws: ``SimulatorScenarioError`` when the file cannot be read or is invalid.
    public init(contentsOf url: URL) throws {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw SimulatorScenarioError(
                source: url.path,
                message: "cannot read the scenario file (\(error.localizedDescription))",
                fix: "check the path and that the file is readable UTF-8"
            )
        }
        try self.init(yaml: text, sourceName: url.path)
    }

    /// The task with this id, if any.
    public func task(id: String) -> ExportTask? {
        tasks.first { $0.id == id }
    }

    /// The task whose export file has this id, if any.
    public func task(fileID: String) -> ExportTask? {
        tasks.first { $0.fileID == fileID }
    }
}

extension SimulatorScenario: CustomStringConvertible {
    /// A summary without tokens or secret keys.
    public var description: String {
        "SimulatorScenario(project_id: \(projectID), tokens: \(tokens.count), access_keys: \(accessKeys.map(\.accessKey)), "
            + "rate_limit: \(rateLimit.requests) per \(DurationText.format(rateLimit.per)), tasks: \(tasks.map(\.id)), "
            + "export_templates: \(exportTemplates.keys.sorted()), projects: \(allProjects.map(\.id)), "
            + "metadata: \(metadata.map { "ttl \(DurationText.format($0.ttl))" } ?? "off"), iam_users: \(iam.users.count))"
    }
}
