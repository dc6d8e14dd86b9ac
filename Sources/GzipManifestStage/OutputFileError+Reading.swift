import ExportStageKit
import Foundation

extension OutputFileError {
    /// A file that could not be read, with a fix for reading rather than writing.
    init(readingFrom path: String, operation: String, errno code: Int32) {
        let fix: String? =
            switch code {
            case ENOENT: "check the path; the file does not exist"
            case EACCES, EPERM: "give the user running hss-export read permission on \(path)"
            case EISDIR: "give a file, not a directory"
            default: nil
            }
        self.init(path: path, message: "could not \(operation): \(String(cString: strerror(code)))", fix: fix)
    }
}
