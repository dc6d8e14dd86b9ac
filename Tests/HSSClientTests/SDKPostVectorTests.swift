import ExportPipeline
import ExportStageKit
import Foundation
import HSSSigning
import NIOHTTP1
import Testing

@testable import HSSClient

/// The client's own requests for a create and a download, against the signatures the
/// SDK's signer made for the same calls (`post_json_body` and
/// `client_list_download_exported_file` of `Tests/HSSSigningTests/Fixtures/signing-vectors.json`).
@Suite struct SDKPostVectorTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func vector(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: packageRoot + "/Tests/HSSSigningTests/Fixtures/signing-vectors.json"))
        let file = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let vectors = try #require(file["vectors"] as? [[String: Any]])
        return try #require(vectors.first { $0["name"] as? String == name })
    }

    /// 20240115T083000Z, the vectors' X-Sdk-Date.
    static let signingDate = Date(timeIntervalSince1970: 1_705_307_400)

    static func client(endpoint: String) throws -> HSSClient {
        try HSSClient(
            configuration: HSSClientConfiguration(
                endpoint: .url(endpoint), projectID: "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
                credentials: .accessKey(
                    AccessKeyCredentials(accessKey: "HPUAEXAMPLEAK0000001", secretKey: "ExampleSecretKey0000000000000000000000000")),
                userAgent: "huaweicloud-usdk-python/3.0; swift-anchor", environment: [:]),
            logger: CaptureFixture.quiet)
    }

    static func sent(_ prepared: HSSClient.PreparedRequest) -> [String: String] {
        Dictionary(prepared.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }

    @Test func theExportVulsRequestIsSignedAsTheSDKSignsIt() async throws {
        let vector = try Self.vector("post_json_body")
        let body = try #require(vector["body"] as? String)
        // The vector's body, built as a value and encoded by the client's encoder.
        let value = JSONValue.object([
            ("export_headers", .array([.array([.string("vul_name"), .string("漏洞名称")]), .array([.string("cve_id"), .string("CVE")])])),
            ("vul_id_list", .array([.string("CVE-2024-0001")])),
        ])
        let encoded = try SDKJSONEncoder.encode(value)
        #expect(String(decoding: encoded, as: UTF8.self) == body)
        var hasher = StreamingSHA256()
        hasher.update(encoded)
        #expect(hasher.finalize() == vector["body_sha256"] as? String)

        let client = try Self.client(endpoint: "https://hss.cn-north-4.myhuaweicloud.com")
        let prepared = client.prepare(
            HSSClient.OutgoingRequest(
                method: .POST, pathSegments: ["v5", client.configuration.projectID, "vul", "export"],
                query: [("export_size", "100"), ("category", "vul"), ("type", "linux_vul")], body: encoded, sendsRegion: false,
                creation: "ExportVuls"),
            date: Self.signingDate)
        try await client.shutdown()
        #expect(prepared.url == vector["url_sent"] as? String)
        #expect(Self.sent(prepared) == vector["headers_sent_by_signer"] as? [String: String])
    }

    @Test func theDownloadRequestIsSignedAsTheSDKSignsIt() async throws {
        let vector = try Self.vector("client_list_download_exported_file")
        let client = try Self.client(endpoint: "http://127.0.0.1:18080")
        let prepared = client.prepare(
            HSSClient.OutgoingRequest(method: .GET, pathSegments: ["v5", client.configuration.projectID, "download", "f-1"]),
            date: Self.signingDate)
        try await client.shutdown()
        #expect(prepared.url == vector["url_sent"] as? String)
        #expect(Self.sent(prepared) == vector["headers_sent_by_signer"] as? [String: String])
    }
}
