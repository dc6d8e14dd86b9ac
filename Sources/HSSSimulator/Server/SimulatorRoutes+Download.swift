import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension SimulatorRoutes {
    /// `GET /v5/{project_id}/download/{file_id}`: the exported file, whatever the task's
    /// status, so a client can test downloads without polling first.
    ///
    /// A scenario task's file is a small zip holding one CSV about the task. A created task's
    /// file is a ``StreamedZip`` laid out by the export template's `archive`, streamed with its
    /// full `Content-Length`. The `truncate_downloads` fault cuts off the first downloads of
    /// each file mid-body by closing the connection.
    func download(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
        let projectID = try checkProject(request, context)
        let fileID = try parameter("file_id", context)
        let fileName: String
        let size: Int
        let source: DownloadSource
        if projectID == scenario.projectID, let task = scenario.task(fileID: fileID) {
            let stem = task.fileName.hasSuffix(".zip") ? String(task.fileName.dropLast(4)) : task.fileName
            let csv =
                "task_id,task_name,file_id\r\n"
                + [task.id, task.name, task.fileID].map(CSVRowGenerator.quoted).joined(separator: ",") + "\r\n"
            let bytes = StoredZip.make(fileName: "\(stem).csv", contents: Array(csv.utf8))
            (fileName, size, source) = (task.fileName, bytes.count, .bytes(bytes))
        } else if let created = await state.createdTask(fileID: fileID), created.projectID == projectID {
            let zip = created.zip
            (fileName, size, source) = (created.fileName, zip.totalSize, .zip(zip))
        } else {
            throw HSSAPIError.fileNotFound(fileID)
        }
        let faults = scenario.faults
        let number = await state.recordDownload(fileID: fileID)
        var cutAt: Int?
        if number <= faults.truncateDownloads {
            cutAt = min(faults.truncateAfter ?? size / 2, max(0, size - 1))
            await state.recordTruncatedDownload(fileID: fileID)
            context.logger.info("download cut off by the truncate_downloads fault", metadata: ["file_id": "\(fileID)", "download": "\(number)"])
        }
        if let latency = faults.downloadLatency, latency > .zero {
            try await Task.sleep(for: latency)
        }
        let limit = cutAt
        let rate = faults.downloadRate
        let body = ResponseBody(contentLength: size) { writer in
            var pacer = DownloadPacer(limit: limit, rate: rate)
            switch source {
            case .bytes(let bytes):
                try await pacer.send(bytes, to: &writer)
            case .zip(let zip):
                try await zip.write { chunk in try await pacer.send(chunk, to: &writer) }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream",
                .contentDisposition: "attachment; filename=\"\(Self.headerSafe(fileName))\"",
            ],
            body: body
        )
    }

    /// The file name for `Content-Disposition`: printable ASCII without quotes or
    /// backslashes, since scenario names may be hostile (control characters, 300 bytes).
    /// Clients must take `file_name` from the task anyway.
    static func headerSafe(_ name: String) -> String {
        String(
            String.UnicodeScalarView(
                name.unicodeScalars.prefix(255).map { scalar in
                    (0x20..<0x7F).contains(scalar.value) && scalar != "\"" && scalar != "\\" ? scalar : "_"
                }))
    }
}

/// What a download sends.
enum DownloadSource: Sendable {
    case bytes([UInt8])
    case zip(StreamedZip)
}

/// Why a download body stopped early: the `truncate_downloads` fault. Throwing it from the
/// body writer makes the server close the connection with the body incomplete.
struct DownloadCutOff: Error, CustomStringConvertible {
    var after: Int
    var description: String { "download cut off after \(after) bytes by the truncate_downloads fault" }
}

/// Sends body chunks, stopping at the truncation point and keeping to the download rate.
struct DownloadPacer {
    let limit: Int?
    let rate: Int?
    private var sent = 0

    init(limit: Int?, rate: Int?) {
        self.limit = limit
        self.rate = rate
    }

    mutating func send(_ chunk: [UInt8], to writer: inout any ResponseBodyWriter) async throws {
        var chunk = chunk[...]
        if let limit, sent + chunk.count > limit {
            chunk = chunk.prefix(limit - sent)
            if !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            sent += chunk.count
            throw DownloadCutOff(after: sent)
        }
        try await writer.write(ByteBuffer(bytes: chunk))
        sent += chunk.count
        if let rate, rate > 0 {
            try await Task.sleep(for: .seconds(Double(chunk.count) / Double(rate)))
        }
    }
}
