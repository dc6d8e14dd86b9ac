public import ExportPipeline
public import ExportStageKit

/// The request did not get an HTTP response: the connection was refused, the host name did
/// not resolve, the TLS handshake failed, the proxy failed, or time ran out.
///
/// Always ``FailureDisposition/transient``: the network may recover, and the waiter's
/// budget and deadline bound the retries.
public struct HSSTransportError: TaskStatusFailure, CustomStringConvertible, Sendable {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable {
        /// Nothing listens at the host and port.
        case connectionRefused = "connection-refused"
        /// The host name does not resolve.
        case hostNotFound = "host-not-found"
        /// The TLS handshake failed, usually an untrusted certificate.
        case tlsHandshake = "tls-handshake"
        /// Connecting or the whole request took longer than allowed.
        case timeout
        /// The server or a middlebox closed the connection mid-request.
        case connectionClosed = "connection-closed"
        /// The HTTP proxy refused or failed the tunnel.
        case proxy
        /// Anything else.
        case other = "network"
    }

    /// What went wrong.
    public var kind: Kind
    /// The base URL that was being reached.
    public var endpoint: String
    /// The request method.
    public var method: String
    /// The request path.
    public var path: String
    /// The proxy in use, when there was one (without its password).
    public var proxy: String?
    /// The underlying error, as text.
    public var detail: String
    /// The limit that ran out, for ``Kind/timeout``.
    public var timeout: Duration?

    /// Creates a transport error.
    public init(kind: Kind, endpoint: String, method: String, path: String, proxy: String? = nil, detail: String, timeout: Duration? = nil) {
        self.kind = kind
        self.endpoint = endpoint
        self.method = method
        self.path = path
        self.proxy = proxy
        self.detail = detail
        self.timeout = timeout
    }

    /// Always transient.
    public var disposition: FailureDisposition { .transient }

    /// Code `network.<kind>` (e.g. `network.tls-handshake`) and the description.
    public var recordFailure: ExportResult.Failure {
        ExportResult.Failure(code: "network." + kind.rawValue, message: description, requestID: nil)
    }

    /// What failed, where, and the fix.
    public var description: String {
        let via = proxy.map { " via proxy \($0)" } ?? ""
        let what: String
        let fix: String
        switch kind {
        case .connectionRefused:
            what = "connection refused"
            fix = "check the endpoint's host and port, and that the service (or simulator) is running"
        case .hostNotFound:
            what = "the host name does not resolve"
            fix = "check the region or endpoint spelling and the DNS settings"
        case .tlsHandshake:
            what = "the TLS handshake failed"
            fix =
                "if the endpoint or a TLS-inspecting proxy uses a private CA, set ca_file to its PEM bundle "
                + "(insecure: true disables verification, for tests only)"
        case .timeout:
            what = "no response" + (timeout.map { " within \(HSSAPIError.seconds($0)) s" } ?? " in time")
            fix = "check the network path and any proxy (HTTPS_PROXY, NO_PROXY), or raise the timeout"
        case .connectionClosed:
            what = "the connection was closed before a complete response"
            fix = "retry; if it persists, check the proxy or firewall between here and the endpoint"
        case .proxy:
            what = "the proxy failed the request"
            fix = "check the proxy URL and its credentials in HTTPS_PROXY/HTTP_PROXY, or exclude the host with NO_PROXY"
        case .other:
            what = "the request failed"
            fix = "check the endpoint and the network"
        }
        return "cannot reach HSS at \(endpoint)\(via) for \(method) \(path): \(what) (\(detail)); \(fix)"
    }
}
