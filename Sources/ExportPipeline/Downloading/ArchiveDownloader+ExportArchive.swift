import ExportArchive
import ExportStageKit

// The calls into ExportArchive, in one place.
extension ArchiveDownloader {
    static func sanitize(_ name: String?, fallbackStem: String) -> String {
        ArchiveFileName.sanitize(name, fallbackStem: fallbackStem)
    }

    static func inspect(_ path: String, hashEntries: Bool, limits: Int) throws -> [ArchiveEntry] {
        try ArchiveInspector.inspect(fileAt: path, hashEntries: hashEntries, limits: ArchiveLimits(maximumUncompressedBytes: limits))
    }

    static func extract(_ path: String, into folder: String, limits: Int) throws -> String {
        try ArchiveExtractor.extract(archiveAt: path, into: folder, limits: ArchiveLimits(maximumUncompressedBytes: limits))
    }
}

extension ArchiveDownloader {
    /// Whether a refused archive is worth downloading again: a broken
    /// transfer is; a bomb, an unsafe name or an unsupported feature is not.
    static func isWorthRetrying(_ error: any Error) -> Bool {
        guard let archive = error as? ArchiveError else { return false }
        switch archive.kind {
        case .empty, .notAZip, .corrupt, .sizeMismatch, .checksumMismatch: return true
        case .tooManyEntries, .declaredSizeTooLarge, .inflatedSizeTooLarge, .unsupported, .unsafeEntryName, .symbolicLink, .fileSystem: return false
        }
    }
}
