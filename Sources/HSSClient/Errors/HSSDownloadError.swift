public import ExportPipeline
public import ExportStageKit
import Foundation

/// A download of an exported file failed after HSS answered 200: the file is over the
/// size limit, the body ended early, or the local file could not be written.
///
/// The partial file is always removed before this is thrown.
public struct HSSDownloadError: TaskStatusFailure, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The file is larger than `limit` bytes: `Content-Length` said so (`declared`), or
        /// the bytes received passed it (`declared` is `nil` then).
        case tooLarge(limit: Int, declared: Int?)
        /// The body ended after `received` of the `expected` (`Content-Length`) bytes.
        case truncated(expected: Int, received: Int)
        /// A system call on the local file failed with `errno`.
        case file(operation: String, errno: Int32)
    }

    /// What went wrong.
    public var kind: Kind
    /// The file id that was downloaded.
    public var fileID: String
    /// The request path, as sent.
    public var path: String
    /// The local file the download was written to (and removed from).
    public var destination: String
    /// The `X-Request-Id` response header, when present.
    public var requestID: String?

    /// Creates a download error.
    public init(kind: Kind, fileID: String, path: String, destination: String, requestID: String? = nil) {
        self.kind = kind
        self.fileID = fileID
        self.path = path
        self.destination = destination
        self.requestID = requestID
    }

    /// Permanent for a file over the limit (it will not shrink) and for a local file
    /// problem (a full disk, a missing directory: retrying within the run does not fix
    /// them); transient for a body that ended early.
    public var disposition: FailureDisposition {
        switch kind {
        case .tooLarge, .file: return .permanent
        case .truncated: return .transient
        }
    }

    /// Code `download-too-large`, `download-truncated` or `download-file`, and the description.
    public var recordFailure: ExportResult.Failure {
        let code: String
        switch kind {
        case .tooLarge: code = "download-too-large"
        case .truncated: code = "download-truncated"
        case .file: code = "download-file"
        }
        return ExportResult.Failure(code: code, message: description, requestID: requestID)
    }

    /// What happened, where, and the fix.
    public var description: String {
        let id = requestID.map { " (request id \($0))" } ?? ""
        switch kind {
        case .tooLarge(let limit, let declared):
            let size = declared.map { "is \($0) bytes" } ?? "has more than \(limit) bytes"
            return "the exported file \(fileID) (GET \(path)\(id)) \(size), over the limit of \(limit) bytes; "
                + "it was not kept: raise the download.max_bytes option if a file this large is expected"
        case .truncated(let expected, let received):
            return "the download of \(fileID) (GET \(path)\(id)) ended after \(received) of \(expected) bytes; "
                + "the partial file was removed and the download will be retried; if it persists, check the proxy or network"
        case .file(let operation, let errno):
            let reason = String(cString: strerror(errno))
            return "cannot \(operation) \(destination) for the download of \(fileID): \(reason) (errno \(errno)); "
                + "check that the directory exists, is writable and has free space"
        }
    }
}
