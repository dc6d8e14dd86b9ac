/// Gzip input that could not be inflated: not gzip, damaged, cut short, or
/// larger than the reader allows.
///
/// Says where in the compressed input it went wrong and what to do; the
/// reader knows no file name, so callers that read a file add it.
public struct GzipReadError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What was wrong with the input.
    public enum Reason: Sendable, Equatable {
        /// No bytes at all.
        case empty
        /// The input does not start with the gzip magic bytes `1f 8b`.
        case notGzip(firstBytes: [UInt8])
        /// zlib found the data inconsistent (its message, e.g. `incorrect data check`).
        case corrupt(String)
        /// The input ended inside a member, before its CRC-32 and size trailer.
        case truncated
        /// The content inflates to more than the reader's limit.
        case tooLarge(limit: Int)
        /// zlib itself failed (out of memory, version mismatch).
        case zlib(GzipError)
    }

    /// What was wrong.
    public var reason: Reason
    /// Compressed bytes consumed when it was noticed.
    public var compressedOffset: Int

    /// Creates an error.
    public init(_ reason: Reason, compressedOffset: Int) {
        self.reason = reason
        self.compressedOffset = compressedOffset
    }

    /// What was wrong, where, and a fix.
    public var description: String {
        switch reason {
        case .empty:
            return "gzip: the input is empty, not a gzip file (fix: give the .gz file itself, not an empty copy)"
        case .notGzip(let firstBytes):
            let shown = firstBytes.prefix(2).map { byte in
                let digits = String(byte, radix: 16)
                return digits.count == 1 ? "0" + digits : digits
            }
            return
                "gzip: not a gzip file: it starts with \(shown.joined(separator: " ")), not 1f 8b (fix: give the gzip-compressed file, e.g. manifest.json.gz)"
        case .corrupt(let detail):
            return
                "gzip: corrupt data at compressed byte \(compressedOffset): \(detail) (fix: the file was damaged after it was written; restore it from a copy)"
        case .truncated:
            return
                "gzip: truncated: the input ends after \(compressedOffset) bytes, before the gzip trailer (fix: the file was cut short, e.g. by an interrupted copy; copy it again)"
        case .tooLarge(let limit):
            return
                "gzip: the content inflates to more than \(limit) bytes, the most allowed (fix: this is not a manifest hss-export wrote; check the file, or raise the limit if it really is that large)"
        case .zlib(let error):
            return error.description
        }
    }
}
