import Foundation
import HSSSigning
import HSSSimulator
import Testing

@Suite("Create routes over HTTP")
struct CreateRouteTests {
    @Test("every create route answers task_id and record_total_num, and the task polls", arguments: CreateCase.all)
    func creates(_ request: CreateCase) async throws {
        try await withSimulator { client, simulator in
            let response = try await client.create(request)
            #expect(response.status == 200, "\(response.text)")
            #expect(response.requestID != nil)
            #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
            let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
            #expect(Set(object.keys) == ["task_id", "record_total_num"])
            let taskID = try #require(object["task_id"] as? String)
            // The default scenario's template: two entries of 40 rows.
            #expect(object["record_total_num"] as? Int == 80)
            #expect(response.text.hasPrefix(#"{"task_id":""#))
            let task = try await client.poll(taskID)
            #expect(task["task_id"] == taskID)
            #expect(task["task_status"] == "running")
            #expect(task["file_name"]?.hasPrefix("hss-") == true)
            #expect(task["file_name"]?.hasSuffix(".zip") == true)
            #expect(task["file_id"]?.isEmpty == false)
            let statistics = await simulator.statistics
            #expect(statistics.creations == 1)
            #expect(statistics.polls(of: taskID) == 1)
        }
    }

    @Test("the default file names read like HSS's")
    func defaultFileNames() async throws {
        try await withSimulator { client, _ in
            let vulnerabilities = try await client.poll(try await client.createTask(.vulnerabilities))
            let fileID = try #require(vulnerabilities["file_id"])
            #expect(vulnerabilities["file_name"] == "hss-vul-vul-zh-\(fileID.prefix(8)).zip")
            let events = try await client.poll(try await client.createTask(.events))
            #expect(events["file_name"]?.hasPrefix("hss-event-host-zh-") == true)
            #expect(events["task_name"] == "events export 2")
        }
    }

    @Test("an event export accepts an empty body and a begin/end range of exactly 2 days")
    func eventVariants() async throws {
        try await withSimulator { client, _ in
            let range = CreateCase.events.setting("last_days", nil).setting("begin_time", "1714521600000").setting("end_time", "1714694400000")
            for request in [CreateCase.events.with(body: ""), range, CreateCase.events.with(body: "[]")] {
                let response = try await client.create(request)
                #expect(response.status == 200, "\(response.text)")
            }
        }
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var name: String
        var request: CreateCase
        var parameter: String
        var testDescription: String { name }
    }

    static let invalid: [Invalid] = {
        let vul = CreateCase.vulnerabilities
        let event = CreateCase.events
        let asset = CreateCase.assets
        let baseline = CreateCase.baseline
        let container = CreateCase.containers
        let report = CreateCase.report
        let headers = #""export_headers": [["a", "b"]]"#
        return [
            Invalid(name: "vul: no export_size", request: vul.setting("export_size", nil), parameter: "export_size"),
            Invalid(name: "vul: export_size not a number", request: vul.setting("export_size", "lots"), parameter: "export_size"),
            Invalid(name: "vul: no category", request: vul.setting("category", nil), parameter: "category"),
            Invalid(name: "vul: unknown category", request: vul.setting("category", "container"), parameter: "category"),
            Invalid(
                name: "vul: category twice", request: vul.setting("category", "vul").setting("x", nil).repeating("category", "host"),
                parameter: "category"),
            Invalid(name: "vul: unknown type", request: vul.setting("type", "mac_vul"), parameter: "type"),
            Invalid(name: "vul: negative limit", request: vul.setting("limit", "-1"), parameter: "limit"),
            Invalid(name: "vul: no body", request: vul.with(body: ""), parameter: "request body"),
            Invalid(name: "vul: body not JSON", request: vul.with(body: #"{"export_headers": ["#), parameter: "request body"),
            Invalid(name: "vul: body a list", request: vul.with(body: #"[["a", "b"]]"#), parameter: "request body"),
            Invalid(name: "vul: no export_headers", request: vul.with(body: "{}"), parameter: "export_headers"),
            Invalid(name: "vul: empty export_headers", request: vul.with(body: #"{"export_headers": []}"#), parameter: "export_headers"),
            Invalid(name: "vul: export_headers a string", request: vul.with(body: #"{"export_headers": "vul_name"}"#), parameter: "export_headers"),
            Invalid(
                name: "vul: a header not a pair", request: vul.with(body: #"{"export_headers": [["vul_name"]]}"#), parameter: "export_headers[0]"),
            Invalid(
                name: "vul: a title not a string", request: vul.with(body: #"{"export_headers": [["a", "b"], ["c", 1]]}"#),
                parameter: "export_headers[1]"),
            Invalid(name: "vul: empty field", request: vul.with(body: #"{"export_headers": [["", "b"]]}"#), parameter: "export_headers[0]"),
            Invalid(
                name: "vul: unknown body key", request: vul.with(body: "{\(headers), \"export_header_list\": []}"), parameter: "export_header_list"),
            Invalid(name: "vul: vul_id_list not strings", request: vul.with(body: "{\(headers), \"vul_id_list\": [1]}"), parameter: "vul_id_list"),
            Invalid(name: "vul: key twice", request: vul.with(body: "{\(headers), \(headers)}"), parameter: "export_headers"),
            Invalid(name: "event: no category", request: event.setting("category", nil), parameter: "category"),
            Invalid(name: "event: unknown category", request: event.setting("category", "vul"), parameter: "category"),
            Invalid(name: "event: no event_id", request: event.setting("event_id", nil), parameter: "event_id"),
            Invalid(name: "event: last_days zero", request: event.setting("last_days", "0"), parameter: "last_days"),
            Invalid(
                name: "event: last_days with begin_time", request: event.setting("begin_time", "1714521600000").setting("end_time", "1714521600001"),
                parameter: "begin_time"),
            Invalid(
                name: "event: begin_time without end_time", request: event.setting("last_days", nil).setting("begin_time", "1714521600000"),
                parameter: "end_time"),
            Invalid(
                name: "event: end_time without begin_time", request: event.setting("last_days", nil).setting("end_time", "1714521600000"),
                parameter: "begin_time"),
            Invalid(
                name: "event: more than 2 days",
                request: event.setting("last_days", nil).setting("begin_time", "1714521600000").setting("end_time", "1714694400001"),
                parameter: "end_time"),
            Invalid(
                name: "event: end before begin",
                request: event.setting("last_days", nil).setting("begin_time", "1714521600000").setting("end_time", "1714521500000"),
                parameter: "end_time"),
            Invalid(
                name: "event: begin_time not a number",
                request: event.setting("last_days", nil).setting("begin_time", "yesterday").setting("end_time", "1"), parameter: "begin_time"),
            Invalid(name: "event: event_types not numbers", request: event.repeating("event_types", "malware"), parameter: "event_types"),
            Invalid(name: "event: auto_block not a bool", request: event.setting("auto_block", "yes"), parameter: "auto_block"),
            Invalid(name: "event: body an object", request: event.with(body: "{\(headers)}"), parameter: "request body"),
            Invalid(name: "event: a header not strings", request: event.with(body: #"[["event_name", 1]]"#), parameter: "request body[0]"),
            Invalid(name: "asset: no asset_type", request: asset.setting("asset_type", nil), parameter: "asset_type"),
            Invalid(name: "asset: unknown asset_type", request: asset.setting("asset_type", "ports"), parameter: "asset_type"),
            Invalid(name: "asset: no category", request: asset.setting("category", nil), parameter: "category"),
            Invalid(name: "asset: no export_headers", request: asset.with(body: #"{"search_param": "x"}"#), parameter: "export_headers"),
            Invalid(
                name: "asset: search_param over 128",
                request: asset.with(body: "{\(headers), \"search_param\": \"\(String(repeating: "x", count: 129))\"}"),
                parameter: "search_param"),
            Invalid(
                name: "asset: search_param not a string", request: asset.with(body: "{\(headers), \"search_param\": {}}"), parameter: "search_param"),
            Invalid(name: "baseline: no body", request: baseline.with(body: ""), parameter: "request body"),
            Invalid(
                name: "baseline: no export_headers", request: baseline.with(body: #"{"category": "weak-password"}"#), parameter: "export_headers"),
            Invalid(name: "baseline: unknown category", request: baseline.with(body: "{\(headers), \"category\": \"weak\"}"), parameter: "category"),
            Invalid(name: "baseline: export_size 0", request: baseline.with(body: "{\(headers), \"export_size\": 0}"), parameter: "export_size"),
            Invalid(
                name: "baseline: export_size over 200000", request: baseline.with(body: "{\(headers), \"export_size\": 200001}"),
                parameter: "export_size"),
            Invalid(
                name: "baseline: export_size a string", request: baseline.with(body: "{\(headers), \"export_size\": \"10\"}"),
                parameter: "export_size"),
            Invalid(name: "container: export_size 0", request: container.setting("export_size", "0"), parameter: "export_size"),
            Invalid(name: "container: export_size over 100000", request: container.setting("export_size", "100001"), parameter: "export_size"),
            Invalid(name: "container: no export_headers", request: container.with(body: "{}"), parameter: "export_headers"),
            Invalid(name: "report: no type", request: report.with(body: #"{"operational_report_data": {"report_id": "r"}}"#), parameter: "type"),
            Invalid(
                name: "report: wrong type", request: report.with(body: #"{"type": "vul", "operational_report_data": {"report_id": "r"}}"#),
                parameter: "type"),
            Invalid(name: "report: no data", request: report.with(body: #"{"type": "operational-report"}"#), parameter: "operational_report_data"),
            Invalid(
                name: "report: no report_id", request: report.with(body: #"{"type": "operational-report", "operational_report_data": {}}"#),
                parameter: "operational_report_data.report_id"),
            Invalid(
                name: "report: empty report_id",
                request: report.with(body: #"{"type": "operational-report", "operational_report_data": {"report_id": ""}}"#),
                parameter: "operational_report_data.report_id"),
        ]
    }()

    @Test("missing or invalid parameters are 400 HSS.1001 naming the parameter, and create nothing", arguments: invalid)
    func invalidParameters(_ invalid: Invalid) async throws {
        try await withSimulator { client, simulator in
            let response = try await client.create(invalid.request)
            #expect(response.status == 400, "\(response.text)")
            #expect(response.requestID != nil)
            let body = try response.json()
            #expect(body["error_code"] == "HSS.1001")
            #expect(body["error_msg"]?.contains("'\(invalid.parameter)'") == true, "\(body["error_msg"] ?? "")")
            #expect(await simulator.statistics.creations == 0)
            let creations = await simulator.creations
            #expect(creations.count == 1)
            #expect(creations.first?.taskID == nil)
            #expect(creations.first?.status == 400)
            #expect(creations.first?.errorCode == "HSS.1001")
        }
    }

    @Test("a create without a JSON Content-Type is 400")
    func contentType() async throws {
        try await withSimulator { client, simulator in
            let path = createPath("vul/export") + "?category=vul&export_size=1"
            let body = CreateCase.vulnerabilities.body
            let plain = try await client.postWithToken(path, body: body, contentType: "text/plain")
            #expect(plain.status == 400)
            #expect(try plain.json()["error_msg"]?.contains("'Content-Type'") == true)
            // The token path reads the body itself.
            let json = try await client.postWithToken(path, body: body)
            #expect(json.status == 200, "\(json.text)")
            #expect(await simulator.statistics.creations == 1)
        }
    }

    @Test("the signature covers the body: a changed body is 401 and creates nothing")
    func tamperedBody() async throws {
        try await withSimulator { client, simulator in
            let request = CreateCase.vulnerabilities
            let tampered = try await client.postSigned(
                path: createPath(request.path), query: request.query, body: request.body,
                sentBody: #"{"export_headers": [["vul_name", "Vulnerability"], ["cve_ids", "CVE!"]]}"#, credentials: exampleCredentials)
            #expect(tampered.status == 401)
            #expect(try tampered.json()["error_code"] == "APIG.0301")
            #expect(try tampered.json()["error_msg"]?.contains("signature mismatch") == true)
            // One changed byte of whitespace is a change too.
            let respaced = try await client.postSigned(
                path: createPath(request.path), query: request.query, body: request.body,
                sentBody: request.body.replacingOccurrences(of: ", ", with: ","), credentials: exampleCredentials)
            #expect(respaced.status == 401)
            let statistics = await simulator.statistics
            #expect(statistics.creations == 0)
            #expect(statistics.unauthorizedRequests == 2)
            #expect(await simulator.creations.isEmpty)
        }
    }

    @Test("a declared payload hash must be the body's, and a POST cannot opt out with UNSIGNED-PAYLOAD")
    func declaredPayloadHash() async throws {
        try await withSimulator { client, simulator in
            let request = CreateCase.vulnerabilities
            let original = CanonicalRequest.payloadHash(SigningRequest(method: "POST", host: "", path: "/", body: Array(request.body.utf8)))
            // Signed over the declared hash of the original body, sent with another body.
            let swapped = try await client.postSigned(
                path: createPath(request.path), query: request.query, body: request.body, sentBody: #"{"export_headers": [["x", "y"]]}"#,
                credentials: exampleCredentials, extraHeaders: [(name: "X-Sdk-Content-Sha256", value: original)])
            #expect(swapped.status == 401)
            #expect(try swapped.json()["error_msg"]?.contains("X-Sdk-Content-Sha256") == true)
            let unsigned = try await client.postSigned(
                path: createPath(request.path), query: request.query, body: request.body, credentials: exampleCredentials,
                extraHeaders: [(name: "X-Sdk-Content-Sha256", value: "UNSIGNED-PAYLOAD")])
            #expect(unsigned.status == 401)
            #expect(try unsigned.json()["error_msg"]?.contains("must be signed") == true)
            // The declared hash of the body actually sent is fine.
            let declared = try await client.postSigned(
                path: createPath(request.path), query: request.query, body: request.body, credentials: exampleCredentials,
                extraHeaders: [(name: "X-Sdk-Content-Sha256", value: original)])
            #expect(declared.status == 200, "\(declared.text)")
            #expect(await simulator.statistics.creations == 1)
        }
    }

    @Test("a create for another project is 404 HSS.1004 and is not logged")
    func wrongProject() async throws {
        try await withSimulator { client, simulator in
            let other = "ffffffffffffffffffffffffffffffff"
            let response = try await client.send(
                method: "POST", createPath("vul/export", project: other) + "?category=vul&export_size=1",
                headers: [(name: "X-Auth-Token", value: "demo-token"), (name: "Content-Type", value: "application/json")],
                body: Array(CreateCase.vulnerabilities.body.utf8))
            #expect(response.status == 404)
            #expect(try response.json()["error_code"] == "HSS.1004")
            #expect(await simulator.creations.isEmpty)
        }
    }
}

extension CreateCase {
    /// This case with one more value for `name` (a repeated key).
    func repeating(_ name: String, _ value: String) -> CreateCase {
        var copy = self
        copy.query.append((name: name, value: value))
        return copy
    }
}
