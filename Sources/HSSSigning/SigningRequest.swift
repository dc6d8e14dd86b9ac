/// The parts of an HTTP request that an `SDK-HMAC-SHA256` signature covers.
///
/// The same value describes a request about to be sent (for ``SDKHMACSigner``) and a
/// request that was received (for ``SignatureVerifier``).
public struct SigningRequest: Sendable {
    /// The HTTP method, for example `GET`. It is upper-cased when signing.
    public var method: String
    /// The authority, including `:port` when the URL has one (`127.0.0.1:8080`).
    ///
    /// Used as the `Host` header when `headers` has none.
    public var host: String
    /// The path exactly as it goes on the wire, each segment already percent-encoded
    /// (see ``HSSPercentEncoding/encodePathSegments(_:)``).
    public var path: String
    /// Decoded query parameters in any order; repeated names are repeated pairs.
    public var query: [(name: String, value: String)]
    /// The headers to send, with their original case.
    public var headers: [(name: String, value: String)]
    /// The body bytes exactly as they are sent.
    public var body: [UInt8]

    /// Creates a request description.
    /// - Parameters:
    ///   - method: The HTTP method, for example `GET`.
    ///   - host: The authority, including `:port` when the URL has one.
    ///   - path: The percent-encoded path as it is sent, without the query.
    ///   - query: Decoded query parameters, in any order.
    ///   - headers: The headers to send, with their original case.
    ///   - body: The body bytes; empty for none.
    public init(
        method: String,
        host: String,
        path: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) {
        self.method = method
        self.host = host
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}
