import Foundation
import HSSSimulator
import Testing

@Suite("Creation statistics and the creations route")
struct CreationStatisticsTests {
    @Test("the same export counts once per identity however its JSON is spaced or ordered")
    func identities() async throws {
        try await withSimulator { client, simulator in
            let spaced = CreateCase.baseline
            let compact = spaced.with(body: #"{"export_size":500,"category":"weak-password","export_headers":[["check_name","Check"]]}"#)
            _ = try await client.createTask(spaced)
            var statistics = await simulator.statistics
            #expect(statistics.duplicateExports.isEmpty)
            _ = try await client.createTask(compact)
            _ = try await client.createTask(.vulnerabilities)
            // Query order does not matter either: the identity uses the sorted query.
            let path = createPath("vul/export") + "?export_size=100&category=vul"
            #expect(try await client.postWithToken(path, body: CreateCase.vulnerabilities.body).status == 200)
            statistics = await simulator.statistics
            #expect(statistics.creations == 4)
            #expect(statistics.exports.count == 2)
            #expect(statistics.exports.values.sorted() == [2, 2])
            let baseline =
                #"ExportBaselineSecurityCheckReport  {"category":"weak-password","export_headers":[["check_name","Check"]],"export_size":500}"#
            #expect(statistics.exports[baseline] == 2)
            #expect(statistics.duplicateExports.count == 2)
            #expect(
                statistics.exports[#"ExportVuls category=vul&export_size=100 {"export_headers":[["vul_name","Vulnerability"],["cve_ids","CVE"]]}"#]
                    == 2)
        }
    }

    @Test("/_simulator/statistics reports creations, duplicates and downloads")
    func statisticsRoute() async throws {
        try await withSimulator { client, _ in
            let taskID = try await client.createTask(.events)
            _ = try await client.createTask(.events)
            let fileID = try #require(try await client.poll(taskID)["file_id"])
            _ = try await client.getWithToken(downloadPath(fileID))
            let statistics = try await client.control("/_simulator/statistics")
            let creations = try #require(statistics["creations"] as? [String: Any])
            #expect(creations["total"] as? Int == 2)
            let exports = try #require(creations["exports"] as? [[String: Any]])
            #expect(exports.count == 1)
            #expect(exports.first?["operation"] as? String == "ExportEventRequest")
            #expect(exports.first?["count"] as? Int == 2)
            #expect(
                exports.first?["identity"] as? String
                    == #"ExportEventRequest category=host&event_id=e1&event_types=1001&event_types=4002&last_days=7 [["event_name","Alarm"],["severity","Severity"]]"#
            )
            #expect((creations["duplicates"] as? [String])?.count == 1)
            #expect(statistics["downloads"] as? [String: Int] == [fileID: 1])
            #expect(statistics["truncated_downloads"] as? [String: Int] == [:])
            #expect(statistics["throttled_by_api"] as? [String: Int] == [:])
            let tasks = try #require(statistics["tasks"] as? [String: Any])
            #expect((tasks[taskID] as? [String: Any])?["polls"] as? Int == 1)
        }
    }

    @Test("/_simulator/creations lists every create request as received, in order")
    func creationsRoute() async throws {
        try await withSimulator { client, simulator in
            let request = CreateCase.events
            let taskID = try await client.createTask(request)
            let refused = try await client.create(request.setting("event_id", nil))
            #expect(refused.status == 400)
            let document = try await client.control("/_simulator/creations")
            let creations = try #require(document["creations"] as? [[String: Any]])
            #expect(creations.count == 2)
            let first = try #require(creations.first)
            #expect(first["operation"] as? String == "ExportEventRequest")
            #expect(first["path"] as? String == "/v5/\(HTTPTestClient.projectID)/event/export")
            #expect(first["query"] as? String == "category=host&event_id=e1&event_types=1001&event_types=4002&last_days=7")
            #expect(first["body"] as? String == #"[["event_name", "Alarm"], ["severity", "Severity"]]"#)
            #expect(first["task_id"] as? String == taskID)
            #expect(first["status"] as? Int == 200)
            #expect(first["error_code"] is NSNull)
            #expect(creations[1]["task_id"] is NSNull)
            #expect(creations[1]["status"] as? Int == 400)
            #expect(creations[1]["error_code"] as? String == "HSS.1001")
            let swift = await simulator.creations
            #expect(swift.map(\.taskID) == [taskID, nil])
            #expect(swift.first?.query == "category=host&event_id=e1&event_types=1001&event_types=4002&last_days=7")
        }
    }
}
