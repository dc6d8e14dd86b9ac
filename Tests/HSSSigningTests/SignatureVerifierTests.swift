import Foundation
import HSSSigning
import Testing

@Suite("SignatureVerifier")
struct SignatureVerifierTests {
    static let accessKey = "HPUAEXAMPLEAK0000001"
    static let secretKey = "ExampleSecretKey0000000000000000000000000"
    static let date = SDKDate.parse("20240115T083000Z")!

    static let request = SigningRequest(
        method: "GET",
        host: "127.0.0.1:18080",
        path: "/v5/0a1b2c3d4e5f60718293a4b5c6d7e8f9/export-task/a%2Fb",
        query: [(name: "enterprise_project_id", value: "all granted"), (name: "a", value: "1")],
        headers: [
            (name: "Content-Type", value: "application/json"),
            (name: "X-Project-Id", value: "0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
        ]
    )

    /// What the server receives: the signed headers and the canonical (sorted) wire query.
    static func received(
        signedWith secretKey: String = secretKey,
        _ edit: (inout SigningRequest) -> Void = { _ in }
    ) -> SigningRequest {
        let signer = SDKHMACSigner(credentials: AccessKeyCredentials(accessKey: accessKey, secretKey: secretKey))
        var received = request
        received.headers = signer.sign(request, date: date)
        edit(&received)
        return received
    }

    static let verifier = SignatureVerifier(secretKeys: [accessKey: secretKey])

    @Test("accepts what sign() made")
    func acceptsOwnSignature() {
        #expect(Self.verifier.verify(Self.received(), now: Self.date) == .valid(accessKey: Self.accessKey))
    }

    @Test("accepts the wire form with a canonical query string")
    func acceptsWireForm() {
        let received = Self.received()
        let result = Self.verifier.verify(
            method: "GET",
            rawPath: received.path,
            rawQuery: CanonicalRequest.canonicalQueryString(received.query),
            host: "ignored-when-Host-is-present",
            headers: received.headers,
            body: []
        )
        #expect(result == .valid(accessKey: Self.accessKey))
    }

    @Test(
        "rejects a one-byte change",
        arguments: [
            "secret key", "path", "signed header", "query value", "query name", "method", "host port", "body",
        ])
    func rejectsOneByteChange(_ change: String) throws {
        let received: SigningRequest
        switch change {
        case "secret key":
            received = Self.received(signedWith: "ExampleSecretKey0000000000000000000000001")
        case "path":
            received = Self.received { $0.path = "/v5/0a1b2c3d4e5f60718293a4b5c6d7e8f9/export-task/a%2Fc" }
        case "signed header":
            received = Self.received { request in
                let index = request.headers.firstIndex { $0.name == "X-Project-Id" }!
                request.headers[index].value = "0a1b2c3d4e5f60718293a4b5c6d7e8f8"
            }
        case "query value":
            received = Self.received { $0.query[1].value = "2" }
        case "query name":
            received = Self.received { $0.query[1].name = "b" }
        case "method":
            received = Self.received { $0.method = "PUT" }
        case "host port":
            received = Self.received { request in
                let index = request.headers.firstIndex { $0.name == "Host" }!
                request.headers[index].value = "127.0.0.1:18081"
            }
        case "body":
            received = Self.received { $0.body = [0x20] }
        default:
            Issue.record("unknown change \(change)")
            return
        }
        let result = Self.verifier.verify(received, now: Self.date)
        guard case .invalid(let reason) = result else {
            Issue.record("accepted a request after changing the \(change)")
            return
        }
        #expect(reason.contains("signature mismatch"))
        #expect(!reason.contains(Self.secretKey))
    }

    @Test("unsigned headers and query order do not matter")
    func toleratesUnsignedChanges() {
        let received = Self.received { request in
            request.headers.append((name: "Accept", value: "*/*"))
            request.headers.append((name: "User_Agent", value: "x"))
            request.query.reverse()
        }
        #expect(Self.verifier.verify(received, now: Self.date).isValid)
    }

    @Test("gives actionable reasons")
    func reasons() throws {
        func reason(_ request: SigningRequest, verifier: SignatureVerifier = Self.verifier, now: Date = Self.date) -> String {
            if case .invalid(let reason) = verifier.verify(request, now: now) { return reason }
            return "VALID"
        }
        func replacing(_ name: String, with value: String?) -> SigningRequest {
            Self.received { request in
                request.headers.removeAll { $0.name == name }
                if let value { request.headers.append((name: name, value: value)) }
            }
        }
        #expect(reason(replacing("Authorization", with: nil)).contains("no Authorization header"))
        #expect(reason(replacing("Authorization", with: "Bearer abc")).contains("unsupported signing algorithm 'Bearer'"))
        #expect(
            reason(replacing("Authorization", with: "SDK-HMAC-SHA256 Access=A, Signature=\(String(repeating: "a", count: 64))"))
                .contains("missing 'SignedHeaders='"))
        #expect(
            reason(replacing("Authorization", with: "SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature=xyz"))
                .contains("64 lower-case hex"))
        #expect(reason(replacing("X-Sdk-Date", with: nil)).contains("missing X-Sdk-Date"))
        #expect(reason(replacing("X-Sdk-Date", with: "2024-01-15")).contains("'2024-01-15' is not in the format"))
        #expect(
            reason(Self.received(), verifier: SignatureVerifier(secretKeys: ["OTHER": "x"])).contains("unknown access key 'HPUAEXAMPLEAK0000001'"))
        #expect(reason(replacing("X-Project-Id", with: nil)).contains("'x-project-id' is listed in SignedHeaders"))

        let strict = SignatureVerifier(secretKeys: [Self.accessKey: Self.secretKey], maximumClockSkew: .seconds(900))
        #expect(reason(Self.received(), verifier: strict, now: Self.date.addingTimeInterval(899)) == "VALID")
        #expect(reason(Self.received(), verifier: strict, now: Self.date.addingTimeInterval(901)).contains("901 s away"))
    }

    @Test("a security token is sent and signed")
    func securityToken() {
        let credentials = AccessKeyCredentials(accessKey: Self.accessKey, secretKey: Self.secretKey, securityToken: "tok")
        let details = SDKHMACSigner(credentials: credentials).signWithDetails(Self.request, date: Self.date)
        #expect(details.headers.contains { $0.name == "X-Security-Token" && $0.value == "tok" })
        #expect(details.signedHeaders.contains("x-security-token"))
    }

    @Test("an existing Authorization header is left alone, like the SDK")
    func existingAuthorization() {
        var request = Self.request
        request.headers.append((name: "Authorization", value: "custom"))
        let headers = SDKHMACSigner(credentials: AccessKeyCredentials(accessKey: "A", secretKey: "S")).sign(request, date: Self.date)
        #expect(headers.map(\.name) == request.headers.map(\.name))
        #expect(headers.map(\.value) == request.headers.map(\.value))
    }

    @Test("the clock is used when no X-Sdk-Date is given")
    func dateFromClock() {
        let headers = SDKHMACSigner(credentials: AccessKeyCredentials(accessKey: "A", secretKey: "S"))
            .sign(Self.request, date: Self.date.addingTimeInterval(61))
        #expect(headers.first { $0.name == "X-Sdk-Date" }?.value == "20240115T083101Z")
        #expect(headers.first { $0.name == "Host" }?.value == "127.0.0.1:18080")
    }
}
