import SystemZlib

/// zlib refused to compress, or a ``GzipWriter`` was configured wrongly.
///
/// Names the zlib call and return code (when zlib is involved), zlib's own
/// message, and what to do about it.
public struct GzipError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The operation that failed, e.g. `deflate` or `deflateInit2_`.
    public var operation: String
    /// The zlib return code, when zlib reported the failure.
    public var code: Int32?
    /// What went wrong.
    public var message: String
    /// How to fix it.
    public var fix: String?

    /// Creates an error.
    public init(operation: String, code: Int32? = nil, message: String, fix: String? = nil) {
        self.operation = operation
        self.code = code
        self.message = message
        self.fix = fix
    }

    /// An error for a zlib call that returned `code`, with zlib's `msg` if it set one.
    init(operation: String, code: Int32, zlibMessage: UnsafePointer<CChar>?) {
        let detail = zlibMessage.map { String(cString: $0) }
        var message = GzipError.explanation(of: code)
        if let detail, !detail.isEmpty { message += " (\(detail))" }
        self.init(operation: operation, code: code, message: message, fix: GzipError.fix(for: code))
    }

    /// The zlib call, its result code and message, and a fix.
    public var description: String {
        let codeText = code.map { " returned \(GzipError.name(of: $0)) (\($0))" } ?? ""
        return "gzip: \(operation)\(codeText): \(message)" + (fix.map { " (fix: \($0))" } ?? "")
    }

    /// The name of a zlib return code as spelled in zlib.h.
    static func name(of code: Int32) -> String {
        switch code {
        case Z_OK: return "Z_OK"
        case Z_STREAM_END: return "Z_STREAM_END"
        case Z_NEED_DICT: return "Z_NEED_DICT"
        case Z_ERRNO: return "Z_ERRNO"
        case Z_STREAM_ERROR: return "Z_STREAM_ERROR"
        case Z_DATA_ERROR: return "Z_DATA_ERROR"
        case Z_MEM_ERROR: return "Z_MEM_ERROR"
        case Z_BUF_ERROR: return "Z_BUF_ERROR"
        case Z_VERSION_ERROR: return "Z_VERSION_ERROR"
        default: return "unknown zlib code"
        }
    }

    private static func explanation(of code: Int32) -> String {
        switch code {
        case Z_STREAM_ERROR: return "invalid parameter or inconsistent stream state"
        case Z_DATA_ERROR: return "the stream was freed before all data was compressed"
        case Z_MEM_ERROR: return "zlib ran out of memory"
        case Z_BUF_ERROR: return "no progress was possible"
        case Z_VERSION_ERROR:
            return
                "the zlib library at run time (\(String(cString: zlibVersion()))) is incompatible with the headers it was built against (\(ZLIB_VERSION))"
        default: return "unexpected result"
        }
    }

    private static func fix(for code: Int32) -> String? {
        switch code {
        case Z_MEM_ERROR: return "free memory or lower the compression level"
        case Z_VERSION_ERROR: return "install the zlib1g package matching zlib1g-dev, then rebuild"
        case Z_STREAM_ERROR, Z_DATA_ERROR, Z_BUF_ERROR:
            return "this is a bug in hss-export's gzip writer; please report it with the zlib version \(String(cString: zlibVersion()))"
        default: return nil
        }
    }
}
