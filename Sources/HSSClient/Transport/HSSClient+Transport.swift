import AsyncHTTPClient
import ExportStageKit
import Foundation
import HSSSigning
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

extension HSSClient {
    /// A successful (2xx) response.
    struct Response {
        var status: Int
        var path: String
        var requestID: String?
        var body: [UInt8]
        /// The media type of `Content-Type`, lower-cased, without parameters.
        var contentType: String?
    }

    /// One request as a call describes it; ``prepare(_:)`` adds the common headers,
    /// `enterprise_project_id`, authentication and the body.
    struct OutgoingRequest {
        var method: HTTPMethod
        /// Unencoded path segments, `["v5", projectID, ...]`.
        var pathSegments: [String]
        /// Decoded query pairs, in any order: they are sent sorted.
        var query: [(name: String, value: String)] = []
        /// The body bytes exactly as sent; empty for none.
        var body: [UInt8] = []
        /// Whether the call takes the SDK's optional `region` header.
        var sendsRegion = true
        /// The SDK operation of a create: its failures say whether it may have taken effect.
        var creation: String?
    }

    /// A request ready for AsyncHTTPClient, with what its errors need to know.
    struct PreparedRequest {
        var request: HTTPClientRequest
        /// The URL and headers in `request`, for the tests that compare them with the SDK's.
        var url: String
        var headers: [(name: String, value: String)]
        var method: String
        /// Path and query, as sent.
        var target: String
        var creation: String?
        /// Set once AsyncHTTPClient takes the first body bytes for a connection.
        var bodyProgress: BodyProgress?
        var bodyIsEmpty: Bool
    }

    /// Sends one request and returns its 2xx response; throws for everything else.
    func send(method: HTTPMethod, pathSegments: [String], maximumBytes: Int) async throws -> Response {
        try await send(OutgoingRequest(method: method, pathSegments: pathSegments), maximumBytes: maximumBytes)
    }

    /// Sends `outgoing` once and returns its 2xx response, its body read up to `maximumBytes`;
    /// throws ``HSSAPIError``, ``HSSTransportError`` or ``HSSResponseError`` for everything else.
    ///
    /// With a ``CredentialProvider``, the request is signed now (after any budget wait)
    /// with credentials valid for at least the request timeout; a 401 makes the provider
    /// refresh once and the request go once more, then the 401 stands.
    func send(_ outgoing: OutgoingRequest, maximumBytes: Int) async throws -> Response {
        var refreshed = false
        while true {
            let (prepared, used) = try await prepareWithCurrentCredentials(outgoing)
            let started = ContinuousClock.now
            let limit = configuration.requestTimeout
            do {
                return try await withTimeLimit(limit, prepared, started: started) {
                    try await self.exchange(prepared, maximumBytes: maximumBytes, started: started, limit: limit)
                }
            } catch let error as HSSAPIError where error.status == 401 && !refreshed {
                guard let used, let provider = configuration.credentialProvider else { throw error }
                let renewed: Bool
                do {
                    renewed = try await provider.refresh(after: used)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    throw CredentialFetchError(request: "\(prepared.method) \(prepared.target)", underlying: error)
                }
                guard renewed else { throw error }
                logger.info("HSS refused the credentials (401); retrying once with refreshed ones", metadata: ["path": "\(prepared.target)"])
                refreshed = true
            }
        }
    }

    /// ``prepare(_:date:authentication:)`` with the provider's current credentials (or the
    /// fixed ones), and the credentials used, to refresh after a 401.
    func prepareWithCurrentCredentials(_ outgoing: OutgoingRequest) async throws -> (PreparedRequest, HSSCredentials?) {
        guard let provider = configuration.credentialProvider else { return (prepare(outgoing), nil) }
        let credentials: HSSCredentials
        do {
            credentials = try await provider.credentials(validFor: configuration.requestTimeout)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Not sent yet: a transient failure the waiter retries, never an unknown create outcome.
            throw CredentialFetchError(request: "\(outgoing.method.rawValue) /\(outgoing.pathSegments.joined(separator: "/"))", underlying: error)
        }
        let secrets = credentials.secrets
        issuedSecrets.withLock { $0.formUnion(secrets) }
        return (prepare(outgoing, authentication: try Self.authentication(for: credentials)), credentials)
    }

    /// Sends `prepared` and reads its answer; ``send(_:maximumBytes:)`` bounds the time.
    private func exchange(
        _ prepared: PreparedRequest, maximumBytes: Int, started: ContinuousClock.Instant, limit: Duration
    ) async throws -> Response {
        let response = try await execute(prepared, deadline: .now() + TimeAmount(limit), limit: limit, started: started)
        let status = Int(response.status.code)
        let requestID = Self.requestID(response.headers)
        let contentType = HSSResponseError.mediaType(response.headers.first(name: "Content-Type"))
        let body: [UInt8]
        do {
            // At most `maximumBytes` are read: a proxy may answer with anything, of any size.
            body = Array(buffer: try await response.body.collect(upTo: maximumBytes))
        } catch is NIOTooManyBytesError {
            logCompleted(prepared, status: status, requestID: requestID, started: started)
            guard (200..<300).contains(status) else {
                // An error page this large is not HSS's; the status still says what happened.
                throw rejection(prepared, response: response, body: [])
            }
            throw HSSResponseError(
                kind: .tooLarge(limit: maximumBytes), method: prepared.method, path: prepared.target,
                endpoint: endpoint.baseURL, status: status, requestID: requestID, contentType: contentType, creation: prepared.creation
            )
        } catch {
            throw failure(error, prepared, started: started, limit: configuration.requestTimeout)
        }
        logCompleted(prepared, status: status, requestID: requestID, started: started)
        guard (200..<300).contains(status) else {
            throw rejection(prepared, response: response, body: body)
        }
        return Response(status: status, path: prepared.target, requestID: requestID, body: body, contentType: contentType)
    }

    /// The error for a 2xx `response` whose body is not what the API documents.
    func unusable(_ kind: HSSResponseError.Kind, _ response: Response, method: String, creation: String? = nil) -> HSSResponseError {
        HSSResponseError(
            kind: kind, method: method, path: response.path, endpoint: endpoint.baseURL, status: response.status,
            requestID: response.requestID, contentType: response.contentType, creation: creation
        )
    }

    /// ``HSSResponseError/preview(_:limit:)`` of `body` with the credentials' secrets redacted
    /// (a proxy's page may echo a request header).
    func preview(_ body: [UInt8]) -> String {
        redact(HSSResponseError.preview(body))
    }

    /// Runs `operation` (a request and the reading of its body), cancelling it when `limit`
    /// has passed since `started`, and then throws the timeout as an ``HSSTransportError``.
    ///
    /// AsyncHTTPClient's deadline ends only the wait for the response head; a server that
    /// sends the head and then stalls in the body would otherwise hold the call forever.
    func withTimeLimit<Result: Sendable>(
        _ limit: Duration, _ prepared: PreparedRequest, started: ContinuousClock.Instant,
        _ operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let finished = try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(until: started + limit, clock: .continuous)
                return nil
            }
            // The first to finish decides; an error of the operation ends the group (and the timer).
            let first = try await group.next() ?? nil
            group.cancelAll()
            if first == nil {
                // Let the operation wind down (it removes what it wrote) before reporting the timeout.
                while (try? await group.next()) != nil {}
            }
            return first
        }
        if let finished { return finished }
        throw failure(HTTPClientError.deadlineExceeded, prepared, started: started, limit: limit)
    }

    /// The request for `outgoing`: the SDK's wire form, signed.
    /// `date` is the signing time (``SDKHMACSigner`` writes it as `X-Sdk-Date`).
    func prepare(_ outgoing: OutgoingRequest, date: Date = Date(), authentication: Authentication? = nil) -> PreparedRequest {
        let path = HSSPercentEncoding.encodePathSegments(outgoing.pathSegments)
        var query = outgoing.query
        // The call's own enterprise_project_id (an export's parameter) wins over the source's.
        if let enterpriseProjectID = configuration.enterpriseProjectID, !query.contains(where: { $0.name == "enterprise_project_id" }) {
            query.append((name: "enterprise_project_id", value: enterpriseProjectID))
        }
        // The SDK sends the canonical (sorted, encoded) query, so the server sees the same bytes it verifies.
        let queryString = CanonicalRequest.canonicalQueryString(query)
        let target = queryString.isEmpty ? path : path + "?" + queryString

        var request = HTTPClientRequest(url: endpoint.baseURL + target)
        request.method = outgoing.method
        let signing = SigningRequest(
            method: outgoing.method.rawValue, host: endpoint.authority, path: path, query: query,
            headers: commonHeaders(region: outgoing.sendsRegion), body: outgoing.body
        )
        let headers = authenticated(signing, date: date, with: authentication ?? self.authentication)
        for header in headers {
            request.headers.add(name: header.name, value: header.value)
        }
        var progress: BodyProgress?
        if !outgoing.body.isEmpty {
            let tracker = BodyProgress()
            progress = tracker
            request.body = .stream(
                TrackedBody(bytes: outgoing.body, progress: tracker), length: .known(Int64(outgoing.body.count)))
        }
        return PreparedRequest(
            request: request, url: request.url, headers: headers, method: outgoing.method.rawValue, target: target, creation: outgoing.creation,
            bodyProgress: progress, bodyIsEmpty: outgoing.body.isEmpty
        )
    }

    /// Executes `prepared` until the response head arrives; failures become ``HSSTransportError``.
    /// `limit` is the time the deadline stands for, named if it passes.
    func execute(
        _ prepared: PreparedRequest, deadline: NIODeadline, limit: Duration, started: ContinuousClock.Instant
    ) async throws -> HTTPClientResponse {
        do {
            return try await httpClient.execute(prepared.request, deadline: deadline, logger: logger.forLibrary)
        } catch {
            throw failure(error, prepared, started: started, limit: limit)
        }
    }

    /// The error for a non-2xx answer whose body (at most a small limit) is `body`.
    func rejection(_ prepared: PreparedRequest, response: HTTPClientResponse, body: [UInt8]) -> any Error {
        let status = Int(response.status.code)
        if (300..<400).contains(status) {
            return HSSResponseError(
                kind: .redirect(location: response.headers.first(name: "Location")),
                method: prepared.method, path: prepared.target, endpoint: endpoint.baseURL,
                status: status, requestID: Self.requestID(response.headers)
            )
        }
        var error = HSSAPIError(
            status: status,
            headers: response.headers.map { (name: $0.name, value: $0.value) },
            body: body,
            method: prepared.method,
            path: prepared.target,
            projectID: configuration.projectID
        )
        error.creation = prepared.creation
        if !body.isEmpty, JSONValue.parse(body) == nil {
            // Not HSS's error format (a proxy's or load balancer's page): say so, briefly,
            // instead of passing on up to 512 characters of HTML.
            let type = HSSResponseError.bodyOfType(HSSResponseError.mediaType(response.headers.first(name: "Content-Type")))
            error.message = "HTTP \(status) with \(type), not JSON: \(HSSResponseError.preview(body))"
        }
        // A proxy's error page could echo a request header back; never pass a secret on.
        error.message = redact(error.message)
        error.code = redact(error.code)
        return error
    }

    static func requestID(_ headers: HTTPHeaders) -> String? {
        headers.first(name: "X-Request-Id").flatMap { $0.isEmpty ? nil : $0 }
    }

    func logCompleted(_ prepared: PreparedRequest, status: Int, requestID: String?, started: ContinuousClock.Instant, bytes: Int? = nil) {
        var metadata: Logger.Metadata = [
            "method": "\(prepared.method)", "path": "\(prepared.target)", "status": "\(status)",
            "request_id": "\(requestID ?? "-")", "duration_ms": "\(Self.milliseconds(since: started))",
        ]
        if let bytes { metadata["bytes"] = "\(bytes)" }
        logger.debug("HSS request", metadata: metadata)
    }

    /// The error to throw for a request that got no (complete) response, logged at debug.
    /// `limit` is the time limit that applied, named when time ran out.
    func failure(_ error: any Error, _ prepared: PreparedRequest, started: ContinuousClock.Instant, limit: Duration) -> any Error {
        // Cancellation (SIGINT) is not a network problem; let it end the wait as such.
        if Task.isCancelled || error is CancellationError { return CancellationError() }
        var failure = transportError(error, method: prepared.method, path: prepared.target, limit: limit)
        if let creation = prepared.creation {
            failure.creation = creation
            failure.requestMayHaveBeenSent = Self.mayHaveBeenSent(error, prepared)
        }
        logger.debug(
            "HSS request failed",
            metadata: [
                "method": "\(prepared.method)", "path": "\(prepared.target)", "error": "\(failure.kind.rawValue)",
                "duration_ms": "\(Self.milliseconds(since: started))",
                "may_have_been_sent": "\(failure.requestMayHaveBeenSent)",
            ])
        return failure
    }

    /// Whether a failed request may have reached HSS. For a request with a body: whether
    /// AsyncHTTPClient took the body for a connection (a server cannot act on a request
    /// whose announced body never came, and the pool asks for the body only once the head
    /// is on an open connection). For one without: unless the error says no connection
    /// was ever made.
    static func mayHaveBeenSent(_ error: any Error, _ prepared: PreparedRequest) -> Bool {
        if let progress = prepared.bodyProgress { return progress.started }
        return !isConnectFailure(error)
    }

    /// Whether `error` says no connection was made: refused, unknown host, TLS handshake,
    /// proxy tunnel, or a connect or pool timeout. A TLS error after the handshake (an
    /// unclean shutdown) is not one.
    static func isConnectFailure(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout, .httpProxyHandshakeTimeout,
                .proxyAuthenticationRequired, .invalidProxyResponse:
                return true
            default:
                return false
            }
        }
        if case NIOSSLError.handshakeFailed = error { return true }
        if error is NIOConnectionError || error is SocketAddressError || error is SocketAddressError.UnknownHost { return true }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError { return true }
        return classify(error) == .connectionRefused
    }

    /// The SDK's common headers: `Content-Type` (on GET too), `User-Agent`, `X-Project-Id`,
    /// and the `region` header when the call takes it and one is configured.
    func commonHeaders(region sendsRegion: Bool) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("User-Agent", configuration.userAgent),
            ("X-Project-Id", configuration.projectID),
        ]
        if sendsRegion, let region = configuration.effectiveRegion {
            headers.append(("region", region))
        }
        return headers
    }

    /// The headers to send for `request`: its headers plus authentication (a token, or
    /// the signature over method, path, query, headers and body).
    func authenticated(
        _ request: SigningRequest, date: Date = Date(), with authentication: Authentication? = nil
    ) -> [(name: String, value: String)] {
        switch authentication ?? self.authentication {
        case .token(let token):
            return request.headers + [("X-Auth-Token", token)]
        case .signer(let signer):
            return signer.sign(request, date: date)
        }
    }

    /// `text` with every secret of the credentials replaced by `<redacted>`.
    func redact(_ text: String) -> String {
        var text = text
        let issued = issuedSecrets.withLock { $0 }.sorted { $0.count > $1.count }
        for secret in configuration.credentials.secrets + issued where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return text
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    /// Classifies a failure without a response.
    func transportError(_ error: any Error, method: String, path: String, limit: Duration? = nil) -> HSSTransportError {
        let kind = Self.classify(error)
        var detail: String
        var tlsProblem: HSSTransportError.TLSProblem?
        if kind == .tlsHandshake {
            // BoringSSL's text carries error codes and source paths; keep only its reasons.
            let reasons = Self.tlsReasons(error)
            tlsProblem = Self.tlsProblem(error, reasons: reasons)
            detail = reasons.isEmpty ? "\(type(of: error))" : reasons.map(Self.words).joined(separator: ", ")
        } else if kind == .hostNotFound, let unknown = Self.unknownHost(error) {
            // The message names the host and port already; keep the resolver's reason.
            detail = unknown.errorDescription
        } else {
            detail = String(describing: error)
        }
        detail = redact(detail)
        if detail.count > 300 { detail = String(detail.prefix(300)) + "…" }
        let timeout: Duration?
        if kind == .timeout {
            let isConnect = (error as? HTTPClientError) == .connectTimeout
            timeout = isConnect ? configuration.connectTimeout : (limit ?? configuration.requestTimeout)
        } else {
            timeout = nil
        }
        return HSSTransportError(
            kind: kind, endpoint: endpoint.baseURL, method: method, path: path,
            proxy: proxy?.description, detail: detail, timeout: timeout,
            host: endpoint.host, port: endpoint.port, tlsProblem: tlsProblem
        )
    }

    /// The resolver's error for a name that did not resolve.
    static func unknownHost(_ error: any Error) -> SocketAddressError.UnknownHost? {
        if let error = error as? SocketAddressError.UnknownHost { return error }
        guard let error = error as? NIOConnectionError else { return nil }
        return (error.dnsAError ?? error.dnsAAAAError) as? SocketAddressError.UnknownHost
    }

    /// The TLS failures that retrying cannot fix, recognised by BoringSSL's reason names
    /// (the only stable part of its errors) and NIOSSL's hostname check.
    static func tlsProblem(_ error: any Error, reasons: [String]) -> HSSTransportError.TLSProblem? {
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return .hostnameMismatch
        }
        // The first bytes of the answer were no TLS record: an HTTP server answers a
        // ClientHello with "HTTP/1.x 400".
        if reasons.contains("WRONG_VERSION_NUMBER") {
            return .plainHTTP
        }
        if reasons.contains("CERTIFICATE_VERIFY_FAILED") {
            return .untrustedCertificate
        }
        return nil
    }

    /// The reason names in a NIOSSL error's BoringSSL error stack, e.g.
    /// `["CERTIFICATE_VERIFY_FAILED"]`, or NIOSSL's own error name.
    static func tlsReasons(_ error: any Error) -> [String] {
        let stack: [BoringSSLInternalError]
        switch error {
        case NIOSSLError.handshakeFailed(let error), NIOSSLError.shutdownFailed(let error):
            return tlsReasons(error)
        case let error as NIOSSLError:
            return ["\(error)"]
        case let error as NIOSSLExtraError:
            // `NIOSSLExtraError.failedToValidateHostname: Couldn't find …`: the name is in
            // the message anyway.
            let name = "\(error)".prefix { $0 != ":" }
            return [String(name.split(separator: ".").last ?? name)]
        case BoringSSLError.sslError(let errors), BoringSSLError.unknownError(let errors),
            BoringSSLError.invalidSNIName(let errors), BoringSSLError.failedToSetALPN(let errors):
            stack = errors
        case let error as BoringSSLError:
            return ["\(error)"]
        default:
            return []
        }
        return stack.compactMap { Self.reason(of: $0) }
    }

    /// The reason of one BoringSSL error: `WRONG_VERSION_NUMBER` of
    /// `Error: 268435703 error:100000f7:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER at …/tls_record.cc:231`,
    /// or the text of a synthetic one (`EOF during handshake`).
    static func reason(of error: BoringSSLInternalError) -> String? {
        var text = Substring(error.description)
        if text.hasPrefix("Error: ") { text = text.dropFirst("Error: ".count) }
        guard let start = text.range(of: "error:") else {
            // Synthetic: "Error:  EOF during handshake" (no code).
            let words = text.trimmingCharacters(in: .whitespaces)
            return words.isEmpty ? nil : words
        }
        var code = text[start.lowerBound...]
        if let end = code.range(of: " at ") { code = code[..<end.lowerBound] }
        guard let reason = code.split(separator: ":").last, !reason.isEmpty else { return nil }
        return String(reason)
    }

    /// `WRONG_VERSION_NUMBER` and `failedToValidateHostname` in words (`wrong version number`,
    /// `failed to validate hostname`); other text unchanged.
    static func words(_ reason: String) -> String {
        if reason.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) {
            return reason.lowercased().replacingOccurrences(of: "_", with: " ")
        }
        guard let first = reason.first, first.isLowercase, reason.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            return reason
        }
        var words = ""
        for character in reason {
            if character.isUppercase { words.append(" ") }
            words.append(contentsOf: character.lowercased())
        }
        return words
    }

    /// Maps AsyncHTTPClient, NIO and NIOSSL errors to a ``HSSTransportError/Kind``.
    static func classify(_ error: any Error, depth: Int = 0) -> HSSTransportError.Kind {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .deadlineExceeded, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout,
                .tlsHandshakeTimeout:
                return .timeout
            case .remoteConnectionClosed:
                return .connectionClosed
            case .proxyAuthenticationRequired, .invalidProxyResponse, .httpProxyHandshakeTimeout:
                return .proxy
            default:
                return .other
            }
        }
        // The connection closed before the body announced by Content-Length was complete.
        if let error = error as? HTTPParserError, error == .invalidEOFState {
            return .connectionClosed
        }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return .tlsHandshake
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return .connectionRefused
            case ETIMEDOUT: return .timeout
            case ECONNRESET, EPIPE: return .connectionClosed
            default: return .other
            }
        }
        if error is SocketAddressError || error is SocketAddressError.UnknownHost {
            return .hostNotFound
        }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return .timeout
        }
        // The connect errors of every address say why; with none, the DNS lookup
        // found no address.
        if let error = error as? NIOConnectionError, depth < 4 {
            for attempt in error.connectionErrors {
                let kind = classify(attempt.error, depth: depth + 1)
                if kind != .other { return kind }
            }
            if error.connectionErrors.isEmpty { return .hostNotFound }
        }
        return .other
    }
}
