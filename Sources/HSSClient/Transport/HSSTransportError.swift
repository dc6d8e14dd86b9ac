public import ExportPipeline
public import ExportStageKit
import Foundation

/// The request did not get an HTTP response: the connection was refused, the host name did
/// not resolve, the TLS handshake failed, the proxy failed, or time ran out.
///
/// Most are ``FailureDisposition/transient``: the network may recover, and the waiter's
/// budget and deadline bound the retries. What retrying cannot fix ends the task at once
/// (``FailureDisposition/permanent``): an `https://` endpoint that speaks plain HTTP, and a
/// certificate that fails verification. A host name that does not resolve is retried a few
/// times (``FailureDisposition/transientAtMost(attempts:)``): DNS failures can be transient,
/// but a misspelt region or endpoint never resolves.
public struct HSSTransportError: TaskStatusFailure, CustomStringConvertible, Sendable {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable {
        /// Nothing listens at the host and port.
        case connectionRefused = "connection-refused"
        /// The host name does not resolve.
        case hostNotFound = "host-not-found"
        /// The TLS handshake failed; ``HSSTransportError/tlsProblem`` says why, when known.
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

    /// Why a TLS handshake failed, for the causes that retrying cannot fix.
    public enum TLSProblem: String, Sendable, Equatable {
        /// The server answered the TLS handshake in plain HTTP: the endpoint is an
        /// `http://` one (BoringSSL's `WRONG_VERSION_NUMBER`).
        case plainHTTP = "plain-http"
        /// The server's certificate chain is not trusted (self-signed, a private CA, expired).
        case untrustedCertificate = "untrusted-certificate"
        /// The certificate is trusted but not issued for the host name.
        case hostnameMismatch = "hostname-mismatch"
    }

    /// How many times in a row a host name may fail to resolve before the task ends.
    public static let hostNotFoundAttempts = 3

    /// What went wrong.
    public var kind: Kind
    /// The base URL that was being reached.
    public var endpoint: String
    /// The host of the endpoint (without brackets for IPv6).
    public var host: String
    /// The port of the endpoint, explicit or the scheme's default.
    public var port: Int
    /// The request method.
    public var method: String
    /// The request path.
    public var path: String
    /// The proxy in use, when there was one (without its password).
    public var proxy: String?
    /// The underlying error, as text (for TLS, only BoringSSL's reason names, in words).
    public var detail: String
    /// The limit that ran out, for ``Kind/timeout``.
    public var timeout: Duration?
    /// Why the TLS handshake failed, for ``Kind/tlsHandshake``, when known.
    public var tlsProblem: TLSProblem?
    /// The SDK operation (e.g. `ExportVuls`) when the request created an export task;
    /// `nil` for the other calls.
    public var creation: String?
    /// Whether the request (its body) may have reached the server before the failure:
    /// false when no connection was ever made (refused, unknown host, TLS handshake,
    /// connect timeout, proxy tunnel) or the body was never handed to a connection.
    public var requestMayHaveBeenSent: Bool

    /// Creates a transport error. Without `host` and `port`, they are taken from `endpoint`.
    public init(
        kind: Kind, endpoint: String, method: String, path: String, proxy: String? = nil, detail: String, timeout: Duration? = nil,
        host: String? = nil, port: Int? = nil, tlsProblem: TLSProblem? = nil, creation: String? = nil,
        requestMayHaveBeenSent: Bool = false
    ) {
        self.kind = kind
        self.endpoint = endpoint
        self.method = method
        self.path = path
        self.proxy = proxy
        self.detail = detail
        self.timeout = timeout
        self.tlsProblem = tlsProblem
        self.creation = creation
        self.requestMayHaveBeenSent = requestMayHaveBeenSent
        let components = URLComponents(string: endpoint)
        let parsedHost = components?.host.map { $0.hasPrefix("[") && $0.hasSuffix("]") ? String($0.dropFirst().dropLast()) : $0 }
        self.host = host ?? parsedHost ?? endpoint
        self.port = port ?? components?.port ?? (components?.scheme == "http" ? 80 : 443)
    }

    /// ``FailureDisposition/outcomeUnknown`` for a create that may have been sent (HSS
    /// may have created the task and nothing deduplicates creations); otherwise permanent
    /// for a plain-HTTP endpoint and a rejected certificate, at most
    /// ``hostNotFoundAttempts`` attempts for a name that does not resolve, transient
    /// otherwise. A create that certainly never left is treated like any other request.
    public var disposition: FailureDisposition {
        if creation != nil && requestMayHaveBeenSent {
            return .outcomeUnknown
        }
        switch kind {
        case .tlsHandshake where tlsProblem != nil:
            return .permanent
        case .hostNotFound:
            return .transientAtMost(attempts: Self.hostNotFoundAttempts)
        default:
            return .transient
        }
    }

    /// Code `network.<kind>` (e.g. `network.tls-handshake`) and the description.
    public var recordFailure: ExportResult.Failure {
        ExportResult.Failure(code: "network." + kind.rawValue, message: description, requestID: nil)
    }

    /// `host` as it goes into a URL: IPv6 addresses in brackets.
    var urlHost: String { host.contains(":") ? "[\(host)]" : host }

    /// What failed, where, and the fix.
    public var description: String {
        let via = proxy.map { " via proxy \($0)" } ?? ""
        let what: String
        var detail: String? = detail.isEmpty ? nil : detail
        let fix: String
        switch kind {
        case .connectionRefused:
            what = "connection refused"
            fix = "check the endpoint's host and port, and that the service (or simulator) is running"
        case .hostNotFound where proxy != nil:
            what = "the proxy's host name does not resolve"
            fix = "check the proxy host in HTTPS_PROXY/HTTP_PROXY and the DNS settings"
        case .hostNotFound:
            what = "the host name \(host) does not resolve"
            fix =
                "check the region or endpoint spelling (region R is served at hss.R.myhuaweicloud.com, "
                + "so a misspelt region gives a host that does not exist) and the DNS settings"
        case .tlsHandshake:
            switch tlsProblem {
            case .plainHTTP:
                // The exact fix says it all; BoringSSL's words would only confuse.
                what = "the TLS handshake failed because the endpoint speaks plain HTTP"
                detail = nil
                fix = "use http://\(urlHost):\(port)"
            case .untrustedCertificate:
                what = "the TLS handshake failed: the certificate presented for \(host) is not trusted"
                detail = nil
                fix =
                    "if \(host) or a TLS-inspecting proxy uses a private CA, set ca_file to its PEM bundle "
                    + "(insecure: true disables verification, for tests only)"
            case .hostnameMismatch:
                what = "the TLS handshake failed: the certificate presented for \(host) is issued for another name"
                detail = nil
                fix =
                    "check the endpoint's host name (ca_file only adds trusted CAs and cannot fix a name mismatch; "
                    + "insecure: true disables verification, for tests only)"
            case nil:
                what = "the TLS handshake failed"
                fix =
                    "check that \(urlHost):\(port) serves HTTPS; if it or a TLS-inspecting proxy uses a private CA, "
                    + "set ca_file to its PEM bundle (insecure: true disables verification, for tests only)"
            }
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
        let because = detail.map { " (\($0))" } ?? ""
        if let creation, requestMayHaveBeenSent {
            return "no answer from HSS at \(endpoint)\(via) to \(method) \(path) after the request was sent: \(what)\(because); "
                + Self.mayHaveCreatedAdvice(creation, project: nil)
        }
        return "cannot reach HSS at \(endpoint)\(via) for \(method) \(path): \(what)\(because); \(fix)"
    }

    /// What to do when a create's outcome is unknown; shared with ``HSSAPIError``.
    static func mayHaveCreatedAdvice(_ operation: String, project: String?) -> String {
        let place = project.map { " in \($0)" } ?? ""
        return "HSS may have created the export task (\(operation)) anyway, and it does not deduplicate creations, "
            + "so the request is not sent again; look for a new export task\(place) in the HSS console "
            + "before creating this export again"
    }
}
