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
}
