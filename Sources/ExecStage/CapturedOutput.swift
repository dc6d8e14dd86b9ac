/// A bounded capture of one of the command's output streams: the start of
/// stdout (what a log line can hold) or the end of stderr (where the reason
/// for a failure usually is).
struct CapturedOutput: Sendable {
    /// Which part of the stream is kept.
    enum Part: Sendable {
        case head
        case tail
    }

    /// The part kept.
    let part: Part
    /// How many bytes are kept.
    let limit: Int
    private var buffer: [UInt8] = []
    /// How many bytes the stream carried in all.
    private(set) var totalCount = 0

    /// An empty capture keeping `limit` bytes of `part`.
    init(_ part: Part, limit: Int) {
        self.part = part
        self.limit = limit
    }

    /// Whether the stream carried nothing.
    var isEmpty: Bool { totalCount == 0 }

    /// Adds bytes read from the stream.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        totalCount += bytes.count
        switch part {
        case .head:
            let room = limit - buffer.count
            if room > 0 { buffer.append(contentsOf: bytes.prefix(room)) }
        case .tail:
            buffer.append(contentsOf: bytes)
            // Trimming only past twice the limit keeps appends amortised O(1).
            if buffer.count > 2 * limit { buffer.removeFirst(buffer.count - limit) }
        }
    }

    /// The kept bytes as text, cut at a character boundary, without the final
    /// line break, and marked where bytes were left out.
    var text: String {
        switch part {
        case .head:
            let kept = totalCount > buffer.count ? Self.droppingIncompleteLastCharacter(buffer[...]) : buffer[...]
            let text = Self.trimmed(String(decoding: kept, as: UTF8.self))
            let more = totalCount - kept.count
            return more > 0 ? text + " … (\(more) more bytes)" : text
        case .tail:
            var kept = buffer.suffix(limit)
            if totalCount > kept.count {
                // A cut inside a UTF-8 sequence leaves continuation bytes first.
                kept = kept.drop { $0 & 0xC0 == 0x80 }
            }
            let text = Self.trimmed(String(decoding: kept, as: UTF8.self))
            let earlier = totalCount - kept.count
            return earlier > 0 ? "(\(earlier) earlier bytes) … " + text : text
        }
    }

    private static func droppingIncompleteLastCharacter(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        // Find the lead byte of the last character (at most 3 bytes back) and
        // drop the character if the cut left it without all its bytes.
        var start = bytes.endIndex
        while start > bytes.startIndex, bytes.endIndex - start < 4 {
            start -= 1
            let byte = bytes[start]
            guard byte & 0xC0 == 0x80 else {
                let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                return bytes.endIndex - start < length ? bytes[..<start] : bytes
            }
        }
        return bytes
    }

    private static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last.isNewline || last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
