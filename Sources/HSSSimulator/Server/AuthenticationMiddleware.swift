import Foundation
import HSSSigning
import HTTPTypes
import Hummingbird
import Logging

/// Accepts `X-Auth-Token` (one of the scenario tokens) or an `SDK-HMAC-SHA256` signature,
/// and records who is calling in the context. Anything else is 401 `APIG.0301`.
///
/// A token is checked first when both are present: the SDK never sends both, and a token
/// caller may carry a stray `Authorization` header from a proxy.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = SimulatorRequestContext

    let tokens: [String]
    let verifier: SignatureVerifier

    static let authTokenHeader = HTTPField.Name("X-Auth-Token")!
    /// Larger bodies are refused rather than buffered; HSS request bodies are small JSON.
    static let maximumBodySize = 1 << 20

    init(scenario: SimulatorScenario, maximumClockSkew: Duration?) {
        tokens = scenario.tokens
        verifier = SignatureVerifier(
            secretKeys: Dictionary(scenario.accessKeys.map { ($0.accessKey, $0.secretKey) }, uniquingKeysWith: { _, last in last }),
            maximumClockSkew: maximumClockSkew
        )
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        if let token = request.headers[Self.authTokenHeader] {
            guard let index = tokens.firstIndex(where: { Hex.constantTimeEquals($0, token) }) else {
                throw HSSAPIError.unauthorized(
                    "the X-Auth-Token is not valid for this project; get a new token from IAM (the simulator accepts the scenario's 'tokens')")
            }
            context.user = "token#\(index + 1)"
        } else if request.headers[.authorization] != nil {
            let body = try await request.collectBody(upTo: Self.maximumBodySize)
            let result = verifier.verify(
                method: request.method.rawValue,
                rawPath: request.uri.path,
                rawQuery: request.uri.query,
                host: request.head.authority ?? "",
                headers: request.headers.map { (name: $0.name.rawName, value: $0.value) },
                body: Array(body.readableBytesView)
            )
            switch result {
            case .valid(let accessKey):
                try Self.checkDeclaredPayload(request, body: Array(body.readableBytesView))
                context.user = "ak:\(accessKey)"
            case .invalid(let reason):
                context.logger.info("AK/SK verification failed", metadata: ["reason": "\(reason)"])
                throw HSSAPIError.unauthorized(reason)
            }
        } else {
            throw HSSAPIError.unauthorized(
                "no credentials; send X-Auth-Token or sign the request with SDK-HMAC-SHA256 (Authorization and X-Sdk-Date headers)")
        }
        context.logger[metadataKey: "user"] = .string(context.user ?? "")
        return try await next(request, context)
    }

    static let contentSHA256Header = HTTPField.Name("X-Sdk-Content-Sha256")!

    /// A valid signature covers the body through its payload hash, unless the request
    /// declares the hash in `X-Sdk-Content-Sha256`. So that header must itself be signed,
    /// a declared hash must be the body's, and a POST (a create: its body is the export)
    /// must not opt out with `UNSIGNED-PAYLOAD`; otherwise a changed body would pass.
    static func checkDeclaredPayload(_ request: Request, body: [UInt8]) throws {
        guard let declared = request.headers[contentSHA256Header]?.trimmingCharacters(in: .whitespaces), !body.isEmpty else { return }
        let authorization = request.headers[.authorization] ?? ""
        let signed = authorization.range(of: "SignedHeaders=").map { range in
            authorization[range.upperBound...].prefix { $0 != "," && $0 != " " }.split(separator: ";").map { $0.lowercased() }
        }
        guard signed?.contains("x-sdk-content-sha256") == true else {
            throw HSSAPIError.unauthorized("X-Sdk-Content-Sha256 is sent but not signed; list it in SignedHeaders or drop it")
        }
        if declared == "UNSIGNED-PAYLOAD" {
            if request.method == .post {
                throw HSSAPIError.unauthorized("the body of a POST must be signed; send Content-Type: application/json without UNSIGNED-PAYLOAD")
            }
            return
        }
        // The payload hash of a request without the header is the body's SHA-256.
        guard declared.lowercased() == CanonicalRequest.payloadHash(SigningRequest(method: "POST", host: "", path: "/", body: body)) else {
            throw HSSAPIError.unauthorized("the body does not match X-Sdk-Content-Sha256; sign the bytes you send")
        }
    }
}
