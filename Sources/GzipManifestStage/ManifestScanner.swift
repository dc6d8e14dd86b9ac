import ExportStageKit

/// Finds the members of a manifest's top-level object, and the elements of
/// its arrays, as byte ranges, without building values for what it skips.
///
/// The `results` list holds most of a manifest's bytes and the verifier
/// needs none of it; parsing only the members it asks for (and an array's
/// elements one at a time) keeps the parsed values small. Skipped values
/// are checked only for balanced brackets and well-formed strings.
struct ManifestScanner {
    let bytes: [UInt8]

    /// Calls `body` with each top-level member's key and value range, in document order.
    func members(_ body: (String, Range<Int>) throws -> Void) throws {
        var index = skipWhitespace(from: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0)
        try expect(UInt8(ascii: "{"), at: index, what: "the manifest's opening '{'")
        index = skipWhitespace(from: index + 1)
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            return try expectEnd(after: index + 1)
        }
        while true {
            try expect(UInt8(ascii: "\""), at: index, what: "a member name")
            let keyEnd = try endOfString(from: index)
            guard case .string(let key)? = JSONValue.parse(bytes[index..<keyEnd]) else {
                throw syntaxError(at: index, "invalid member name")
            }
            index = skipWhitespace(from: keyEnd)
            try expect(UInt8(ascii: ":"), at: index, what: "':' after \"\(key)\"")
            let valueStart = skipWhitespace(from: index + 1)
            let valueEnd = try endOfValue(from: valueStart)
            try body(key, valueStart..<valueEnd)
            index = skipWhitespace(from: valueEnd)
            guard index < bytes.count else { throw syntaxError(at: index, "the document ends before its closing '}'") }
            if bytes[index] == UInt8(ascii: "}") { return try expectEnd(after: index + 1) }
            try expect(UInt8(ascii: ","), at: index, what: "',' or '}'")
            index = skipWhitespace(from: index + 1)
        }
    }

    /// The ranges of the elements of the array at `range`, or `nil` when it is no array.
    func elements(of range: Range<Int>) throws -> [Range<Int>]? {
        guard range.lowerBound < bytes.count, bytes[range.lowerBound] == UInt8(ascii: "[") else { return nil }
        var elements: [Range<Int>] = []
        var index = skipWhitespace(from: range.lowerBound + 1)
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { return elements }
        while true {
            let end = try endOfValue(from: index)
            elements.append(index..<end)
            index = skipWhitespace(from: end)
            guard index < bytes.count else { throw syntaxError(at: index, "an array is not closed") }
            if bytes[index] == UInt8(ascii: "]") { return elements }
            try expect(UInt8(ascii: ","), at: index, what: "',' or ']'")
            index = skipWhitespace(from: index + 1)
        }
    }

    /// The value at `range`, parsed.
    func value(at range: Range<Int>) throws -> JSONValue {
        guard let value = JSONValue.parse(bytes[range]) else { throw syntaxError(at: range.lowerBound, "invalid JSON value") }
        return value
    }

    /// One past the end of the value starting at `start`.
    private func endOfValue(from start: Int) throws -> Int {
        guard start < bytes.count else { throw syntaxError(at: start, "a value is missing") }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return try endOfString(from: start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // A stack of the closers still owed, so `[}` is caught too.
            var closers: [UInt8] = []
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    index = try endOfString(from: index)
                    continue
                case UInt8(ascii: "{"): closers.append(UInt8(ascii: "}"))
                case UInt8(ascii: "["): closers.append(UInt8(ascii: "]"))
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard closers.last == bytes[index] else {
                        throw syntaxError(at: index, "unbalanced '\(Character(Unicode.Scalar(bytes[index])))'")
                    }
                    closers.removeLast()
                    if closers.isEmpty { return index + 1 }
                default: break
                }
                index += 1
            }
            throw syntaxError(at: start, "an object or array is not closed")
        default:
            // A number, true, false or null: up to the next delimiter.
            var index = start
            while index < bytes.count, !Self.delimiters.contains(bytes[index]) { index += 1 }
            guard index > start else { throw syntaxError(at: start, "a value is missing") }
            return index
        }
    }

    private static let delimiters: Set<UInt8> = [0x2C, 0x7D, 0x5D, 0x20, 0x09, 0x0A, 0x0D]  // , } ] and whitespace

    /// One past the closing quote of the string starting at `start`.
    private func endOfString(from start: Int) throws -> Int {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""): return index + 1
            case UInt8(ascii: "\\"): index += 2
            case 0x00..<0x20: throw syntaxError(at: index, "a control character inside a string")
            default: index += 1
            }
        }
        throw syntaxError(at: start, "a string is not closed")
    }

    private func skipWhitespace(from start: Int) -> Int {
        var index = start
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index
    }

    private func expect(_ byte: UInt8, at index: Int, what: String) throws {
        guard index < bytes.count, bytes[index] == byte else {
            throw syntaxError(at: index, index < bytes.count ? "expected \(what)" : "the document ends where \(what) should be")
        }
    }

    private func expectEnd(after index: Int) throws {
        let end = skipWhitespace(from: index)
        guard end == bytes.count else { throw syntaxError(at: end, "more text after the document's closing '}'") }
    }

    private func syntaxError(at index: Int, _ message: String) -> ManifestFormatError {
        ManifestFormatError(location: "byte \(index) of the inflated JSON", message: "not valid JSON: \(message)")
    }
}
