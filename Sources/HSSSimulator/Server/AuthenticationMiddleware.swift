import Foundation
import HSSSigning
import HTTPTypes
import Hummingbird
import Logging

/// Accepts `X-Auth-Token` (a scenario token or an IAM-issued one) or an `SDK-HMAC-SHA256`
/// signature (a scenario access key, or temporary keys from the metadata service with their
/// `X-Security-Token`), and records who is calling in the context. Anything else is 401
/// `APIG.0301`; an expired IAM token or temporary key is 401 `APIG.0307`, counted in the
/// statistics as an expired-credential rejection.
///
/// A token is checked first when both are present: the SDK never sends both, and a token
/// caller may carry a stray `Authorization` header from a proxy.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = SimulatorRequestContext

    let tokens: [String]
    let state: SimulatorState
    let verifier: SignatureVerifier
    let staticAccessKeys: Set<String>
    let maximumClockSkew: Duration?
    /// The one user every metadata-issued key acts as.
    let agencyUser: String

    static let authTokenHeader = HTTPField.Name("X-Auth-Token")!
    static let securityTokenHeader = HTTPField.Name("X-Security-Token")!
    /// Larger bodies are refused rather than buffered; HSS request bodies are small JSON.
    static let maximumBodySize = 1 << 20

    init(scenario: SimulatorScenario, state: SimulatorState, maximumClockSkew: Duration?) {
        tokens = scenario.tokens
        self.state = state
        self.maximumClockSkew = maximumClockSkew
        staticAccessKeys = Set(scenario.accessKeys.map(\.accessKey))
        agencyUser = "agency:\(scenario.metadata?.agency ?? SimulatorScenario.Metadata.defaultAgency)"
        verifier = SignatureVerifier(
            secretKeys: Dictionary(scenario.accessKeys.map { ($0.accessKey, $0.secretKey) }, uniquingKeysWith: { _, last in last }),
            maximumClockSkew: maximumClockSkew
        )
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        if let token = request.headers[Self.authTokenHeader] {
            context.user = try await tokenUser(token, context: context)
        } else if let authorization = request.headers[.authorization] {
            let body = Array(try await request.collectBody(upTo: Self.maximumBodySize).readableBytesView)
            var verifier = self.verifier
            var temporaryUser: String?
            if let accessKey = Self.accessKey(in: authorization), !staticAccessKeys.contains(accessKey),
                let temporary = await state.temporaryKey(accessKey: accessKey)
            {
                try await checkTemporaryKey(accessKey, temporary, request: request)
                verifier = SignatureVerifier(secretKeys: [accessKey: temporary.secretKey], maximumClockSkew: maximumClockSkew)
                temporaryUser = agencyUser
            }
            let result = verifier.verify(
                method: request.method.rawValue,
                rawPath: request.uri.path,
                rawQuery: request.uri.query,
                host: request.head.authority ?? "",
                headers: request.headers.map { (name: $0.name.rawName, value: $0.value) },
                body: body
            )
            switch result {
            case .valid(let accessKey):
                try Self.checkDeclaredPayload(request, body: body)
                context.user = temporaryUser ?? "ak:\(accessKey)"
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

    /// The user of a scenario token or an unexpired IAM token; a project-scoped IAM token is
    /// good for its own project's paths only.
    private func tokenUser(_ token: String, context: Context) async throws -> String {
        if let index = tokens.firstIndex(where: { Hex.constantTimeEquals($0, token) }) {
            return "token#\(index + 1)"
        }
        guard let issued = await state.iamToken(token) else {
            throw HSSAPIError.unauthorized(
                "the X-Auth-Token is not valid for this project; get a new token from IAM (the simulator accepts the scenario's 'tokens' and tokens from POST /v3/auth/tokens)"
            )
        }
        guard Date() < issued.expiresAt else {
            await state.recordExpired(.iamToken)
            throw HSSAPIError.credentialExpired(
                "the X-Auth-Token expired at \(MicrosecondTimestamp.format(issued.expiresAt)); get a new one from IAM (POST /v3/auth/tokens) before expires_at"
            )
        }
        if let raw = context.parameters.get("project_id") {
            let projectID = HSSPercentEncoding.decode(raw)
            switch issued.scope {
            case .project(let scoped) where scoped != projectID:
                throw HSSAPIError.unauthorized(
                    "the X-Auth-Token is scoped to project '\(scoped)', not '\(projectID)'; get a token scoped to this project (scope.project.id)")
            case .domain:
                throw HSSAPIError.unauthorized(
                    "the X-Auth-Token is not scoped to a project; HSS needs a project-scoped token (scope: {project: {id: '\(projectID)'}})")
            default: break
            }
        }
        return issued.user
    }

    /// Temporary keys need their own security token and are refused from `expires_at` on,
    /// with no grace, so a client that signs with keys a moment too old is caught.
    private func checkTemporaryKey(_ accessKey: String, _ temporary: IssuedCredentials.TemporaryKey, request: Request) async throws {
        guard let sent = request.headers[Self.securityTokenHeader] else {
            throw HSSAPIError.unauthorized(
                "access key '\(accessKey)' is a temporary key; send its securitytoken in X-Security-Token")
        }
        guard Hex.constantTimeEquals(sent, temporary.securityToken) else {
            throw HSSAPIError.unauthorized(
                "the X-Security-Token is not the one issued with access key '\(accessKey)'; send the securitytoken fetched together with the key")
        }
        guard Date() < temporary.expiresAt else {
            await state.recordExpired(.temporaryKey)
            throw HSSAPIError.credentialExpired(
                "the security token of access key '\(accessKey)' expired at \(MicrosecondTimestamp.format(temporary.expiresAt)); "
                    + "fetch new keys from the metadata service before expires_at")
        }
    }

    /// The `Access=` value of an `SDK-HMAC-SHA256` authorization, or `nil`; the verifier
    /// checks the rest.
    static func accessKey(in authorization: String) -> String? {
        guard let range = authorization.range(of: "Access=") else { return nil }
        let value = authorization[range.upperBound...].prefix { $0 != "," && $0 != " " }
        return value.isEmpty ? nil : String(value)
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
