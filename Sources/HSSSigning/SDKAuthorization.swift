/// A parsed `Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…` header.
struct SDKAuthorization {
    var accessKey: String
    var signedHeaders: [String]
    var signature: String

    /// Parses `value`, or returns a reason a client can act on.
    static func parse(_ value: String) -> Result<SDKAuthorization, ParseFailure> {
        let trimmed = HeaderFields.trim(value)
        let expected = "expected '\(SDKHMACSigner.algorithm) Access=AK, SignedHeaders=a;b, Signature=HEX'"
        guard let space = trimmed.firstIndex(where: { $0 == " " }) else {
            return .failure(ParseFailure(reason: "malformed Authorization header: \(expected)"))
        }
        let algorithm = String(trimmed[..<space])
        guard algorithm == SDKHMACSigner.algorithm else {
            return .failure(
                ParseFailure(
                    reason: "unsupported signing algorithm '\(algorithm)' in Authorization; sign with \(SDKHMACSigner.algorithm)"
                ))
        }
        var fields: [String: String] = [:]
        for part in trimmed[trimmed.index(after: space)...].split(separator: ",") {
            let item = HeaderFields.trim(String(part))
            guard let equals = item.firstIndex(of: "=") else {
                return .failure(ParseFailure(reason: "malformed Authorization header: '\(item)' is not key=value; \(expected)"))
            }
            fields[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        for key in ["Access", "SignedHeaders", "Signature"] where (fields[key] ?? "").isEmpty {
            return .failure(ParseFailure(reason: "malformed Authorization header: missing '\(key)='; \(expected)"))
        }
        let signature = fields["Signature"]!
        guard signature.utf8.count == 64, signature.utf8.allSatisfy(Self.isLowerHex) else {
            return .failure(
                ParseFailure(
                    reason: "malformed Authorization header: Signature must be 64 lower-case hex digits (HMAC-SHA256)"
                ))
        }
        return .success(
            SDKAuthorization(
                accessKey: fields["Access"]!,
                signedHeaders: fields["SignedHeaders"]!.split(separator: ";", omittingEmptySubsequences: false).map(String.init),
                signature: signature
            ))
    }

    struct ParseFailure: Error {
        var reason: String
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
