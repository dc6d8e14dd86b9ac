public import ExportPipeline
public import ExportStageKit

/// Encodes a request body exactly as the official Python SDK does, so the bytes signed
/// and sent are the bytes the SDK would sign and send.
///
/// The SDK serialises bodies with `simplejson.dumps(obj, use_decimal=True)`, whose output
/// for these values equals Python's `json.dumps(obj)` with its defaults:
///
/// - separators `", "` between items and `": "` after keys; `{}` and `[]` when empty;
/// - `ensure_ascii`: every scalar outside `0x20…0x7E` as `\uXXXX` with lower-case hex,
///   scalars above U+FFFF as a UTF-16 surrogate pair (`😀` is `\ud83d\ude00`);
/// - Python's escapes `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`; `/` is not escaped;
/// - integers in plain decimal, doubles as Python's `repr` (`1.0`, `1e-05`, `1e+16`,
///   `0.30000000000000004`), `true`, `false`, `null`;
/// - a ``JSONValue/numberLiteral(_:)`` verbatim, as the SDK writes a `Decimal`
///   (`1.50` stays `1.50`), or `null` when it is not a JSON number;
/// - an object's keys in their order; a key given twice keeps its first position and its
///   last value, as a Python `dict` built from the pairs does.
///
/// A NaN or an infinity cannot be encoded: `simplejson` refuses them too.
public enum SDKJSONEncoder {
    /// The body bytes for `value`.
    /// - Throws: ``NonFiniteNumberError`` for a NaN or infinite ``JSONValue/number(_:)``.
    public static func encode(_ value: JSONValue) throws(NonFiniteNumberError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        try write(value, to: &output, at: "$")
        return output
    }

    /// A body held a NaN or an infinity, which JSON cannot express.
    public struct NonFiniteNumberError: TaskStatusFailure, CustomStringConvertible, Sendable, Equatable {
        /// Where in the body, as a path such as `$.export_headers[0]`.
        public var location: String
        /// The value, as Swift prints it (`nan`, `inf`, `-inf`).
        public var value: String

        /// Creates the error.
        public init(location: String, value: String) {
            self.location = location
            self.value = value
        }

        /// Permanent: the same body fails the same way every time.
        public var disposition: FailureDisposition { .permanent }

        /// Code `invalid-body` and the description.
        public var recordFailure: ExportResult.Failure {
            ExportResult.Failure(code: "invalid-body", message: description, requestID: nil)
        }

        /// Where the number is and the fix.
        public var description: String {
            "the request body holds \(value) at \(location), which JSON cannot express; use a finite number there"
        }
    }

    private static func write(_ value: JSONValue, to output: inout [UInt8], at location: String) throws(NonFiniteNumberError) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let integer):
            output.append(contentsOf: String(integer).utf8)
        case .number(let number):
            guard number.isFinite else { throw NonFiniteNumberError(location: location, value: "\(number)") }
            output.append(contentsOf: PythonFloatRepr.repr(number).utf8)
        case .numberLiteral:
            // `serialized` writes the literal verbatim when it is a JSON number, else `null`.
            output.append(contentsOf: value.serialized.utf8)
        case .string(let string):
            writeString(string, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(contentsOf: ", ".utf8) }
                try write(element, to: &output, at: "\(location)[\(index)]")
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in pythonDictionaryOrder(members).enumerated() {
                if index > 0 { output.append(contentsOf: ", ".utf8) }
                writeString(member.key, to: &output)
                output.append(contentsOf: ": ".utf8)
                try write(member.value, to: &output, at: "\(location).\(member.key)")
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// The members a Python `dict` built from `members` holds, in its order.
    private static func pythonDictionaryOrder(_ members: [(key: String, value: JSONValue)]) -> [(key: String, value: JSONValue)] {
        var positions: [String: Int] = [:]
        var result: [(key: String, value: JSONValue)] = []
        result.reserveCapacity(members.count)
        for member in members {
            if let position = positions[member.key] {
                result[position].value = member.value
            } else {
                positions[member.key] = result.count
                result.append(member)
            }
        }
        return result
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `"…"` with Python's `ensure_ascii` escaping.
    private static func writeString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for scalar in string.unicodeScalars {
            switch scalar.value {
            case 0x22: output.append(contentsOf: #"\""#.utf8)
            case 0x5C: output.append(contentsOf: #"\\"#.utf8)
            case 0x0A: output.append(contentsOf: #"\n"#.utf8)
            case 0x0D: output.append(contentsOf: #"\r"#.utf8)
            case 0x09: output.append(contentsOf: #"\t"#.utf8)
            case 0x08: output.append(contentsOf: #"\b"#.utf8)
            case 0x0C: output.append(contentsOf: #"\f"#.utf8)
            case 0x20...0x7E: output.append(UInt8(scalar.value))
            case 0x10000...:
                let offset = scalar.value - 0x10000
                writeUnicodeEscape(0xD800 + (offset >> 10), to: &output)
                writeUnicodeEscape(0xDC00 + (offset & 0x3FF), to: &output)
            default:
                writeUnicodeEscape(scalar.value, to: &output)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func writeUnicodeEscape(_ unit: UInt32, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        output.append(UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(hexDigits[Int((unit >> UInt32(shift)) & 0xF)])
        }
    }
}
