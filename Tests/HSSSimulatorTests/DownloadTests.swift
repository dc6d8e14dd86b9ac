import Foundation
import HSSSigning
import HSSSimulator
import Testing

@Suite("Download over HTTP")
struct DownloadTests {
    @Test("a download is a valid stored zip as application/octet-stream")
    func downloadZip() async throws {
        try await withSimulator { client, simulator in
            let path = HSSPercentEncoding.encodePathSegments(["v5", HTTPTestClient.projectID, "download", "file-vul-0001"])
            let response = try await client.getSigned(path: path, credentials: exampleCredentials)
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/octet-stream")
            #expect(response.requestID != nil)
            let bytes = [UInt8](response.body)
            #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
            // End of central directory: one entry, directory right after the local entry.
            let end = try #require(bytes.count >= 22 ? Array(bytes.suffix(22)) : nil)
            #expect(end.starts(with: [0x50, 0x4B, 0x05, 0x06]))
            #expect(end[10] == 1 && end[11] == 0)
            let nameLength = Int(bytes[26]) | Int(bytes[27]) << 8
            let name = String(decoding: bytes[30..<(30 + nameLength)], as: UTF8.self)
            #expect(name == "vulnerabilities.csv")
            let size = Int(bytes[22]) | Int(bytes[23]) << 8
            let contents = String(decoding: bytes[(30 + nameLength)..<(30 + nameLength + size)], as: UTF8.self)
            #expect(contents.contains("export-vul-0001,Vulnerability export,file-vul-0001"))
            #expect(await simulator.statistics.downloads == ["file-vul-0001": 1])
        }
    }

    @Test("an unknown file is 404 HSS.1060")
    func unknownFile() async throws {
        try await withSimulator { client, _ in
            let response = try await client.getWithToken("/v5/\(HTTPTestClient.projectID)/download/nope")
            #expect(response.status == 404)
            #expect(try response.json()["error_code"] == "HSS.1060")
        }
    }
}
