/// The result of ``SDKHMACSigner/signWithDetails(_:date:)``: the headers to send and the
/// intermediate strings of the signature.
///
/// When the request already had an `Authorization` header, only `headers` is filled.
package struct SigningDetails: Sendable {
    /// The headers to send, including `Authorization`.
    package var headers: [(name: String, value: String)]
    /// The canonical request that was hashed.
    package var canonicalRequest: String
    /// `SDK-HMAC-SHA256\n{date}\n{hash}`, the string that was signed.
    package var stringToSign: String
    /// The `SignedHeaders` value, for example `content-type;host;x-sdk-date`.
    package var signedHeaders: String
    /// The hex signature.
    package var signature: String

    /// Creates signing details.
    package init(
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
