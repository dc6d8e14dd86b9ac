import Crypto
public import Foundation

/// Verifies `SDK-HMAC-SHA256` signatures on received requests (used by the simulator).
///
/// The canonical request is rebuilt from what arrived: the method, the raw path, the query
/// (re-sorted, although a conforming client sends it sorted), the headers named in
/// `SignedHeaders` with the raw `Host` including its port, and the body.
public struct SignatureVerifier: Sendable {
    /// Secret keys by access key id.
    private let secretKeys: [String: String]
    /// The largest accepted distance between `X-Sdk-Date` and the verifier's clock;
    /// `nil` accepts any date.
    public let maximumClockSkew: Duration?

    /// Creates a verifier.
    /// - Parameters:
    ///   - secretKeys: The secret key of every accepted access key, keyed by access key id.
    ///   - maximumClockSkew: Reject requests whose `X-Sdk-Date` is further than this from
    ///     the current time (Huawei Cloud allows 15 minutes); `nil`, the default, disables
    ///     the check, which suits fixed test dates.
    public init(secretKeys: [String: String], maximumClockSkew: Duration? = nil) {
        self.secretKeys = secretKeys
        self.maximumClockSkew = maximumClockSkew
    }

    /// Creates a verifier that accepts the given credentials.
    /// - Parameters:
    ///   - credentials: The accepted access key pairs; security tokens are not checked.
    ///   - maximumClockSkew: See ``init(secretKeys:maximumClockSkew:)``.
    public init(credentials: [AccessKeyCredentials], maximumClockSkew: Duration? = nil) {
        var keys: [String: String] = [:]
        for credential in credentials {
            keys[credential.accessKey] = credential.secretKey
        }
        self.init(secretKeys: keys, maximumClockSkew: maximumClockSkew)
    }

    /// Verifies a received request.
    /// - Parameters:
    ///   - request: What arrived. `path` is the raw (still percent-encoded) path, `query` the
    ///     decoded pairs, `headers` every received header including `Authorization`; when
    ///     `headers` has no `Host`, `request.host` stands in for it.
    ///   - now: The verifier's current time, for the clock-skew check.
    public func verify(_ request: SigningRequest, now: Date = Date()) -> VerificationResult {
        guard let authorizationValue = HeaderFields.first(named: "Authorization", in: request.headers) else {
            return .invalid(reason: "no Authorization header: sign the request with \(SDKHMACSigner.algorithm)")
        }
        let authorization: SDKAuthorization
        switch SDKAuthorization.parse(authorizationValue) {
        case .success(let parsed): authorization = parsed
        case .failure(let failure): return .invalid(reason: failure.reason)
        }
        guard let secretKey = secretKeys[authorization.accessKey] else {
            return .invalid(reason: "unknown access key '\(authorization.accessKey)': use an access key this server accepts")
        }
        guard let rawDate = HeaderFields.first(named: "X-Sdk-Date", in: request.headers) else {
            return .invalid(reason: "missing X-Sdk-Date header: send the signing time as YYYYMMDDTHHMMSSZ in UTC")
        }
        let sdkDate = HeaderFields.trim(rawDate)
        guard let signedAt = SDKDate.parse(sdkDate) else {
            return .invalid(reason: "X-Sdk-Date '\(sdkDate)' is not in the format YYYYMMDDTHHMMSSZ (e.g. 20240115T083000Z)")
        }
        if let maximumClockSkew {
            let skew = abs(signedAt.timeIntervalSince(now))
            let limit =
                Double(maximumClockSkew.components.seconds)
                + Double(maximumClockSkew.components.attoseconds) / 1e18
            if skew > limit {
                return .invalid(
                    reason: "X-Sdk-Date \(sdkDate) is \(Int(skew)) s away from the server clock (limit \(Int(limit)) s): synchronise the client clock"
                )
            }
        }

        var headers = request.headers
        if !HeaderFields.contains("Host", in: headers) {
            headers.append((name: "Host", value: request.host))
        }
        let present = Set(headers.map { $0.name.lowercased() })
        for name in authorization.signedHeaders where !present.contains(name.lowercased()) {
            return .invalid(reason: "header '\(name)' is listed in SignedHeaders but was not received: send it or leave it out of SignedHeaders")
        }
        var received = request
        received.headers = headers
        let canonicalRequest = CanonicalRequest.build(received, signedHeaderNames: authorization.signedHeaders)
        let stringToSign = CanonicalRequest.stringToSign(canonicalRequest: canonicalRequest, sdkDate: sdkDate)
        let expected = SDKHMACSigner.signature(stringToSign: stringToSign, secretKey: secretKey)
        guard Hex.constantTimeEquals(expected, authorization.signature) else {
            let hash = stringToSign.split(separator: "\n").last.map(String.init) ?? ""
            return .invalid(
                reason:
                    "signature mismatch for access key '\(authorization.accessKey)': either the secret key is wrong or the request differs from what was signed; the server's canonical request hashes to \(hash), compare it with the last line of your string to sign (check path encoding, query sorting and signed header values)"
            )
        }
        return .valid(accessKey: authorization.accessKey)
    }

    /// Verifies a request given as it arrived on the wire.
    /// - Parameters:
    ///   - method: The request method.
    ///   - rawPath: The request path as received, percent-encoded, without the query.
    ///   - rawQuery: The query as received, without `?`; `nil` or empty for none.
    ///   - host: The raw `Host` value including the port, used when `headers` has no `Host`.
    ///   - headers: Every received header, including `Authorization`.
    ///   - body: The received body bytes.
    ///   - now: The verifier's current time, for the clock-skew check.
    public func verify(
        method: String,
        rawPath: String,
        rawQuery: String?,
        host: String,
        headers: [(name: String, value: String)],
        body: [UInt8],
        now: Date = Date()
    ) -> VerificationResult {
        verify(
            SigningRequest(
                method: method,
                host: host,
                path: rawPath,
                query: Self.decodeQuery(rawQuery),
                headers: headers,
                body: body
            ),
            now: now
        )
    }

    /// Splits a raw query into decoded pairs; `a&b=` gives `("a", "")`, `("b", "")`.
    public static func decodeQuery(_ rawQuery: String?) -> [(name: String, value: String)] {
        guard let rawQuery, !rawQuery.isEmpty else { return [] }
        return rawQuery.split(separator: "&", omittingEmptySubsequences: true).map { item in
            if let equals = item.firstIndex(of: "=") {
                return (
                    name: HSSPercentEncoding.decode(String(item[..<equals])),
                    value: HSSPercentEncoding.decode(String(item[item.index(after: equals)...]))
                )
            }
            return (name: HSSPercentEncoding.decode(String(item)), value: "")
        }
    }
}
