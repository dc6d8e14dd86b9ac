import ExportStageKit
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Checks on an existing file before CSV rows are appended to it.
enum CSVAppendTarget {
    /// Whether the file is missing or empty, so it needs a header.
    static func isNewOrEmpty(_ path: String) throws(OutputFileError) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return true }
            throw OutputFileError(path: path, operation: "inspect", errno: errno)
        }
        return info.st_size == 0
    }

    /// Refuses a file whose first line is not exactly `expected` (line ending
    /// included): rows under another header would land in the wrong columns,
    /// and mixed line endings confuse readers.
    static func checkHeader(of path: String, expected: String) throws(OutputFileError) {
        let expectedBytes = Array(expected.utf8)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw OutputFileError(path: path, operation: "open for reading", errno: errno)
        }
        let found = ((try? handle.read(upToCount: expectedBytes.count)) ?? nil).map(Array.init) ?? []
        try? handle.close()
        guard found != expectedBytes else { return }

        let expectedText = expected.trimmingCharacters(in: .newlines)
        let foundText = (try? AppendableFile.firstLine(of: path)) ?? nil
        if foundText == expectedText {
            // Same names, other line ending: `firstLine` drops a CR, so the file
            // ends its lines the other way.
            let (ours, theirs) = expected.hasSuffix("\r\n") ? ("crlf", "lf") : ("lf", "crlf")
            throw OutputFileError(
                path: path,
                message: "refusing to append: its lines end with \(theirs.uppercased()) but this stage writes \(ours.uppercased())",
                fix: "set line_ending: \(theirs) to match the file, write to a new path, or use mode: overwrite"
            )
        }
        throw OutputFileError(
            path: path,
            message:
                "refusing to append: its header line '\(Self.excerpt(foundText ?? ""))' differs from the one this stage writes, '\(Self.excerpt(expectedText))'",
            fix: "append with the same columns, delimiter and header as the file, write to a new path, or use mode: overwrite"
        )
    }

    /// Long or binary first lines would swamp the message.
    private static func excerpt(_ text: String) -> String {
        text.count <= 200 ? text : String(text.prefix(200)) + "…"
    }
}
