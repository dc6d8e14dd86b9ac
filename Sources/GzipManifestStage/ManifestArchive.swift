public import ExportStageKit

/// One entry of the manifest's `archives` list: a task's downloaded file,
/// with the task it belongs to.
///
/// ```json
/// {"task_id":"t-1","export":"nightly-vul","path":"/srv/hss/downloads/t-1.zip","bytes":5120,
///  "sha256":"…","extracted_to":null,
///  "entries":[{"name":"vul.csv","compressed_bytes":812,"uncompressed_bytes":4096,"crc32":"0a1b2c3d","sha256":null}]}
/// ```
public struct ManifestArchive: Sendable, Equatable {
    /// The task whose exported file this is.
    public var taskID: String
    /// The `exports:` entry that created the task, or `nil` for a listed task.
    public var exportName: String?
    /// The file, its digest and its entries.
    public var archive: DownloadedArchive

    /// Creates an archive entry.
    public init(taskID: String, exportName: String? = nil, archive: DownloadedArchive) {
        self.taskID = taskID
        self.exportName = exportName
        self.archive = archive
    }

    /// The archive of `result`, when the pipeline downloaded one.
    public init?(_ result: ExportResult) {
        guard let download = result.download else { return nil }
        self.init(taskID: result.taskID, exportName: result.exportName, archive: download)
    }

    /// The manifest's JSON for this archive; keys always in this order.
    public var jsonValue: JSONValue {
        .object([
            ("task_id", .string(taskID)),
            ("export", JSONValue(exportName)),
            ("path", .string(archive.path)),
            ("bytes", .integer(archive.bytes)),
            ("sha256", .string(archive.sha256)),
            ("extracted_to", JSONValue(archive.extractedTo)),
            ("entries", .array(archive.entries.map(Self.jsonValue(of:)))),
        ])
    }

    /// `{name, compressed_bytes, uncompressed_bytes, crc32, sha256}`, the CRC-32
    /// as 8 lower-case hex digits (as `unzip -v` shows it).
    static func jsonValue(of entry: ArchiveEntry) -> JSONValue {
        .object([
            ("name", .string(entry.name)),
            ("compressed_bytes", .integer(entry.compressedSize)),
            ("uncompressed_bytes", .integer(entry.uncompressedSize)),
            ("crc32", .string(crc32Text(entry.crc32))),
            ("sha256", JSONValue(entry.sha256)),
        ])
    }

    /// 8 lower-case hex digits, leading zeros kept.
    static func crc32Text(_ crc: UInt32) -> String {
        let digits = String(crc, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
