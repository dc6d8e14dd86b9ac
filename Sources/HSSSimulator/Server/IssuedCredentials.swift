import Foundation

/// The credentials the simulator issued itself: metadata session tokens, the agency's
/// temporary keys and IAM tokens. Issued credentials are kept after they expire, so that a
/// request made with one is refused as expired (and counted) rather than as unknown.
struct IssuedCredentials {
    /// A set of temporary keys from `GET /openstack/latest/securitykey`.
    struct TemporaryKey: Sendable {
        var secretKey: String
        var securityToken: String
        var expiresAt: Date
    }

    /// What an IAM token is scoped to.
    enum Scope: Sendable, Equatable {
        /// A project: HSS routes accept the token for this project id only.
        case project(id: String)
        /// A domain, or no scope: good for IAM's project list, not for HSS routes.
        case domain
    }

    /// A token from `POST /v3/auth/tokens`.
    struct IAMToken: Sendable {
        /// The user it acts as, `iam:<domain>/<name>`.
        var user: String
        var scope: Scope
        var expiresAt: Date
    }

    private var sessionTokens: [String: Date] = [:]
    private var temporaryKeys: [String: TemporaryKey] = [:]
    private var iamTokens: [String: IAMToken] = [:]

    /// A new metadata session token valid until `expiresAt`.
    mutating func issueSessionToken(expiresAt: Date) -> String {
        let token = Self.random(Self.base64URL, count: 56)
        sessionTokens[token] = expiresAt
        return token
    }

    /// Whether `token` is a session token valid at `now`.
    func isValidSessionToken(_ token: String, at now: Date) -> Bool {
        guard let expiresAt = sessionTokens[token] else { return false }
        return now < expiresAt
    }

    /// A new set of temporary keys valid until `expiresAt`, with its access key.
    mutating func issueTemporaryKey(expiresAt: Date) -> (accessKey: String, key: TemporaryKey) {
        var accessKey: String
        repeat {
            accessKey = "HST" + Self.random(Self.upperAlphanumerics, count: 17)
        } while temporaryKeys[accessKey] != nil
        let key = TemporaryKey(
            secretKey: Self.random(Self.alphanumerics, count: 40),
            securityToken: "gQpjbi1ub3J0aC00" + Self.random(Self.base64URL, count: 240),
            expiresAt: expiresAt
        )
        temporaryKeys[accessKey] = key
        return (accessKey, key)
    }

    func temporaryKey(accessKey: String) -> TemporaryKey? {
        temporaryKeys[accessKey]
    }

    /// A new IAM token for `user`.
    mutating func issueIAMToken(_ token: IAMToken) -> String {
        var value: String
        repeat {
            value = "MIIT" + Self.random(Self.base64URL, count: 380)
        } while iamTokens[value] != nil
        iamTokens[value] = token
        return value
    }

    func iamToken(_ value: String) -> IAMToken? {
        iamTokens[value]
    }

    private static let upperAlphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    private static let base64URL = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// Random text from the system generator, which is cryptographically secure: issued
    /// credentials must not be guessable even on loopback.
    private static func random(_ alphabet: [Character], count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
