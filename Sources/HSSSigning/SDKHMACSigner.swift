import Crypto
public import Foundation

/// Signs requests with `SDK-HMAC-SHA256`, as the Huawei Cloud Python SDK's `Signer` does.
public struct SDKHMACSigner: Sendable {
    /// The algorithm name, the first word of the `Authorization` header.
    public static let algorithm = "SDK-HMAC-SHA256"

    /// The credentials requests are signed with.
    public let credentials: AccessKeyCredentials

    /// Creates a signer.
    /// - Parameter credentials: The access key pair (and security token) to sign with.
    public init(credentials: AccessKeyCredentials) {
        self.credentials = credentials
    }

    /// Returns the headers to send: the input headers (values trimmed) plus `X-Sdk-Date`
    /// (unless given), `Host` (unless given), `X-Security-Token` (when the credentials have
    /// one), `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (for a non-JSON `Content-Type`) and
    /// `Authorization`.
    ///
    /// Like the SDK, a request that already has an `Authorization` header is not signed:
    /// its headers come back unchanged apart from the security token.
    /// - Parameters:
    ///   - request: The request to sign; `request.query` need not be sorted.
    ///   - date: The signing time, used only when there is no `X-Sdk-Date` header.
    public func sign(_ request: SigningRequest, date: Date) -> [(name: String, value: String)] {
        signWithDetails(request, date: date).headers
    }

    /// Signs like ``sign(_:date:)`` and also returns the intermediate strings, for
    /// debugging a signature mismatch. They contain no secret key, but the canonical
    /// request contains signed header values such as `X-Security-Token`.
    package func signWithDetails(_ request: SigningRequest, date: Date) -> SigningDetails {
        var headers = request.headers
        if let token = credentials.securityToken {
            headers.removeAll { $0.name.lowercased() == "x-security-token" }
            headers.append((name: "X-Security-Token", value: token))
        }
        if HeaderFields.contains("Authorization", in: headers) {
            return SigningDetails(headers: headers, canonicalRequest: "", stringToSign: "", signedHeaders: "", signature: "")
        }
        // The SDK looks up exactly "Content-Type" here (not case-insensitively); matching
        // that keeps signatures identical for odd-cased headers.
        if let contentType = headers.last(where: { $0.name == "Content-Type" })?.value,
            !contentType.isEmpty,
            !contentType.hasPrefix("application/json"), !contentType.hasPrefix("application/bson")
        {
            headers.removeAll { $0.name == "X-Sdk-Content-Sha256" }
            headers.append((name: "X-Sdk-Content-Sha256", value: "UNSIGNED-PAYLOAD"))
        }
        let sdkDate: String
        if let given = HeaderFields.first(named: "X-Sdk-Date", in: headers) {
            sdkDate = HeaderFields.trim(given)
        } else {
            sdkDate = SDKDate.format(date)
            headers.append((name: "X-Sdk-Date", value: sdkDate))
        }
        if !HeaderFields.contains("Host", in: headers) {
            headers.append((name: "Host", value: request.host))
        }
        headers = headers.map { (name: $0.name, value: HeaderFields.trim($0.value)) }

        var signed = request
        signed.headers = headers
        let signedHeaderNames = CanonicalRequest.signedHeaderNames(headers)
        let canonicalRequest = CanonicalRequest.build(signed, signedHeaderNames: signedHeaderNames)
        let stringToSign = CanonicalRequest.stringToSign(canonicalRequest: canonicalRequest, sdkDate: sdkDate)
        let signature = Self.signature(stringToSign: stringToSign, secretKey: credentials.secretKey)
        let signedHeaders = signedHeaderNames.joined(separator: ";")
        headers.append(
            (
                name: "Authorization",
                value: "\(Self.algorithm) Access=\(credentials.accessKey), SignedHeaders=\(signedHeaders), Signature=\(signature)"
            ))
        return SigningDetails(
            headers: headers,
            canonicalRequest: canonicalRequest,
            stringToSign: stringToSign,
            signedHeaders: signedHeaders,
            signature: signature
        )
    }

    /// `hex(HMAC-SHA256(key: UTF-8(secretKey), message: stringToSign))`.
    static func signature(stringToSign: String, secretKey: String) -> String {
        let key = SymmetricKey(data: Array(secretKey.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key)
        return Hex.encode(mac)
    }
}
