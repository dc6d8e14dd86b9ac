import Foundation

/// A task made by a create route: what its polls answer and what its download serves.
struct CreatedExport: Sendable {
    /// The creation's number, from 1, in the order the simulator created them.
    var number: Int
    var operation: ExportOperation
    /// The project it was created in: only that project's paths find it.
    var projectID: String
    var taskID: String
    var taskName: String
    var fileID: String
    var fileName: String
    var recordTotalNum: Int
    /// The CSV columns: the request's headers, or the kind's defaults.
    var headers: [(field: String, title: String)]
    var script: [SimulatorScenario.ScriptStep]
    var archive: SimulatorScenario.Archive

    static let defaultEntries = 2
    static let defaultRows = 25

    /// A new task for `request` under `template`; `taskID`, `fileID` and `suffix` are fresh.
    init(
        number: Int, request: ValidatedExport, template: SimulatorScenario.ExportTemplate, taskID: String, fileID: String, suffix: String,
        projectID: String
    ) {
        self.number = number
        self.projectID = projectID
        operation = request.operation
        self.taskID = taskID
        self.fileID = fileID
        let placeholders = [
            "{n}": String(number), "{task_id}": taskID, "{kind}": request.operation.kind, "{suffix}": suffix,
        ]
        func expand(_ pattern: String) -> String {
            placeholders.reduce(pattern) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
        }
        let short = request.operation.shortName
        fileName = expand(template.fileName ?? "hss-\(short)-\(request.category ?? short)-zh-{suffix}.zip")
        taskName = expand(template.taskName ?? "\(request.operation.kind) export {n}")
        headers = request.headers.isEmpty ? Self.defaultHeaders(request.operation) : request.headers
        script = template.script ?? SimulatorScenario.ExportTemplate.defaultScript
        archive = template.archive ?? SimulatorScenario.Archive()
        let entries = archive.entryNames?.count ?? archive.entries ?? Self.defaultEntries
        if let records = template.recordTotalNum {
            recordTotalNum = records
        } else if let bytes = archive.bytes {
            // About 100 bytes a row.
            recordTotalNum = bytes / 100
        } else {
            recordTotalNum = entries * (archive.rows ?? Self.defaultRows)
        }
    }

    /// The zip the download serves.
    var zip: StreamedZip {
        let names = archive.entryNames ?? (1...(archive.entries ?? Self.defaultEntries)).map { "\(operation.kind)-\($0).csv" }
        return StreamedZip(
            seed: fileID, headers: headers, names: names, rows: archive.bytes == nil ? (archive.rows ?? Self.defaultRows) : nil, bytes: archive.bytes)
    }

    /// The columns of an export that sent no headers (events may send none).
    static func defaultHeaders(_ operation: ExportOperation) -> [(field: String, title: String)] {
        switch operation {
        case .vulnerabilities:
            return [
                ("vul_name", "Vulnerability"), ("vul_id", "Vulnerability ID"), ("severity_level", "Severity"), ("cve_list", "CVE"),
                ("host_num", "Affected hosts"), ("repair_priority", "Repair priority"),
            ]
        case .events:
            return [
                ("event_id", "Event ID"), ("event_name", "Alarm"), ("severity", "Severity"), ("host_name", "Server"),
                ("private_ip", "Private IP"), ("occur_time", "Occurred"), ("handle_status", "Status"),
            ]
        case .assets:
            return [("host_name", "Server"), ("host_ip", "IP address"), ("name", "Name"), ("path", "Path"), ("port", "Port")]
        case .baseline:
            return [("check_name", "Check"), ("severity", "Severity"), ("host_name", "Server"), ("check_result", "Result")]
        case .containers:
            return [("container_id", "Container ID"), ("container_name", "Container"), ("image_name", "Image"), ("status", "Status")]
        case .operationalReport:
            return [("report_id", "Report"), ("item_name", "Item"), ("item_num", "Count")]
        }
    }
}
