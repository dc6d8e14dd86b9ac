public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Appends whole lines to a file: one `write` of complete lines, then fsync.
///
/// A file whose last byte is not a newline was torn by an earlier crash or is
/// not ours; appending to it would glue two records together, so it is
/// refused (``repairTornEnd(of:now:)`` makes such a file appendable again).
public enum AppendableFile {
    /// The content of the file's first line (without the newline), or `nil`
    /// when the file does not exist or is empty.
    public static func firstLine(of path: String, limit: Int = 1 << 20) throws -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            if access(path, F_OK) != 0 { return nil }
            throw OutputFileError(path: path, operation: "open for reading", errno: EACCES)
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: limit)) ?? nil
        guard let data, !data.isEmpty else { return nil }
        let line = data.prefix { $0 != UInt8(ascii: "\n") }
        var text = String(decoding: line, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    /// Appends `lines` (which must end with a newline) in one write, at once
    /// (a pipeline run's stages use ``RunContext/prepareAppend(_:to:stage:permissions:)``
    /// instead, which takes part in the run's commit and repairs a torn end).
    ///
    /// - Returns: the digest of the whole file after the append.
    @discardableResult
    public static func append(_ lines: [UInt8], to path: String, permissions: mode_t = 0o644) throws -> FileDigest {
        let isNew = access(path, F_OK) != 0
        let prepared = try PreparedAppend(appending: lines, to: path, permissions: permissions)
        try prepared.publish()
        if isNew { AtomicFileWriter.syncDirectory(of: path) }
        return prepared.digest
    }
}
