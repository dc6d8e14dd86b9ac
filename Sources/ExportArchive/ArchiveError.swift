/// Why a downloaded archive was refused, or could not be extracted.
///
/// The description names the file, what is wrong with it, and what to do;
/// when a limit was hit it names the pipeline-file option that raises it.
/// Entry names from the archive are shown with control and format characters escaped,
/// so a hostile name cannot rewrite the terminal.
public struct ArchiveError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong.
    public enum Kind: Sendable, Equatable {
        /// The file is empty.
        case empty
        /// The file is not a zip archive at all (no end-of-central-directory record).
        case notAZip
        /// The archive's structure is broken: truncated, inconsistent, overlapping entries.
        case corrupt(reason: String)
        /// More entries than ``ArchiveLimits/maximumEntries``.
        case tooManyEntries(count: Int, limit: Int)
        /// The entries declare more than ``ArchiveLimits/maximumUncompressedBytes`` in total.
        case declaredSizeTooLarge(bytes: UInt64, limit: Int)
        /// The entries inflated past ``ArchiveLimits/maximumUncompressedBytes`` while being read.
        case inflatedSizeTooLarge(limit: Int)
        /// An entry's content is not as long as its central-directory record says.
        case sizeMismatch(entry: String, declared: UInt64, actual: UInt64, isLonger: Bool)
        /// An entry's content does not match the CRC-32 the archive records.
        case checksumMismatch(entry: String, recorded: UInt32, actual: UInt32)
        /// An entry uses something this reader refuses (encryption, an unknown compression method, several disks).
        case unsupported(entry: String?, reason: String)
        /// An entry's name would leave the target directory or cannot be a file name (zip slip).
        case unsafeEntryName(entry: String, reason: String)
        /// An entry is a symbolic link; extraction never creates links.
        case symbolicLink(entry: String)
        /// The file could not be read, or the extraction could not be written.
        case fileSystem(operation: String, path: String, message: String)
    }

    /// The archive concerned.
    public var path: String
    /// What is wrong.
    public var kind: Kind

    /// Creates an error.
    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public var description: String {
        "\(path): " + problem
    }

    private var problem: String {
        let again = "download it again; if it keeps happening the export file itself is damaged"
        switch kind {
        case .empty:
            return "the file is empty (0 bytes), not a zip archive; \(again)"
        case .notAZip:
            return "not a zip archive (no end-of-central-directory record); the server sent something else "
                + "(look at the file: an HTML or JSON error page?) or the download was cut short; \(again)"
        case .corrupt(let reason):
            return "the zip archive is damaged: \(reason); \(again)"
        case .tooManyEntries(let count, let limit):
            return "the archive holds \(count) entries, more than the limit of \(limit); "
                + "raise \(ArchiveLimits.entriesOption) if an export really holds that many files"
        case .declaredSizeTooLarge(let bytes, let limit):
            return "the entries declare \(bytes) bytes uncompressed in total, more than "
                + "\(ArchiveLimits.uncompressedBytesOption) (\(limit)); raise \(ArchiveLimits.uncompressedBytesOption) "
                + "if the export really is that big"
        case .inflatedSizeTooLarge(let limit):
            return "the entries inflate to more than \(ArchiveLimits.uncompressedBytesOption) (\(limit)) bytes; "
                + "reading stopped there (a zip bomb?); raise \(ArchiveLimits.uncompressedBytesOption) "
                + "only if the export really is that big"
        case .sizeMismatch(let entry, let declared, let actual, let isLonger):
            let found = isLonger ? "more than \(declared) (reading stopped at \(actual))" : "only \(actual)"
            return "entry \(Self.printable(entry)) declares \(declared) bytes uncompressed but inflates to \(found): "
                + "the central directory lies (a zip bomb or a damaged file); \(again)"
        case .checksumMismatch(let entry, let recorded, let actual):
            return "entry \(Self.printable(entry)) has CRC-32 \(Self.hex(actual)), the archive records \(Self.hex(recorded)): "
                + "its content is damaged; \(again)"
        case .unsupported(let entry, let reason):
            let subject = entry.map { "entry \(Self.printable($0))" } ?? "the archive"
            return "\(subject) \(reason), which hss-export does not read; open the file with another tool"
        case .unsafeEntryName(let entry, let reason):
            return "entry \(Self.printable(entry)) \(reason), so it could land outside the target directory (zip slip); "
                + "the whole archive was refused and nothing was extracted"
        case .symbolicLink(let entry):
            return "entry \(Self.printable(entry)) is a symbolic link; links are never extracted, "
                + "so the whole archive was refused and nothing was extracted"
        case .fileSystem(let operation, let path, let message):
            return "could not \(operation) \(path): \(message)"
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// The name quoted, control and format characters escaped, cut to a readable length.
    static func printable(_ name: String) -> String {
        var text = ""
        var count = 0
        for scalar in name.unicodeScalars {
            if count == 200 {
                text += "…"
                break
            }
            count += 1
            if scalar == "'" || scalar == "\\" || UnicodeClass.isControlOrFormat(scalar) {
                text += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return "'" + text + "'"
    }
}
