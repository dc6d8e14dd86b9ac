import ExportStageKit

extension GzipManifestStage {
    /// The document's members before `results`, in document order.
    static func headMembers(summary: RunSummary, context: RunContext) -> [(key: String, value: JSONValue)] {
        [
            ("manifest_version", .integer(manifestVersion)),
            ("run_id", .string(context.runID)),
            ("pipeline", .object([("path", .string(context.pipelineFile)), ("sha256", .string(context.pipelineSHA256))])),
            ("tool_version", .string(context.toolVersion)),
            ("started_at", .string(RFC3339.format(context.startedAt))),
            ("finished_at", .string(RFC3339.format(summary.finishedAt))),
            ("summary", summary.jsonValue),
        ]
    }

    /// Serialises the manifest into `gzip` piece by piece, so the JSON text
    /// of a large run never exists as one string.
    ///
    /// The text is exactly what `JSONValue.object(...).serialized` would give
    /// for the whole document: every piece goes through `JSONValue`.
    static func writeManifest(results: [ExportResult], artifacts: [Artifact], summary: RunSummary, context: RunContext, to gzip: GzipWriter) throws {
        var buffer = ""
        buffer.reserveCapacity(GzipWriter.chunkSize + 4096)
        // Handing zlib about one chunk at a time keeps the per-call overhead
        // negligible without buffering more than a chunk of text.
        func flushIfFull() throws {
            if buffer.utf8.count >= GzipWriter.chunkSize {
                try gzip.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        func writeKey(_ key: String) {
            JSONValue.string(key).write(to: &buffer)
            buffer += ":"
        }

        buffer += "{"
        for (index, member) in headMembers(summary: summary, context: context).enumerated() {
            if index > 0 { buffer += "," }
            writeKey(member.key)
            member.value.write(to: &buffer)
        }
        buffer += ","
        writeKey("results")
        buffer += "["
        for (index, result) in results.enumerated() {
            if index > 0 { buffer += "," }
            result.jsonValue.write(to: &buffer)
            try flushIfFull()
        }
        buffer += "],"
        writeKey("artifacts")
        buffer += "["
        for (index, artifact) in artifacts.enumerated() {
            if index > 0 { buffer += "," }
            artifact.jsonValue.write(to: &buffer)
            try flushIfFull()
        }
        buffer += "],"
        // Read from the records already held: no second copy of the archive list.
        writeKey("archives")
        buffer += "["
        var isFirstArchive = true
        for result in results {
            guard let archive = ManifestArchive(result) else { continue }
            if !isFirstArchive { buffer += "," }
            isFirstArchive = false
            archive.jsonValue.write(to: &buffer)
            try flushIfFull()
        }
        buffer += "]}"
        try gzip.write(buffer)
    }
}
