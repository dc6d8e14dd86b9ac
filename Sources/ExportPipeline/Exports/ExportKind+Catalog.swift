extension ExportKind {
    /// Every kind an `exports:` entry may name, in the order the docs list them.
    ///
    /// Each kind's parameters are the SDK model's (`huaweicloudsdkhss` 3.1.219):
    /// query parameters in the order the SDK appends them, then body parameters
    /// in the model's attribute order, which is the order the SDK writes the
    /// body's keys. Deprecated fields and nested lists of objects are left out.
    /// `enterprise_project_id` is not a parameter: it comes from `source`.
    public static let catalog: [ExportKind] = [
        vulnerabilities, events, assets, baseline, containers, operationalReport, handledVulnerabilities, vulnerabilityHandleHistory,
        webTamperHosts,
    ]

    /// The names of ``catalog``, for listings and "did you mean".
    public static var names: [String] { catalog.map(\.name) }

    /// The kind called `name`, or nil.
    public static func named(_ name: String) -> ExportKind? {
        catalog.first { $0.name == name }
    }

    /// The parameter called `name`, or nil.
    public func parameter(named name: String) -> ExportParameter? {
        parameters.first { $0.name == name }
    }

    // MARK: Shared value lists

    static let vulnerabilityTypes = ["linux_vul", "windows_vul", "web_cms", "app_vul", "urgent_vul"]
    static let vulnerabilityStatuses = [
        "vul_status_unfix", "vul_status_ignored", "vul_status_verified", "vul_status_fixing", "vul_status_fixed", "vul_status_reboot",
        "vul_status_failed", "vul_status_fix_after_reboot",
    ]
    static let repairPriorities = ["Critical", "High", "Medium", "Low"]
    static let handleStatuses = ["unhandled", "handled"]
    static let assetValues = ["important", "common", "test"]
    static let assetTypes = [
        "users", "auto_launch", "database", "jar_package", "port", "process", "web_cms", "web_framework", "web_service", "web_site", "app",
        "kernel_module",
    ]
    /// HSS's limit on one event export's `begin_time`...`end_time`.
    static let twoDaysInMilliseconds = 2 * 24 * 3_600_000

    // MARK: The kinds

    /// `ExportVuls`: vulnerabilities, or hosts with their vulnerabilities.
    static let vulnerabilities = ExportKind(
        name: "vulnerabilities", operation: "ExportVuls", pathSegments: ["vul", "export"],
        parameters: [
            ExportParameter("type", in: .query, .oneOf(vulnerabilityTypes)),
            ExportParameter("vul_id", in: .query, .string(maximumLength: nil)),
            ExportParameter("vul_name", in: .query, .string(maximumLength: nil)),
            ExportParameter("host_id", in: .query, .string(maximumLength: nil)),
            ExportParameter("export_size", in: .query, .integer(range: 1...Int.max), required: true, example: "1000"),
            ExportParameter("category", in: .query, .oneOf(["vul", "host"]), required: true),
            ExportParameter("limit", in: .query, .integer(range: nil)),
            ExportParameter("offset", in: .query, .integer(range: 0...Int.max)),
            ExportParameter("repair_priority", in: .query, .oneOf(repairPriorities)),
            ExportParameter("handle_status", in: .query, .oneOf(handleStatuses)),
            ExportParameter("cve_id", in: .query, .string(maximumLength: nil)),
            ExportParameter("label_list", in: .query, .string(maximumLength: nil)),
            ExportParameter("status", in: .query, .oneOf(vulnerabilityStatuses)),
            ExportParameter("asset_value", in: .query, .oneOf(assetValues)),
            ExportParameter("group_name", in: .query, .string(maximumLength: nil)),
            ExportParameter("node_type", in: .query, .oneOf(["cce", "not_cce"])),
            ExportParameter(
                "export_headers", in: .body(path: ["export_headers"]), .headers, required: true,
                example: "[[vul_name, Vulnerability], [cve_ids, CVE]]"),
            ExportParameter("vul_id_list", in: .body(path: ["vul_id_list"]), .stringList),
            ExportParameter("host_id_list", in: .body(path: ["host_id_list"]), .stringList),
        ],
        summary: "vulnerabilities (category vul) or hosts with their vulnerabilities (category host)"
    )

    /// `ExportEventRequest`: intrusion alarms of hosts or containers.
    static let events = ExportKind(
        name: "events", operation: "ExportEventRequest", pathSegments: ["event", "export"],
        parameters: [
            ExportParameter("last_days", in: .query, .integer(range: 1...Int.max), example: "1"),
            ExportParameter("host_name", in: .query, .string(maximumLength: 64)),
            ExportParameter("host_id", in: .query, .string(maximumLength: 256)),
            ExportParameter("private_ip", in: .query, .string(maximumLength: 128)),
            ExportParameter("container_name", in: .query, .string(maximumLength: 512)),
            ExportParameter("offset", in: .query, .integer(range: 0...Int.max)),
            ExportParameter("limit", in: .query, .integer(range: nil)),
            ExportParameter("export_size", in: .query, .integer(range: 1...Int.max), example: "1000"),
            ExportParameter("event_type", in: .query, .integer(range: nil), example: "1001"),
            ExportParameter("event_types", in: .query, .integerList, example: "[1001, 4002]"),
            ExportParameter("handle_status", in: .query, .oneOf(handleStatuses)),
            ExportParameter("severity", in: .query, .oneOf(["Security", "Low", "Medium", "High", "Critical"])),
            ExportParameter("category", in: .query, .oneOf(["host", "container"]), required: true),
            ExportParameter("begin_time", in: .query, .integer(range: nil), example: "1715644800000"),
            ExportParameter("end_time", in: .query, .integer(range: nil), example: "1715731200000"),
            ExportParameter("event_class_ids", in: .query, .stringList),
            ExportParameter("severity_list", in: .query, .stringList, example: "[High, Critical]"),
            ExportParameter(
                "attack_tag", in: .query,
                .oneOf(["attack_success", "attack_attempt", "attack_blocked", "abnormal_behavior", "collapsible_host", "system_vulnerability"])),
            ExportParameter("asset_value", in: .query, .oneOf(assetValues)),
            ExportParameter("tag_list", in: .query, .stringList),
            ExportParameter(
                "att_ck", in: .query,
                .oneOf([
                    "Reconnaissance", "Initial Access", "Execution", "Persistence", "Privilege Escalation", "Defense Evasion",
                    "Credential Access", "Command and Control", "Impact",
                ])),
            ExportParameter("event_name", in: .query, .string(maximumLength: 128)),
            ExportParameter("event_id_list", in: .query, .stringList),
            ExportParameter("auto_block", in: .query, .boolean),
            ExportParameter("cluster_id", in: .query, .string(maximumLength: 64)),
            ExportParameter("event_id", in: .query, .string(maximumLength: 128), required: true, example: "e1"),
            ExportParameter("public_ip", in: .query, .string(maximumLength: 128)),
            ExportParameter("export_headers", in: .body(path: []), .headers, example: "[[event_name, Alarm], [severity, Severity]]"),
        ],
        bodyShape: .bareHeaders,
        rules: [
            .exclusive("last_days", "begin_time"),
            .together("begin_time", "end_time"),
            .timeRange(begin: "begin_time", end: "end_time", maximumMilliseconds: twoDaysInMilliseconds),
        ],
        summary: "security events (alarms) of hosts or containers, for the last days or a range of at most 2 days"
    )

    /// `DownloadAssetFile`: one asset fingerprint list (ports, processes, ...).
    static let assets = ExportKind(
        name: "assets", operation: "DownloadAssetFile", pathSegments: ["asset", "export"],
        parameters: [
            ExportParameter("asset_type", in: .query, .oneOf(assetTypes), required: true, example: "port"),
            ExportParameter("category", in: .query, .oneOf(["host", "container"]), required: true),
            ExportParameter("search_param", in: .body(path: ["search_param"]), .string(maximumLength: 128), example: #"'{"port_string": "8080"}'"#),
            ExportParameter(
                "export_headers", in: .body(path: ["export_headers"]), .headers, required: true, example: "[[host_name, Host], [port, Port]]"),
        ],
        rules: [.jsonObject("search_param")],
        summary: "one asset list (accounts, ports, processes, software, ...) of hosts or containers"
    )

    /// `ExportBaselineSecurityCheckReport`: the configuration check results (an Excel file).
    static let baseline = ExportKind(
        name: "baseline", operation: "ExportBaselineSecurityCheckReport", pathSegments: ["baseline", "export"],
        parameters: [
            ExportParameter("category", in: .body(path: ["category"]), .oneOf(["risk-config", "password-complexity", "weak-password"])),
            ExportParameter("export_size", in: .body(path: ["export_size"]), .integer(range: 1...200_000), example: "1000"),
            ExportParameter("group_id", in: .body(path: ["group_id"]), .string(maximumLength: 128)),
            ExportParameter("check_name", in: .body(path: ["check_name"]), .string(maximumLength: 256)),
            ExportParameter("standard", in: .body(path: ["standard"]), .oneOf(["cn_standard", "hw_standard", "cis_standard"])),
            ExportParameter("scan_result", in: .body(path: ["scan_result"]), .oneOf(["pass", "failed", "unhandled"])),
            ExportParameter("severity", in: .body(path: ["severity"]), .oneOf(["Security", "Low", "Medium", "High"])),
            ExportParameter("host_id", in: .body(path: ["host_id"]), .string(maximumLength: 64)),
            ExportParameter("limit", in: .body(path: ["limit"]), .integer(range: nil)),
            ExportParameter("offset", in: .body(path: ["offset"]), .integer(range: 0...Int.max)),
            ExportParameter(
                "export_headers", in: .body(path: ["export_headers"]), .headers, required: true,
                example: "[[check_name, Check], [severity, Severity]]"),
            ExportParameter("tag", in: .body(path: ["tag"]), .string(maximumLength: 256)),
            ExportParameter("check_type", in: .body(path: ["check_type"]), .string(maximumLength: 256)),
            ExportParameter("statistics_scan_result", in: .body(path: ["statistics_scan_result"]), .oneOf(["pass", "failed", "processed"])),
            ExportParameter("check_rule_name", in: .body(path: ["check_rule_name"]), .string(maximumLength: 2048)),
            ExportParameter("cluster_id", in: .body(path: ["cluster_id"]), .string(maximumLength: 64)),
        ],
        summary: "baseline (configuration, password) check results, as an Excel file"
    )

    /// `ExportContainerList`: the containers and their risk counts.
    static let containers = ExportKind(
        name: "containers", operation: "ExportContainerList", pathSegments: ["container", "export-task"],
        parameters: [
            ExportParameter("export_size", in: .query, .integer(range: 1...100_000), example: "1000"),
            ExportParameter("cluster_container", in: .body(path: ["cluster_container"]), .boolean),
            ExportParameter(
                "cluster_type", in: .body(path: ["cluster_type"]),
                .oneOf(["cce", "ali", "tencent", "azure", "aws", "self_built_hw", "self_built_idc"])),
            ExportParameter("cluster_name", in: .body(path: ["cluster_name"]), .string(maximumLength: 255)),
            ExportParameter("container_name", in: .body(path: ["container_name"]), .string(maximumLength: 255)),
            ExportParameter("pod_name", in: .body(path: ["pod_name"]), .string(maximumLength: 512)),
            ExportParameter("image_name", in: .body(path: ["image_name"]), .string(maximumLength: 255)),
            ExportParameter("status", in: .body(path: ["status"]), .oneOf(["Running", "Waiting", "Terminated", "Isolated", "Paused"])),
            ExportParameter("risky", in: .body(path: ["risky"]), .boolean),
            ExportParameter("cpu_limit", in: .body(path: ["cpu_limit"]), .string(maximumLength: 64)),
            ExportParameter("memory_limit", in: .body(path: ["memory_limit"]), .string(maximumLength: 64)),
            ExportParameter(
                "export_headers", in: .body(path: ["export_headers"]), .headers, required: true,
                example: "[[container_name, Container], [status, Status]]"),
        ],
        summary: "the container list with each container's risk counts"
    )

    /// `ExportTaskInfo`: the monthly operational report.
    static let operationalReport = ExportKind(
        name: "operational-report", operation: "ExportTaskInfo", pathSegments: ["export-task"],
        parameters: [
            ExportParameter("type", in: .body(path: ["type"]), .oneOf(["operational-report"]), defaultValue: "operational-report"),
            ExportParameter(
                "report_id", in: .body(path: ["operational_report_data", "report_id"]), .string(maximumLength: 32), required: true,
                example: "2024-05"),
        ],
        summary: "the monthly operational report (report ids from GET /v5/{project_id}/operational-report/reports)"
    )

    /// `ExportHandledVulnerabilities`: vulnerabilities already handled.
    static let handledVulnerabilities = ExportKind(
        name: "handled-vulnerabilities", operation: "ExportHandledVulnerabilities", pathSegments: ["vulnerability", "history", "export-task"],
        parameters: [
            ExportParameter("vul_name", in: .body(path: ["vul_name"]), .string(maximumLength: nil)),
            ExportParameter("repair_priority", in: .body(path: ["repair_priority"]), .oneOf(repairPriorities)),
            ExportParameter("host_name", in: .body(path: ["host_name"]), .string(maximumLength: nil)),
            ExportParameter("host_ip", in: .body(path: ["host_ip"]), .string(maximumLength: nil)),
            ExportParameter("is_affect_business", in: .body(path: ["is_affect_business"]), .boolean),
            ExportParameter("status", in: .body(path: ["status"]), .oneOf(vulnerabilityStatuses)),
            ExportParameter("asset_value", in: .body(path: ["asset_value"]), .oneOf(assetValues)),
            ExportParameter("label", in: .body(path: ["label"]), .string(maximumLength: nil)),
            ExportParameter("type", in: .body(path: ["type"]), .oneOf(vulnerabilityTypes)),
            ExportParameter("group_name", in: .body(path: ["group_name"]), .string(maximumLength: nil)),
            ExportParameter("handle_cycle", in: .body(path: ["handle_cycle"]), .oneOf(["today", "all"])),
            ExportParameter("export_size", in: .body(path: ["export_size"]), .integer(range: 1...Int.max), example: "1000"),
            ExportParameter(
                "export_headers", in: .body(path: ["export_headers"]), .headers, required: true,
                example: "[[vul_name, Vulnerability], [host_name, Host]]"),
        ],
        summary: "vulnerabilities already handled (today or all)"
    )

    /// `ExportVulHandleHistory`: the history of vulnerability handling.
    static let vulnerabilityHandleHistory = ExportKind(
        name: "vulnerability-handle-history", operation: "ExportVulHandleHistory",
        pathSegments: ["vulnerability", "handle-history", "export-task"],
        parameters: [
            ExportParameter("status", in: .body(path: ["status"]), .oneOf(vulnerabilityStatuses)),
            ExportParameter("vul_id", in: .body(path: ["vul_id"]), .string(maximumLength: nil)),
            ExportParameter("vul_type", in: .body(path: ["vul_type"]), .oneOf(vulnerabilityTypes)),
            ExportParameter("asset_value", in: .body(path: ["asset_value"]), .oneOf(assetValues)),
            ExportParameter("group_name", in: .body(path: ["group_name"]), .string(maximumLength: nil)),
            ExportParameter("host_name", in: .body(path: ["host_name"]), .string(maximumLength: nil)),
            ExportParameter("host_ip", in: .body(path: ["host_ip"]), .string(maximumLength: nil)),
            ExportParameter("export_size", in: .body(path: ["export_size"]), .integer(range: 1...Int.max), example: "1000"),
            // The API's own name: not export_headers.
            ExportParameter(
                "export_header_list", in: .body(path: ["export_header_list"]), .headers, required: true,
                example: "[[vul_name, Vulnerability], [handle_time, Handled]]"),
        ],
        summary: "the history of vulnerability handling (ignored, fixed, verified, ...)"
    )

    /// `ExportWebTamperHost`: the hosts under web tamper protection.
    static let webTamperHosts = ExportKind(
        name: "web-tamper-hosts", operation: "ExportWebTamperHost", pathSegments: ["webtamper", "host", "export"],
        parameters: [
            ExportParameter("host_id", in: .body(path: ["host_id"]), .string(maximumLength: 64)),
            ExportParameter("host_id_list", in: .body(path: ["host_id_list"]), .stringList),
            ExportParameter("host_name", in: .body(path: ["host_name"]), .string(maximumLength: 256)),
            ExportParameter("public_ip", in: .body(path: ["public_ip"]), .string(maximumLength: 256)),
            ExportParameter("private_ip", in: .body(path: ["private_ip"]), .string(maximumLength: 128)),
            ExportParameter("os_type", in: .body(path: ["os_type"]), .oneOf(["Linux", "Windows"])),
            ExportParameter("asset_value", in: .body(path: ["asset_value"]), .oneOf(assetValues)),
            ExportParameter("group_name", in: .body(path: ["group_name"]), .string(maximumLength: 256)),
            ExportParameter("agent_status", in: .body(path: ["agent_status"]), .oneOf(["not_installed", "online", "offline"])),
            ExportParameter("rasp_protect_status", in: .body(path: ["rasp_protect_status"]), .oneOf(["opened", "closed"])),
            ExportParameter(
                "wtp_status", in: .body(path: ["wtp_status"]),
                .oneOf(["opening", "opened", "open_failed", "partial_protection", "protection_interruption"])),
            ExportParameter(
                "export_headers", in: .body(path: ["export_headers"]), .headers, required: true,
                example: "[[host_name, Server], [wtp_status, Protection]]"),
            ExportParameter("export_size", in: .body(path: ["export_size"]), .integer(range: 1...200_000), required: true, example: "1000"),
        ],
        summary: "the hosts under web tamper protection and their protection status"
    )
}
