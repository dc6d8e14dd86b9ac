import ExportStageKit

/// A create request that passed its operation's checks.
struct ValidatedExport: Sendable {
    var operation: ExportOperation
    /// The `[field, title]` pairs of the request (the CSV columns); empty when it sent none.
    var headers: [(field: String, title: String)]
    /// The `category` (or `asset_type`) of the request, for the default file name.
    var category: String?
}

extension ExportOperation {
    static let vulnerabilityTypes = ["linux_vul", "windows_vul", "web_cms", "app_vul", "urgent_vul"]
    static let assetTypes = [
        "users", "auto_launch", "database", "jar_package", "port", "process", "web_cms", "web_framework", "web_service", "web_site", "app",
        "kernel_module",
    ]
    static let baselineCategories = ["risk-config", "password-complexity", "weak-password"]
    /// `end_time - begin_time` of an event export is at most 2 days.
    static let maximumEventRange = 2 * 24 * 3_600 * 1_000

    /// Checks the query and body as HSS documents them (exports.md section 1): required
    /// parameters, enumerations, ranges and the body's shape. The first problem is thrown as
    /// 400 `HSS.1001` naming the parameter.
    func validate(query: CreateQuery, body bytes: [UInt8]) throws -> ValidatedExport {
        let body = try CreateBody(bytes: bytes)
        switch self {
        case .vulnerabilities:
            _ = try query.integer("export_size", required: true, range: 1...Int.max)
            let category = try query.oneOf("category", ["vul", "host"], required: true)
            _ = try query.oneOf("type", Self.vulnerabilityTypes)
            _ = try query.integer("limit", range: 0...Int.max)
            _ = try query.integer("offset", range: 0...Int.max)
            let members = try body.object(allowed: ["export_headers", "vul_id_list", "host_id_list"])
            let headers = try Self.requiredHeaders(members)
            for member in members where member.key != "export_headers" {
                try CreateBody.stringList(member.value, name: member.key)
            }
            return ValidatedExport(operation: self, headers: headers, category: category)
        case .events:
            let category = try query.oneOf("category", ["host", "container"], required: true)
            _ = try query.single("event_id", required: true)
            let lastDays = try query.integer("last_days", range: 1...Int.max)
            let begin = try query.integer("begin_time", range: 0...Int.max)
            let end = try query.integer("end_time", range: 0...Int.max)
            try Self.checkTimeRange(lastDays: lastDays, begin: begin, end: end)
            _ = try query.integers("event_types")
            _ = try query.integer("export_size", range: 1...Int.max)
            _ = try query.integer("limit", range: 0...Int.max)
            _ = try query.integer("offset", range: 0...Int.max)
            _ = try query.boolean("auto_block")
            var headers: [(field: String, title: String)] = []
            if let value = body.value {
                headers = try CreateBody.headers(value, name: "request body", allowEmpty: true)
            }
            return ValidatedExport(operation: self, headers: headers, category: category)
        case .assets:
            let assetType = try query.oneOf("asset_type", Self.assetTypes, required: true)
            let category = try query.oneOf("category", ["host", "container"], required: true)
            let members = try body.object(allowed: ["export_headers", "search_param"])
            let headers = try Self.requiredHeaders(members)
            if let search = members.first(where: { $0.key == "search_param" }) {
                _ = try CreateBody.string(search.value, name: "search_param", maximumLength: 128)
            }
            return ValidatedExport(operation: self, headers: headers, category: "\(category ?? "host")-\(assetType ?? "asset")")
        case .baseline:
            let members = try body.object(allowed: ["export_headers", "category", "export_size"])
            let headers = try Self.requiredHeaders(members)
            var category: String?
            for member in members {
                switch member.key {
                case "category":
                    category = try CreateBody.string(member.value, name: "category")
                    if let value = category, !Self.baselineCategories.contains(value) {
                        throw HSSAPIError.invalidParameter(
                            "category", "must be one of \(Self.baselineCategories.joined(separator: ", ")), not '\(value)'")
                    }
                case "export_size":
                    _ = try CreateBody.integer(member.value, name: "export_size", range: 1...200_000)
                default:
                    break
                }
            }
            return ValidatedExport(operation: self, headers: headers, category: category)
        case .containers:
            _ = try query.integer("export_size", range: 1...100_000)
            let members = try body.object(allowed: ["export_headers"])
            return ValidatedExport(operation: self, headers: try Self.requiredHeaders(members), category: nil)
        case .operationalReport:
            let members = try body.object(allowed: ["type", "operational_report_data"])
            guard let type = members.first(where: { $0.key == "type" }) else {
                throw HSSAPIError.missingParameter("type", in: "body", example: "\"type\": \"operational-report\"")
            }
            guard case .string("operational-report") = type.value else {
                throw HSSAPIError.invalidParameter("type", "must be 'operational-report', not \(type.value.serialized)")
            }
            guard let data = members.first(where: { $0.key == "operational_report_data" }) else {
                throw HSSAPIError.missingParameter(
                    "operational_report_data", in: "body", example: "\"operational_report_data\": {\"report_id\": \"...\"}")
            }
            guard case .object(let fields) = data.value else {
                throw HSSAPIError.invalidParameter("operational_report_data", "must be an object with report_id")
            }
            if let unknown = fields.first(where: { $0.key != "report_id" }) {
                throw HSSAPIError.invalidParameter("operational_report_data.\(unknown.key)", "is not a parameter; only report_id is")
            }
            guard let report = fields.first(where: { $0.key == "report_id" }) else {
                throw HSSAPIError.missingParameter("operational_report_data.report_id", in: "body")
            }
            _ = try CreateBody.string(report.value, name: "operational_report_data.report_id")
            return ValidatedExport(operation: self, headers: [], category: nil)
        }
    }

    private static func requiredHeaders(_ members: [(key: String, value: JSONValue)]) throws -> [(field: String, title: String)] {
        guard let headers = members.first(where: { $0.key == "export_headers" }) else {
            throw HSSAPIError.missingParameter("export_headers", in: "body", example: "\"export_headers\": [[\"field\", \"Title\"]]")
        }
        return try CreateBody.headers(headers.value, name: "export_headers", allowEmpty: false)
    }

    private static func checkTimeRange(lastDays: Int?, begin: Int?, end: Int?) throws {
        if lastDays != nil, let name = begin != nil ? "begin_time" : (end != nil ? "end_time" : nil) {
            throw HSSAPIError.invalidParameter(name, "cannot be combined with last_days; send last_days or begin_time and end_time")
        }
        switch (begin, end) {
        case (nil, nil):
            return
        case (.some, nil):
            throw HSSAPIError.missingParameter("end_time", in: "query", example: "end_time with begin_time, milliseconds")
        case (nil, .some):
            throw HSSAPIError.missingParameter("begin_time", in: "query", example: "begin_time with end_time, milliseconds")
        case (let begin?, let end?):
            if end <= begin {
                throw HSSAPIError.invalidParameter("end_time", "must be after begin_time (\(begin)), not \(end)")
            }
            if end - begin > maximumEventRange {
                throw HSSAPIError.invalidParameter("end_time", "must be at most 2 days (172800000 ms) after begin_time, not \(end - begin) ms")
            }
        }
    }
}
