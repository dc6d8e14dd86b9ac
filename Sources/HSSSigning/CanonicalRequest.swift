import Crypto

/// The canonical request of `SDK-HMAC-SHA256` (spec section 3, steps 4–10).
///
/// Pure functions, each matching the Python SDK's `Signer` byte for byte.
package enum CanonicalRequest {
    /// SHA-256 of the empty string, the payload hash of a request without a body.
    package static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The canonical URI of a wire path.
    ///
    /// The whole path is percent-decoded first and split on `/` afterwards, so an encoded
    /// `%2F` inside a segment becomes a real separator here; the SDK does the same, and a
    /// verifier must too. A trailing `/` is appended unless present.
    package static func canonicalURI(path: String) -> String {
        let segments = HSSPercentEncoding.decode(path)
            .split(separator: "/", omittingEmptySubsequences: false)
            .map { HSSPercentEncoding.encode(String($0)) }
        let joined = segments.joined(separator: "/")
        return joined.hasSuffix("/") ? joined : joined + "/"
    }

    /// The canonical query string, which is also the query the SDK puts on the wire.
    ///
    /// Pairs are sorted by name, then value, comparing code points (UTF-8 byte order gives
    /// the same result), before encoding; each becomes `enc(name)=enc(value)`.
    package static func canonicalQueryString(_ query: [(name: String, value: String)]) -> String {
        query
            .sorted { lhs, rhs in
                if lhs.name != rhs.name {
                    return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
                }
                return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
            }
            .map { HSSPercentEncoding.encode($0.name) + "=" + HSSPercentEncoding.encode($0.value) }
            .joined(separator: "&")
    }

    /// The `SignedHeaders` list for `headers`: every name without `_`, lower-cased, sorted.
    ///
    /// Names are not de-duplicated, because the SDK does not de-duplicate them either.
    package static func signedHeaderNames(_ headers: [(name: String, value: String)]) -> [String] {
        headers
            .filter { !$0.name.contains("_") }
            .map { $0.name.lowercased() }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// `name:value\n` for each signed header; values are trimmed, and the last header of a
    /// name wins, as in the SDK's header dictionary.
    package static func canonicalHeaders(
        _ headers: [(name: String, value: String)],
        signedHeaderNames: [String]
    ) -> String {
        var values: [String: String] = [:]
        for header in headers {
            values[header.name.lowercased()] = HeaderFields.trim(header.value)
        }
        return
            signedHeaderNames
            .map { name in
                let lowered = name.lowercased()
                return lowered + ":" + (values[lowered] ?? "") + "\n"
            }
            .joined()
    }

    /// The payload hash: the empty hash for no body, else `X-Sdk-Content-Sha256` when
    /// present, else the lower-case hex SHA-256 of the body.
    package static func payloadHash(_ request: SigningRequest) -> String {
        if request.body.isEmpty {
            return emptyPayloadHash
        }
        if let declared = HeaderFields.first(named: "X-Sdk-Content-Sha256", in: request.headers),
            !HeaderFields.trim(declared).isEmpty
        {
            return HeaderFields.trim(declared)
        }
        return Hex.encode(SHA256.hash(data: request.body))
    }

    /// The full canonical request:
    /// `METHOD\nURI\nQUERY\nHEADERS\nSIGNED_HEADERS\nPAYLOAD_HASH`.
    ///
    /// `request.headers` must already hold every header named in `signedHeaderNames`
    /// (including `Host` and `X-Sdk-Date`); a missing one is written with an empty value.
    package static func build(_ request: SigningRequest, signedHeaderNames: [String]) -> String {
        let lowered = signedHeaderNames.map { $0.lowercased() }
        return [
            request.method.uppercased(),
            canonicalURI(path: request.path),
            canonicalQueryString(request.query),
            canonicalHeaders(request.headers, signedHeaderNames: lowered),
            lowered.joined(separator: ";"),
            payloadHash(request),
        ].joined(separator: "\n")
    }

    /// `SDK-HMAC-SHA256\n{X-Sdk-Date}\n{hex(SHA-256(canonicalRequest))}`.
    package static func stringToSign(canonicalRequest: String, sdkDate: String) -> String {
        SDKHMACSigner.algorithm + "\n" + sdkDate + "\n"
            + Hex.encode(SHA256.hash(data: Array(canonicalRequest.utf8)))
    }
}
