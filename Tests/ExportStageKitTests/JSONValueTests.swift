import ExportStageKit
import ExportStageTesting
import Foundation
import TestSupport
import Testing

@Suite("JSONValue parsing")
struct JSONValueParsingTests {
    func parse(_ text: String) -> JSONValue? {
        JSONValue.parse(Array(text.utf8))
    }

    @Test func objectsKeepDocumentOrderAndRepeatedKeys() throws {
        let value = try #require(parse(#" { "b" : 1 , "a" : [true, false, null], "b" : "two" } "#))
        guard case .object(let members) = value else {
            Issue.record("not an object: \(value)")
            return
        }
        #expect(members.map(\.key) == ["b", "a", "b"])
        // The last member wins, as in Python's json.loads.
        #expect(value["b"] == .string("two"))
        #expect(value["a"] == .array([.bool(true), .bool(false), .null]))
        #expect(value["missing"] == nil)
        #expect(JSONValue.string("x")["b"] == nil)
    }

    @Test(arguments: ["0", "-0", "12345", "1.50", "-1E+3", "2e-7", "1.0e10", "123456789012345678901234567890"])
    func numbersKeepTheirText(text: String) throws {
        let value = try #require(parse(text))
        #expect(value == .numberLiteral(text))
        #expect(value.serialized == text)
        #expect(parse("[\(text)]")?.serialized == "[\(text)]")
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1] 2", "tru", "nul", "01", "-", "1.", ".5", "1e", "+1",
        "\"unterminated", "\"tab\there\"", "\"bad \\x escape\"", "\"\\u12\"", "NaN", "Infinity", "'single'",
    ])
    func invalidTextIsNil(text: String) {
        #expect(parse(text) == nil, "\(text)")
    }

    @Test func stringsAreUnescaped() throws {
        let value = try #require(parse(#""q\" b\\ s\/ \b\f\n\r\t \u6f0f\u6D1E \ud83d\ude00 lone \ud800 end""#))
        #expect(value == .string("q\" b\\ s/ \u{8}\u{c}\n\r\t 漏洞 😀 lone \u{FFFD} end"))
        #expect(parse("\"raw 漏洞 ✓\"") == .string("raw 漏洞 ✓"))
    }

    @Test func aByteOrderMarkAndSurroundingWhitespaceAreSkipped() {
        #expect(JSONValue.parse([0xEF, 0xBB, 0xBF] + Array(" \r\n\t{}\n".utf8)) == .object([]))
        #expect(parse("[]") == .array([]))
    }

    @Test func nestingIsCapped() {
        #expect(parse(String(repeating: "[", count: 512) + String(repeating: "]", count: 512)) != nil)
        #expect(parse(String(repeating: "[", count: 513) + String(repeating: "]", count: 513)) == nil)
        #expect(parse(String(repeating: "[", count: 100_000)) == nil)
    }

    @Test func compactDocumentsReadBackToTheSameText() throws {
        let text = #"{"a":[1,2.50,-3e2,{"b":null,"c":true}],"d":"e\"f\\g\n\u0001 漏洞","a":false,"":{}}"#
        let value = try #require(parse(text))
        #expect(value.serialized == text)
        #expect(parse(value.serialized) == value)
    }
}

@Suite("JSONValue serialization")
struct JSONValueSerializationTests {
    @Test func scalarsAndContainers() {
        #expect(JSONValue.null.serialized == "null")
        #expect(JSONValue.bool(true).serialized == "true")
        #expect(JSONValue.bool(false).serialized == "false")
        #expect(JSONValue.array([]).serialized == "[]")
        #expect(JSONValue.object([]).serialized == "{}")
        #expect(JSONValue.object([("z", .integer(1)), ("a", .array([.null, .string("x")]))]).serialized == #"{"z":1,"a":[null,"x"]}"#)
    }

    @Test func integersIncludingTheExtremes() {
        for value in [0, 7, -7, 10, 42, -100, 1_000_000, Int.max, Int.min] {
            #expect(JSONValue.integer(value).serialized == String(value))
        }
    }

    @Test func numberLiteralsAreWrittenVerbatimOrAsNullWhenNotJSON() {
        #expect(JSONValue.numberLiteral("1.50").serialized == "1.50")
        #expect(JSONValue.numberLiteral("-0.0e+00").serialized == "-0.0e+00")
        for bad in ["", "abc", "1.", "01", "1,5", " 1", "NaN", "1e"] {
            #expect(JSONValue.numberLiteral(bad).serialized == "null", "\(bad)")
        }
    }

    /// The number text as it was before the byte encoder, the reference.
    static func referenceNumber(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }

    @Test func numbersMatchSwiftsShortestText() {
        var values: [Double] = [
            0, -0.0, 2, 2.5, -2.5, 0.2, 0.1 + 0.2, 0.001, 0.0015, 0.0009999, 0.000_1, 1e-7, 999_999_999.999, 1e9 + 0.5,
            1e15, 1e15 + 1, -1e15, 1e16, 1e300, .leastNonzeroMagnitude, .pi, -.pi, 123.456, 302.125, 0.05, 0.999, 1.001,
            .greatestFiniteMagnitude, .leastNormalMagnitude, .nan, .infinity, -.infinity,
        ]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let thousandths = Int.random(in: -2_000_000_000...2_000_000_000, using: &random)
            values.append(Double(thousandths) / 1000)
            values.append(Double.random(in: -1e6...1e6, using: &random))
            values.append((Double.random(in: 0...1e10, using: &random) * 1000).rounded() / 1000)
        }
        for value in values {
            #expect(JSONValue.number(value).serialized == Self.referenceNumber(value), "\(value)")
        }
    }

    @Test func stringsEscapeWhatJSONAndJavaScriptNeed() {
        #expect(JSONValue.string("a\"b\\c\n\r\t\u{0}\u{1f}\u{7f}/é漏😀").serialized == #""a\"b\\c\n\r\t\u0000\u001f"# + "\u{7f}/é漏😀\"")
        #expect(JSONValue.string("\u{2028}x\u{2029}").serialized == #""\u2028x\u2029""#)
        // Other scalars starting with E2 are copied.
        #expect(JSONValue.string("\u{2026}\u{2030}\u{20AC}").serialized == "\"\u{2026}\u{2030}\u{20AC}\"")
        #expect(JSONValue.string("").serialized == "\"\"")
        #expect(JSONValue.object([("k\n", .string("v"))]).serialized == #"{"k\n":"v"}"#)
    }

    @Test func longStringsAreEscapedInSlicesWithoutSplittingAnything() {
        // Longer than a slice, with escapes and multi-byte scalars across every slice boundary.
        let unit = "ab\"c\\\n漏\u{2028}😀\u{1}"
        let text = String(repeating: unit, count: 5_000)
        let expectedUnit = #"ab\"c\\\n漏\u2028😀\u0001"#
        #expect(JSONValue.string(text).serialized == "\"" + String(repeating: expectedUnit, count: 5_000) + "\"")
        let plain = String(repeating: "x", count: 40_000)
        #expect(JSONValue.string(plain).serialized == "\"" + plain + "\"")
    }

    @Test func everyPositionOfAnEscapeInAWordIsFound() {
        // The escaper tests eight bytes at a time; put each special byte at every offset.
        for special in ["\"", "\\", "\n", "\u{1f}", "\u{2028}", "\u{7f}", "é", "\u{2027}"] {
            for offset in 0..<17 {
                let text = String(repeating: "a", count: offset) + special + String(repeating: "b", count: 20 - offset)
                let reference = Self.referenceEscape(text)
                #expect(JSONValue.string(text).serialized == reference, "\(offset) \(special.unicodeScalars.map(\.value))")
            }
        }
    }

    /// The escaping rules, scalar by scalar.
    static func referenceEscape(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{2028}": output += "\\u2028"
            case "\u{2029}": output += "\\u2029"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    @Test func lineSeparatorsCanBeLeftAsTheyAre() {
        let value = JSONValue.object([("a", .string("x\u{2028}y\u{2029}\n"))])
        #expect(value.serialized(escapingLineSeparators: false) == "{\"a\":\"x\u{2028}y\u{2029}\\n\"}")
        #expect(value.serialized == #"{"a":"x\u2028y\u2029\n"}"#)
    }

    @Test func stringBytesAndWriteAgree() {
        let value = JSONValue.object([("name", .string("漏洞 \"x\"")), ("n", .number(1.5)), ("l", .numberLiteral("1.50"))])
        var text = "prefix:"
        value.write(to: &text)
        var bytes = Array("prefix:".utf8)
        value.write(to: &bytes)
        #expect(text == "prefix:" + value.serialized)
        #expect(bytes == Array(text.utf8))
    }

}

@Suite("record encoding")
struct RecordEncodingTests {
    /// Records with every field shape: nils, failures with and without a
    /// request id, odd numbers and times outside the usual range.
    static var records: [ExportResult] {
        var records = [SampleResults.succeeded(), SampleResults.errored(), SampleResults.tricky()]
        var bare = ExportResult(taskID: "t\u{2028}", projectID: "p", outcome: .interrupted, runID: "r")
        records.append(bare)
        bare.error = .init(code: "503", message: "no id\r\n", requestID: nil)
        bare.waitSeconds = .nan
        records.append(bare)
        let waits: [Double] = [0, -0.0, 0.0004, 0.0005, 1e-9, 2.0005, 123_456.789, 1e12 + 0.25, -3.5, .infinity, 1e20]
        let times: [Double] = [
            0, -0.5, -0.0001, 0.0009, 951_782_400, 951_868_799.999, 4_107_542_400, -2_208_988_800, -62_167_219_200,
            -62_167_219_200.001, 253_402_300_799.999, 253_402_300_800, 1_764_426_631.123, 1_764_426_631.1239,
        ]
        for (index, time) in times.enumerated() {
            var record = SampleResults.succeeded(id: "task-\(index)", name: "name \(index) \u{1}")
            record.firstPolledAt = Date(timeIntervalSince1970: time)
            record.finishedAt = index.isMultiple(of: 2) ? nil : Date(timeIntervalSince1970: -time)
            record.waitSeconds = waits[index % waits.count]
            record.polls = [0, -1, Int.max, Int.min, 7][index % 5]
            record.region = index.isMultiple(of: 3) ? nil : "region-\(index)"
            records.append(record)
        }
        return records
    }

    @Test func everyFieldMatchesTheGeneralEncoder() {
        for record in Self.records {
            let fields = record.fields
            #expect(fields.count == ExportResult.fieldNames.count)
            for index in fields.indices {
                var buffer = EncodingBuffer()
                record.appendJSONField(at: index, to: &buffer)
                #expect(String(decoding: buffer.bytes, as: UTF8.self) == fields[index].value.serialized, "\(fields[index].key)")
            }
        }
    }

    @Test func linesMatchJSONLine() {
        var buffer = EncodingBuffer()
        buffer.append(utf8: "before\n")
        var expected = "before\n"
        // Enough lines to make the buffer grow a few times.
        for _ in 0..<50 {
            for record in Self.records {
                record.appendJSONLine(to: &buffer)
                expected += record.jsonLine
                #expect(record.jsonLine == record.jsonValue.serialized + "\n")
            }
        }
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == expected)
    }

    @Test func timestampsMatchRFC3339() {
        var random = SystemRandomNumberGenerator()
        var times: [Double] = [0, -0.001, -86_400, 68_169_600, 951_782_400, 978_307_200, -2_203_891_200, 4_102_444_800]
        for _ in 0..<50_000 {
            times.append(Double(Int64.random(in: -62_167_219_200_000...253_402_300_799_999, using: &random)) / 1000)
            times.append(Double.random(in: -1e10...1e10, using: &random))
        }
        for time in times {
            let date = Date(timeIntervalSince1970: time)
            var buffer = EncodingBuffer()
            buffer.write(maximumCount: RawWriter.maximumTimestampCount) { $0.writeTimestamp(date) }
            #expect(String(decoding: buffer.bytes, as: UTF8.self) == RFC3339.format(date), "\(time)")
        }
    }
}
