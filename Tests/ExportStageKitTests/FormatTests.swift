import ExportStageKit
import ExportStageTesting
import Foundation
import TestSupport
import Testing

@Suite struct FormatTests {
    @Test func recordSerialisesWithStableKeyOrderAndNulls() {
        #expect(
            SampleResults.errored().jsonValue.serialized
                == #"{"task_id":"task-2","task_name":null,"task_status":null,"file_id":null,"file_name":null,"project_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","region":"cn-north-4","enterprise_project_id":null,"outcome":"error","error":{"code":"HSS.1059","message":"export task \"task-2\" not found","request_id":"req-42"},"polls":1,"first_polled_at":"2025-11-29T14:30:31.123Z","finished_at":"2025-11-29T14:30:31.323Z","wait_seconds":0.2,"run_id":"run-1","export":null,"download_path":null,"download_bytes":null,"download_sha256":null}"#
        )
        #expect(SampleResults.errored().fields.map(\.key) == ExportResult.fieldNames)
    }

    @Test func stringsEscapeControlCharactersAndKeepUnicode() throws {
        let text = "q\"b\\n\nt\tc\u{1}é漏\u{2028}"
        let serialized = JSONValue.string(text).serialized
        #expect(serialized == #""q\"b\\n\nt\tc\u0001é漏\u2028""#)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(serialized)]".utf8)) as? [String]
        #expect(decoded == [text])
    }

    @Test(arguments: ["\"\u{301}", "e\u{301}\n", "\u{1F600}\\", "\u{2028}x\u{2029}", "\u{E2}\u{80}", "plain ascii", ""])
    func escapingKeepsEveryScalarIntact(text: String) throws {
        let serialized = JSONValue.string(text).serialized
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(serialized)]".utf8)) as? [String]
        #expect(decoded == [text])
        #expect(serialized.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0 != "\u{2028}" && $0 != "\u{2029}" })
    }

    @Test func numbersAreValidJSON() {
        #expect(JSONValue.number(2).serialized == "2")
        #expect(JSONValue.number(2.5).serialized == "2.5")
        #expect(JSONValue.number(.nan).serialized == "null")
    }

    @Test func timestampsAreRFC3339UTCWithMilliseconds() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_764_426_631.123)) == "2025-11-29T14:30:31.123Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
    }

    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("15m", .seconds(900)),
        ("2h", .seconds(7200)), ("1m30s", .seconds(90)), ("1.5s", .milliseconds(1500)),
    ])
    func durationsParse(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test(arguments: ["", "10", "10 minutes", "5x", "-1s", "s"])
    func badDurationsAreRejected(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func durationsFormatShortest() {
        #expect(DurationText.format(.milliseconds(1500)) == "1500ms")
        #expect(DurationText.format(.seconds(30)) == "30s")
        #expect(DurationText.format(.seconds(900)) == "15m")
    }
}

@Suite struct AtomicFileTests {
    @Test func commitReplacesAndLeavesNoTemporaryFiles() throws {
        try withTemporaryDirectoryBlocking { directory in
            try directory.write("old\n", to: "out.txt")
            let writer = try AtomicFileWriter(destination: directory.file("out.txt"))
            try writer.write("new ")
            try writer.write("content\n")
            #expect(try directory.read("out.txt") == "old\n")
            let digest = try writer.commit()
            #expect(try directory.read("out.txt") == "new content\n")
            #expect(try directory.entries() == ["out.txt"])
            #expect(digest == (try FileDigest.ofFile(at: directory.file("out.txt"))))
            let mode = try FileManager.default.attributesOfItem(atPath: directory.file("out.txt"))[.posixPermissions] as? Int
            #expect(mode == 0o644)
        }
    }

    @Test func aWriterDroppedWithoutCommitLeavesTheOldFile() throws {
        try withTemporaryDirectoryBlocking { directory in
            try directory.write("old\n", to: "out.txt")
            do {
                let writer = try AtomicFileWriter(destination: directory.file("out.txt"))
                try writer.write("half a rec")
            }
            #expect(try directory.read("out.txt") == "old\n")
            #expect(try directory.entries() == ["out.txt"])
        }
    }

    @Test func aMissingDirectoryIsAnErrorThatSaysWhatToDo() {
        #expect {
            _ = try AtomicFileWriter.write("x", to: "/nonexistent-dir-for-test/out.txt")
        } throws: { error in
            "\(error)".contains("create the directory /nonexistent-dir-for-test")
        }
    }

    @Test func appendAddsWholeLinesAndRefusesATornFile() throws {
        try withTemporaryDirectoryBlocking { directory in
            try AppendableFile.append(Array("a\n".utf8), to: directory.file("log.jsonl"))
            try AppendableFile.append(Array("b\nc\n".utf8), to: directory.file("log.jsonl"))
            #expect(try directory.read("log.jsonl") == "a\nb\nc\n")
            try directory.write("a\ntorn", to: "torn.jsonl")
            #expect(throws: OutputFileError.self) {
                try AppendableFile.append(Array("b\n".utf8), to: directory.file("torn.jsonl"))
            }
            #expect(try directory.read("torn.jsonl") == "a\ntorn")
        }
    }
}
