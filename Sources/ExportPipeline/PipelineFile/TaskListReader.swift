import ExportStageKit
import Foundation

/// Reads a task list (`tasks: {file: …}` or `{stdin: true}`) a chunk at a
/// time: one export task id per line, blank lines and `#` comments skipped.
///
/// Memory stays bounded whatever the input: a line longer than
/// ``maximumLineBytes`` is skipped without being kept, reading stops after
/// ``maximumBytes`` or ``maximumTasks``, and each of those is a problem that
/// names the line and the limit.
struct TaskListReader {
    /// The longest line kept, in bytes (4 KiB; an id is at most 64 characters).
    static let maximumLineBytes = 4096
    /// The most a task list is read, in bytes (64 MiB).
    static let maximumBytes = 64 << 20
    /// The most task ids one list may hold.
    static let maximumTasks = 100_000
    /// How much is read from a file at a time.
    static let chunkBytes = 64 << 10

    /// One problem, at a 1-based line of the list.
    struct Problem {
        var line: Int
        var message: String
        var fix: String
    }

    /// The ids read so far, with their lines, in order.
    private(set) var tasks: [(id: String, line: Int)] = []
    /// Everything wrong, in line order.
    private(set) var problems: [Problem] = []
    /// Set once a limit stopped the reading.
    private(set) var isStopped = false

    private let origin: String
    private var current: [UInt8] = []
    private var currentIsTooLong = false
    private var lineNumber = 1
    private var bytesRead = 0
    private var firstLine: [String: Int] = [:]

    /// `origin` names the list in problems: `task file 'tasks.txt'`, `standard input`.
    init(origin: String) {
        self.origin = origin
    }

    /// Reads `path` to its end or to a limit; `nil` when it cannot be opened or read.
    static func read(path: String, origin: String) -> TaskListReader? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var reader = TaskListReader(origin: origin)
        while !reader.isStopped {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: chunkBytes)
            } catch {
                return nil  // a directory, an I/O error
            }
            // nil or empty: the end of the file.
            guard let chunk, !chunk.isEmpty else { break }
            reader.consume(chunk)
        }
        reader.finish()
        return reader
    }

    /// Reads `text` (standard input, already in memory) with the same limits.
    static func read(text: String, origin: String) -> TaskListReader {
        var reader = TaskListReader(origin: origin)
        reader.consume(Data(text.utf8))
        reader.finish()
        return reader
    }

    /// Takes the next bytes of the list; does nothing once stopped.
    mutating func consume(_ chunk: Data) {
        guard !isStopped else { return }
        let isOverLimit = bytesRead + chunk.count > Self.maximumBytes
        let chunk = isOverLimit ? chunk.prefix(Self.maximumBytes - bytesRead) : chunk
        bytesRead += chunk.count
        defer {
            if isOverLimit && !isStopped {
                stop(
                    "\(origin) is larger than \(Self.maximumBytes >> 20) MiB; only the first \(Self.maximumBytes >> 20) MiB are read",
                    fix: "split the list over several runs (at most \(Self.maximumTasks) ids each)")
            }
        }
        chunk.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while start < buffer.count {
                // memchr: fast in debug builds too, where a byte loop over 64 MiB is slow.
                let found = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start)
                let end = found.map { UnsafeRawPointer($0) - base } ?? buffer.count
                if !currentIsTooLong {
                    if current.count + (end - start) > Self.maximumLineBytes {
                        currentIsTooLong = true
                        current = []
                    } else {
                        current.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
                    }
                }
                guard found != nil else { break }
                endLine()
                if isStopped { return }
                start = end + 1
            }
        }
    }

    /// Ends the last line, unless a limit cut it short.
    mutating func finish() {
        if !isStopped && (!current.isEmpty || currentIsTooLong) { endLine() }
    }

    private mutating func endLine() {
        defer {
            lineNumber += 1
            current.removeAll(keepingCapacity: true)
            currentIsTooLong = false
        }
        if currentIsTooLong {
            problems.append(
                Problem(
                    line: lineNumber,
                    message: "line \(lineNumber) of \(origin) is longer than \(Self.maximumLineBytes) bytes, the longest line read",
                    fix: "one export task id (1 to 64 characters) per line"))
            return
        }
        guard TextPosition.firstInvalidUTF8(in: current) == nil else {
            problems.append(Problem(line: lineNumber, message: "line \(lineNumber) of \(origin) is not UTF-8 text", fix: "save the list as UTF-8"))
            return
        }
        let id = String(decoding: current, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if id.isEmpty || id.hasPrefix("#") { return }
        if let problem = PipelineReader.problem(withTaskID: id) {
            problems.append(
                Problem(
                    line: lineNumber, message: "line \(lineNumber) of \(origin): \(problem)", fix: "one export task id (1 to 64 characters) per line")
            )
            return
        }
        if let first = firstLine[id] {
            problems.append(
                Problem(
                    line: lineNumber, message: "line \(lineNumber) of \(origin): task '\(id)' is listed twice (first on line \(first))",
                    fix: "remove the duplicate"))
            return
        }
        guard tasks.count < Self.maximumTasks else {
            stop(
                "\(origin) holds more than \(Self.maximumTasks) task ids (line \(lineNumber))",
                fix: "split the list over several runs (at most \(Self.maximumTasks) ids each)")
            return
        }
        firstLine[id] = lineNumber
        tasks.append((id, lineNumber))
    }

    private mutating func stop(_ message: String, fix: String) {
        // A line cut off by the limit may already be known to be too long.
        if currentIsTooLong { endLine() }
        isStopped = true
        problems.append(Problem(line: lineNumber, message: message, fix: fix))
    }
}
