import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import HSSSigning
import Logging
import TestSupport
import Testing

/// What goes on the wire, as the receiving server saw it.
@Suite struct HSSClientWireTests {
    static let projectID = SimulatorFixture.projectID

    func send(_ credentials: HSSCredentials) async throws -> (requestLine: String, headers: [(name: String, value: String)], authority: String) {
        try await ForeignServerFixture.withServer(
            credentials: credentials,
            configure: {
                $0.enterpriseProjectID = "all granted/eps"
                $0.region = "cn-north-4"
            }
        ) { client, server in
            // The static server has no such file: a 404, but the request is what matters.
            _ = try? await client.queryExportTask("a/b c")
            let requests = try server.requests()
            let request = try #require(requests.count == 1 ? requests.first : nil, "\(requests)")
            return (request.requestLine, request.headers, String(server.url.dropFirst("http://".count)))
        }
    }

    func value(_ name: String, in headers: [(name: String, value: String)]) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    @Test(.enabled(if: ExternalTool.shouldRun("python3")))
    func tokenRequestCarriesTheSDKHeadersAndTheCanonicalQuery() async throws {
        let (requestLine, headers, authority) = try await send(SimulatorFixture.tokenCredentials)
        #expect(requestLine == "GET /v5/\(Self.projectID)/export-task/a%2Fb%20c?enterprise_project_id=all%20granted%2Feps HTTP/1.1")
        #expect(value("Content-Type", in: headers) == ["application/json"])
        #expect(value("X-Project-Id", in: headers) == [Self.projectID])
        #expect(value("region", in: headers) == ["cn-north-4"])
        #expect(value("User-Agent", in: headers) == ["hss-export/\(HSSExportVersion.current)"])
        #expect(value("X-Auth-Token", in: headers) == [SimulatorFixture.token])
        #expect(value("Host", in: headers) == [authority])
        #expect(value("Authorization", in: headers).isEmpty)
        #expect(value("X-Sdk-Date", in: headers).isEmpty)
    }

    @Test(.enabled(if: ExternalTool.shouldRun("python3")))
    func accessKeyRequestIsSignedOverTheSentHeaders() async throws {
        let temporary = HSSCredentials.accessKey(
            AccessKeyCredentials(accessKey: SimulatorFixture.accessKey, secretKey: SimulatorFixture.secretKey, securityToken: "temporary-token"))
        let (requestLine, headers, authority) = try await send(temporary)
        #expect(requestLine == "GET /v5/\(Self.projectID)/export-task/a%2Fb%20c?enterprise_project_id=all%20granted%2Feps HTTP/1.1")
        #expect(value("Host", in: headers) == [authority])
        #expect(value("X-Security-Token", in: headers) == ["temporary-token"])
        #expect(value("X-Auth-Token", in: headers).isEmpty)
        let date = try #require(value("X-Sdk-Date", in: headers).first)
        #expect(date.count == 16 && date.hasSuffix("Z"))
        let authorization = try #require(value("Authorization", in: headers).first)
        #expect(
            authorization.hasPrefix(
                "SDK-HMAC-SHA256 Access=\(SimulatorFixture.accessKey), SignedHeaders=content-type;host;region;user-agent;x-project-id;x-sdk-date;x-security-token, Signature="
            ))
    }
}
