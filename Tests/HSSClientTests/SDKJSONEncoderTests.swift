import ExportPipeline
import ExportStageKit
import Foundation
import HSSClient
import TestSupport
import Testing

/// ``SDKJSONEncoder`` against Python's own `json.dumps` (and the SDK's `simplejson`, when
/// the SDK's venv is there) over random values, and against the documented wire bytes.
@Suite struct SDKJSONEncoderTests {
    static func encoded(_ value: JSONValue) throws -> String {
        String(decoding: try SDKJSONEncoder.encode(value), as: UTF8.self)
    }

    @Test func theWireExamplesOfExportsMDAreReproducedByteForByte() throws {
        for example in CreateExportTests.wireExamples {
            #expect(try Self.encoded(example.creation.body) == example.body)
        }
    }

    @Test func escapesAndNumbersArePythons() throws {
        let value = JSONValue.object([
            ("s", .string("a\"b\\c/d\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F}é漏😀\u{2028}")),
            ("n", .array([.integer(0), .integer(-7), .integer(Int.min), .number(1), .number(-0.0), .number(1e16), .number(1e15), .number(1e-5)])),
            ("m", .array([.number(0.0001), .number(0.1 + 0.2), .number(.leastNonzeroMagnitude), .number(1.5e300), .number(123456.789)])),
            ("b", .array([.bool(true), .bool(false), .null, .object([]), .array([])])),
            ("d", .array([.numberLiteral("1.50"), .numberLiteral("12345"), .numberLiteral("not a number")])),
        ])
        let expected =
            #"{"s": "a\"b\\c/d\n\r\t\b\f\u0001\u001f\u007f\u00e9\u6f0f\ud83d\ude00\u2028", "#
            + #""n": [0, -7, -9223372036854775808, 1.0, -0.0, 1e+16, 1000000000000000.0, 1e-05], "#
            + #""m": [0.0001, 0.30000000000000004, 5e-324, 1.5e+300, 123456.789], "#
            + #""b": [true, false, null, {}, []], "d": [1.50, 12345, null]}"#
        #expect(try Self.encoded(value) == expected)
    }

    @Test func aRepeatedKeyKeepsItsFirstPlaceAndItsLastValueAsInAPythonDict() throws {
        let value = JSONValue.object([("a", .integer(1)), ("b", .integer(2)), ("a", .integer(3))])
        #expect(try Self.encoded(value) == #"{"a": 3, "b": 2}"#)
    }

    @Test func infinitiesAreRefused() {
        #expect(throws: SDKJSONEncoder.NonFiniteNumberError(location: "$[1]", value: "inf")) {
            try SDKJSONEncoder.encode(.array([.integer(1), .number(.infinity)]))
        }
    }

    /// The package's `.venv` (with the SDK and its `simplejson`), when it is there.
    static let sdkPython = SDKCrossCheckTests.python

    @Test(.enabled(if: ExternalTool.shouldRun("python3")))
    func randomValuesEncodeAsPythonsJSONDumps() async throws {
        var generator = SplitMix64(seed: 0x5EED_0F_15)
        let values = (0..<2000).map { _ in RandomJSON.value(depth: 0, using: &generator) }
        try await withTemporaryDirectory { directory in
            let input = directory.file("values.jsonl")
            try values.map(RandomJSON.pythonInput).joined(separator: "\n").appending("\n").write(toFile: input, atomically: true, encoding: .utf8)
            let ours = try values.map(Self.encoded)

            var interpreters = [try ExternalTool.require("python3", package: "python3")]
            if FileManager.default.isExecutableFile(atPath: Self.sdkPython) { interpreters.append(Self.sdkPython) }
            for python in interpreters {
                // simplejson is the SDK's encoder (with use_decimal=True); plain json where it is missing.
                let program = """
                    import json, sys
                    try:
                        import simplejson
                        dumps = lambda value: simplejson.dumps(value, use_decimal=True)
                    except ImportError:
                        dumps = json.dumps
                    for line in open(sys.argv[1], encoding="utf-8"):
                        sys.stdout.write(dumps(json.loads(line)) + "\\n")
                    """
                let output = try await ProcessRunner.run(python, ["-c", program, input], timeout: .seconds(120))
                #expect(output.status == 0, "\(output.standardError)")
                let theirs = output.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
                try #require(theirs.count == ours.count, "\(python): \(output.standardError)")
                for (index, (mine, python)) in zip(ours, theirs).enumerated() where mine != python {
                    Issue.record("value \(index): ours \(mine) python \(python)")
                }
            }
        }
    }
}

/// A small seeded generator, so a failing value can be found again.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random JSON values and the text Python reads them from.
enum RandomJSON {
    static let scalars: [Unicode.Scalar] = {
        var pool: [Unicode.Scalar] = []
        for value in [0x00, 0x01, 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1F, 0x20, 0x22, 0x2F, 0x5C, 0x7E, 0x7F, 0x80, 0x9F, 0xA0, 0xE9, 0xFF] {
            pool.append(Unicode.Scalar(UInt32(value))!)
        }
        for value in [0x100, 0x6F0F, 0x2028, 0x2029, 0xD7FF, 0xE000, 0xFEFF, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF] {
            pool.append(Unicode.Scalar(UInt32(value))!)
        }
        pool.append(contentsOf: "abcXYZ019 -_.~{}[],:".unicodeScalars)
        return pool
    }()

    static func string(using generator: inout SplitMix64) -> String {
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...12, using: &generator) {
            text.append(scalars.randomElement(using: &generator)!)
        }
        return String(text)
    }

    static func double(using generator: inout SplitMix64) -> Double {
        let specials: [Double] = [
            0, -0.0, 1, -1, 0.1, 0.5, 1e15, 1e16, 1e17, 9_999_999_999_999_998, 1e-4, 1e-5, 0.00012, .leastNonzeroMagnitude, 2.2250738585072014e-308,
            .greatestFiniteMagnitude, 123.456, 1e22, 1e21, 100,
        ]
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: return specials.randomElement(using: &generator)!
        case 1: return Double(Int.random(in: -1_000_000...1_000_000, using: &generator)) / 1000
        default:
            while true {
                let candidate = Double(bitPattern: generator.next())
                if candidate.isFinite { return candidate }
            }
        }
    }

    static func value(depth: Int, using generator: inout SplitMix64) -> JSONValue {
        let kinds = depth >= 3 ? 6 : 8
        switch Int.random(in: 0..<kinds, using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2:
            return .integer(
                Bool.random(using: &generator) ? Int.random(in: -1000...1000, using: &generator) : Int(bitPattern: UInt(generator.next())))
        case 3, 4: return .number(double(using: &generator))
        case 5: return .string(string(using: &generator))
        case 6: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in value(depth: depth + 1, using: &generator) })
        default:
            // Keys repeat now and then, to check the dict semantics too.
            return .object(
                (0..<Int.random(in: 0...4, using: &generator)).map { _ in
                    (key: Bool.random(using: &generator) ? "k" : string(using: &generator), value: value(depth: depth + 1, using: &generator))
                })
        }
    }

    /// JSON text Python's `json.loads` reads back as the same value: doubles as Swift's
    /// shortest round-trip text (always with `.` or `e`, so Python makes a float), every
    /// string scalar as `\uXXXX` so no encoder under test is involved.
    static func pythonInput(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let integer): return String(integer)
        case .number(let number): return "\(number)"
        case .numberLiteral(let text): return text
        case .string(let text): return quoted(text)
        case .array(let elements): return "[" + elements.map(pythonInput).joined(separator: ",") + "]"
        case .object(let members): return "{" + members.map { quoted($0.key) + ":" + pythonInput($0.value) }.joined(separator: ",") + "}"
        }
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.utf16.map { "\\u" + String(format: "%04x", $0) }.joined() + "\""
    }
}
