import AsyncHTTPClient
import Foundation
import HSSSigning
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

extension HSSClient {
    /// A successful (2xx) response.
    struct Response {
        var status: Int
        var path: String
        var requestID: String?
        var body: [UInt8]
    }

    /// Sends one request and returns its 2xx response; throws for everything else.
    func send(method: HTTPMethod, pathSegments: [String], maximumBytes: Int) async throws -> Response {
        let path = HSSPercentEncoding.encodePathSegments(pathSegments)
        var query: [(name: String, value: String)] = []
        if let enterpriseProjectID = configuration.enterpriseProjectID {
            query.append((name: "enterprise_project_id", value: enterpriseProjectID))
        }
        // The SDK sends the canonical (sorted, encoded) query, so the server sees the same bytes it verifies.
        let queryString = CanonicalRequest.canonicalQueryString(query)
        let target = queryString.isEmpty ? path : path + "?" + queryString

        var request = HTTPClientRequest(url: endpoint.baseURL + target)
        request.method = method
        for header in headers(method: method, path: path, query: query) {
            request.headers.add(name: header.name, value: header.value)
        }

        let started = ContinuousClock.now
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: TimeAmount(configuration.requestTimeout), logger: logger)
        } catch {
            throw failure(error, method: method.rawValue, path: target, started: started)
        }
        let status = Int(response.status.code)
        let requestID = response.headers.first(name: "X-Request-Id").flatMap { $0.isEmpty ? nil : $0 }
        let body: [UInt8]
        do {
            body = Array(buffer: try await response.body.collect(upTo: maximumBytes))
        } catch is NIOTooManyBytesError {
            throw HSSResponseError(
                kind: .tooLarge(limit: maximumBytes), method: method.rawValue, path: target,
                endpoint: endpoint.baseURL, status: status, requestID: requestID
            )
        } catch {
            throw failure(error, method: method.rawValue, path: target, started: started)
        }

        logger.debug(
            "HSS request",
            metadata: [
                "method": "\(method.rawValue)", "path": "\(target)", "status": "\(status)",
                "request_id": "\(requestID ?? "-")", "duration_ms": "\(Self.milliseconds(since: started))",
            ])

        switch status {
        case 200..<300:
            return Response(status: status, path: target, requestID: requestID, body: body)
        case 300..<400:
            throw HSSResponseError(
                kind: .redirect(location: response.headers.first(name: "Location")),
                method: method.rawValue, path: target, endpoint: endpoint.baseURL,
                status: status, requestID: requestID
            )
        default:
            var error = HSSAPIError(
                status: status,
                headers: response.headers.map { (name: $0.name, value: $0.value) },
                body: body,
                method: method.rawValue,
                path: target,
                projectID: configuration.projectID
            )
            // A proxy's error page could echo a request header back; never pass a secret on.
            error.message = redact(error.message)
            error.code = redact(error.code)
            throw error
        }
    }

    /// The error to throw for a request that got no (complete) response, logged at debug.
    private func failure(_ error: any Error, method: String, path: String, started: ContinuousClock.Instant) -> any Error {
        // Cancellation (SIGINT) is not a network problem; let it end the wait as such.
        if Task.isCancelled || error is CancellationError { return CancellationError() }
        let failure = transportError(error, method: method, path: path)
        logger.debug(
            "HSS request failed",
            metadata: [
                "method": "\(method)", "path": "\(path)", "error": "\(failure.kind.rawValue)",
                "duration_ms": "\(Self.milliseconds(since: started))",
            ])
        return failure
    }

    /// The headers of a request: the SDK's common headers plus authentication.
    func headers(method: HTTPMethod, path: String, query: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("User-Agent", configuration.userAgent),
            ("X-Project-Id", configuration.projectID),
        ]
        if let region = configuration.effectiveRegion {
            headers.append(("region", region))
        }
        switch authentication {
        case .token(let token):
            headers.append(("X-Auth-Token", token))
            return headers
        case .signer(let signer):
            let signing = SigningRequest(
                method: method.rawValue, host: endpoint.authority, path: path, query: query, headers: headers, body: []
            )
            return signer.sign(signing, date: Date())
        }
    }

    /// `text` with every secret of the credentials replaced by `<redacted>`.
    func redact(_ text: String) -> String {
        var text = text
        for secret in configuration.credentials.secrets where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return text
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    /// Classifies a failure without a response.
    func transportError(_ error: any Error, method: String, path: String) -> HSSTransportError {
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
            timeout = isConnect ? configuration.connectTimeout : configuration.requestTimeout
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
