/// The HSS operations that create an export task, as the simulator serves them.
///
/// Each is its own API for the rate limit (`create:<operation>`), and each has a kind name
/// that keys `export_templates` in a scenario (the operation and the path work there too).
enum ExportOperation: String, CaseIterable, Sendable {
    case vulnerabilities
    case events
    case assets
    case baseline
    case containers
    case operationalReport = "operational-report"

    /// The kind name, e.g. `vulnerabilities`.
    var kind: String { rawValue }

    /// The SDK operation, e.g. `ExportVuls`.
    var operation: String {
        switch self {
        case .vulnerabilities: return "ExportVuls"
        case .events: return "ExportEventRequest"
        case .assets: return "DownloadAssetFile"
        case .baseline: return "ExportBaselineSecurityCheckReport"
        case .containers: return "ExportContainerList"
        case .operationalReport: return "ExportTaskInfo"
        }
    }

    /// The path after `/v5/{project_id}/`.
    var path: String {
        switch self {
        case .vulnerabilities: return "vul/export"
        case .events: return "event/export"
        case .assets: return "asset/export"
        case .baseline: return "baseline/export"
        case .containers: return "container/export-task"
        case .operationalReport: return "export-task"
        }
    }

    /// The word in default file names, as in HSS's `hss-vul-vul-zh-….zip`.
    var shortName: String {
        switch self {
        case .vulnerabilities: return "vul"
        case .events: return "event"
        case .assets: return "asset"
        case .baseline: return "baseline"
        case .containers: return "container"
        case .operationalReport: return "report"
        }
    }

    /// The rate-limit API of this operation: every create route counts on its own.
    var api: SimulatorAPI { .create(operation) }

    /// The operation a scenario key names: its kind, its SDK operation or its path.
    static func named(_ key: String) -> ExportOperation? {
        allCases.first { $0.kind == key || $0.operation == key || $0.path == key || "/" + $0.path == key }
    }
}

/// An API as HSS's gateway counts it for the per-user rate limit.
enum SimulatorAPI: Hashable, Sendable, CustomStringConvertible {
    /// `GET export-task/{task_id}`.
    case query
    /// `GET download/{file_id}`.
    case download
    /// One create route, by SDK operation.
    case create(String)

    /// `query`, `download` or `create:ExportVuls`: the name in statistics and error messages.
    var description: String {
        switch self {
        case .query: return "query"
        case .download: return "download"
        case .create(let operation): return "create:\(operation)"
        }
    }
}
