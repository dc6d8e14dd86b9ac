public import ExportStageKit
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Downloads one finished task's file into the download directory, safely:
/// streamed to a temp file beside its final name, verified as a zip (central
/// directory, CRC-32 of every entry, the zip-bomb limit), then renamed into
/// place, so the directory only ever holds complete, checked archives.
///
/// The name comes from the server, so it is sanitized (``ArchiveFileName``):
/// whatever `file_name` says, nothing is written outside the directory.
struct ArchiveDownloader: Sendable {
    let settings: DownloadSettings
    let service: any ExportTaskService
    let names: ArchiveNames

    /// Downloads `fileID` of task `taskID`, named after `fileName` if it is usable.
    func download(taskID: String, fileID: String, fileName: String?) async throws -> DownloadedArchive {
        let directory = settings.directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DownloadError(kind: .local, taskID: taskID, file: directory, detail: "cannot create the download directory (\(error))")
        }
        // Named so that a later run can tell a killed run's leftover (StaleTemporaryFiles).
        let temporary = directory + "/" + StaleTemporaryFiles.downloadTemporaryName()
        LiveTemporaryFiles.insert(temporary)
        defer { LiveTemporaryFiles.remove(temporary) }
        let written: DownloadedFile
        do {
            written = try await service.downloadFile(fileID, to: temporary, maximumBytes: settings.maximumBytes)
        } catch {
            unlink(temporary)
            throw error
        }
        let limits = settings.maximumUncompressedBytes
        let entries: [ArchiveEntry]
        do {
            entries = try Self.inspect(temporary, hashEntries: settings.hashEntries, limits: limits)
        } catch {
            unlink(temporary)
            // A broken zip is most often a broken transfer: worth another try within the budget.
            throw DownloadError(kind: Self.isWorthRetrying(error) ? .corrupt : .refused, taskID: taskID, file: fileName ?? fileID, detail: "\(error)")
        }
        let name = await names.reserve(Self.sanitize(fileName, fallbackStem: "hss-export-" + taskID), taskID: taskID)
        let destination = directory + "/" + name
        guard rename(temporary, destination) == 0 else {
            let code = errno
            unlink(temporary)
            throw DownloadError(
                kind: .local, taskID: taskID, file: destination, detail: "cannot rename the download into place: \(String(cString: strerror(code)))")
        }
        AtomicFileWriter.syncDirectory(of: destination)
        var archive = DownloadedArchive(path: destination, bytes: written.bytes, sha256: written.sha256, entries: entries)
        if settings.extract {
            let folder = directory + "/" + Self.stem(of: name)
            do {
                archive.extractedTo = try Self.extract(destination, into: folder, limits: limits)
            } catch {
                throw DownloadError(kind: .refused, taskID: taskID, file: destination, detail: "cannot extract it: \(error)")
            }
        }
        return archive
    }

    /// `report.zip` → `report`; a name without an extension keeps a suffix so
    /// the folder never collides with the archive itself.
    static func stem(of name: String) -> String {
        if name.lowercased().hasSuffix(".zip"), name.count > 4 { return String(name.dropLast(4)) }
        return name + ".extracted"
    }
}

/// The archive names taken in this run, so two tasks whose files have the
/// same name do not overwrite each other.
actor ArchiveNames {
    private var taken: [String: String] = [:]

    /// `name`, or `name` made unique with the task id when another task of
    /// the run already has it.
    func reserve(_ name: String, taskID: String) -> String {
        if let owner = taken[name], owner != taskID {
            let unique = ArchiveDownloader.sanitize(ArchiveDownloader.stem(of: name) + "-" + taskID + ".zip", fallbackStem: "hss-export-" + taskID)
            taken[unique] = taskID
            return unique
        }
        taken[name] = taskID
        return name
    }
}
