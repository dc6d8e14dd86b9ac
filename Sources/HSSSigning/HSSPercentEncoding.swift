/// Percent-encoding as the Huawei Cloud SDK signer does it (Python's `quote(s, safe='~')`).
///
/// Used for canonical URIs, query names and values, and path parameters on the wire.
public enum HSSPercentEncoding {
    /// Encodes the UTF-8 bytes of `s`, keeping only `A–Z a–z 0–9 - _ . ~`.
    ///
    /// Every other byte becomes `%XX` with upper-case hex, so a space is `%20` (never `+`),
    /// `*` is `%2A` and `/` is `%2F`.
    public static func encode(_ s: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(s.utf8.count)
        for byte in s.utf8 {
            if isUnreserved(byte) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Builds a wire path from unencoded segments: `["v5", "a/b", "x"]` gives `/v5/a%2Fb/x`.
    ///
    /// Each segment is encoded with ``encode(_:)``, so a `/` inside a segment stays inside it.
    public static func encodePathSegments(_ segments: [String]) -> String {
        "/" + segments.map(encode).joined(separator: "/")
    }

    /// Decodes `%XX` sequences leniently, like Python's `unquote`.
    ///
    /// A `%` not followed by two hex digits is kept as is; bytes that are not valid UTF-8
    /// become U+FFFD. `+` is kept, because the signer never uses it for a space.
    public static func decode(_ s: String) -> String {
        let bytes = Array(s.utf8)
        guard bytes.contains(UInt8(ascii: "%")) else { return s }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
