import Foundation
import Yams

extension PipelineLoader {
    /// Why a pipeline file could not be read, with the fix.
    struct ReadProblem: Error {
        var message: String
        var fix: String
    }

    /// The bytes of the pipeline file at `path` (`-`: standard input), up to
    /// ``maximumFileBytes``.
    ///
    /// A regular file, a pipe, `/dev/stdin` or a process substitution
    /// (`<(…)`) are all read the same way; a directory, a missing file and a
    /// refused open each say what they are, with the system's reason.
    static func readFile(_ path: String) -> Result<Data, ReadProblem> {
        let descriptor: Int32
        if path == "-" {
            descriptor = STDIN_FILENO
        } else {
            var info = stat()
            guard stat(path, &info) == 0 else {
                let code = errno
                if code == ENOENT || code == ENOTDIR {
                    return .failure(ReadProblem(message: "the pipeline file does not exist", fix: "check the path"))
                }
                return .failure(ReadProblem(message: "cannot read the pipeline file: \(String(cString: strerror(code)))", fix: fix(for: code)))
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                return .failure(
                    ReadProblem(
                        message: "'\(path)' is a directory, not a pipeline file",
                        fix: "give the path of a pipeline file in it, e.g. \(path)/nightly.pipeline.yaml"))
            }
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                let code = errno
                return .failure(ReadProblem(message: "cannot open the pipeline file: \(String(cString: strerror(code)))", fix: fix(for: code)))
            }
        }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while data.count <= maximumFileBytes {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                return .failure(ReadProblem(message: "cannot read the pipeline file: \(String(cString: strerror(code)))", fix: fix(for: code)))
            }
            data.append(contentsOf: buffer[..<count])
        }
        guard data.count <= maximumFileBytes else {
            return .failure(
                ReadProblem(
                    message: "the pipeline file is larger than \(maximumFileBytes >> 20) MiB", fix: "check that the path names a pipeline file"))
        }
        return .success(data)
    }

    private static func fix(for code: Int32) -> String {
        switch code {
        case EACCES, EPERM: "check the file's permissions and its directories' (ls -l), or run as a user who may read it"
        case EISDIR: "give the path of a pipeline file"
        default: "check the path"
        }
    }

    /// The `stdin` key of `tasks: {stdin: …}` (top level or in a source), if the file has one.
    static func standardInputTaskNode(in root: Node) -> Node? {
        func stdinNode(inTasks tasks: Node?) -> Node? {
            guard case .mapping(let mapping)? = tasks else { return nil }
            return mapping.first { $0.key.scalar?.string == "stdin" }?.value
        }
        guard case .mapping(let top) = root else { return nil }
        if let node = stdinNode(inTasks: top["tasks"]) { return node }
        guard case .sequence(let sources)? = top["sources"] else { return nil }
        for case .mapping(let source) in sources {
            if let node = stdinNode(inTasks: source["tasks"]) { return node }
        }
        return nil
    }
}
