import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import HSSSigning
import TestSupport
import Testing

/// `downloadFile` against a capture server: streamed to a new 0600 file with the right
/// SHA-256, and no file left behind by any failure.
@Suite struct DownloadFileTests {
    static let fileID = "file/awkward 1"
    static let wirePath = "/v5/p1/download/file%2Fawkward%201"

    /// A file of `size` pseudo-random bytes in `directory`.
    static func source(_ size: Int, in directory: TemporaryDirectory) throws -> String {
        var generator = SplitMix64(seed: UInt64(size))
        var bytes = [UInt8](repeating: 0, count: size)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: generator.next()) }
        let path = directory.file("source-\(size).bin")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test func theFileStreamsToANewPrivateFileWithItsDigest() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try Self.source(3 * 1024 * 1024 + 17, in: directory)
        let answer = CaptureServer.Answer(headers: [["Content-Type", "application/octet-stream"], ["X-Request-Id", "dl-1"]], bodyFile: source)
        try await CaptureFixture.withClient(
            [answer],
            configure: {
                $0.region = "cn-north-4"
                $0.enterpriseProjectID = "0"
            }
        ) { client, server, work in
            let destination = work.file("download.part")
            let downloaded = try await client.downloadFile(Self.fileID, to: destination, maximumBytes: 10 * 1024 * 1024)
            let expected = try FileDigest.ofFile(at: source)
            #expect(downloaded == DownloadedFile(bytes: expected.bytes, sha256: expected.sha256))
            #expect(try FileDigest.ofFile(at: destination) == expected)
            let permissions = try FileManager.default.attributesOfItem(atPath: destination)[.posixPermissions] as? Int
            #expect(permissions == 0o600)

            let request = try #require(try server.requests().first)
            #expect(request.method == "GET")
            #expect(request.target == Self.wirePath + "?enterprise_project_id=0")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.header("region") == "cn-north-4")
            #expect(
                CaptureServer.verify(request, accessKey: CaptureFixture.accessKey, secretKey: CaptureFixture.secretKey)
                    == .valid(accessKey: CaptureFixture.accessKey))
        }
    }

    @Test func aBodyEndedByClosingTheConnectionIsAcceptedWhole() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try Self.source(200_000, in: directory)
        try await CaptureFixture.withClient([CaptureServer.Answer(bodyFile: source, closeDelimited: true)]) { client, _, work in
            let downloaded = try await client.downloadFile(Self.fileID, to: work.file("d"), maximumBytes: 1_000_000)
            #expect(downloaded.bytes == 200_000)
            #expect(downloaded.sha256 == (try FileDigest.ofFile(at: source)).sha256)
        }
    }

    @Test func aTruncatedBodyIsTransientAndLeavesNoFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try Self.source(1_000_000, in: directory)
        let answers: [CaptureServer.Answer] = [
            CaptureServer.Answer(bodyFile: source, sendBytes: 400_000, after: "close"),
            CaptureServer.Answer(bodyFile: source, sendBytes: 400_000, after: "reset"),
        ]
        try await CaptureFixture.withClient(answers) { client, _, work in
            for _ in answers {
                let destination = work.file("partial-\(UUID().uuidString)")
                let error = try await #require(throws: (any Error).self) {
                    try await client.downloadFile(Self.fileID, to: destination, maximumBytes: 10_000_000)
                }
                let failure = try #require(error as? any TaskStatusFailure, "\(error)")
                #expect(failure.disposition == .transient, "\(failure)")
                #expect(!Self.exists(destination))
            }
        }
    }

    @Test func aDeclaredLengthOverTheLimitIsPermanentAndCreatesNoFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try Self.source(5000, in: directory)
        try await CaptureFixture.withClient([CaptureServer.Answer(bodyFile: source)]) { client, _, work in
            let destination = work.file("big")
            let error = try await #require(throws: HSSDownloadError.self) {
                try await client.downloadFile(Self.fileID, to: destination, maximumBytes: 1000)
            }
            #expect(error.kind == .tooLarge(limit: 1000, declared: 5000))
            #expect(error.disposition == .permanent)
            #expect(error.description.contains("download.max_bytes"))
            #expect(error.description.contains("1000"))
            #expect(!Self.exists(destination))
        }
    }

    @Test func anUndeclaredLengthThatPassesTheLimitStopsAndLeavesNoFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try Self.source(2_000_000, in: directory)
        try await CaptureFixture.withClient([CaptureServer.Answer(bodyFile: source, closeDelimited: true)]) { client, _, work in
            let destination = work.file("big")
            let error = try await #require(throws: HSSDownloadError.self) {
                try await client.downloadFile(Self.fileID, to: destination, maximumBytes: 100_000)
            }
            #expect(error.kind == .tooLarge(limit: 100_000, declared: nil))
            #expect(error.disposition == .permanent)
            #expect(!Self.exists(destination))
        }
    }

    @Test(arguments: [
        (404, #"{"error_code": "HSS.0011", "error_msg": "file not found"}"#, FailureDisposition.permanent),
        (400, #"{"error_code": "HSS.0001", "error_msg": "bad"}"#, .permanent),
        (401, #"{"error_code": "APIG.0301", "error_msg": "auth"}"#, .credentialsRejected),
        (403, #"{"error_code": "HSS.0002", "error_msg": "denied"}"#, .credentialsRejected),
        (429, #"{"error_code": "APIG.0308", "error_msg": "slow down"}"#, .throttled(retryAfter: .seconds(3))),
        (500, #"{"error_code": "HSS.0004", "error_msg": "internal"}"#, .transient),
    ])
    func errorStatusesHaveTheirDispositionsAndLeaveNoFile(_ status: Int, _ body: String, _ disposition: FailureDisposition) async throws {
        try await CaptureFixture.withClient([.json(status, body, headers: [["Retry-After", "3"]])]) { client, _, work in
            let destination = work.file("d")
            let error = try await #require(throws: HSSAPIError.self) {
                try await client.downloadFile(Self.fileID, to: destination, maximumBytes: 1000)
            }
            #expect(error.status == status)
            #expect(error.disposition == disposition)
            #expect(!Self.exists(destination))
        }
    }

    @Test func anExistingFileIsNeverOverwritten() async throws {
        try await CaptureFixture.withClient([.json(200, "new content")]) { client, _, work in
            let destination = work.file("taken")
            try "old content".write(toFile: destination, atomically: false, encoding: .utf8)
            let error = try await #require(throws: HSSDownloadError.self) {
                try await client.downloadFile(Self.fileID, to: destination, maximumBytes: 1000)
            }
            #expect(error.kind == .file(operation: "create", errno: EEXIST))
            #expect(error.disposition == .permanent)
            #expect(try String(contentsOfFile: destination, encoding: .utf8) == "old content")
        }
    }

    @Test func aStalledDownloadRunsOutOfItsOwnTimeLimit() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try Self.source(100_000, in: directory)
        // Announces more than it sends and then stays silent: only the download limit ends it.
        let answer = CaptureServer.Answer(bodyFile: source, declaredLength: 200_000, sendBytes: 100_000, after: "hang")
        try await CaptureFixture.withClient([answer], configure: { $0.downloadTimeout = .seconds(1) }) { client, _, work in
            let destination = work.file("slow")
            let error = try await #require(throws: HSSTransportError.self) {
                try await client.downloadFile(Self.fileID, to: destination, maximumBytes: 1_000_000)
            }
            #expect(error.kind == .timeout)
            #expect(error.timeout == .seconds(1))
            #expect(error.disposition == .transient)
            #expect(!Self.exists(destination))
        }
    }
}
