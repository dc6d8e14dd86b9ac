import AsyncHTTPClient
import ExportStageKit
import Foundation
public import HSSSigning
public import Logging
import NIOCore
import NIOHTTP1

/// The temporary keys of the agency attached to this ECS server, from the
/// metadata service, fetched again before they expire (``ExpiryRule``).
///
/// One fetch at a time: callers that need keys while a fetch runs wait for
/// it (single flight), so many sources sharing one provider cause one fetch.
public actor ECSMetadataCredentialProvider: CredentialProvider {
    /// Where the metadata service is unless `HSS_EXPORT_METADATA_ENDPOINT` says otherwise.
    public static let defaultEndpoint = "http://169.254.169.254"
    /// The session token's lifetime asked for, as the SDK asks: 6 hours.
    static let sessionTokenSeconds = 21600
    static let agencyMissing = "Please configure Cloud Service Agency first"

    struct Keys: Sendable {
        var keys: AccessKeyCredentials
        var expiresAt: Date
        var fetchedAt: Date
    }

    /// The metadata service's base URL.
    public let endpoint: String
    let timeout: Duration
    let tries: Int
    let logger: Logger
    let onSecrets: @Sendable ([String]) -> Void
    private var sessionToken: (value: String, expiresAt: Date)?
    private var current: Keys?
    private var inFlight: Task<Keys, any Error>?
    /// How many times keys were fetched.
    public private(set) var fetches = 0

    /// Creates a provider; nothing is fetched yet.
    /// - Parameters:
    ///   - endpoint: The metadata service, by default ``defaultEndpoint``.
    ///   - timeout: Connect and request limit of each metadata request; default 2 s.
    ///   - tries: Attempts when the service does not answer; default 2.
    ///   - logger: Receives one info line per fetch (the key id and expiry, never a secret).
    ///   - onSecrets: Called with the secret key and security token of every fetched set,
    ///     so the caller's redactor knows them before they can appear anywhere.
    public init(
        endpoint: String = ECSMetadataCredentialProvider.defaultEndpoint, timeout: Duration = .seconds(2), tries: Int = 2,
        logger: Logger, onSecrets: @escaping @Sendable ([String]) -> Void = { _ in }
    ) {
        var endpoint = endpoint
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.endpoint = endpoint
        self.timeout = timeout
        self.tries = max(1, tries)
        self.logger = logger
        self.onSecrets = onSecrets
    }

    /// Keys valid for at least `validity` (within ``ExpiryRule``), fetched when needed.
    public func credentials(validFor validity: Duration) async throws -> HSSCredentials {
        if let current, !ExpiryRule.needsRefresh(expiresAt: current.expiresAt, fetchedAt: current.fetchedAt, validity: validity) {
            return .accessKey(current.keys)
        }
        return .accessKey(try await fetchOnce().keys)
    }

    /// Fetches new keys unless someone already replaced `rejected`.
    public func refresh(after rejected: HSSCredentials) async throws -> Bool {
        if let current, HSSCredentials.accessKey(current.keys) != rejected { return true }
        _ = try await fetchOnce()
        return true
    }

    private func fetchOnce() async throws -> Keys {
        if let inFlight { return try await inFlight.value }
        let task = Task { try await self.fetch() }
        inFlight = task
        defer { inFlight = nil }
        let keys = try await task.value
        current = keys
        return keys
    }

    private func fetch() async throws -> Keys {
        let url = endpoint + "/openstack/latest/securitykey"
        var answer = try await request(.GET, url, headers: try await sessionHeaders(renew: false))
        if answer.status == 401, !answer.text.contains(Self.agencyMissing) {
            // The session token expired or the service restarted: one new token, one retry.
            answer = try await request(.GET, url, headers: try await sessionHeaders(renew: true))
        }
        if answer.status == 401, answer.text.contains(Self.agencyMissing) {
            throw CredentialsError(
                "the ECS metadata service at \(endpoint) has no agency keys for this server (HTTP \(answer.status))",
                fix: Self.agencyHelp, isRefusal: true)
        }
        guard (200..<300).contains(answer.status) else {
            throw CredentialsError(
                "the ECS metadata service at \(endpoint) answered GET /openstack/latest/securitykey with HTTP \(answer.status)",
                fix: Self.agencyHelp)
        }
        let keys = try Self.parse(answer.body, endpoint: endpoint)
        onSecrets([keys.keys.secretKey] + (keys.keys.securityToken.map { [$0] } ?? []))
        fetches += 1
        logger.info(
            "fetched ECS agency keys",
            metadata: ["access_key": "\(keys.keys.accessKey)", "expires_at": "\(keys.expiresAt)", "fetch": "\(fetches)"])
        return keys
    }

    private func sessionHeaders(renew: Bool) async throws -> [(String, String)] {
        if !renew, let sessionToken, sessionToken.expiresAt > Date().addingTimeInterval(60) {
            return [("X-Metadata-Token", sessionToken.value)]
        }
        let answer = try await request(
            .PUT, endpoint + "/meta-data/latest/api/token", headers: [("X-Metadata-Token-Ttl-Seconds", "\(Self.sessionTokenSeconds)")])
        switch answer.status {
        case 200:
            let token = answer.text.trimmingCharacters(in: .whitespacesAndNewlines)
            onSecrets([token])
            sessionToken = (token, Date().addingTimeInterval(Double(Self.sessionTokenSeconds)))
            return [("X-Metadata-Token", token)]
        case 404, 405, 503:
            // A service without session tokens (IMDSv1): the SDK then asks without one.
            sessionToken = nil
            return []
        default:
            throw CredentialsError(
                "the ECS metadata service at \(endpoint) refused a session token (PUT /meta-data/latest/api/token: HTTP \(answer.status))",
                fix: Self.agencyHelp)
        }
    }

    private func request(_ method: HTTPMethod, _ url: String, headers: [(String, String)]) async throws -> CredentialHTTP.Answer {
        var lastError: (any Error)?
        for attempt in 1...tries {
            do {
                return try await CredentialHTTP.send(method, url, headers: headers, timeout: timeout, connectTimeout: timeout)
            } catch {
                if Task.isCancelled { throw CancellationError() }
                lastError = error
                logger.debug("ECS metadata request failed", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
            }
        }
        throw CredentialsError(
            "the ECS metadata service at \(endpoint) does not answer (\(tries) tries of \(timeout) each: \(lastError.map { "\($0)" } ?? "no answer"))",
            fix: Self.agencyHelp)
    }

    /// What an agency is and how to attach one.
    static let agencyHelp =
        "without HSS_AUTH_TOKEN, HUAWEICLOUD_SDK_AK/SK or a profile file, hss-export uses the temporary keys of the ECS server's agency. "
        + "An agency is an IAM identity the server acts as, so no keys are stored on it: create one in IAM (Agencies > Create Agency, type "
        + "Cloud service, service ECS/BMS, with HSS permissions), attach it in the ECS console (the server > Agency, or More > Manage > Change Agency), "
        + "and run hss-export on that server; elsewhere, set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK or write ~/.huaweicloud/credentials"

    static func parse(_ body: [UInt8], endpoint: String) throws -> Keys {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw CredentialsError("the ECS metadata service at \(endpoint) answered with something that is not JSON", fix: agencyHelp)
        }
        let map = (object["credential"] as? [String: Any]) ?? (object["credentials"] as? [String: Any]) ?? object
        func text(_ names: String...) -> String? {
            for name in names { if let value = map[name] as? String, !value.isEmpty { return value } }
            return nil
        }
        guard let access = text("access", "accessKeyId", "access_key_id"), let secret = text("secret", "secretAccessKey", "secret_access_key")
        else {
            throw CredentialsError("the ECS metadata service at \(endpoint) answered without access and secret", fix: agencyHelp)
        }
        let token = text("securitytoken", "securityToken", "security_token")
        guard let expiry = text("expires_at", "expiration"), let expiresAt = ExpiryRule.parseTimestamp(expiry) else {
            throw CredentialsError("the ECS metadata service at \(endpoint) answered without a readable expires_at", fix: agencyHelp)
        }
        return Keys(keys: AccessKeyCredentials(accessKey: access, secretKey: secret, securityToken: token), expiresAt: expiresAt, fetchedAt: Date())
    }
}
