import ExportPipeline
import ExportStageKit
import Foundation
import TestSupport
import Testing

/// The export kinds as data: the catalog, the requests built from values
/// (against the SDK's wire examples in exports.md, and against the SDK itself
/// when its venv is there), the fingerprint and the checks.
@Suite struct ExportKindTests {
    typealias Value = ExportParameterValue

    static func headers(_ pairs: [(String, String)]) -> Value {
        .headers(pairs.map { Value.Header($0.0, $0.1) })
    }

    static func kind(_ name: String) throws -> ExportKind {
        try #require(ExportKind.named(name), "no kind '\(name)'")
    }

    /// `a=1&b=2` as query items, sorted as the server sees them.
    static func wireQuery(_ text: String) -> [ExportCreation.QueryItem] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return ExportCreation.QueryItem(name: parts[0], value: parts.count > 1 ? parts[1] : "")
        }
    }

    static func sorted(_ query: [ExportCreation.QueryItem]) -> [ExportCreation.QueryItem] {
        query.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
    }

    /// An SDK body as exports.md prints it (`", "`, `": "`), parsed in order.
    static func wireBody(_ text: String) throws -> JSONValue {
        try #require(JSONValue.parse(Array(text.utf8)), "not JSON: \(text)")
    }

    // MARK: The catalog

    @Test func catalogListsEveryKindOnceWithItsOperationAndPath() throws {
        let expected: [(String, String, String)] = [
            ("vulnerabilities", "ExportVuls", "vul/export"),
            ("events", "ExportEventRequest", "event/export"),
            ("assets", "DownloadAssetFile", "asset/export"),
            ("baseline", "ExportBaselineSecurityCheckReport", "baseline/export"),
            ("containers", "ExportContainerList", "container/export-task"),
            ("operational-report", "ExportTaskInfo", "export-task"),
            ("handled-vulnerabilities", "ExportHandledVulnerabilities", "vulnerability/history/export-task"),
            ("vulnerability-handle-history", "ExportVulHandleHistory", "vulnerability/handle-history/export-task"),
            ("web-tamper-hosts", "ExportWebTamperHost", "webtamper/host/export"),
        ]
        #expect(ExportKind.names == expected.map(\.0))
        for (name, operation, path) in expected {
            let kind = try Self.kind(name)
            #expect(kind.operation == operation)
            #expect(kind.pathSegments.joined(separator: "/") == path)
            #expect(!kind.summary.isEmpty)
        }
        #expect(ExportKind.named("vulnerability") == nil)
    }

    @Test func requiredParametersAreTheSDKModelsRequiredFields() throws {
        let expected: [String: [String]] = [
            "vulnerabilities": ["export_size", "category", "export_headers"],
            "events": ["category", "event_id"],
            "assets": ["asset_type", "category", "export_headers"],
            "baseline": ["export_headers"],
            "containers": ["export_headers"],
            "operational-report": ["report_id"],
            "handled-vulnerabilities": ["export_headers"],
            "vulnerability-handle-history": ["export_header_list"],
            "web-tamper-hosts": ["export_headers", "export_size"],
        ]
        for kind in ExportKind.catalog {
            #expect(kind.parameters.filter(\.required).map(\.name) == expected[kind.name], "\(kind.name)")
        }
    }

    @Test func parametersAreUniqueAndTheirDeclarationsConsistent() {
        for kind in ExportKind.catalog {
            let names = kind.parameters.map(\.name)
            #expect(Set(names).count == names.count, "\(kind.name) repeats a parameter")
            #expect(!names.contains("kind") && !names.contains("name"), "\(kind.name) shadows an entry key")
            var bodyPaths: [[String]] = []
            for parameter in kind.parameters {
                if case .body(let path) = parameter.location { bodyPaths.append(path) }
                if case .oneOf(let choices) = parameter.type { #expect(!choices.isEmpty) }
            }
            #expect(Set(bodyPaths).count == bodyPaths.count, "\(kind.name) sends two parameters to one body key")
            #expect(bodyPaths.contains([]) == (kind.bodyShape == .bareHeaders), "\(kind.name): only a bare body has the path []")
            for rule in kind.rules {
                for name in rule.parameters { #expect(kind.parameter(named: name) != nil, "\(kind.name) rule names '\(name)'") }
            }
        }
    }

    @Test func documentedRangesAndChoices() throws {
        func type(_ kind: String, _ parameter: String) throws -> ExportParameter.ValueType {
            try #require(try Self.kind(kind).parameter(named: parameter)).type
        }
        #expect(try type("baseline", "export_size") == .integer(range: 1...200_000))
        #expect(try type("containers", "export_size") == .integer(range: 1...100_000))
        #expect(try type("web-tamper-hosts", "export_size") == .integer(range: 1...200_000))
        #expect(try type("assets", "search_param") == .string(maximumLength: 128))
        #expect(try type("vulnerabilities", "category") == .oneOf(["vul", "host"]))
        #expect(try type("events", "category") == .oneOf(["host", "container"]))
        #expect(try type("vulnerabilities", "type") == .oneOf(["linux_vul", "windows_vul", "web_cms", "app_vul", "urgent_vul"]))
        #expect(try type("events", "event_types") == .integerList)
        #expect(try type("events", "auto_block") == .boolean)
        #expect(try Self.kind("events").parameter(named: "export_size")?.location == .query)
        #expect(try Self.kind("baseline").parameter(named: "export_size")?.location == .body(path: ["export_size"]))
        #expect(
            try Self.kind("operational-report").parameter(named: "report_id")?.location == .body(path: ["operational_report_data", "report_id"]))
        #expect(try Self.kind("events").bodyShape == .bareHeaders)
        #expect(
            try Self.kind("events").rules == [
                .exclusive("last_days", "begin_time"), .together("begin_time", "end_time"),
                .timeRange(begin: "begin_time", end: "end_time", maximumMilliseconds: 172_800_000),
            ])
    }

    // MARK: Requests equal to the SDK's wire examples (exports.md section 1)

    @Test func vulnerabilitiesRequestIsTheSDKs() throws {
        let creation = try Self.kind("vulnerabilities").creation(from: [
            "category": .string("vul"), "export_size": .integer(100),
            "export_headers": Self.headers([("vul_name", "Vulnerability"), ("cve_ids", "CVE")]),
        ])
        #expect(creation.operation == "ExportVuls")
        #expect(creation.pathSegments == ["vul", "export"])
        #expect(Self.sorted(creation.query) == Self.wireQuery("category=vul&export_size=100"))
        #expect(creation.body == (try Self.wireBody(#"{"export_headers": [["vul_name", "Vulnerability"], ["cve_ids", "CVE"]]}"#)))
    }

    @Test func eventsRequestIsTheSDKsWithTheBareHeaderList() throws {
        let creation = try Self.kind("events").creation(from: [
            "category": .string("host"), "event_id": .string("e1"), "event_types": .integerList([1001, 4002]), "last_days": .integer(7),
            "export_headers": Self.headers([("event_name", "Alarm"), ("severity", "Severity")]),
        ])
        #expect(creation.pathSegments == ["event", "export"])
        #expect(Self.sorted(creation.query) == Self.wireQuery("category=host&event_id=e1&event_types=1001&event_types=4002&last_days=7"))
        #expect(creation.body == (try Self.wireBody(#"[["event_name", "Alarm"], ["severity", "Severity"]]"#)))
    }

    @Test func assetsRequestIsTheSDKs() throws {
        let creation = try Self.kind("assets").creation(from: [
            "asset_type": .string("port"), "category": .string("host"), "export_headers": Self.headers([("host_name", "Host"), ("port", "Port")]),
        ])
        #expect(creation.pathSegments == ["asset", "export"])
        #expect(Self.sorted(creation.query) == Self.wireQuery("asset_type=port&category=host"))
        #expect(creation.body == (try Self.wireBody(#"{"export_headers": [["host_name", "Host"], ["port", "Port"]]}"#)))
    }

    @Test func operationalReportRequestNestsTheReportIDAfterTheDefaultType() throws {
        let creation = try Self.kind("operational-report").creation(from: ["report_id": .string("2024-05")])
        #expect(creation.pathSegments == ["export-task"])
        #expect(creation.query.isEmpty)
        #expect(creation.body == (try Self.wireBody(#"{"type": "operational-report", "operational_report_data": {"report_id": "2024-05"}}"#)))
    }

    @Test func bodyKeysFollowTheModelOrderNotTheOrderGiven() throws {
        let creation = try Self.kind("vulnerabilities").creation(from: [
            "host_id_list": .stringList(["h1"]), "vul_id_list": .stringList(["v1", "v2"]), "category": .string("host"),
            "export_size": .integer(5), "export_headers": Self.headers([("vul_name", "Name")]),
        ])
        #expect(
            creation.body.serialized == #"{"export_headers":[["vul_name","Name"]],"vul_id_list":["v1","v2"],"host_id_list":["h1"]}"#)
        let baseline = try Self.kind("baseline").creation(from: [
            "export_headers": Self.headers([("check_name", "Check")]), "export_size": .integer(10), "category": .string("weak-password"),
        ])
        #expect(baseline.body.serialized == #"{"category":"weak-password","export_size":10,"export_headers":[["check_name","Check"]]}"#)
        #expect(baseline.query.isEmpty)
    }

    @Test func queryValuesAreWrittenAsTheSDKSendsThem() throws {
        let creation = try Self.kind("events").creation(from: [
            "category": .string("container"), "event_id": .string("123"), "auto_block": .boolean(false), "export_size": .integer(1000),
            "severity_list": .stringList(["High", "Critical"]),
        ])
        // Parameter order (the SDK's); the client sorts when it signs.
        #expect(
            creation.query == [
                .init(name: "export_size", value: "1000"), .init(name: "category", value: "container"),
                .init(name: "severity_list", value: "High"), .init(name: "severity_list", value: "Critical"),
                .init(name: "auto_block", value: "false"), .init(name: "event_id", value: "123"),
            ])
        // No headers: the SDK sends no body at all.
        #expect(creation.body == .null)
        let containers = try Self.kind("containers").creation(from: [
            "export_size": .integer(7), "risky": .boolean(true), "export_headers": Self.headers([("container_name", "Container")]),
        ])
        #expect(containers.query == [.init(name: "export_size", value: "7")])
        #expect(containers.body.serialized == #"{"risky":true,"export_headers":[["container_name","Container"]]}"#)
    }

    // MARK: Fingerprints

    static let acceptanceValues: [String: Value] = [
        "category": .string("vul"), "export_size": .integer(1000),
        "export_headers": headers([("vul_name", "Vulnerability"), ("cve_ids", "CVE")]),
    ]

    @Test func fingerprintIsStableHexAndFixed() throws {
        let kind = try Self.kind("vulnerabilities")
        let spec = kind.spec(named: "vulnerabilities", values: Self.acceptanceValues)
        #expect(spec.fingerprint == kind.fingerprint(of: kind.creation(from: Self.acceptanceValues)))
        #expect(spec.fingerprint.count == 64)
        #expect(spec.fingerprint.allSatisfy { "0123456789abcdef".contains($0) })
        // Journals store it: a change to how it is computed would make a
        // resumed run create every export again. Change this value knowingly.
        #expect(spec.fingerprint == Self.acceptanceFingerprint)
        #expect(spec.name == "vulnerabilities")
        #expect(spec.kind == "vulnerabilities")
        #expect(spec.creation == kind.creation(from: Self.acceptanceValues))
    }

    static let acceptanceFingerprint = "f9cf7f3e6f34990f68356511ab7231d265c00c53c50f286f7e4d2ac468b6487c"

    @Test func fingerprintChangesWithEveryPartOfTheRequest() throws {
        let kind = try Self.kind("vulnerabilities")
        let base = kind.fingerprint(of: kind.creation(from: Self.acceptanceValues))
        var variants: [[String: Value]] = []
        for (key, value) in [
            ("category", Value.string("host")), ("export_size", .integer(1001)),
            ("export_headers", Self.headers([("vul_name", "Vulnerability"), ("cve_ids", "CVEs")])),
            ("export_headers", Self.headers([("cve_ids", "CVE"), ("vul_name", "Vulnerability")])),
            ("vul_id_list", .stringList(["v1"])), ("type", .string("linux_vul")),
        ] {
            var values = Self.acceptanceValues
            values[key] = value
            variants.append(values)
        }
        let fingerprints = variants.map { kind.fingerprint(of: kind.creation(from: $0)) }
        #expect(Set(fingerprints + [base]).count == variants.count + 1)
        // The same request under another kind name is another export.
        let renamed = ExportKind(name: "vulns", operation: kind.operation, pathSegments: kind.pathSegments, parameters: kind.parameters, summary: "")
        #expect(renamed.fingerprint(of: kind.creation(from: Self.acceptanceValues)) != base)
        // Body key order is part of the bytes sent.
        let headers = Self.headers([("vul_name", "Vulnerability")]).json
        let ordered = ExportCreation(operation: "ExportVuls", pathSegments: ["vul", "export"], body: .object([("a", .integer(1)), ("b", headers)]))
        var swapped = ordered
        swapped.body = .object([("b", headers), ("a", .integer(1))])
        #expect(kind.fingerprint(of: ordered) != kind.fingerprint(of: swapped))
    }

    @Test func fingerprintIgnoresQueryOrderAsTheServerDoes() throws {
        let kind = try Self.kind("events")
        let values: [String: Value] = ["category": .string("host"), "event_id": .string("e1"), "event_types": .integerList([1001, 4002])]
        var reversed = values
        reversed["event_types"] = .integerList([4002, 1001])
        let creation = kind.creation(from: values)
        var shuffled = creation
        shuffled.query.reverse()
        #expect(kind.fingerprint(of: creation) == kind.fingerprint(of: shuffled))
        #expect(kind.fingerprint(of: creation) == kind.fingerprint(of: kind.creation(from: reversed)))
        // An item in the query is not the same as the same text in the body.
        let query = ExportCreation(operation: "x", pathSegments: ["p"], query: [.init(name: "a", value: "1")], body: .null)
        let body = ExportCreation(operation: "x", pathSegments: ["p"], body: .array([.array([.string("a"), .string("1")])]))
        #expect(kind.fingerprint(of: query) != kind.fingerprint(of: body))
    }

    // MARK: Checks

    @Test func checksValuesAgainstTheirParameters() throws {
        let kind = try Self.kind("vulnerabilities")
        let problems = kind.problems(
            in: [
                "category": .string("vull"), "export_size": .integer(0), "export_headers": Self.headers([("vul_name", ""), ("", "CVE")]),
                "vul_id_list": .stringList([]), "limit": .string("ten"), "export_sise": .integer(1),
            ], exportName: "nightly")
        #expect(
            problems.map(\.description) == [
                "unknown key 'export_sise' in export 'nightly'; did you mean 'export_size'?",
                "'export_size' of export 'nightly' is 0, less than 1; use 1 or more",
                "'category' of export 'nightly' must be one of vul, host, not 'vull'; did you mean 'vul'? write one of vul, host",
                "'limit' of export 'nightly' must be a whole number; write 'limit: 1'",
                "element 1 of 'export_headers' of export 'nightly' has an empty title; "
                    + "write each element as [field, title], both non-empty, e.g. [vul_name, Vulnerability]",
                "element 2 of 'export_headers' of export 'nightly' has an empty field; "
                    + "write each element as [field, title], both non-empty, e.g. [vul_name, Vulnerability]",
                "'vul_id_list' of export 'nightly' is an empty list; list at least one value, e.g. 'vul_id_list: [a, b]', or remove the key",
            ])
        #expect(problems[4].parameter == "export_headers" && problems[4].element == 0)
        #expect(
            kind.problems(in: [:], exportName: "v").map(\.description) == [
                "export 'v' needs 'export_size'; add 'export_size: 1000' (a whole number, at least 1)",
                "export 'v' needs 'category'; add 'category: vul' (one of vul, host)",
                "export 'v' needs 'export_headers'; add 'export_headers: [[vul_name, Vulnerability], [cve_ids, CVE]]' (a list of [field, title] pairs)",
            ])
        #expect(kind.problems(in: Self.acceptanceValues, exportName: "v").isEmpty)
        let baseline = try Self.kind("baseline")
        #expect(
            baseline.problems(in: ["export_size": .integer(200_001), "export_headers": Self.headers([("a", "A")])], exportName: "b")
                .map(\.description) == ["'export_size' of export 'b' is 200001, outside 1...200000; use a value between 1 and 200000"])
        let assets = try Self.kind("assets")
        let base: [String: Value] = ["asset_type": .string("port"), "category": .string("host"), "export_headers": Self.headers([("port", "Port")])]
        var long = base
        long["search_param"] = .string(String(repeating: "x", count: 129))
        #expect(
            assets.problems(in: long, exportName: "a").map(\.description) == [
                "'search_param' of export 'a' is 129 characters, more than 128; shorten it to at most 128 characters",
                #"'search_param' of export 'a' must be a JSON object, not '\#(String(repeating: "x", count: 129))'; "#
                    + #"write JSON text in single quotes, e.g. '{"port_string": "8080"}'"#,
            ])
        var json = base
        json["search_param"] = .string(#"{"port_string": "8080"}"#)
        #expect(assets.problems(in: json, exportName: "a").isEmpty)
    }

    @Test func checksTheEventTimeRules() throws {
        let kind = try Self.kind("events")
        func problems(_ extra: [String: Value]) -> [String] {
            kind.problems(in: ["category": .string("host"), "event_id": .string("e1")].merging(extra) { $1 }, exportName: "ev").map(\.description)
        }
        let day = 86_400_000
        let begin = 1_715_644_800_000
        #expect(problems(["begin_time": .integer(begin), "end_time": .integer(begin + 2 * day)]).isEmpty)
        #expect(problems(["last_days": .integer(7)]).isEmpty)
        #expect(
            problems(["last_days": .integer(7), "begin_time": .integer(begin), "end_time": .integer(begin + day)]) == [
                "'begin_time' cannot be used together with 'last_days' in export 'ev'; keep one of 'last_days' and 'begin_time'"
            ])
        #expect(
            problems(["begin_time": .integer(begin)]) == [
                "'begin_time' of export 'ev' is set without 'end_time'; add 'end_time: 1715731200000' or remove 'begin_time'"
            ])
        #expect(
            problems(["end_time": .integer(begin)]) == [
                "'end_time' of export 'ev' is set without 'begin_time'; add 'begin_time: 1715644800000' or remove 'end_time'"
            ])
        #expect(
            problems(["begin_time": .integer(begin), "end_time": .integer(begin)]) == [
                "'end_time' (1715644800000) of export 'ev' is not after 'begin_time' (1715644800000); "
                    + "make 'end_time' later than 'begin_time' (both epoch milliseconds)"
            ])
        #expect(
            problems(["begin_time": .integer(begin), "end_time": .integer(begin + 2 * day + 1)]) == [
                "'begin_time' and 'end_time' of export 'ev' are 172800001ms apart, more than 48h; "
                    + "HSS exports at most 48h at a time: shorten the range or split it into several exports"
            ])
        #expect(
            problems(["begin_time": .integer(1_715_644_800), "end_time": .integer(1_715_731_200)]) == [
                "'begin_time' of export 'ev' is 1715644800, which looks like seconds, not milliseconds; write epoch milliseconds: 1715644800000",
                "'end_time' of export 'ev' is 1715731200, which looks like seconds, not milliseconds; write epoch milliseconds: 1715731200000",
            ])
    }

    // MARK: Against the SDK itself

    static let python = ProcessInfo.processInfo.environment["HSS_SDK_PYTHON"] ?? PackagePaths.root + "/.venv/bin/python3"

    /// Builds the SDK's request model from the values and prints what its
    /// client would put on the wire: path, query pairs, compact body.
    static let sdkScript = #"""
        import json, re, sys
        from huaweicloudsdkhss.v5 import model as models
        from huaweicloudsdkhss.v5.hss_client import HssClient
        from huaweicloudsdkcore.utils import http_utils

        spec = json.loads(sys.argv[1])
        request_class = getattr(models, spec["operation"] + "Request")
        request = request_class()
        for key, value in spec["query"].items():
            setattr(request, key, value)

        def build(type_name, data):
            cls = getattr(models, type_name)
            return cls(**{attr: (build(t, data[attr]) if isinstance(data[attr], dict) else data[attr])
                          for attr, t in cls.openapi_types.items() if attr in data})

        body_type = request_class.openapi_types.get("body")
        if spec["body"] is not None:
            request.body = spec["body"] if body_type.startswith("list") else build(body_type, spec["body"])
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", spec["operation"]).lower()
        info = getattr(HssClient, "_" + snake + "_http_info")(request)
        query = []
        for key, value in info["query_params"]:
            for item in (value if isinstance(value, list) else [value]):
                if item is not None:
                    query.append([key, ("true" if item else "false") if isinstance(item, bool) else str(item)])
        body = http_utils.sanitize_for_serialization(info["body"])
        print(json.dumps({"path": info["resource_path"], "query": sorted(query),
                          "body": None if body is None else json.dumps(body, separators=(",", ":"), ensure_ascii=False)}))
        """#

    /// A value of the right type for every parameter.
    static func sampleValues(_ kind: ExportKind) -> [String: Value] {
        var values: [String: Value] = [:]
        for (index, parameter) in kind.parameters.enumerated() {
            switch parameter.type {
            case .string: values[parameter.name] = .string("s\(index)")
            case .oneOf(let choices): values[parameter.name] = .string(choices[choices.count - 1])
            case .integer: values[parameter.name] = .integer(100 + index)
            case .boolean: values[parameter.name] = .boolean(index % 2 == 0)
            case .stringList: values[parameter.name] = .stringList(["a\(index)", "b\(index)"])
            case .integerList: values[parameter.name] = .integerList([1001, 4002])
            case .headers: values[parameter.name] = headers([("f\(index)", "T\(index)"), ("g", "G")])
            }
        }
        return values
    }

    /// The values as the script's input: query by name, body nested by path.
    static func sdkInput(_ kind: ExportKind, _ values: [String: Value]) -> String {
        var query: [(key: String, value: JSONValue)] = []
        var body: [String: Any] = [:]
        var bare: JSONValue?
        for parameter in kind.parameters {
            guard let value = values[parameter.name] else { continue }
            switch parameter.location {
            case .query: query.append((parameter.name, value.json))
            case .body(let path) where path.isEmpty: bare = value.json
            case .body(let path):
                if path.count == 1 { body[path[0]] = value.json } else { body[path[0], default: [String: JSONValue]()] = [path[1]: value.json] }
            }
        }
        func json(_ any: Any) -> JSONValue {
            if let value = any as? JSONValue { return value }
            let dictionary = any as? [String: Any] ?? [:]
            return .object(dictionary.keys.sorted().map { ($0, json(dictionary[$0]!)) })
        }
        let bodyJSON: JSONValue = kind.bodyShape == .bareHeaders ? (bare ?? .null) : json(body)
        return JSONValue.object([("operation", .string(kind.operation)), ("query", .object(query)), ("body", bodyJSON)]).serialized
    }

    @Test(.enabled(if: ExternalTool.shouldRun(python)), arguments: ExportKind.names)
    func everyParameterReachesTheWireAsTheSDKSendsIt(name: String) async throws {
        let kind = try Self.kind(name)
        let values = Self.sampleValues(kind)
        let python = try ExternalTool.require(Self.python, package: "a venv with huaweicloudsdkhss==3.1.219 (see the README)")
        let output = try await ProcessRunner.run(python, ["-c", Self.sdkScript, Self.sdkInput(kind, values)], timeout: .seconds(60))
        try #require(output.status == 0, "\(output.standardError)")
        let sdk = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
        let creation = kind.creation(from: values)
        #expect(sdk["path"] as? String == "/v5/{project_id}/" + creation.pathSegments.joined(separator: "/"))
        let sdkQuery = (sdk["query"] as? [[String]] ?? []).map { ExportCreation.QueryItem(name: $0[0], value: $0[1]) }
        #expect(Self.sorted(creation.query) == sdkQuery)
        #expect((sdk["body"] as? String) == (creation.body == .null ? nil : creation.body.serialized))
    }
}
