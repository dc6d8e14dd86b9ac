import ExportStageKit

extension ManifestArchive {
    /// Reads an element of `archives`, as ``jsonValue`` writes it.
    init(json: JSONValue, at location: String) throws {
        let fields = try ManifestFields(json, at: location)
        let entries = try fields.array("entries").enumerated().map { index, entry in
            let entryFields = try ManifestFields(entry, at: "\(location).entries[\(index)]")
            return ArchiveEntry(
                name: try entryFields.string("name"),
                compressedSize: try entryFields.count("compressed_bytes"),
                uncompressedSize: try entryFields.count("uncompressed_bytes"),
                crc32: try entryFields.crc32("crc32"),
                sha256: try entryFields.optionalSHA256("sha256")
            )
        }
        self.init(
            taskID: try fields.string("task_id"),
            exportName: try fields.optionalString("export"),
            archive: DownloadedArchive(
                path: try fields.string("path"),
                bytes: try fields.count("bytes"),
                sha256: try fields.sha256("sha256"),
                entries: entries,
                extractedTo: try fields.optionalString("extracted_to")
            )
        )
    }
}
