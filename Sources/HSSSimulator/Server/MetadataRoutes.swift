import ExportStageKit
import Foundation
import HTTPTypes
import Hummingbird

/// The ECS metadata service of a server with an agency attached, as
/// `huaweicloudsdkcore`'s `MetadataAccessor` calls it:
///
/// - `PUT /meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds: 1…21600` →
///   200 `text/plain`, a session token valid that long;
/// - `GET /openstack/latest/securitykey` with `X-Metadata-Token: <it>` → 200
///   `{"credential": {"access", "secret", "securitytoken", "expires_at"}}`, fresh temporary
///   keys on every fetch, valid for the scenario's `metadata.ttl`.
///
/// A missing, unknown or expired session token is 401 (the SDK then gets a new one); a
/// missing or bad TTL header is 400. With `attached: false` a key fetch with a valid session
/// token is 401 `Please configure Cloud Service Agency first`, the text the SDK looks for.
struct MetadataRoutes {
    let metadata: SimulatorScenario.Metadata
    let state: SimulatorState

    static let tokenPath = "meta-data/latest/api/token"
    static let securityKeyPath = "openstack/latest/securitykey"
    static let ttlHeader = HTTPField.Name("X-Metadata-Token-Ttl-Seconds")!
    static let tokenHeader = HTTPField.Name("X-Metadata-Token")!
    /// The longest session token ECS grants: 6 hours.
    static let maximumSessionSeconds = 21_600

    func register(on router: Router<SimulatorRequestContext>) {
        router.put(RouterPath(Self.tokenPath)) { request, _ in
            try await sessionToken(request)
        }
        router.get(RouterPath(Self.securityKeyPath)) { request, _ in
            try await securityKey(request)
        }
    }

    private func sessionToken(_ request: Request) async throws -> Response {
        let text = request.headers[Self.ttlHeader]?.trimmingCharacters(in: .whitespaces)
        guard let text, let seconds = Int(text), (1...Self.maximumSessionSeconds).contains(seconds) else {
            await state.recordMetadataRefusal()
            throw HSSAPIError(
                status: 400, code: "METADATA.0400",
                message:
                    "X-Metadata-Token-Ttl-Seconds must be a whole number of seconds from 1 to \(Self.maximumSessionSeconds), not '\(text ?? "missing")'"
            )
        }
        let token = await state.issueSessionToken(ttl: .seconds(seconds))
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain", Self.ttlHeader: String(seconds)],
            body: .init(byteBuffer: ByteBuffer(string: token))
        )
    }

    private func securityKey(_ request: Request) async throws -> Response {
        guard let token = request.headers[Self.tokenHeader], await state.isValidSessionToken(token) else {
            await state.recordMetadataRefusal()
            let problem = request.headers[Self.tokenHeader] == nil ? "no X-Metadata-Token" : "the X-Metadata-Token is unknown or expired"
            throw HSSAPIError(
                status: 401, code: "METADATA.0401",
                message: "\(problem); get a session token with PUT /\(Self.tokenPath) (header X-Metadata-Token-Ttl-Seconds) first")
        }
        guard metadata.attached else {
            await state.recordMetadataRefusal()
            throw HSSAPIError(
                status: 401, code: "METADATA.0401",
                message: "Please configure Cloud Service Agency first: this server has no agency attached, so it has no temporary keys")
        }
        let (accessKey, key) = await state.issueTemporaryKey(ttl: metadata.ttl)
        let body = JSONValue.object([
            (
                "credential",
                .object([
                    ("access", .string(accessKey)),
                    ("secret", .string(key.secretKey)),
                    ("securitytoken", .string(key.securityToken)),
                    ("expires_at", .string(MicrosecondTimestamp.format(key.expiresAt))),
                ])
            )
        ])
        return SimulatorRoutes.json(body.serialized(escapingLineSeparators: false))
    }
}
