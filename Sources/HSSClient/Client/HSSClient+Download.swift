import AsyncHTTPClient
public import ExportPipeline
import HSSSigning
import NIOCore
import NIOHTTP1

extension HSSClient {
    /// ListDownloadExportedFile: `GET /v5/{project_id}/download/{file_id}`, streamed into a
    /// new file at `path`.
    ///
    /// The request is the SDK's (signed, `Content-Type: application/json` even here, the
    /// `region` header when one is configured, `enterprise_project_id` when set). The body
    /// goes to disk chunk by chunk as it arrives, hashed on the way, so memory stays small
    /// whatever the file's size. `path` is created with `O_CREAT | O_EXCL` and mode 0600
    /// (pass a fresh temporary name in the final directory), synced and closed before this
    /// returns; the caller renames it into place. On any error the partial file is removed.
    ///
    /// The whole download, from sending the request to the last byte, is bounded by
    /// ``HSSClientConfiguration/downloadTimeout``.
    ///
    /// | Failure | Error | Disposition |
    /// |---|---|---|
    /// | over `maximumBytes` (`Content-Length` or the count) | ``HSSDownloadError`` | ``FailureDisposition/permanent`` |
    /// | body shorter than `Content-Length` | ``HSSDownloadError`` | ``FailureDisposition/transient`` |
    /// | reset or timeout mid-body or before the answer | ``HSSTransportError`` | ``FailureDisposition/transient`` |
    /// | 404, other 4xx (`HSS.xxxx`) | ``HSSAPIError`` | ``FailureDisposition/permanent`` |
    /// | 401, 403 | ``HSSAPIError`` | ``FailureDisposition/credentialsRejected`` |
    /// | 429 | ``HSSAPIError`` | ``FailureDisposition/throttled(retryAfter:)`` |
    /// | 5xx | ``HSSAPIError`` | ``FailureDisposition/transient`` |
    /// | the local file cannot be created or written | ``HSSDownloadError`` | ``FailureDisposition/permanent`` |
    ///
    /// - Parameters:
    ///   - fileID: The task's `file_id`; any characters, it is percent-encoded.
    ///   - path: Where to write; must not exist.
    ///   - maximumBytes: The largest file accepted (the pipeline's `download.max_bytes`).
    /// - Returns: The bytes written and their SHA-256.
    public func downloadFile(_ fileID: String, to path: String, maximumBytes: Int) async throws -> DownloadedFile {
        let outgoing = OutgoingRequest(method: .GET, pathSegments: ["v5", configuration.projectID, "download", fileID])
        let (prepared, _) = try await prepareWithCurrentCredentials(outgoing)
        let limit = configuration.downloadTimeout
        let started = ContinuousClock.now
        return try await withTimeLimit(limit, prepared, started: started) {
            try await self.download(prepared, fileID: fileID, to: path, maximumBytes: maximumBytes, started: started, limit: limit)
        }
    }

    /// The download itself; ``downloadFile(_:to:maximumBytes:)`` bounds its time.
    private func download(
        _ prepared: PreparedRequest, fileID: String, to path: String, maximumBytes: Int, started: ContinuousClock.Instant,
        limit: Duration
    ) async throws -> DownloadedFile {
        let response = try await execute(prepared, deadline: .now() + TimeAmount(limit), limit: limit, started: started)
        let status = Int(response.status.code)
        let requestID = Self.requestID(response.headers)
        func downloadError(_ kind: HSSDownloadError.Kind) -> HSSDownloadError {
            HSSDownloadError(kind: kind, fileID: fileID, path: prepared.target, destination: path, requestID: requestID)
        }

        guard (200..<300).contains(status) else {
            let body: [UInt8]
            do {
                body = Array(buffer: try await response.body.collect(upTo: Self.maximumTaskResponseBytes))
            } catch is NIOTooManyBytesError {
                // An error page this large is not HSS's; the status still says what happened.
                body = []
            } catch {
                throw failure(error, prepared, started: started, limit: limit)
            }
            logCompleted(prepared, status: status, requestID: requestID, started: started)
            throw rejection(prepared, response: response, body: body)
        }
        let declared = response.headers.first(name: "Content-Length").flatMap { Int($0) }
        if let declared, declared > maximumBytes {
            throw downloadError(.tooLarge(limit: maximumBytes, declared: declared))
        }

        let destination: DownloadDestination
        do {
            destination = try DownloadDestination(creating: path)
        } catch {
            throw downloadError(.file(operation: error.operation, errno: error.errno))
        }
        do {
            var hasher = StreamingSHA256()
            var count = 0
            for try await chunk in response.body {
                count += chunk.readableBytes
                if count > maximumBytes {
                    throw downloadError(.tooLarge(limit: maximumBytes, declared: nil))
                }
                try chunk.withUnsafeReadableBytes { bytes throws(DownloadDestination.SystemCallError) in
                    hasher.update(bytes)
                    try destination.write(bytes)
                }
            }
            // A cancelled body may just end; what arrived by then is not the whole file.
            try Task.checkCancellation()
            if let declared, count < declared {
                throw downloadError(.truncated(expected: declared, received: count))
            }
            try destination.commit()
            logCompleted(prepared, status: status, requestID: requestID, started: started, bytes: count)
            return DownloadedFile(bytes: count, sha256: hasher.finalize())
        } catch {
            destination.discard()
            switch error {
            case let error as HSSDownloadError:
                throw error
            case let error as DownloadDestination.SystemCallError:
                throw downloadError(.file(operation: error.operation, errno: error.errno))
            default:
                throw failure(error, prepared, started: started, limit: limit)
            }
        }
    }
}
