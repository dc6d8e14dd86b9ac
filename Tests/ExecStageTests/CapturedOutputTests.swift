import Testing

@testable import ExecStage

@Suite("exec stage: captured output")
struct CapturedOutputTests {
    func capture(_ part: CapturedOutput.Part, limit: Int, _ chunks: [String]) -> String {
        var output = CapturedOutput(part, limit: limit)
        for chunk in chunks {
            Array(chunk.utf8).withUnsafeBytes { output.append($0) }
        }
        return output.text
    }

    @Test func shortOutputIsKeptWholeWithoutItsFinalLineBreak() {
        #expect(capture(.head, limit: 100, ["sent 3 ", "messages\n"]) == "sent 3 messages")
        #expect(capture(.tail, limit: 100, ["error: ", "timeout\n\n"]) == "error: timeout")
    }

    @Test func headCutInsideACharacterDropsTheCharacter() {
        // "漏" and "洞" are 3 bytes each: limits of 6 and 7 end inside "洞".
        #expect(capture(.head, limit: 6, ["ab漏洞"]) == "ab漏 … (3 more bytes)")
        #expect(capture(.head, limit: 7, ["ab漏洞"]) == "ab漏 … (3 more bytes)")
        #expect(capture(.head, limit: 8, ["ab漏洞"]) == "ab漏洞")
    }

    @Test func tailCutInsideACharacterDropsTheCharacter() {
        #expect(capture(.tail, limit: 4, ["x漏洞"]) == "(4 earlier bytes) … 洞")
        #expect(capture(.tail, limit: 3, ["x漏", "洞"]) == "(4 earlier bytes) … 洞")
    }

    @Test func tailKeepsTheLastBytesAcrossManyChunks() {
        let chunks = (0..<1000).map { "line \($0)\n" }
        let total = chunks.map(\.utf8.count).reduce(0, +)
        #expect(capture(.tail, limit: 20, chunks) == "(\(total - 20) earlier bytes) … 7\nline 998\nline 999")
    }
}
