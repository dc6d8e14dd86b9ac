public import ExportStageKit
import Foundation

/// A pipeline's journal and lock, for one run: what an interrupted run
/// already created (so it is waited for, not created again) and downloaded.
///
/// The journal is replaced atomically before every create is sent and after
/// every answer, so a `kill -9` at any moment leaves it describing every
/// task HSS may have created. A run that finishes its job (every task
/// succeeded or failed) moves it to `runs/` as the last run's record; any
/// other ending (interrupted, timed out, errors, a create of unknown
/// outcome) leaves it for the next run to resume.
public actor RunJournal: RunJournaling {
    /// What the journal says to do with one `exports:` entry.
    public enum Resumption: Sendable, Equatable {
        /// Nothing was created for it yet: create it.
        case create
        /// An earlier run created task `taskID`: wait for that one.
        case resume(taskID: String)
        /// An earlier run sent the create but never learned its answer.
        case unknown(sentAt: String?, reason: String?)
    }

    /// Where the journal lives.
    public nonisolated let directory: StateDirectory
    private let lock: StateLock
    private let keep: Duration
    private var document: JournalDocument
    /// The run id the journal started with, when this run resumes one.
    public nonisolated let resumedRunID: String?

    /// Takes the lock and reads the journal an interrupted run left, if any.
    ///
    /// - Throws: ``StateLockError`` when another run holds the lock or the
    ///   folder is unusable; ``JournalReadError`` for a journal that cannot
    ///   be read (it is never overwritten: it may be all that knows of a task).
    public init(directory: StateDirectory, pipelineFile: String, runID: String, keep: Duration) throws {
        self.directory = directory
        self.keep = keep
        lock = try StateLock(directory: directory, runID: runID)
        let now = RFC3339.format(Date())
        if let data = FileManager.default.contents(atPath: directory.journalPath) {
            do {
                var previous = try Self.decoder.decode(JournalDocument.self, from: data)
                guard previous.format == 1 else {
                    throw JournalReadError(path: directory.journalPath, detail: "format \(previous.format) is newer than this hss-export understands")
                }
                resumedRunID = previous.finished ? nil : previous.runID
                if previous.finished {
                    previous = JournalDocument(pipeline: pipelineFile, runID: runID, runs: [runID], startedAt: now, updatedAt: now)
                } else {
                    previous.runs.append(runID)
                }
                document = previous
            } catch let error as JournalReadError {
                throw error
            } catch {
                throw JournalReadError(path: directory.journalPath, detail: "\(error)")
            }
        } else {
            resumedRunID = nil
            document = JournalDocument(pipeline: pipelineFile, runID: runID, runs: [runID], startedAt: now, updatedAt: now)
        }
    }

    /// What to do with each export, by the journal; entries whose export
    /// changed or left the file are dropped (returned as `abandoned`, keys
    /// and task ids, for a warning). Exports are told apart by
    /// ``ExportSpec/key``: the name alone for a `source:` pipeline, so its
    /// journal reads as before, `SOURCE/NAME` with `sources:`.
    public func resumptions(for exports: [ExportSpec]) -> (plan: [Resumption], abandoned: [(name: String, taskID: String?)]) {
        var abandoned: [(String, String?)] = []
        let names = Dictionary(exports.map { ($0.key, $0.fingerprint) }, uniquingKeysWith: { first, _ in first })
        for (name, entry) in document.exports.sorted(by: { $0.key < $1.key }) where names[name] != entry.fingerprint {
            // A changed entry is a new export; an unknown create stays until resolved.
            guard entry.state != .unknown else { continue }
            abandoned.append((name, entry.taskID))
            document.exports[name] = nil
        }
        let plan: [Resumption] = exports.map { export in
            guard let entry = document.exports[export.key], entry.fingerprint == export.fingerprint else { return .create }
            switch entry.state {
            case .created: return entry.taskID.map { .resume(taskID: $0) } ?? .create
            case .creating, .unknown: return .unknown(sentAt: entry.sentAt, reason: entry.reason)
            }
        }
        return (plan, abandoned)
    }

    /// The download an earlier run of this journal made of `taskID`, if the
    /// file is still there, unchanged.
    public func previousDownload(of taskID: String) -> DownloadedArchive? {
        guard let entry = document.downloads[taskID],
            let digest = try? FileDigest.ofFile(at: entry.path), digest.bytes == entry.bytes, digest.sha256 == entry.sha256
        else { return nil }
        return DownloadedArchive(
            path: entry.path, bytes: entry.bytes, sha256: entry.sha256,
            entries: entry.entries.map {
                ArchiveEntry(
                    name: $0.name, compressedSize: $0.compressedBytes, uncompressedSize: $0.uncompressedBytes, crc32: $0.crc32, sha256: $0.sha256)
            },
            extractedTo: entry.extractedTo
        )
    }

    public func willCreate(_ export: ExportSpec) throws {
        document.exports[export.key] = .init(fingerprint: export.fingerprint, state: .creating, sentAt: RFC3339.format(Date()))
        try save()
    }

    public func created(_ export: ExportSpec, taskID: String) throws {
        var entry = document.exports[export.key] ?? .init(fingerprint: export.fingerprint, state: .created)
        entry.state = .created
        entry.taskID = taskID
        entry.createdAt = RFC3339.format(Date())
        document.exports[export.key] = entry
        try save()
    }

    public func createOutcomeUnknown(_ export: ExportSpec, reason: String) {
        var entry = document.exports[export.key] ?? .init(fingerprint: export.fingerprint, state: .unknown)
        entry.state = .unknown
        entry.reason = reason
        document.exports[export.key] = entry
        try? save()
    }

    public func createRefused(_ export: ExportSpec) {
        document.exports[export.key] = nil
        try? save()
    }

    public func downloaded(taskID: String, archive: DownloadedArchive) throws {
        document.downloads[taskID] = .init(
            path: archive.path, bytes: archive.bytes, sha256: archive.sha256,
            entries: archive.entries.map {
                .init(name: $0.name, compressedBytes: $0.compressedSize, uncompressedBytes: $0.uncompressedSize, crc32: $0.crc32, sha256: $0.sha256)
            },
            extractedTo: archive.extractedTo
        )
        try save()
    }

    /// Ends the run's use of the journal: a finished job's journal moves to
    /// `runs/<run id>.json` (and runs older than `keep` are removed); an
    /// unfinished one stays for the next run.
    public func close(jobFinished: Bool) {
        if jobFinished {
            document.finished = true
            let runs = directory.runsPath
            try? FileManager.default.createDirectory(atPath: runs, withIntermediateDirectories: true)
            let record = runs + "/" + document.runID + ".json"
            if (try? AtomicFileWriter.write(encoded(), to: record, permissions: 0o600)) != nil {
                unlink(directory.journalPath)
                AtomicFileWriter.syncDirectory(of: directory.journalPath)
            } else {
                try? save()
            }
            pruneRuns()
        } else {
            try? save()
        }
    }

    /// The tasks this journal knows, for `hss-export state`.
    public var exportStates: [(name: String, state: String, taskID: String?, sentAt: String?)] {
        document.exports.sorted { $0.key < $1.key }.map { ($0.key, $0.value.state.rawValue, $0.value.taskID, $0.value.sentAt) }
    }

    /// Resolves an export whose create outcome is unknown: adopt `taskID`
    /// (found in the HSS console), or, with `nil`, forget it so the next run
    /// creates it again. Returns whether the export was in the journal.
    public func resolve(export name: String, taskID: String?) throws -> Bool {
        guard var entry = document.exports[name] else { return false }
        if let taskID {
            entry.state = .created
            entry.taskID = taskID
            entry.reason = nil
            document.exports[name] = entry
        } else {
            document.exports[name] = nil
        }
        try save()
        return true
    }

    private func pruneRuns() {
        let runs = directory.runsPath
        let cutoff = Date().addingTimeInterval(-DurationText.seconds(in: keep))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? [] where name.hasSuffix(".json") {
            let path = runs + "/" + name
            if let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date, modified < cutoff {
                unlink(path)
            }
        }
    }

    private func save() throws {
        document.updatedAt = RFC3339.format(Date())
        try AtomicFileWriter.write(encoded(), to: directory.journalPath, permissions: 0o600)
    }

    private func encoded() -> [UInt8] {
        // Encoding a value of plain strings and numbers cannot fail.
        Array((try? Self.encoder.encode(document)) ?? Data("{}".utf8)) + [0x0A]
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        // `convertFromSnakeCase` turns `run_id` into `runId`, not the `runID` it was encoded from.
        decoder.keyDecodingStrategy = .custom { path in
            let parts = (path.last?.stringValue ?? "").split(separator: "_")
            let name = parts.enumerated().map { index, part in
                index == 0 ? String(part) : part == "id" ? "ID" : part.prefix(1).uppercased() + part.dropFirst()
            }.joined()
            return JournalKey(name)
        }
        return decoder
    }
}

/// The journal an earlier run left cannot be read.
public struct JournalReadError: Error, CustomStringConvertible, Sendable {
    /// The journal file.
    public var path: String
    /// Why.
    public var detail: String

    public var description: String {
        "cannot read the run journal \(path): \(detail). It may be the only record of export tasks an interrupted run created, "
            + "so it is left as it is: inspect it, then move it away to start afresh"
    }
}

private struct JournalKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
