extension JSONValue {
    /// Compact JSON text: no insignificant whitespace, keys in their stored
    /// order, non-ASCII kept as UTF-8, control characters escaped.
    public var serialized: String {
        var output = ""
        output.reserveCapacity(256)
        write(to: &output)
        return output
    }

    /// Appends the compact JSON text of this value to `output`.
    public func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .integer(let value): output += String(value)
        case .number(let value): output += JSONValue.format(value)
        case .string(let value): JSONValue.writeString(value, to: &output)
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                JSONValue.writeString(member.key, to: &output)
                output += ":"
                member.value.write(to: &output)
            }
            output += "}"
        }
    }

    /// JSON has no NaN or infinity; writing `null` keeps the document valid.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }

    /// Escapes on UTF-8 bytes and copies the runs between escapes whole:
    /// appending scalar by scalar made the JSON stages several times slower.
    /// Every escape starts on a scalar boundary (ASCII, or the lead byte of
    /// U+2028/U+2029), so the copied runs are always whole scalars.
    static func writeString(_ string: String, to output: inout String) {
        output += "\""
        let utf8 = string.utf8
        var pending = utf8.startIndex
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            var escape: String?
            var length = 1
            switch byte {
            case 0x22: escape = "\\\""
            case 0x5C: escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x00..<0x20:
                let hex = String(byte, radix: 16)
                escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            case 0xE2:
                // U+2028 and U+2029 are valid in JSON but end lines in JavaScript.
                let second = utf8.index(after: index)
                if second != utf8.endIndex, utf8[second] == 0x80 {
                    let third = utf8.index(after: second)
                    if third != utf8.endIndex, utf8[third] == 0xA8 || utf8[third] == 0xA9 {
                        escape = utf8[third] == 0xA8 ? "\\u2028" : "\\u2029"
                        length = 3
                    }
                }
            default:
                break
            }
            if let escape {
                output.append(contentsOf: Substring(utf8[pending..<index]))
                output += escape
                index = utf8.index(index, offsetBy: length)
                pending = index
            } else {
                index = utf8.index(after: index)
            }
        }
        output.append(contentsOf: Substring(utf8[pending..<utf8.endIndex]))
        output += "\""
    }
}
