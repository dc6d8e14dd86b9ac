/// A validated base URL of the HSS API.
public struct ResolvedEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// `https` or `http`.
    public var scheme: String
    /// The host name or IP address (without brackets for IPv6).
    public var host: String
    /// The TCP port, explicit or the scheme's default.
    public var port: Int
    /// The authority as the SDK sends it in `Host` and signs it: the host, plus `:port`
    /// only when the URL had one.
    public var authority: String

    /// Creates a resolved endpoint.
    public init(scheme: String, host: String, port: Int, authority: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.authority = authority
    }

    /// `scheme://authority`, with no trailing slash.
    public var baseURL: String { "\(scheme)://\(authority)" }

    /// Whether requests use TLS.
    public var usesTLS: Bool { scheme == "https" }

    /// The base URL.
    public var description: String { baseURL }
}
