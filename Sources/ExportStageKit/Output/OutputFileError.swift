import Foundation

/// A file could not be written; names the path, what failed, and a fix.
public struct OutputFileError: Error, CustomStringConvertible, Sendable {
    /// The file concerned.
    public var path: String
    /// What went wrong.
    public var message: String
    /// What the user can do about it.
    public var fix: String?

    /// An error with a message of its own.
    public init(path: String, message: String, fix: String? = nil) {
        self.path = path
        self.message = message
        self.fix = fix
    }

    /// An error from a failed system call.
    public init(path: String, operation: String, errno code: Int32) {
        self.path = path
        self.message = "could not \(operation): \(String(cString: strerror(code)))"
        switch code {
        case ENOENT: fix = "create the directory \(FilePath.directory(of: path)) or fix the path"
        case EACCES, EPERM: fix = "give the user running hss-export write permission on \(FilePath.directory(of: path))"
        case ENOSPC: fix = "free disk space on the file system holding \(path)"
        default: fix = nil
        }
    }

    /// `path: message (fix: …)`.
    public var description: String {
        "\(path): \(message)" + (fix.map { " (fix: \($0))" } ?? "")
    }
}
