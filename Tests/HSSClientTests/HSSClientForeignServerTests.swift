import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import HSSSigning
import Logging
import TestSupport
import Testing

/// The client against a real HTTP server that is not HSS (Python's `http.server`): what a
/// user sees when the endpoint points at the wrong thing.
@Suite struct HSSClientForeignServerTests {
    static let projectID = SimulatorFixture.projectID

    @Test(.enabled(if: ExternalTool.shouldRun("python3")))
    func htmlSuccessBodyIsATransientGarbageResponse() async throws {
        let error = try await ForeignServerFixture.withServer { client, _ in
            try await #require(throws: HSSResponseError.self) { try await client.queryExportTask("html-1") }
        }
        #expect(error.kind == .garbage(preview: "<html><body>Welcome to the portal</body></html>"))
        #expect(error.status == 200)
        // A proxy's page may stand in for HSS for a while: retried until the deadline.
        #expect(error.disposition == .transient)
        #expect(error.recordFailure.code == "garbage-response")
        // http.server types a file without an extension application/octet-stream.
        #expect(
            error.description.hasPrefix(
                "HTTP 200 with an application/octet-stream body, not JSON: <html><body>Welcome to the portal</body></html> (GET http://127.0.0.1:"),
            "\(error)")
        #expect(error.description.hasSuffix("check that the endpoint is the HSS API and not a proxy or portal page"))
    }

    @Test(.enabled(if: ExternalTool.shouldRun("python3")))
    func jsonThatIsNotAnObjectIsAWrongType() async throws {
        let error = try await ForeignServerFixture.withServer { client, _ in
            try await #require(throws: HSSResponseError.self) { try await client.queryExportTask("array-1") }
        }
        #expect(error.kind == .wrongType(field: nil, found: "an array", preview: #"["task_id","t"]"#))
        #expect(error.disposition == .transient)
    }

    @Test(.enabled(if: ExternalTool.shouldRun("python3")))
    func redirectIsNotFollowed() async throws {
        // http.server answers a directory path without its trailing slash with 301.
        let error = try await ForeignServerFixture.withServer { client, _ in
            try await #require(throws: HSSResponseError.self) { try await client.queryExportTask("a-directory") }
        }
        #expect(error.kind == .redirect(location: "/v5/\(Self.projectID)/export-task/a-directory/"))
        #expect(error.status == 301)
        #expect(error.disposition == .permanent)
        #expect(error.description.contains("redirects are not followed"))
    }

    @Test(.enabled(if: ExternalTool.shouldRun("python3")))
    func htmlErrorPageKeepsTheStatusAsCode() async throws {
        let error = try await ForeignServerFixture.withServer { client, _ in
            try await #require(throws: HSSAPIError.self) { try await client.queryExportTask("missing-1") }
        }
        #expect(error.status == 404)
        #expect(error.code == "404")
        // Not HSS's format: the message says so, with the page's start.
        #expect(error.message.hasPrefix("HTTP 404 with a text/html body, not JSON: <!DOCTYPE HTML>"), "\(error.message)")
        #expect(error.requestID == nil)
        #expect(error.disposition == .permanent)
    }

    @Test(.enabled(if: ExternalTool.shouldRun("python3")))
    func unknownFieldsAreIgnoredAndMissingOnesAreNil() async throws {
        let status = try await ForeignServerFixture.withServer { client, _ in
            try await client.queryExportTask("extra-1")
        }
        #expect(status == TaskStatus(taskID: "extra-1", taskName: nil, taskStatus: "running", fileID: nil, fileName: nil))
    }
}
