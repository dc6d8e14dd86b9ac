import Foundation
import HSSSigning
import HSSSimulator
import Testing

@Suite("Several projects in one simulator")
struct ProjectTests {
    /// Twelve projects: the primary and eleven more.
    static let projectIDs = [HTTPTestClient.projectID] + (1...11).map { String(format: "%02d", $0) + String(repeating: "e", count: 30) }

    static func twelveProjects() throws -> SimulatorScenario {
        let projects = projectIDs.dropFirst().enumerated().map { "{id: \($0.element), name: cn-north-4_p\($0.offset + 1)}" }
        return try credentialScenario(projects: "[\(projects.joined(separator: ", "))]")
    }

    @Test("12 projects each create 2 exports: unique ids, each project's own, no duplicates")
    func twelveProjectsCreate() async throws {
        try await withSimulator(try Self.twelveProjects()) { client, simulator in
            var taskIDs: [String: [String]] = [:]
            for project in Self.projectIDs {
                for request in [CreateCase.vulnerabilities, CreateCase.baseline] {
                    let response = try await client.signed(
                        "POST", path: projectCreatePath(request.path, project: project), query: request.query, body: request.body, project: project,
                        credentials: exampleCredentials)
                    #expect(response.status == 200, "\(project): \(response.text)")
                    let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
                    taskIDs[project, default: []].append(try #require(object["task_id"] as? String))
                }
            }
            let all = taskIDs.values.flatMap { $0 }
            #expect(Set(all).count == 24)
            for (project, ids) in taskIDs {
                for id in ids {
                    let answer = try await client.signed(
                        path: projectTaskPath(id, project: project), project: project, credentials: exampleCredentials)
                    #expect(answer.status == 200)
                }
            }
            let statistics = await simulator.statistics
            #expect(statistics.creations == 24)
            #expect(statistics.duplicateExports.isEmpty)
            #expect(statistics.creationsByProject.count == 12)
            #expect(statistics.creationsByProject.values.allSatisfy { $0 == 2 })
            let creations = try #require(try await client.statistic("creations") as? [String: Any])
            #expect((creations["by_project"] as? [String: Int])?[Self.projectIDs[5]] == 2)
            #expect((creations["duplicates"] as? [String])?.isEmpty == true)
            let log = try #require(try await client.control("/_simulator/creations")["creations"] as? [[String: Any]])
            #expect(log.compactMap { $0["project_id"] as? String }.count == 24)
        }
    }

    @Test("an export created in one project is unknown in another; listed tasks live in the primary project")
    func ownership() async throws {
        try await withSimulator(try credentialScenario()) { client, _ in
            let request = CreateCase.containers
            let created = try await client.signed(
                "POST", path: projectCreatePath(request.path, project: secondProjectID), query: request.query, body: request.body,
                project: secondProjectID, credentials: exampleCredentials)
            let taskID = try #require((try JSONSerialization.jsonObject(with: created.body) as? [String: Any])?["task_id"] as? String)
            let own = try await client.signed(
                path: projectTaskPath(taskID, project: secondProjectID), project: secondProjectID, credentials: exampleCredentials)
            #expect(own.status == 200)
            let fileID = try #require(try own.json()["file_id"])
            let elsewhere = try await client.signed(path: taskPath(taskID), credentials: exampleCredentials)
            #expect(elsewhere.status == 404)
            #expect(try elsewhere.json()["error_code"] == "HSS.1059")
            let download = try await client.signed(
                path: projectDownloadPath(fileID, project: HTTPTestClient.projectID), credentials: exampleCredentials)
            #expect(download.status == 404)
            #expect(try download.json()["error_code"] == "HSS.1060")
            let ownDownload = try await client.signed(
                path: projectDownloadPath(fileID, project: secondProjectID), project: secondProjectID, credentials: exampleCredentials)
            #expect(ownDownload.status == 200)

            #expect(try await client.signed(path: taskPath("t"), credentials: exampleCredentials).status == 200)
            let listed = try await client.signed(
                path: projectTaskPath("t", project: secondProjectID), project: secondProjectID, credentials: exampleCredentials)
            #expect(listed.status == 404)
            let unknown = try await client.signed(path: projectTaskPath("t", project: "nope"), project: "nope", credentials: exampleCredentials)
            #expect(try unknown.json()["error_code"] == "HSS.1004")
        }
    }

    @Test("project ids must be unique and differ from project_id")
    func scenarioErrors() throws {
        let base = "project_id: p1\ntokens: [t]\n"
        #expect(throws: SimulatorScenarioError.self) { try SimulatorScenario(yaml: base + "projects: [{id: p1, name: x}]") }
        #expect(throws: SimulatorScenarioError.self) { try SimulatorScenario(yaml: base + "projects: [{id: p2, name: x}, {id: p2, name: y}]") }
        #expect(throws: SimulatorScenarioError.self) { try SimulatorScenario(yaml: base + "projects: [{id: p2}]") }
        let scenario = try SimulatorScenario(yaml: base + "projects: [{id: p2, name: x}]")
        #expect(scenario.allProjects.map(\.name) == ["cn-north-4", "x"])
    }
}
