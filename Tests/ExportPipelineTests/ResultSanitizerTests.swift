import ExportPipeline
import ExportStageKit
import ExportStageTesting
import Foundation
import Testing

@Suite struct ResultSanitizerTests {
    static let token = "tok3n-Secret/Value+42=="
    static let sanitizer = ResultSanitizer(secrets: [token, "ab"])

    /// Every encoding a record or a log line could carry the token in.
    static var encodings: [String] {
        let bytes = Array(token.utf8)
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        func percent(_ format: String) -> String {
            bytes.map { byte -> String in
                let scalar = Unicode.Scalar(byte)
                return CharacterSet.alphanumerics.contains(scalar) || "-._~".unicodeScalars.contains(scalar)
                    ? String(Character(scalar)) : String(format: format, byte)
            }.joined()
        }
        let base64 = Data(bytes).base64EncodedString()
        return [
            token, hex, hex.uppercased(), percent("%%%02X"), percent("%%%02x"), bytes.map { String(format: "%%%02X", $0) }.joined(),
            token.replacingOccurrences(of: "/", with: "%2F"),
            token.replacingOccurrences(of: "/", with: "\\/"),
            token.replacingOccurrences(of: "S", with: "\\u0053"),
            base64,
            base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"),
            base64.replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: "/", with: "%2F").replacingOccurrences(of: "=", with: "%3D"),
        ]
    }

    /// Text that shows the token in any of its encodings (or a long piece of it).
    static func leaks(_ text: String) -> Bool {
        let bytes = Array(token.utf8)
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        return encodings.contains { text.contains($0) } || text.lowercased().contains(String(hex.prefix(16)))
            || text.contains(String(token.prefix(12)))
    }

    @Test(arguments: 0..<encodings.count)
    func everyEncodingOfTheTokenIsRedacted(_ index: Int) {
        let encoded = Self.encodings[index]
        let redacted = Self.sanitizer.redact("before \(encoded) after")
        // Base64 keeps its last character or two: they also hold bits of what follows.
        #expect(redacted.hasPrefix("before *** ") || redacted.hasPrefix("before ***"), "\(encoded): \(redacted)")
        #expect(redacted.hasSuffix(" after"))
        #expect(redacted.count <= "before *** after".count + 7, "\(encoded): \(redacted)")
        #expect(!Self.leaks(redacted), "\(encoded): \(redacted)")
    }

    @Test func base64AtEveryAlignmentIsRedacted() {
        for prefix in ["", "u", "us", "use", "user:", "user:x"] {
            let encoded = Data((prefix + Self.token + "!").utf8).base64EncodedString()
            let redacted = Self.sanitizer.redact("Authorization: Basic \(encoded)")
            #expect(!redacted.contains(String(Data(Self.token.utf8).base64EncodedString().dropLast(4).dropFirst(4))), "\(redacted)")
            #expect(redacted.contains("***"), "\(prefix): \(redacted)")
        }
    }

    @Test func aTokenCutByAHexDumpIsRedactedAtTheEdges() {
        // AsyncHTTPClient logs a body as its first and last 32 bytes in hex.
        let body = Array(#"{"task_id": "t1", "task_name": "\#(Self.token)", "file_name": "a.zip", "task_status": "success"}"#.utf8)
        func hex(_ bytes: ArraySlice<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        let front = hex(body[..<40])
        let line = "trace ahc-http-part=body([\(front)...\(hex(body[(body.count - 32)...]))](\(body.count) bytes))"
        let redacted = Self.sanitizer.redact(line)
        let tokenStart = hex(Array(Self.token.utf8)[..<8])
        #expect(line.contains(tokenStart))
        #expect(!redacted.contains(tokenStart), "\(redacted)")
        #expect(redacted.contains(hex(body[..<30])), "the JSON before the token is kept: \(redacted)")
        // A body logged in two chunks, split inside the token.
        let split = 34 + 10
        let chunks = "[\(hex(body[..<split]))](\(split) bytes) [\(hex(body[split...]))](\(body.count - split) bytes)"
        #expect(!Self.leaks(Self.sanitizer.redact(chunks)), "\(Self.sanitizer.redact(chunks))")
    }

    @Test func textWithoutSecretsIsUnchanged() {
        let text = #"GET /v5/p/export-task/t%2F1 status=200 request_id=4f42e06e7b328722dd28ba89b163074f body=[7b227461736b5f6964223a]"#
        #expect(Self.sanitizer.redact(text) == text)
        #expect(ResultSanitizer(secrets: []).redact(Self.token) == Self.token)
        #expect(!ResultSanitizer(secrets: ["abc"]).redactsSecrets, "secrets shorter than 4 are ignored")
    }

    @Test func aRecordIsRedactedInEveryServerStringWithAWarningPerField() {
        var result = SampleResults.errored(id: "task-\(Self.token)")
        result.taskName = "name \(Self.token)"
        result.fileName = Self.encodings[1] + ".zip"
        result.exportName = "vuls"
        result.error = .init(code: "APIG.0301", message: "token \(Self.encodings[3]) rejected", requestID: "r1")
        result.download = DownloadedArchive(
            path: "/out/\(Self.token).zip", bytes: 1, sha256: "00",
            entries: [ArchiveEntry(name: "\(Self.token).csv", compressedSize: 1, uncompressedSize: 1, crc32: 0)])
        let (clean, warnings) = Self.sanitizer.sanitize(result)
        #expect(clean.taskID == "task-***")
        #expect(clean.taskName == "name ***")
        #expect(clean.fileName == "***.zip")
        #expect(clean.error == .init(code: "APIG.0301", message: "token *** rejected", requestID: "r1"))
        #expect(clean.download?.path == "/out/***.zip")
        #expect(clean.download?.entries.map(\.name) == ["***.csv"])
        #expect(clean.exportName == "vuls")
        #expect(clean.projectID == result.projectID)
        #expect(
            warnings == [
                "task 'task-***': task_id held a secret (the token or a key); replaced it with ***",
                "task 'task-***': task_name held a secret (the token or a key); replaced it with ***",
                "task 'task-***': file_name held a secret (the token or a key); replaced it with ***",
                "task 'task-***': error message held a secret (the token or a key); replaced it with ***",
                "task 'task-***': download path held a secret (the token or a key); replaced it with ***",
                "task 'task-***': archive entry name held a secret (the token or a key); replaced it with ***",
            ])
        let fields: [String?] = [clean.taskID, clean.taskName, clean.fileName, clean.error?.message, clean.download?.path] + warnings
        #expect(!fields.compactMap { $0 }.contains(where: Self.leaks))
    }

    @Test func aCleanRecordIsReturnedAsItIsWithoutWarnings() {
        for result in SampleResults.all {
            let (clean, warnings) = Self.sanitizer.sanitize(result)
            #expect(clean == result)
            #expect(warnings.isEmpty)
        }
    }

    @Test func serverStringsAreCutToTheAPIsLengthsWithAHashThatKeepsThemDistinct() throws {
        let megabyte = String(repeating: "n", count: 1 << 20)
        var first = SampleResults.succeeded(id: "t1")
        first.taskName = megabyte + "1"
        first.fileName = String(repeating: "漏", count: 300) + ".zip"
        first.taskStatus = String(repeating: "s", count: 65)
        var second = first
        second.taskName = megabyte + "2"
        let (a, warnings) = Self.sanitizer.sanitize(first)
        let (b, _) = Self.sanitizer.sanitize(second)
        let name = try #require(a.taskName)
        #expect(name.unicodeScalars.count == 128)
        #expect(name.hasPrefix(String(repeating: "n", count: 119) + "…"))
        #expect(a.taskName != b.taskName, "the hash suffix keeps them apart")
        #expect(a.fileName?.unicodeScalars.count == 255)
        #expect(a.fileName?.hasPrefix(String(repeating: "漏", count: 246) + "…") == true)
        #expect(a.taskStatus?.unicodeScalars.count == 64)
        #expect(
            warnings == [
                "task 't1': task_name is 1048577 characters, more than the 128 the HSS API allows; kept the first 119, '…' and 8 hex digits of its SHA-256",
                "task 't1': task_status is 65 characters, more than the 64 the HSS API allows; kept the first 55, '…' and 8 hex digits of its SHA-256",
                "task 't1': file_name is 304 characters, more than the 255 the HSS API allows; kept the first 246, '…' and 8 hex digits of its SHA-256",
            ])
        // Values at the limit are kept whole.
        var exact = SampleResults.succeeded(id: String(repeating: "i", count: 64))
        exact.taskName = String(repeating: "x", count: 128)
        exact.fileID = String(repeating: "f", count: 64)
        #expect(Self.sanitizer.sanitize(exact).result == exact)
    }

    @Test func aSecretAcrossTheCutIsRedactedBeforeCutting() throws {
        var result = SampleResults.succeeded()
        result.taskName = String(repeating: "a", count: 110) + Self.token + String(repeating: "b", count: 1 << 16)
        let (clean, warnings) = Self.sanitizer.sanitize(result)
        let name = try #require(clean.taskName)
        #expect(name.hasPrefix(String(repeating: "a", count: 110) + "***bbbb"))
        #expect(!name.contains(String(Self.token.prefix(4))))
        #expect(name.unicodeScalars.count == 128)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("and held a secret, replaced with ***") == true)
    }

    @Test func sanitizingEightyRecordsWithMegabyteNamesIsCheap() {
        let megabyte = String(repeating: "n", count: 1 << 20)
        let started = ContinuousClock.now
        var total = 0
        for index in 0..<80 {
            var result = SampleResults.succeeded(id: "t\(index)")
            result.taskName = megabyte
            result.fileName = megabyte
            let (clean, _) = Self.sanitizer.sanitize(result)
            total += (clean.taskName?.utf8.count ?? 0) + (clean.fileName?.utf8.count ?? 0)
        }
        // At most 4 bytes per scalar: the records now hold kilobytes, not megabytes.
        #expect(total <= 80 * (128 + 255) * 4)
        print("sanitized 80 records with two 1 MB names in \(ContinuousClock.now - started)")
    }
}
