import ExportArchive
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("ArchiveFileName")
struct ArchiveFileNameTests {
    @Test(
        "examples",
        arguments: [
            ("hss-vul-vul-zh-1a2b3c4d.zip", "hss-vul-vul-zh-1a2b3c4d.zip"),
            ("REPORT.ZIP", "REPORT.ZIP"),
            ("report.csv", "report.csv.zip"),
            ("../../etc/passwd", "passwd.zip"),
            ("..\\..\\windows\\evil.zip", "evil.zip"),
            ("/abs/path/file.zip", "file.zip"),
            (".hidden.zip", "hidden.zip"),
            ("...zip", "task-1.zip"),
            ("..", "task-1.zip"),
            (".", "task-1.zip"),
            ("", "task-1.zip"),
            (".zip", "task-1.zip"),
            ("a/", "a.zip"),
            ("漏洞报告 2024.zip", "漏洞报告_2024.zip"),
            ("evil\u{202E}piz.exe", "evilpiz.exe.zip"),
            ("nul\u{0}byte.zip", "nulbyte.zip"),
            ("bell\u{7}\u{85}\u{9F}.zip", "bell.zip"),
            ("-rf.zip", "_rf.zip"),
            ("~root.zip", "_root.zip"),
            ("what?*<>|\":.zip", "what_______.zip"),
            ("emoji🎉.zip", "emoji_.zip"),
            ("zero\u{200B}width\u{FEFF}.zip", "zerowidth.zip"),
            ("full／width.zip", "full_width.zip"),
            ("trailing.dots...", "trailing.dots.zip"),
            ("e\u{301}te\u{301}.zip", "\u{E9}t\u{E9}.zip"),
            ("???.zip", "task-1.zip"),
        ]
    )
    func examples(server: String, expected: String) {
        #expect(ArchiveFileName.sanitize(server, fallbackStem: "task-1") == expected)
    }

    @Test("no server name uses the fallback stem, itself sanitized")
    func fallback() {
        #expect(ArchiveFileName.sanitize(nil, fallbackStem: "task-9f8e") == "task-9f8e.zip")
        #expect(ArchiveFileName.sanitize(nil, fallbackStem: "../t/ask 1") == "ask_1.zip")
        #expect(ArchiveFileName.sanitize("///", fallbackStem: "task.zip") == "task.zip")
        #expect(ArchiveFileName.sanitize(nil, fallbackStem: "..") == "hss-export-download.zip")
        #expect(ArchiveFileName.sanitize("\u{0}", fallbackStem: "") == "hss-export-download.zip")
    }

    @Test("long names are cut to 255 bytes at a character boundary, keeping the extension")
    func truncation() {
        let ascii = ArchiveFileName.sanitize(String(repeating: "a", count: 400) + ".zip", fallbackStem: "t")
        #expect(ascii == String(repeating: "a", count: 251) + ".zip")
        let chinese = ArchiveFileName.sanitize(String(repeating: "漏", count: 200) + ".zip", fallbackStem: "t")
        #expect(chinese.utf8.count == 253)  // 83 characters of 3 bytes, and ".zip"
        #expect(chinese.hasSuffix(".zip") && chinese.dropLast(4).allSatisfy { $0 == "漏" })
        let dotsAtCut = ArchiveFileName.sanitize(String(repeating: "a", count: 250) + "........x.zip", fallbackStem: "t")
        #expect(dotsAtCut == String(repeating: "a", count: 250) + ".zip")
        // One grapheme longer than the limit is cut between its scalars.
        let giant = ArchiveFileName.sanitize("a" + String(repeating: "\u{301}", count: 300) + ".zip", fallbackStem: "t")
        #expect(giant.utf8.count <= 255 && giant.unicodeScalars.first == "\u{E1}" && giant.hasSuffix(".zip"))
    }

    @Test("random names always give one safe component that stays in its directory", .timeLimit(.minutes(2)))
    func randomNames() throws {
        try withTemporaryDirectoryBlocking { directory in
            var generator = SeededGenerator(seed: 0x5EED_0001)
            let alphabet: [Unicode.Scalar] = [
                "/", "\\", ".", ".", ".", "\u{0}", "\u{1}", "\u{1B}", "\u{7F}", "\u{85}", "\u{9F}", "\u{202E}", "\u{2066}", "\u{200F}",
                "\u{FEFF}", "\u{2028}", " ", "-", "~", "a", "Z", "9", "z", "i", "p", "漏", "é", "\u{301}", "🎉", "\u{FF0F}", "\u{E000}",
                ":", "*", "?", "\"",
            ]
            var created = Set<String>()
            for round in 0..<3000 {
                let raw: String
                if round % 2 == 0 {
                    let length = Int.random(in: 0...300, using: &generator)
                    raw = String(decoding: generator.bytes(length), as: UTF8.self)
                } else {
                    var text = ""
                    for _ in 0..<Int.random(in: 0...320, using: &generator) {
                        text.unicodeScalars.append(alphabet.randomElement(using: &generator)!)
                    }
                    if Bool.random(using: &generator) { text += [".zip", ".ZIP", "", ".csv"].randomElement(using: &generator)! }
                    raw = text
                }
                let name = ArchiveFileName.sanitize(raw, fallbackStem: "task-\(round)")
                try checkSafe(name, from: raw)
                #expect(ArchiveFileName.sanitize(name, fallbackStem: "other") == name, "not idempotent for \(raw.debugDescription)")
                // Joined to a directory, it names a file directly inside it.
                let joined = URL(fileURLWithPath: directory.path).appendingPathComponent(name)
                #expect(joined.standardizedFileURL.deletingLastPathComponent().path == URL(fileURLWithPath: directory.path).standardizedFileURL.path)
                if round % 10 == 0, created.insert(name).inserted {
                    let descriptor = open(directory.file(name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
                    #expect(descriptor >= 0, "cannot create \(name.debugDescription): errno \(errno)")
                    if descriptor >= 0 { close(descriptor) }
                }
            }
            // Every file made landed in the directory itself, under exactly its name.
            #expect(Set(try directory.entries()) == created)
        }
    }

    private func checkSafe(_ name: String, from raw: String) throws {
        let context = Comment(rawValue: "from \(raw.debugDescription) → \(name.debugDescription)")
        #expect(!name.isEmpty, context)
        #expect(name.utf8.count <= 255, context)
        #expect(!name.contains("/") && !name.contains("\\"), context)
        #expect(name != "." && name != "..", context)
        #expect(!name.hasPrefix(".") && !name.hasPrefix("-") && !name.hasPrefix("~"), context)
        #expect(name.lowercased().hasSuffix(".zip"), context)
        for scalar in name.unicodeScalars {
            let category = scalar.properties.generalCategory
            let bad =
                scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.isBidiControl
                || category == .format || category == .control || category == .lineSeparator || category == .privateUse
            #expect(!bad, context)
        }
        #expect(String(decoding: Array(name.utf8), as: UTF8.self) == name, context)
    }
}
