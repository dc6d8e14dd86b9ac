import Foundation
import HSSSigning
import Testing

@Suite("Percent-encoding and canonical pieces")
struct PercentEncodingTests {
    @Test(
        "encode keeps only unreserved characters",
        arguments: [
            ("a b", "a%20b"),
            ("*", "%2A"),
            ("~", "~"),
            ("-_.", "-_."),
            ("a+b", "a%2Bb"),
            ("/", "%2F"),
            ("100%", "100%25"),
            ("café", "caf%C3%A9"),
            ("主机", "%E4%B8%BB%E6%9C%BA"),
            ("😀", "%F0%9F%98%80"),
            ("", ""),
        ])
    func encode(input: String, expected: String) {
        #expect(HSSPercentEncoding.encode(input) == expected)
    }

    @Test("path segments keep a slash inside a segment encoded")
    func encodePathSegments() {
        #expect(HSSPercentEncoding.encodePathSegments(["v5", "a/b", "x"]) == "/v5/a%2Fb/x")
        #expect(HSSPercentEncoding.encodePathSegments(["v5", "t 1"]) == "/v5/t%201")
        #expect(HSSPercentEncoding.encodePathSegments([]) == "/")
    }

    @Test("decode is lenient like Python's unquote")
    func decode() {
        #expect(HSSPercentEncoding.decode("a%20b%2Fc") == "a b/c")
        #expect(HSSPercentEncoding.decode("100%") == "100%")
        #expect(HSSPercentEncoding.decode("%zz%4") == "%zz%4")
        #expect(HSSPercentEncoding.decode("a+b") == "a+b")
        #expect(HSSPercentEncoding.decode("caf%C3%A9") == "café")
        #expect(HSSPercentEncoding.decode("%FF") == "\u{FFFD}")
    }

    @Test("canonical URI decodes %2F into a separator and appends a slash")
    func canonicalURI() {
        #expect(CanonicalRequest.canonicalURI(path: "/v5/a%2Fb/x") == "/v5/a/b/x/")
        #expect(CanonicalRequest.canonicalURI(path: "/v5/p/export-task/") == "/v5/p/export-task/")
        #expect(CanonicalRequest.canonicalURI(path: "/v5/t%201") == "/v5/t%201/")
        #expect(CanonicalRequest.canonicalURI(path: "/v5/*") == "/v5/%2A/")
        #expect(CanonicalRequest.canonicalURI(path: "/") == "/")
    }

    @Test("query sorts by code point before encoding, then by value")
    func canonicalQuery() {
        let query = CanonicalRequest.canonicalQueryString([
            (name: "b", value: "2"), (name: "a", value: "z"), (name: "a", value: "10"),
            (name: "a", value: "9"), (name: "É", value: ""), (name: "Z", value: "x y"),
        ])
        // "Z" (0x5A) < "a" < "b" < "É" (0xC9); values compare as strings: "10" < "9" < "z".
        #expect(query == "Z=x%20y&a=10&a=9&a=z&b=2&%C3%89=")
        #expect(CanonicalRequest.canonicalQueryString([]) == "")
    }

    @Test("header values are trimmed, names with underscores are not signed")
    func headers() {
        let headers = [(name: "X-B", value: " \t v \u{1F}"), (name: "x_a", value: "1"), (name: "Host", value: "h:1")]
        let names = CanonicalRequest.signedHeaderNames(headers)
        #expect(names == ["host", "x-b"])
        #expect(CanonicalRequest.canonicalHeaders(headers, signedHeaderNames: names) == "host:h:1\nx-b:v\n")
    }

    @Test("a non-JSON body is signed as UNSIGNED-PAYLOAD")
    func unsignedPayload() throws {
        let signer = SDKHMACSigner(credentials: AccessKeyCredentials(accessKey: "AK", secretKey: "SK"))
        let request = SigningRequest(
            method: "POST", host: "example.com", path: "/v5/upload",
            headers: [(name: "Content-Type", value: "application/octet-stream")], body: [1, 2, 3]
        )
        let details = signer.signWithDetails(request, date: try #require(SDKDate.parse("20240115T083000Z")))
        #expect(details.headers.contains { $0.name == "X-Sdk-Content-Sha256" && $0.value == "UNSIGNED-PAYLOAD" })
        #expect(details.canonicalRequest.hasSuffix("\nUNSIGNED-PAYLOAD"))
        #expect(details.signedHeaders == "content-type;host;x-sdk-content-sha256;x-sdk-date")
    }

    @Test("X-Sdk-Date round-trips and rejects impossible dates")
    func sdkDate() throws {
        let date = try #require(SDKDate.parse("20240115T083000Z"))
        #expect(SDKDate.format(date) == "20240115T083000Z")
        #expect(SDKDate.format(date.addingTimeInterval(0.999)) == "20240115T083000Z")
        #expect(SDKDate.parse("20240230T083000Z") == nil)
        #expect(SDKDate.parse("2024-01-15T08:30:00Z") == nil)
        #expect(SDKDate.parse("20240115T083000") == nil)
    }

    @Test("credentials never describe their secrets")
    func credentialsDescription() {
        let credentials = AccessKeyCredentials(accessKey: "AK1", secretKey: "very-secret-sk", securityToken: "tok-secret")
        #expect(credentials.description.contains("AK1"))
        #expect(!credentials.description.contains("very-secret-sk"))
        #expect(!credentials.description.contains("tok-secret"))
        #expect(!String(reflecting: credentials).contains("very-secret-sk"))
    }
}
