import Foundation
import HSSSimulator
import Testing

@Suite("Created tasks follow the export template")
struct ExportTemplateTests {
    @Test("without a template a created task runs for 2 polls, then succeeds")
    func defaultTemplate() async throws {
        let scenario = try scenario(tasks: "  []")
        try await withSimulator(scenario) { client, simulator in
            let taskID = try await client.createTask(.vulnerabilities)
            var statuses: [String] = []
            for _ in 0..<4 {
                statuses.append(try await client.poll(taskID)["task_status"] ?? "?")
            }
            #expect(statuses == ["running", "running", "success", "success"])
            #expect(await simulator.statistics.polls(of: taskID) == 4)
        }
    }

    @Test("the template's script plays like a task's, scripted errors included")
    func scriptedTemplate() async throws {
        let scenario = try scenario(
            tasks: "  []",
            extra: """
                export_template:
                  task_name: "nightly {kind} #{n}"
                  script:
                    - {status: running, polls: 1}
                    - {http_status: 503, polls: 1}
                    - {status: success}
                """)
        try await withSimulator(scenario) { client, _ in
            let taskID = try await client.createTask(.events)
            let first = try await client.getWithToken(taskPath(taskID))
            #expect(try first.json()["task_status"] == "running")
            #expect(try first.json()["task_name"] == "nightly events #1")
            let second = try await client.getWithToken(taskPath(taskID))
            #expect(second.status == 503)
            #expect(try second.json()["error_code"] == "HSS.1000")
            #expect(try await client.poll(taskID)["task_status"] == "success")
            // Each created task has its own script position.
            let other = try await client.createTask(.events)
            let answer = try await client.poll(other)
            #expect(answer["task_status"] == "running")
            #expect(answer["task_name"] == "nightly events #2")
        }
    }

    @Test("per-kind templates override the general one key by key, keyed by kind, operation or path")
    func perKindTemplates() async throws {
        let scenario = try scenario(
            tasks: "  []",
            extra: """
                export_template:
                  file_name: "base-{n}.zip"
                  script: [{status: success}]
                export_templates:
                  vulnerabilities: {script: [{status: failure}]}
                  ExportEventRequest: {file_name: "events-{n}.zip"}
                  asset/export: {script: [{status: running}], file_name: "assets.zip"}
                """)
        try await withSimulator(scenario) { client, _ in
            let vul = try await client.poll(try await client.createTask(.vulnerabilities))
            #expect(vul["task_status"] == "failure")
            #expect(vul["file_name"] == "base-1.zip")
            let event = try await client.poll(try await client.createTask(.events))
            #expect(event["task_status"] == "success")
            #expect(event["file_name"] == "events-2.zip")
            let asset = try await client.poll(try await client.createTask(.assets))
            #expect(asset["task_status"] == "running")
            #expect(asset["file_name"] == "assets.zip")
            let container = try await client.poll(try await client.createTask(.containers))
            #expect(container["task_status"] == "success")
            #expect(container["file_name"] == "base-4.zip")
        }
    }

    @Test(
        "hostile file names are served verbatim in the task",
        arguments: [
            "../../x", "/etc/passwd", "a\u{1}b\tc\u{7F}d\r\ne.zip", String(repeating: "n", count: 296) + ".zip", "..\\..\\windows.zip",
            "报告 \"2024\".zip",
        ])
    func hostileFileNames(_ name: String) async throws {
        let escaped = name.unicodeScalars.map { scalar in
            (0x20..<0x7F).contains(scalar.value) && scalar != "\"" && scalar != "\\" ? String(scalar) : String(format: "\\U%08X", scalar.value)
        }.joined()
        let scenario = try scenario(tasks: "  []", extra: "export_template: {file_name: \"\(escaped)\"}")
        try await withSimulator(scenario) { client, _ in
            let taskID = try await client.createTask(.vulnerabilities)
            let response = try await client.getWithToken(taskPath(taskID))
            #expect(try response.json()["file_name"] == name)
            // The download's Content-Disposition carries a safe version only.
            let fileID = try #require(try response.json()["file_id"])
            let download = try await client.getWithToken(downloadPath(fileID))
            #expect(download.status == 200)
            let disposition = try #require(download.headers["content-disposition"])
            #expect(disposition.unicodeScalars.allSatisfy { (0x20..<0x7F).contains($0.value) })
        }
    }

    @Test("the record_total_num follows the archive, or the template's own number")
    func recordTotalNum() async throws {
        let scenario = try scenario(
            tasks: "  []",
            extra: """
                export_template: {archive: {entries: 3, rows: 7}}
                export_templates:
                  events: {record_total_num: 12345}
                """)
        try await withSimulator(scenario) { client, _ in
            let vul = try JSONSerialization.jsonObject(with: try await client.create(.vulnerabilities).body) as? [String: Any]
            #expect(vul?["record_total_num"] as? Int == 21)
            let events = try JSONSerialization.jsonObject(with: try await client.create(.events).body) as? [String: Any]
            #expect(events?["record_total_num"] as? Int == 12345)
        }
    }

    @Test("scenario tasks keep answering as before next to created ones")
    func scenarioTasksUnchanged() async throws {
        try await withSimulator { client, _ in
            _ = try await client.createTask(.vulnerabilities)
            var statuses: [String] = []
            for _ in 0..<4 {
                statuses.append(try await client.poll("export-vul-0001")["task_status"] ?? "?")
            }
            #expect(statuses == ["running", "running", "running", "success"])
        }
    }
}
