/// The result of ``SDKHMACSigner/signWithDetails(_:date:)``: the headers to send and the
/// intermediate strings of the signature.
///
/// When the request already had an `Authorization` header, only `headers` is filled.
public struct SigningDetails: Sendable {
    /// The headers to send, including `Authorization`.
    public var headers: [(name: String, value: String)]
    /// The canonical request that was hashed.
    public var canonicalRequest: String
    /// `SDK-HMAC-SHA256\n{date}\n{hash}`, the string that was signed.
    public var stringToSign: String
    /// The `SignedHeaders` value, for example `content-type;host;x-sdk-date`.
    public var signedHeaders: String
    /// The hex signature.
    public var signature: String

    /// Creates signing details.
    public init(
        headers: [(name: String, value: String)],
        canonicalRequest: String,
        stringToSign: String,
        signedHeaders: String,
        signature: String
    ) {
        self.headers = headers
        self.canonicalRequest = canonicalRequest
        self.stringToSign = stringToSign
        self.signedHeaders = signedHeaders
        self.signature = signature
    }
}
