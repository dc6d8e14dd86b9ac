extension JSONValue {
    /// Compact JSON text: no insignificant whitespace, keys in their stored
    /// order, non-ASCII kept as UTF-8, control characters escaped.
    public var serialized: String {
        serialized(escapingLineSeparators: true)
    }

    /// Appends the compact JSON text of this value to `output`.
    public func write(to output: inout String) {
        output += serialized
    }

    /// Appends the compact JSON text of this value to `output` as UTF-8: the
    /// bytes of ``serialized``.
    public func write(to output: inout [UInt8]) {
        var buffer = EncodingBuffer(minimumCapacity: 256)
        write(to: &buffer, escapingLineSeparators: true)
        buffer.withUnsafeBytes { output.append(contentsOf: $0) }
    }

    /// ``serialized``, optionally leaving U+2028 and U+2029 as they are.
    ///
    /// Both are valid in JSON strings; they are escaped by default because
    /// they end lines in JavaScript. The simulator passes `false`, so its
    /// responses stay byte for byte what they always were.
    package func serialized(escapingLineSeparators: Bool) -> String {
        var buffer = EncodingBuffer(minimumCapacity: 256)
        write(to: &buffer, escapingLineSeparators: escapingLineSeparators)
        return buffer.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// The one writer every JSON text in the package goes through.
    package func write(to buffer: inout EncodingBuffer, escapingLineSeparators: Bool = true) {
        switch self {
        case .null:
            buffer.write(maximumCount: 4) { $0.write("null") }
        case .bool(let value):
            buffer.write(maximumCount: 5) { $0.write(value ? "true" : "false") }
        case .integer(let value):
            buffer.write(maximumCount: RawWriter.maximumIntegerCount) { $0.writeInteger(value) }
        case .number(let value):
            buffer.write(maximumCount: RawWriter.maximumNumberCount) { $0.writeNumber(value) }
        case .numberLiteral(let text):
            Self.writeNumberLiteral(text, to: &buffer)
        case .string(let value):
            Self.writeString(value, to: &buffer, escapingLineSeparators: escapingLineSeparators)
        case .array(let values):
            buffer.write(maximumCount: 1) { $0.write(UInt8(ascii: "[")) }
            for (index, value) in values.enumerated() {
                if index > 0 { buffer.write(maximumCount: 1) { $0.write(UInt8(ascii: ",")) } }
                value.write(to: &buffer, escapingLineSeparators: escapingLineSeparators)
            }
            buffer.write(maximumCount: 1) { $0.write(UInt8(ascii: "]")) }
        case .object(let members):
            buffer.write(maximumCount: 1) { $0.write(UInt8(ascii: "{")) }
            for (index, member) in members.enumerated() {
                if index > 0 { buffer.write(maximumCount: 1) { $0.write(UInt8(ascii: ",")) } }
                Self.writeString(member.key, to: &buffer, escapingLineSeparators: escapingLineSeparators)
                buffer.write(maximumCount: 1) { $0.write(UInt8(ascii: ":")) }
                member.value.write(to: &buffer, escapingLineSeparators: escapingLineSeparators)
            }
            buffer.write(maximumCount: 1) { $0.write(UInt8(ascii: "}")) }
        }
    }

    /// A quoted, escaped string; long strings go in slices, so the room
    /// reserved for escapes stays small.
    private static func writeString(_ string: String, to buffer: inout EncodingBuffer, escapingLineSeparators: Bool) {
        let sliceLength = 16 * 1024
        guard string.utf8.count > sliceLength else {
            buffer.write(maximumCount: RawWriter.maximumStringCount(utf8Count: string.utf8.count)) {
                $0.writeString(string, escapingLineSeparators: escapingLineSeparators)
            }
            return
        }
        var copy = string
        copy.withUTF8 { bytes in
            buffer.write(maximumCount: 1) { $0.write(UInt8(ascii: "\"")) }
            var start = 0
            while start < bytes.count {
                var end = Swift.min(bytes.count, start + sliceLength)
                // Slices end on scalar boundaries, so no escape is split.
                while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
                buffer.write(maximumCount: 6 * slice.count) {
                    $0.writeEscaped(slice, escapingLineSeparators: escapingLineSeparators)
                }
                start = end
            }
            buffer.write(maximumCount: 1) { $0.write(UInt8(ascii: "\"")) }
        }
    }

    /// `text` verbatim when it is a JSON number, else `null`.
    private static func writeNumberLiteral(_ text: String, to buffer: inout EncodingBuffer) {
        let bytes = Array(text.utf8)
        var index = 0
        if JSONParser.scanNumber(bytes, from: &index), index == bytes.count {
            buffer.append(bytes)
        } else {
            buffer.write(maximumCount: 4) { $0.write("null") }
        }
    }
}
