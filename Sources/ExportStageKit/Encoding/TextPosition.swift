/// 1-based lines and columns of a spot in a text, as compilers and libyaml
/// count them (columns in Unicode scalars), for errors that only know an
/// offset: libyaml's reader errors, invalid UTF-8 in a file.
public struct TextPosition: Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in Unicode scalars (bytes for invalid UTF-8).
    public var column: Int

    /// Creates a position.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }

    /// The position of the character `characterOffset` characters into `text`
    /// (clamped to its end), as Yams reports a reader error's offset.
    public init(characterOffset: Int, in text: String) {
        let index = text.index(text.startIndex, offsetBy: max(0, characterOffset), limitedBy: text.endIndex) ?? text.endIndex
        var line = 1
        var column = 1
        for scalar in text.unicodeScalars[..<index] {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        self.init(line: line, column: column)
    }

    /// The position of byte `byteOffset` in UTF-8 `bytes`; columns count the
    /// scalars before it on its line, each byte of an invalid sequence as one.
    public init(byteOffset: Int, in bytes: some Collection<UInt8>) {
        var line = 1
        var column = 1
        for byte in bytes.prefix(max(0, byteOffset)) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                // Continuation bytes belong to the scalar their lead byte started.
                column += 1
            }
        }
        self.init(line: line, column: column)
    }

    /// The offset of the first byte that is not valid UTF-8, or `nil` when
    /// all of `bytes` is.
    public static func firstInvalidUTF8(in bytes: some Collection<UInt8>) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
