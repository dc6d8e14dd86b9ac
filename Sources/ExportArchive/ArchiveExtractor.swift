import ExportStageKit
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Extracts a downloaded archive into a directory, all or nothing.
public enum ArchiveExtractor {
    /// Extracts every entry of the archive into `directory`, replacing what was there.
    ///
    /// Before anything is written, every entry name is checked: an absolute name, a `..`
    /// (or `.` or empty) component, a backslash, a drive letter, a NUL or control character,
    /// a symbolic-link entry, two entries with one path, or a path that is both a file and a
    /// directory refuses the whole archive (zip slip). The archive passes the same checks as
    /// ``ArchiveInspector/inspect(fileAt:hashEntries:limits:)``, and the limits are enforced on
    /// the bytes actually written, not the sizes declared.
    ///
    /// The entries go into a fresh hidden directory beside `directory` (same parent, private
    /// while being filled); each file is fsynced, then the directory is renamed into place.
    /// An existing `directory` is first renamed aside and removed afterwards, so a crash leaves
    /// the old extraction or the new one complete, never a mix. Files get mode 0644 and
    /// directories 0755, whatever the archive records; nothing is setuid, no link is created.
    /// On failure nothing is left behind and an existing `directory` is untouched.
    ///
    /// - Parameters:
    ///   - path: the archive.
    ///   - directory: the target; its parent must exist; if it exists it must be a directory.
    ///   - limits: the zip-bomb limits.
    /// - Returns: the target's absolute path.
    public static func extract(archiveAt path: String, into directory: String, limits: ArchiveLimits) throws -> String {
        let reader = try ArchiveReader(path: path, limits: limits)
        let plan = try plan(reader)
        let target = FilePath.resolve(directory, against: FileManager.default.currentDirectoryPath)
        guard target != "/" else {
            throw ArchiveError(
                path: path, kind: .fileSystem(operation: "extract into", path: target, message: "the root directory cannot be replaced"))
        }
        let parent = FilePath.directory(of: target)
        let staging = try StagingDirectory(parent: parent, base: FilePath.lastComponent(of: target), archive: path)
        do {
            try staging.fill(from: reader, plan: plan)
            try staging.publish(as: target)
        } catch {
            staging.remove()
            throw error
        }
        return target
    }

    /// The entries to create, each name checked, or the refusal of the whole archive.
    private static func plan(_ reader: ArchiveReader) throws(ArchiveError) -> [(ArchiveReader.Item, EntryPath)] {
        var plan: [(ArchiveReader.Item, EntryPath)] = []
        var files = Set<String>()
        var directories = Set<String>()
        for item in reader.items {
            if item.kind == .symbolicLink { throw ArchiveError(path: reader.path, kind: .symbolicLink(entry: item.name)) }
            let entryPath: EntryPath
            switch EntryPath.check(name: item.name, rawName: item.record.rawName, isDirectory: item.kind == .directory) {
            case .success(let checked): entryPath = checked
            case .failure(let refusal): throw ArchiveError(path: reader.path, kind: .unsafeEntryName(entry: item.name, reason: refusal.reason))
            }
            let relative = entryPath.relative
            if item.kind == .directory {
                directories.insert(relative)
            } else if !files.insert(relative).inserted {
                throw ArchiveError(path: reader.path, kind: .unsafeEntryName(entry: item.name, reason: "appears twice"))
            }
            for length in 1..<entryPath.components.count {
                directories.insert(entryPath.components.prefix(length).joined(separator: "/"))
            }
            plan.append((item, entryPath))
        }
        if let clash = plan.first(where: { $0.0.kind == .file && directories.contains($0.1.relative) }) {
            throw ArchiveError(path: reader.path, kind: .unsafeEntryName(entry: clash.0.name, reason: "is both a file and a directory"))
        }
        return plan
    }
}
